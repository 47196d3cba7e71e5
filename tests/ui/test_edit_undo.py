"""Edit > Undo and Redo across filters and the record, and undo from the History panel."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from workbench.analysis import replies as rr
from workbench.analysis.filters import Condition
from workbench.services.replies import reply_records
from workbench.store import events
from workbench.store.case import CaseFile
from workbench.ui.actions import ActionId

COMPANY = "Nordwind Logistik GmbH"


def _status(window) -> str | None:
    case = CaseFile.open(window.session.summary.path, read_only=True)
    try:
        records = {r.name: r.status for r in reply_records(case, date.today())}
    finally:
        case.close()
    return records.get(COMPANY)


def _record_request(window, qtbot) -> None:
    panel = window.panels["replies"]
    panel.kind.setCurrentText("request")
    panel.company.setText(COMPANY)
    panel.text.setText("Did you ship the parts listed?")
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)


def test_undo_takes_back_filters_and_record_changes_in_order(private_window, qtbot) -> None:
    window = private_window
    undo, redo = window.actions[ActionId.EDIT_UNDO], window.actions[ActionId.EDIT_REDO]
    state, replies = window.session.state, window.panels["replies"]
    state.set_condition("test", Condition("origin_country", "=", "KR"), source=None)
    assert undo.text() == "&Undo filter change"
    _record_request(window, qtbot)
    assert _status(window) == rr.AWAITING
    assert undo.text().startswith(f"&Undo asked {COMPANY}")

    undo.trigger()  # the request first: the latest step
    assert _status(window) is None
    assert COMPANY not in {replies.model.row_key(r, "name")
                           for r in range(replies.model.rowCount())}
    assert state.keyed_conditions  # the filter is still set
    assert redo.isEnabled()
    assert redo.text().startswith("&Redo asked")

    undo.trigger()  # then the filter
    assert not state.keyed_conditions
    assert not undo.isEnabled()

    redo.trigger()
    redo.trigger()
    assert state.keyed_conditions
    assert _status(window) == rr.AWAITING

    # The undo and the redo are in the log, by the reporter, with what they changed.
    case = CaseFile.open(window.session.summary.path, read_only=True)
    try:
        undos = events.read(case.conn, events.UNDO)
    finally:
        case.close()
    assert [u.payload["kind"] for u in undos] == ["reply.request", events.UNDO]
    assert all(u.payload["summary"].startswith(f"asked {COMPANY}") for u in undos)


def test_a_new_change_clears_redo(private_window, qtbot) -> None:
    window = private_window
    _record_request(window, qtbot)
    window.actions[ActionId.EDIT_UNDO].trigger()
    assert window.actions[ActionId.EDIT_REDO].isEnabled()
    window.session.state.set_condition("test", Condition("origin_country", "=", "KR"))
    assert not window.actions[ActionId.EDIT_REDO].isEnabled()


def test_history_panel_undoes_any_change_and_greys_it(private_window, qtbot) -> None:
    window = private_window
    panel = window.panels["history"]
    panel.search.setText("Mong Kok")  # the sample's annotation on Rain Electronics
    panel.apply_search()
    assert panel.model.rowCount() == 1
    panel.table.selectRow(0)
    assert panel.undo_button.isEnabled()
    panel.undo_button.click()
    assert "undid annotation on Rain Electronics" in panel.message.text()
    panel.search.clear()
    panel.apply_search()
    undone = [r for r in panel.shown if r["undone"]]
    assert [r["kind"] for r in undone] == ["annotation.added"]
    row = panel.shown.index(undone[0])
    grey = panel.model.data(panel.model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
    assert grey is not None
    panel.table.selectRow(row)
    assert not panel.undo_button.isEnabled()  # already undone: redo is Edit > Redo's job
    window.actions[ActionId.EDIT_UNDO].trigger()  # takes back the undo
    assert [r["kind"] for r in panel.shown if r["undone"]] == [events.UNDO]
    assert panel.shown[0]["summary"].startswith("redid annotation on Rain Electronics")


def test_a_removal_is_named_as_such_on_the_edit_menu(private_window) -> None:
    panel = private_window.panels["annotations"]
    panel.table.selectRow(0)
    panel.remove_selected()
    text = private_window.actions[ActionId.EDIT_UNDO].text()
    assert text.startswith("&Undo removal of annotation on ")
