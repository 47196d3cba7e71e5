"""A spreadsheet that is not an extract, in the window: kept as a source from the import
dialog's refusal with one click, shown as read-only tables, found by Search and Ctrl+F."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.extracts import REGISTRY, write_registry
from workbench.ingest import tables
from workbench.services.cases import new_case
from workbench.services.notes import add_source, sources
from workbench.services.search import search
from workbench.store.case import CaseFile
from workbench.ui.actions import ActionId
from workbench.ui.import_dialog import ImportDialog
from workbench.ui.source_table import SourceTableWindow

pytestmark = pytest.mark.gui
WAIT_MS = 20_000


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.wbcase"
    new_case(path, "Registry case").close()
    return path


def kept_sources(case_path: Path) -> list[dict]:
    with CaseFile.open(case_path, read_only=True) as case:
        return sources(case)


def test_keep_as_source_is_offered_and_works_with_a_click(qtbot, case_path: Path,
                                                          tmp_path: Path) -> None:
    registry = write_registry(tmp_path / "registry.xlsx")
    dialog = ImportDialog(case_path, [registry])
    qtbot.addWidget(dialog)
    kept: list = []
    dialog.source_kept.connect(kept.append)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=WAIT_MS)

    assert ("No recognisable customs columns (date, sender, goods, value) were found in "
            "registry.xlsx") in \
        dialog.refusal.text()
    assert dialog.keep_button.isVisible()
    assert "kept as a source instead" in dialog.keep_offer.text()
    assert not dialog.import_button.isEnabled()
    assert kept_sources(case_path) == []  # nothing is written before the click

    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.keeping, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert dialog.result() == dialog.DialogCode.Accepted
    [event] = kept
    assert dialog.kept_sources == [event]
    [source] = kept_sources(case_path)
    assert (source["name"], source["confidential"]) == ("registry.xlsx", False)
    assert [s["name"] for s in source["table"]["sheets"]] == ["Companies", "Price list"]
    with CaseFile.open(case_path, read_only=True) as case:
        assert [(h.sheet, h.row) for h in search(case, "Kim Sung")] == [("Companies", 5)]


def test_a_refused_file_can_be_kept_confidential_from_the_report(
        qtbot, case_path: Path, tmp_path: Path) -> None:
    """A sheet whose header reads as an extract's but has no date: refused on import."""
    wb = openpyxl.Workbook()
    wb.active.append(["Sender", "Receiver", "Description", "Net weight"])
    wb.active.append(["Kyungki Industrial Co", "Aurus LLC", "welding robot", "1200"])
    price_list = tmp_path / "quotes.xlsx"
    wb.save(price_list)
    dialog = ImportDialog(case_path, [price_list])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=WAIT_MS)
    assert not dialog.keep_button.isVisible()  # the preview reads it; the import refuses
    assert any("date was not found: the import will refuse" in label.text().lower()
               for label in dialog.missing.labels.values())
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=WAIT_MS)
    assert dialog.report_keep.isVisible()
    assert "quotes.xlsx is not a customs extract" in dialog.report_keep_label.text()
    assert "No date column was recognised" in dialog.results_table.item(0, 4).text()
    dialog.report_keep_confidential.setChecked(True)
    qtbot.mouseClick(dialog.report_keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    [source] = kept_sources(case_path)
    assert source["confidential"] is True


def _click_keep_in_the_modal_dialog(qtbot) -> None:
    """Drive the import dialog the window opens modally, as the reporter would."""
    def step(tries: int = 0) -> None:
        dialog = QApplication.activeModalWidget()
        ready = isinstance(dialog, ImportDialog) and not dialog.previewing \
            and dialog.keep_button.isVisible()
        if ready:
            qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
        elif tries > 400:  # never hang the suite: give up, the assertions will say why
            if isinstance(dialog, ImportDialog):
                dialog.reject()
        else:
            QTimer.singleShot(50, lambda: step(tries + 1))

    QTimer.singleShot(0, step)


def test_the_window_keeps_the_file_and_shows_it_as_tables(private_window, qtbot,
                                                          tmp_path: Path) -> None:
    window = private_window
    registry = write_registry(tmp_path / "company registry.xlsx")
    _click_keep_in_the_modal_dialog(qtbot)
    window.import_files([registry])  # returns when the dialog has closed

    notes = window.panels["notes"]
    assert notes.current_entry() == ("source", "company registry")
    assert "company registry" in notes.titles("source")
    assert window.session.undo_label.startswith("source 'company registry' added")
    [table] = window.source_tables.values()
    assert table.isVisible()
    qtbot.waitUntil(lambda: not table.loading, timeout=WAIT_MS)
    assert table.error is None
    assert [table.tabs.tabText(i) for i in range(table.tabs.count())] == [
        "Companies", "Price list"]
    tab = table.tab(0)
    model = tab.model
    assert model.rowCount() == 6
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(6)] == [
        "1", "2", "3", "4", "5", "6"]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == REGISTRY[0]
    assert model.index(3, 0).data() == "ООО АУРУС"
    assert tab.line.text().startswith("6 rows, numbered as in the sheet")
    assert "SHA-256" in table.info.text()

    registry.unlink()  # the view reads the copy in the case, not the original
    table.close()
    qtbot.mouseClick(notes.open_button, Qt.MouseButton.LeftButton)
    reopened = window.source_tables[notes.sources[-1]["sha256"]]
    qtbot.waitUntil(lambda: not reopened.loading, timeout=WAIT_MS)
    assert reopened.isVisible()
    assert reopened.tab(0).model.rowCount() == 6


