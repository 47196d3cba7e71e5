"""The one filter and selection state that every panel observes (no Qt here).

Panels never call each other: they change this state and react to its changes. Each change is
announced once, as a :class:`StateChange` naming what changed and who changed it, so a panel
can skip its own echo and refresh only what concerns it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.analysis.filters import Condition

FILTER = "filter"
SELECTION = "selection"
DATA = "data"
COMPANIES = "companies"
RECORD = "record"  # the analyst's record: notes, sources, annotations, replies, figures


@dataclass(frozen=True)
class StateChange:
    kinds: frozenset[str]
    source: object | None = None

    def __contains__(self, kind: str) -> bool:
        return kind in self.kinds


Observer = Callable[[StateChange], None]


@dataclass
class ViewState:
    """Conditions (keyed by who set them), a quick search text, and the selected rows.

    Keys let a panel own its condition: the timeline's date span or the suppliers panel's choice
    replaces its earlier one instead of piling up. The filter bar shows every condition as a
    chip, whoever set it.
    """

    _conditions: dict[str, Condition] = field(default_factory=dict)
    _search: str = ""
    _selected: tuple[int, ...] = ()
    _observers: list[Observer] = field(default_factory=list)

    # -- observing ----------------------------------------------------------------------------

    def subscribe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer`` on every change; returns a function that stops it."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def _announce(self, kinds: set[str], source: object | None) -> None:
        change = StateChange(frozenset(kinds), source)
        for observer in list(self._observers):
            observer(change)

    # -- filter ---------------------------------------------------------------------------------

    @property
    def conditions(self) -> list[Condition]:
        return list(self._conditions.values())

    @property
    def keyed_conditions(self) -> dict[str, Condition]:
        return dict(self._conditions)

    @property
    def search(self) -> str:
        return self._search

    def set_condition(
        self, key: str, condition: Condition | None, *, source: object | None = None
    ) -> None:
        """Set (or with None, remove) the condition held under ``key``."""
        if condition is None:
            if key not in self._conditions:
                return
            del self._conditions[key]
        else:
            if self._conditions.get(key) == condition:
                return
            self._conditions[key] = condition
        self._selected = ()
        self._announce({FILTER, SELECTION}, source)

    def set_conditions(
        self, conditions: dict[str, Condition], *, source: object | None = None
    ) -> None:
        """Replace every condition at once (one announcement)."""
        if conditions == self._conditions:
            return
        self._conditions = dict(conditions)
        self._selected = ()
        self._announce({FILTER, SELECTION}, source)

    def restore(
        self, conditions: dict[str, Condition], search: str, *, source: object | None = None
    ) -> None:
        """Put back a whole filter (conditions and search) in one announcement."""
        if conditions == self._conditions and search == self._search:
            return
        self._conditions = dict(conditions)
        self._search = search
        self._selected = ()
        self._announce({FILTER, SELECTION}, source)

    def clear(self, *, source: object | None = None) -> None:
        if not self._conditions and not self._search:
            return
        self._conditions.clear()
        self._search = ""
        self._selected = ()
        self._announce({FILTER, SELECTION}, source)

    def set_search(self, text: str, *, source: object | None = None) -> None:
        text = text.strip()
        if text == self._search:
            return
        self._search = text
        self._selected = ()
        self._announce({FILTER, SELECTION}, source)

    # -- selection ------------------------------------------------------------------------------

    @property
    def selected_rows(self) -> tuple[int, ...]:
        """Positions in the case's shipment frame (not view rows)."""
        return self._selected

    def select_rows(self, rows: tuple[int, ...], *, source: object | None = None) -> None:
        if rows == self._selected:
            return
        self._selected = tuple(rows)
        self._announce({SELECTION}, source)

    # -- data -----------------------------------------------------------------------------------

    def companies_changed(self, *, source: object | None = None) -> None:
        """A company decision (merge, split, rename...) changed who is who."""
        self._announce({COMPANIES}, source)

    def record_changed(self, *, source: object | None = None) -> None:
        """Something was added to (or undone in) the analyst's record; companies may follow."""
        self._announce({RECORD, COMPANIES}, source)

    def values_changed(self, *, source: object | None = None) -> None:
        """Some shipments' values changed (another extract's value counts now); the rows stay
        where they are, so the selection is kept."""
        self._announce({DATA, FILTER, RECORD, COMPANIES}, source)

    def data_changed(self, *, source: object | None = None) -> None:
        """The shipments themselves changed (an import): everything refreshes."""
        self._selected = ()
        self._announce({DATA, FILTER, SELECTION, RECORD}, source)


class FilterHistory:
    """Undo and redo for the filter: every filter change is a step, as in a browser's history."""

    def __init__(self, state: ViewState, limit: int = 200) -> None:
        self.state = state
        self.limit = limit
        self._past: list[tuple[dict[str, Condition], str]] = []
        self._future: list[tuple[dict[str, Condition], str]] = []
        self._current = self._snapshot()
        self._restoring = False
        self.on_step: Callable[[], None] | None = None  # told of every new step
        state.subscribe(self._on_change)

    def _snapshot(self) -> tuple[dict[str, Condition], str]:
        return self.state.keyed_conditions, self.state.search

    def _on_change(self, change: StateChange) -> None:
        if FILTER not in change or self._restoring:
            return
        snapshot = self._snapshot()
        if snapshot == self._current:
            return
        self._past.append(self._current)
        del self._past[: -self.limit]
        self._future.clear()
        self._current = snapshot
        if self.on_step is not None:
            self.on_step()

    @property
    def can_undo(self) -> bool:
        return bool(self._past)

    @property
    def can_redo(self) -> bool:
        return bool(self._future)

    def forget_redo(self) -> None:
        """Drop the steps that could be redone (another kind of change came after them)."""
        self._future.clear()

    def undo(self) -> None:
        if self._past:
            self._future.append(self._current)
            self._restore(self._past.pop())

    def redo(self) -> None:
        if self._future:
            self._past.append(self._current)
            self._restore(self._future.pop())

    def _restore(self, snapshot: tuple[dict[str, Condition], str]) -> None:
        self._restoring = True
        try:
            self.state.restore(*snapshot, source=self)
        finally:
            self._restoring = False
        self._current = self._snapshot()
