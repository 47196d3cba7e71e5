"""A new reporter's first run: asked for a name, then every change carries it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from workbench.services import preferences
from workbench.services.history import summarise
from workbench.store import events
from workbench.store.case import CaseFile
from workbench.ui.actions import ActionId
from workbench.ui.preferences_dialog import PreferencesDialog


@pytest.fixture
def no_preferences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings as on a new machine: no name saved, no override."""
    folder = tmp_path / "new-user-config"
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(folder))
    monkeypatch.delenv("WORKBENCH_AUTHOR", raising=False)
    return folder


def _answer(qtbot, name: str, seen: list[PreferencesDialog], *, ok: bool = True) -> None:
    """Answer the modal dialog once it is up (looking for a second at most): type the name,
    press OK (or Cancel)."""
    tries = iter(range(50))

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PreferencesDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(20, answer)
            return
        seen.append(dialog)
        if name:
            qtbot.keyClicks(dialog.name, name)
        buttons = dialog.findChild(QDialogButtonBox, "preferences.buttons")
        which = QDialogButtonBox.StandardButton.Ok if ok else QDialogButtonBox.StandardButton.Cancel
        qtbot.mouseClick(buttons.button(which), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def _when_dialog(act) -> None:
    """Call ``act(dialog)`` once the Preferences dialog is up (looking for a second at most)."""
    tries = iter(range(50))

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PreferencesDialog):
            act(dialog)
        elif next(tries, None) is not None:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def _history_rows(window) -> list[dict[str, str]]:
    model = window.panels["history"].model
    return [{c.key: str(model.row_key(r, c.key)) for c in model.columns}
            for r in range(model.rowCount())]


def test_first_run_asks_for_a_name_and_history_carries_it(
    qtbot, no_preferences: Path, sample_case: Path, tmp_path: Path
) -> None:
    from workbench.ui.main_window import MainWindow

    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    with CaseFile.open(next(own.glob("*.wbcase")), read_only=True) as case:
        before = {e.id for e in events.read(case.conn)}
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    seen: list[PreferencesDialog] = []
    _answer(qtbot, "Anna Petrova", seen)
    assert win.open_case(own)
    assert len(seen) == 1
    assert seen[0].windowTitle() == "Welcome to Case Workbench"
    assert seen[0].initials.text() == "AP"  # suggested from the name
    saved, problem = preferences.load()
    assert (saved.name, saved.initials, problem) == ("Anna Petrova", "AP", None)

    # A note, typed and saved in the Notes panel.
    notes = win.panels["notes"]
    notes.new_note()
    qtbot.keyClicks(notes.title, "Call with the broker")
    notes.editor.setPlainText("Said the parts went through Busan.")
    qtbot.mouseClick(notes.save_button, Qt.MouseButton.LeftButton)
    assert "Call with the broker" in notes.titles("note")

    rows = _history_rows(win)
    mine = [r for r in rows if r["author"] == "Anna Petrova"]
    assert any("Call with the broker" in r["summary"] for r in mine)
    # Everything this run changed carries the name: nothing is recorded as the login name.
    with CaseFile.open(win.session.summary.path, read_only=True) as case:
        new = [e for e in events.read(case.conn) if e.id not in before]
    assert new
    assert {e.author for e in new} == {"Anna Petrova"}
    assert {r["author"] for r in rows if r["summary"] in {
        summarise(e.kind, e.payload) for e in new}} == {"Anna Petrova"}

    # The next launch does not ask again: the setting exists.
    win.close_case()
    again = MainWindow()
    qtbot.addWidget(again)
    asked: list[PreferencesDialog] = []
    _answer(qtbot, "", asked, ok=False)
    assert again.open_case(own)
    qtbot.wait(1100)  # the answering timer gives up after a second
    assert asked == []


def test_cancelling_the_question_says_who_changes_are_recorded_as(
    qtbot, no_preferences: Path, sample_case: Path, tmp_path: Path
) -> None:
    from workbench.services.identity import current_author
    from workbench.ui.main_window import MainWindow

    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    win = MainWindow()
    qtbot.addWidget(win)
    seen: list[PreferencesDialog] = []
    _answer(qtbot, "", seen, ok=False)
    assert win.open_case(own)
    assert len(seen) == 1
    assert not (no_preferences / "preferences.json").exists()
    message = win.statusBar().currentMessage()
    assert f"Changes are recorded as '{current_author()}'" in message
    assert "Edit > Preferences" in message


def test_an_empty_name_is_refused_in_a_sentence(qtbot, no_preferences: Path) -> None:
    dialog = PreferencesDialog(first_run=True)
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = dialog.findChild(QDialogButtonBox, "preferences.buttons")
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert "Type your name" in dialog.message.text()
    assert not (no_preferences / "preferences.json").exists()


def test_preferences_edit_the_name_styles_and_the_case_value_basis(
    qtbot, private_window, sample_case: Path
) -> None:
    win = private_window
    action = win.actions[ActionId.EDIT_PREFERENCES]
    assert QKeySequence("Ctrl+,") in action.shortcuts()
    assert action.isEnabled()
    assert win.status_total.text().endswith(".74") or "." in win.status_total.text()[-3:]
    seen: list[PreferencesDialog] = []

    def answer(dialog: PreferencesDialog) -> None:
        seen.append(dialog)
        dialog.name.selectAll()
        qtbot.keyClicks(dialog.name, "Mei Lin")
        dialog.numbers.setCurrentText("1.234,56")
        dialog.dates.setCurrentText("05.06.2024")
        # The sample folder's case.toml names the value basis and key date: edited there.
        assert not dialog.value_column.isEnabled()
        assert "case.toml" in dialog.value_column.toolTip()
        assert dialog.value_column.currentText() == "Statistical value, USD"
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    _when_dialog(answer)
    action.trigger()
    assert len(seen) == 1
    assert preferences.load()[0].name == "Mei Lin"
    total = win.status_total.text()
    assert total.startswith("Total statistical value, USD: ")
    assert "," in total.rsplit(" ", 1)[-1][-3:]  # the decimal comma
    model = win.shipments.model
    date_col = model.columns.index("date")
    shown = model.data(model.index(0, date_col))
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", shown), shown
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Statistical value, USD" in headers
    assert not any("_" in str(h) for h in headers)


def test_value_basis_of_a_case_file_changes_in_preferences(
    qtbot, sample_case: Path, tmp_path: Path
) -> None:
    from workbench.ui.main_window import MainWindow

    built = next(sample_case.glob("*.wbcase"))
    own = tmp_path / built.name
    with CaseFile.open(built, read_only=True) as case:
        case.conn.execute(f"VACUUM INTO '{own}'")
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_case(own)

    def answer(dialog: PreferencesDialog) -> None:
        assert dialog.value_column.isEnabled()
        dialog.value_column.setCurrentIndex(dialog.value_column.findData("customs_value_rub"))
        dialog.key_date.setText("2022-03-01")
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    _when_dialog(answer)
    win.actions[ActionId.EDIT_PREFERENCES].trigger()
    assert win.session.summary.value_column == "customs_value_rub"
    assert win.status_total.text().startswith("Total customs value, RUB: ")
    with CaseFile.open(own, read_only=True) as case:
        assert case.meta("key_date") == "2022-03-01"