@pytest.fixture
def table_window(qtbot, case_path: Path, tmp_path: Path):
    with CaseFile.open(case_path) as case:
        event = add_source(case, write_registry(tmp_path / "registry.xlsx"))
    window = SourceTableWindow(case_path, {**event.payload, "id": event.id})
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=WAIT_MS)
    return window


def test_sheet_model_passes_the_model_tester(table_window, qtmodeltester) -> None:
    for index in range(table_window.tabs.count()):
        qtmodeltester.check(table_window.tab(index).model)


def test_sorting_keeps_the_title_rows_on_top_and_the_row_numbers(table_window, qtbot) -> None:
    tab = table_window.tab(0)
    model, header = tab.model, tab.view.horizontalHeader()
    x = header.sectionViewportPosition(1) + header.sectionSize(1) // 2
    from PySide6.QtCore import QPoint

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert model.sorted_by == (1, Qt.SortOrder.AscendingOrder)
    column = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert column[:3] == ["", "", "Registration number"]  # title, blank, header stay on top
    assert column[3:] == ["0012345678", "0098765432", "1187746765432"]  # as numbers
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(3, 6)] == [
        "5", "6", "4"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert [model.index(r, 1).data() for r in range(3, 6)] == [
        "1187746765432", "0098765432", "0012345678"]
    assert table_window.show_row("Companies", 4)  # found wherever the sort put it
    assert tab.view.currentIndex().row() == 3


def test_ctrl_f_finds_within_the_sheet(table_window, qtbot) -> None:
    window = table_window
    window.activateWindow()
    window.tab(0).view.setFocus()
    qtbot.keyClick(window.tab(0).view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    assert window.find_box.hasFocus() or not window.isActiveWindow()
    qtbot.keyClicks(window.find_box, "busan")
    qtbot.waitUntil(lambda: window.find_count.text() == "1 of 1", timeout=WAIT_MS)
    current = window.tab(0).view.currentIndex()
    assert (current.row(), current.column()) == (5, 2)
    window.find_box.clear()
    qtbot.keyClicks(window.find_box, "o")  # in many cells: Enter walks through them
    qtbot.keyClick(window.find_box, Qt.Key.Key_Return)  # finds at once, at the first
    assert window.find_count.text().startswith("1 of ")
    total = int(window.find_count.text().split(" of ")[1].replace(",", ""))
    assert total > 5
    qtbot.keyClick(window.find_box, Qt.Key.Key_Return)
    assert window.find_count.text() == f"2 of {total}"
    qtbot.keyClick(window.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert window.find_count.text() == f"1 of {total}"
    qtbot.keyClick(window.find_box, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()
    window.find_box.setText("zzz")
    window.open_find()
    qtbot.waitUntil(lambda: window.find_count.text() == "Not found in this sheet",
                    timeout=WAIT_MS)


def test_a_search_hit_opens_the_sheet_at_its_row(private_window, qtbot,
                                                 tmp_path: Path) -> None:
    window = private_window
    with CaseFile.open(window.session.summary.path) as case:
        add_source(case, write_registry(tmp_path / "registry.xlsx"))
    window.session.state.record_changed(source=None)
    panel = window.panels["search"]
    panel.box.setText("Headlamp")
    worker = panel.run_search()
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        pass
    qtbot.waitUntil(lambda: bool(panel.hits), timeout=WAIT_MS)
    assert panel.model.index(0, 1).data() == "registry · sheet Price list, row 3"
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)  # Enter opens the best hit
    [table] = window.source_tables.values()
    qtbot.waitUntil(lambda: not table.loading, timeout=WAIT_MS)
    assert table.tabs.tabText(table.tabs.currentIndex()) == "Price list"
    current = table.tab().view.currentIndex()
    assert table.tab().model.sheet_row(current.row()) == 3
    assert window.panels["notes"].current_entry() == ("source", "registry")


def test_a_cut_sheet_says_how_much_is_shown(qtbot, case_path: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 500)
    path = tmp_path / "sanctions.csv"
    path.write_text("name,list\n" + "".join(f"Entity {i},SDN\n" for i in range(2_000)),
                    encoding="utf-8")
    with CaseFile.open(case_path) as case:
        event = add_source(case, path)
    window = SourceTableWindow(case_path, {**event.payload, "id": event.id})
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=WAIT_MS)
    assert window.tab().model.rowCount() == 500
    assert window.tab().line.text().startswith("The first 500 rows of 2,001")
    assert "Search covers the first 500 non-empty rows of 2,001" in window.status.text()
    assert not window.show_row(None, 1_500)
    assert "Row 1,500 is not among the rows shown" in window.status.text()


def test_an_unreadable_workbook_says_so_in_one_sentence(qtbot, case_path: Path,
                                                        tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Name"
    wb.active["XFD1048576"] = 1  # makes the Rust readers abort: only the sandbox child dies
    path = tmp_path / "corners.xlsx"
    wb.save(path)
    with CaseFile.open(case_path) as case:
        event = add_source(case, path, confidential=True)
    window = SourceTableWindow(case_path, {**event.payload, "id": event.id})
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=WAIT_MS)
    assert window.error is not None
    assert "corners.xlsx" in window.status.text()
    assert window.confidential.isVisible()


def test_undo_and_purge_close_the_table_of_a_source_gone(private_window, qtbot,
                                                          tmp_path: Path) -> None:
    window = private_window
    registry = write_registry(tmp_path / "registry.xlsx")
    _click_keep_in_the_modal_dialog(qtbot)
    window.import_files([registry])
    [sha] = window.source_tables
    qtbot.waitUntil(lambda: not window.source_tables[sha].loading, timeout=WAIT_MS)

    window.actions[ActionId.EDIT_UNDO].trigger()  # Edit > Undo takes the kept source back
    assert window.source_tables == {}
    assert "registry" not in window.panels["notes"].titles("source")
    with CaseFile.open(window.session.summary.path, read_only=True) as case:
        assert search(case, "Kim Sung") == []

    window.actions[ActionId.EDIT_REDO].trigger()
    notes = window.panels["notes"]
    assert notes.choose_source(sha)
    qtbot.mouseClick(notes.open_button, Qt.MouseButton.LeftButton)
    assert sha in window.source_tables
    notes.purge_source(confirm=False)
    assert window.source_tables == {}
