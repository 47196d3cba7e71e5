"""The right-of-reply panel: the published statuses, the log, and quick entry."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt

from workbench.analysis import replies as rr
from workbench.services.replies import reply_records
from workbench.store import events
from workbench.store.case import CaseFile


@pytest.fixture
def window(private_window):
    return private_window


def _statuses(panel) -> dict[str, str]:
    model = panel.model
    return {str(model.row_key(r, "name")): str(model.row_key(r, "status"))
            for r in range(model.rowCount())}


def test_the_sample_shows_the_published_statuses(window, qtmodeltester) -> None:
    panel = window.panels["replies"]
    statuses = _statuses(panel)
    assert len(statuses) == 6
    by_start = {name.split()[0].casefold(): status for name, status in statuses.items()}
    for name in ("aurus", "byt", "enertech", "industrie"):
        assert by_start[name] == rr.NO_RESPONSE
    assert by_start["rain"] == rr.UNREACHABLE
    assert by_start["kyungki"] == rr.REPLIED
    qtmodeltester.check(panel.model)
    model = panel.model
    for row in range(model.rowCount()):
        colour = model.data(model.index(row, 1), Qt.ItemDataRole.ForegroundRole)
        status = model.row_key(row, "status")
        assert (colour is not None) == (status in (rr.NO_RESPONSE, rr.UNREACHABLE))


def test_sorted_by_deadline_and_the_log_marks_the_contradiction(window) -> None:
    panel = window.panels["replies"]
    model = panel.model

    def deadlines() -> list[str]:
        return [str(model.row_key(r, "deadline")) for r in range(model.rowCount())]

    assert deadlines() == sorted(deadlines())  # the default: deadline ascending
    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert deadlines() == sorted(deadlines(), reverse=True)
    panel.select("Kyungki Industrial Co")
    text = panel.log.toPlainText()
    assert "contradicts the earlier answer" in text
    assert text.index("2024-05-29") < text.index("2024-06-05") < text.index("2024-06-10")
    assert panel.company.text() == "Kyungki Industrial Co"


def test_recording_a_request_through_the_form(window, qtbot, tmp_path: Path) -> None:
    panel = window.panels["replies"]
    panel.kind.setCurrentText("request")
    panel.channel.setCurrentText("letter")
    panel.company.setText("Nordwind Logistik GmbH")
    panel.who.setText("press office")
    today = QDate.currentDate()
    panel.date.setDate(today)
    panel.deadline.setDate(today.addDays(10))
    panel.text.setText("Did you ship the parts listed?")
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)
    statuses = _statuses(panel)
    assert statuses["Nordwind Logistik GmbH"] == rr.AWAITING
    assert panel.selected_company() == "Nordwind Logistik GmbH"
    assert "Recorded" in panel.message.text()
    panel.resize(1300, 360)
    assert panel.grab().save(str(tmp_path / "replies.png"))

    case = CaseFile.open(window.session.summary.path, read_only=True)
    try:
        logged = [e for e in events.read(case.conn, rr.REQUEST)
                  if e.payload["company"] == "Nordwind Logistik GmbH"]
        records = {r.name: r for r in reply_records(case, date.today())}
    finally:
        case.close()
    assert len(logged) == 1
    assert logged[0].payload["to"] == "press office"
    assert logged[0].payload["deadline"] == (date.today() + timedelta(days=10)).isoformat()
    assert records["Nordwind Logistik GmbH"].status == rr.AWAITING
    path = window.session.summary.path.parent
    window.close_case()
    assert window.open_case(path)
    assert _statuses(window.panels["replies"])["Nordwind Logistik GmbH"] == rr.AWAITING


def test_a_bad_entry_is_one_sentence_and_records_nothing(window, qtbot) -> None:
    panel = window.panels["replies"]
    before = panel.model.rowCount()
    panel.kind.setCurrentText("reply")
    panel.company.setText("Nordwind Logistik GmbH")
    panel.text.clear()
    panel.record()
    assert panel.message.text() == "Give the text of the reply."
    assert panel.model.rowCount() == before
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(panel.text.hasFocus)


def test_the_next_request_is_never_sent_to_the_previous_contact(window, qtbot) -> None:
    """Choosing another company, or recording an entry, empties the contact and the text."""
    panel = window.panels["replies"]
    panel.kind.setCurrentText("request")
    panel.company.setText("Nordwind Logistik GmbH")
    panel.who.setText("presse@nordwind.example")
    panel.text.setText("Who bought the parts?")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert "Recorded" in panel.message.text()
    assert panel.who.text() == ""
    assert panel.text.text() == ""

    panel.who.setText("presse@nordwind.example")  # typed, then another company chosen
    other = next(r for r in range(panel.model.rowCount())
                 if str(panel.model.row_key(r, "name")).startswith("BYT"))
    rect = panel.table.visualRect(panel.model.index(other, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.company.text().startswith("BYT")
    assert panel.who.text() == ""
    panel.text.setText("Second request")
    qtbot.keyClick(panel.text, Qt.Key.Key_Return)

    case = CaseFile.open(window.session.summary.path, read_only=True)
    try:
        logged = {e.payload["company"]: e.payload for e in events.read(case.conn, rr.REQUEST)
                  if e.payload.get("questions") in ("Who bought the parts?", "Second request")}
    finally:
        case.close()
    assert logged["Nordwind Logistik GmbH"]["to"] == "presse@nordwind.example"
    byt = next(p for name, p in logged.items() if name.startswith("BYT"))
    assert byt.get("to") is None


def test_the_form_fields_are_wide_enough_to_read(window) -> None:
    panel = window.panels["replies"]
    window.docks["replies"].raise_()
    chars = panel.fontMetrics().averageCharWidth()
    for field in (panel.company, panel.who, panel.text):
        assert field.isVisible()
        assert field.width() >= 20 * chars, field.objectName()
