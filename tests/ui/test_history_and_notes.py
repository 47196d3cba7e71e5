"""The History and Notes panels on a private copy of the sample case."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def window(private_window):
    return private_window


def _rows(panel) -> list[dict[str, str]]:
    model = panel.model
    keys = [c.key for c in model.columns]
    return [{k: str(model.row_key(r, k)) for k in keys} for r in range(model.rowCount())]


def test_history_lists_imports_and_journal_events(window, qtmodeltester, tmp_path) -> None:
    panel = window.panels["history"]
    rows = _rows(panel)
    kinds = {r["kind"] for r in rows}
    assert "Import" in kinds
    assert {"Asked for comment", "Note saved", "Source added", "Reply received"} <= kinds
    assert any(r["author"] == "sample reporter" and r["time"].startswith("2024-05-27")
               for r in rows if r["kind"] == "Asked for comment")
    assert all(r["author"] for r in rows)
    # What the case folder brought is dated by what it describes, never by clock zero.
    folder = [r for r in rows if r["author"] == "case folder"]
    assert folder
    assert not any(r["time"].startswith("1970") for r in rows)
    assert {"2018-05", "2022-02-24", "2024-02"} <= {r["time"] for r in folder}
    times = [r["time"] for r in rows if r["author"] != "case folder"]
    assert all(times)
    assert times == sorted(times, reverse=True)  # newest first
    # No machine name reaches the reporter: not in kinds, summaries or headers.
    shown = [r["kind"] for r in rows] + [r["summary"] for r in rows] + [
        str(panel.model.headerData(c, Qt.Orientation.Horizontal))
        for c in range(panel.model.columnCount())]
    for internal in ("stat_value_usd", "origin_country", "figure.saved", "reply.response"):
        assert not any(internal in text for text in shown), internal
    assert not any("_" in r["kind"] or "." in r["kind"] for r in rows)
    qtmodeltester.check(panel.model)

    panel.company.setText("Kyungki")
    panel.reload()
    narrowed = _rows(panel)
    assert 0 < len(narrowed) < len(rows)
    assert all(r["kind"] != "Import" for r in narrowed)
    assert any("Kyungki" in r["summary"] for r in narrowed)

    panel.company.clear()
    panel.reload()
    panel.search.setText("import of")
    panel.apply_search()
    found = _rows(panel)
    assert found
    assert all("import of" in r["summary"] for r in found)
    panel.search.clear()
    panel.apply_search()
    panel.resize(1300, 360)
    assert panel.grab().save(str(tmp_path / "history.png"))


def test_a_note_saved_in_the_panel_shows_everywhere(window, qtbot, tmp_path) -> None:
    notes = window.panels["notes"]
    history = window.panels["history"]
    assert len(notes.titles("note")) == 3  # the sample folder's notes/
    assert len(notes.titles("source")) == 4
    notes.new_note()
    notes.title.setText("Call with the customs broker")
    notes.editor.setPlainText("# Broker call\n\nSaid the parts went *through Busan*.")
    notes.confidential.setChecked(True)
    qtbot.waitUntil(lambda: "Broker call" in notes.preview.toPlainText())
    preview = notes.preview.toPlainText()
    assert "#" not in preview
    assert "through Busan" in preview
    notes.editor.setFocus()
    qtbot.keyClick(notes.editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    assert "Call with the customs broker" in notes.titles("note")
    assert notes.current_entry() == ("note", "Call with the customs broker")
    assert "[confidential]" in notes.items.currentItem().text()
    window.session.state.companies_changed()
    summaries = [r["summary"] for r in _rows(history)]
    assert "note 'Call with the customs broker' saved (confidential)" in summaries[0]

    assert notes.choose("source", "kyungki_statement")
    assert notes.editor.isReadOnly()
    assert notes.editor.toPlainText().strip()
    assert "kyungki_statement.txt" in notes.preview.toPlainText()
    notes.resize(360, 820)
    assert notes.grab().save(str(tmp_path / "notes.png"))

    path = window.session.summary.path.parent
    window.close_case()
    assert window.open_case(path)
    reopened = window.panels["notes"]
    assert "Call with the customs broker" in reopened.titles("note")
    assert reopened.choose("note", "Call with the customs broker")
    assert "through Busan" in reopened.editor.toPlainText()
    assert reopened.confidential.isChecked()
