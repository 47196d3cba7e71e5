"""The shared view state: one announcement per change, keyed conditions, undo of filters."""

from __future__ import annotations

from workbench.analysis.filters import parse_where
from workbench.analysis.view_state import FILTER, SELECTION, FilterHistory, ViewState


def test_each_change_is_announced_once_with_its_source() -> None:
    state = ViewState()
    seen = []
    state.subscribe(seen.append)
    state.set_condition("timeline", parse_where("date>=2022-02-24"), source="timeline")
    state.set_condition("timeline", parse_where("date>=2022-02-24"), source="timeline")  # no-op
    assert len(seen) == 1
    assert FILTER in seen[0]
    assert seen[0].source == "timeline"
    state.select_rows((1, 2), source="table")
    assert seen[-1].kinds == frozenset({SELECTION})


def test_a_key_holds_one_condition() -> None:
    state = ViewState()
    state.set_condition("supplier", parse_where("sender=A"))
    state.set_condition("supplier", parse_where("sender=B"))
    state.set_condition("bar:1", parse_where("origin_country=KR"))
    assert [c.value for c in state.conditions] == ["B", "KR"]
    state.set_condition("supplier", None)
    assert [c.value for c in state.conditions] == ["KR"]


def test_filter_changes_clear_the_selection() -> None:
    state = ViewState()
    state.select_rows((3,))
    state.set_search("kyungki")
    assert state.selected_rows == ()


def test_undo_and_redo_walk_the_filter_history() -> None:
    state = ViewState()
    history = FilterHistory(state)
    state.set_condition("a", parse_where("origin_country=KR"))
    state.set_search("byt")
    state.set_condition("a", None)
    history.undo()
    assert ([c.value for c in state.conditions], state.search) == (["KR"], "byt")
    history.undo()
    assert ([c.value for c in state.conditions], state.search) == (["KR"], "")
    history.undo()
    assert (state.conditions, history.can_undo) == ([], False)
    history.redo()
    history.redo()
    assert state.search == "byt"
    state.clear()  # a new change drops the redo branch
    assert not history.can_redo
