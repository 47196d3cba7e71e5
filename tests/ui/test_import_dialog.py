"""The import dialog: previews, options, mapping, imports and Cancel off the UI thread."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QComboBox

from tests.extracts import (
    NUMBERED_HEADERS,
    sample_items,
    write_gcode_xlsx,
    write_numbered_csv,
    write_vendor_csv,
)
from workbench.services.cases import load_shipments, new_case, open_case
from workbench.services.preview import RowRole
from workbench.ui.import_dialog import (
    CANCELLED_UNCHANGED,
    MAP_FROM,
    MAP_MEANS,
    ImportDialog,
    run_import_dialog,
)

pytestmark = pytest.mark.gui
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the QApplication is made

WAIT_MS = 20_000
TOTAL_LINE = ["Итого:", "", "", "", "", "", "", "", "", "1 000,00", ""]
BAD_DATE = ["10702070/140618/0000009", "1", "31.02.2018", "X", "КИТАЙ", "КИТАЙ", "1", "d", "1",
            "abc", ""]


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.wbcase"
    new_case(path, "Test case").close()
    return path


@pytest.fixture
def make_dialog(qtbot, case_path: Path):
    def make(*files: Path) -> ImportDialog:
        dialog = ImportDialog(case_path, list(files))
        qtbot.addWidget(dialog)
        dialog.show()
        wait_for_preview(qtbot, dialog)
        return dialog

    return make


@pytest.fixture(scope="session")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 200,000 rows: long enough to press Cancel before the import is done."""
    from bench.make_extract import synthetic_rows, write_csv

    path = tmp_path_factory.mktemp("big") / "big.csv"
    write_csv(synthetic_rows(200_000), path)
    return path


def wait_for_preview(qtbot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=WAIT_MS)


def choose(qtbot, dialog: ImportDialog, combo: QComboBox, data: object) -> None:
    """Pick the item holding ``data`` as the reporter would, then wait for the new preview."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    wait_for_preview(qtbot, dialog)


def mapping_combo(dialog: ImportDialog, header: str) -> QComboBox:
    table = dialog.mapping_table
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == header:
            widget = table.cellWidget(row, MAP_MEANS)
            assert isinstance(widget, QComboBox)
            return widget
    raise AssertionError(header)


def counts(path: Path) -> dict[str, int]:
    tables = ("files", "file_parts", "imports", "shipment_chunks", "events", "rejects", "recipes")
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_cp1251_csv_preview_shows_header_row_and_mapping(make_dialog, tmp_path: Path) -> None:
    dialog = make_dialog(write_numbered_csv(tmp_path / "numbered.csv", sample_items()))
    model = dialog.preview_model
    sheet = model.sheet
    assert sheet is not None
    assert dialog.encoding_combo.currentText() == "Detected: cp1251"
    assert dialog.delimiter_combo.currentText() == "Detected: Semicolon ;"
    assert dialog.header_spin.value() == 3
    header = sheet.roles.index(RowRole.HEADER)
    assert model.headerData(header, Qt.Orientation.Vertical) == "header 3"
    assert model.data(model.index(header, 0)) == NUMBERED_HEADERS[0]
    assert model.data(model.index(header, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.headerData(9, Qt.Orientation.Horizontal) == "→ Statistical value, USD"
    assert mapping_combo(dialog, "46 Статистическая стоимость").currentData() == "stat_value_usd"
    assert mapping_combo(dialog, "Примечание поставщика данных").currentData() == ""
    assert dialog.import_button.isEnabled()


def test_xlsx_preview_shows_each_sheet_with_its_title_rows(make_dialog, tmp_path: Path) -> None:
    dialog = make_dialog(write_gcode_xlsx(tmp_path / "gcode.xlsx", sample_items()))
    assert not dialog.encoding_combo.isEnabled()
    assert [dialog.sheet_tabs.tabText(i) for i in range(dialog.sheet_tabs.count())] == [
        "2018", "2022", "2023"
    ]
    model = dialog.preview_model
    assert model.data(model.index(0, 0)) == "Выгрузка таможенных деклараций (импорт)"
    assert model.headerData(2, Qt.Orientation.Vertical) == "header 3"
    dialog.sheet_tabs.setCurrentIndex(1)
    assert model.data(model.index(1, 0)) == "Период: 2022"
    assert mapping_combo(dialog, "G072 (Дата регистрации)").currentData() == "date"


def test_preview_models_pass_the_model_tester(make_dialog, qtmodeltester, tmp_path: Path) -> None:
    dialog = make_dialog(write_numbered_csv(tmp_path / "n.csv", sample_items()))
    qtmodeltester.check(dialog.preview_model)
    dialog.rejects_model.set_rejects([{"file": "n.csv", "sheet": "", "row": 5, "reason": "x"}])
    qtmodeltester.check(dialog.rejects_model)


def test_wrong_encoding_shows_a_sentence_or_mojibake(make_dialog, qtbot, tmp_path: Path) -> None:
    dialog = make_dialog(write_numbered_csv(tmp_path / "numbered.csv", sample_items()))
    choose(qtbot, dialog, dialog.encoding_combo, "utf-8")
    sentence = dialog.refusal.text()
    assert sentence.startswith("numbered.csv is not valid utf-8 text")
    assert "\n" not in sentence
    assert dialog.preview_stack.currentIndex() == 1
    assert not dialog.import_button.isEnabled()
    assert dialog.encoding_combo.isEnabled()  # the reporter can try another one

    choose(qtbot, dialog, dialog.encoding_combo, "koi8-r")
    assert "No recognisable customs columns" in dialog.refusal.text()
    dialog.header_spin.setValue(3)
    wait_for_preview(qtbot, dialog)
    sheet = dialog.preview_model.sheet
    assert sheet is not None
    assert dialog.preview_stack.currentIndex() == 0
    assert "Номер" not in " ".join(sheet.headers)  # mojibake, visibly
    assert dialog.missing.labels["date"].text().startswith("Date was not found: the import "
                                                           "will refuse this sheet")

    choose(qtbot, dialog, dialog.encoding_combo, "cp1251")
    dialog.header_auto.click()
    wait_for_preview(qtbot, dialog)
    assert dialog.preview_model.sheet.headers == NUMBERED_HEADERS
    assert dialog.import_button.isEnabled()


def test_changed_mapping_is_the_one_imported(make_dialog, qtbot, case_path: Path,
                                             tmp_path: Path) -> None:
    items = sample_items()
    dialog = make_dialog(write_vendor_csv(tmp_path / "vendor.csv", items))
    assert mapping_combo(dialog, "Shipper").currentData() == "sender"
    choose(qtbot, dialog, mapping_combo(dialog, "Shipper Standardized Name"), "sender")
    assert mapping_combo(dialog, "Shipper Standardized Name").currentData() == "sender"
    assert mapping_combo(dialog, "Shipper").currentData() == ""
    assert dialog.mapping_table.item(4, MAP_FROM).text() == "your choice"

    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as signal:
        dialog.import_button.click()
    [report] = signal.args[0]
    assert report.mapping["Shipper Standardized Name"] == "sender"
    case, _ = open_case(case_path, read_only=True)
    try:
        frame = load_shipments(case)
    finally:
        case.close()
    assert set(frame["sender"]) == {it.sender.upper() for it in items}
    assert set(frame["Shipper"]) == {it.sender.title() for it in items}  # kept as is


def test_enter_imports_and_the_report_lists_the_rejects(make_dialog, qtbot, case_path: Path,
                                                        tmp_path: Path) -> None:
    path = write_numbered_csv(tmp_path / "numbered.csv", sample_items(),
                              extra_rows=[TOTAL_LINE, BAD_DATE])
    dialog = make_dialog(path)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as signal:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    [report] = signal.args[0]
    assert (report.imported, report.duplicates, report.rejected) == (12, 0, 2)
    assert dialog.reports == [report]
    assert dialog.pages.currentIndex() == 1
    assert dialog.headline.text() == "Imported 12 new shipments from 1 file."
    results = dialog.results_table
    assert [results.item(0, c).text() for c in range(4)] == ["numbered.csv", "12", "0", "2"]
    rejects = dialog.rejects_model
    assert rejects.rowCount() == 2
    assert rejects.data(rejects.index(0, 2)) == "16"
    assert "no date" in rejects.data(rejects.index(0, 3))

    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0] == "file\tsheet\trow\treason"
    assert copied[1].startswith("numbered.csv\t\t16\t")
    assert len(copied) == 3
    assert counts(case_path)["files"] == 1

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Esc closes once it is done
    assert not dialog.isVisible()


def test_cancel_leaves_the_case_unchanged(make_dialog, qtbot, case_path: Path,
                                          big_csv: Path) -> None:
    before = counts(case_path)
    dialog = make_dialog(big_csv)
    assert dialog.preview_model.sheet.data_rows == 200_000
    dialog.import_button.click()
    assert dialog.running
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.headline.text() == CANCELLED_UNCHANGED
    assert dialog.reports == []
    assert counts(case_path) == before == {
        "files": 0, "file_parts": 0, "imports": 0, "shipment_chunks": 0, "events": 0,
        "rejects": 0, "recipes": 0,
    }


def test_escape_during_an_import_cancels_it(make_dialog, qtbot, case_path: Path,
                                            big_csv: Path) -> None:
    dialog = make_dialog(big_csv)
    dialog.import_button.click()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # still open: Esc cancelled the import first
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.headline.text() == CANCELLED_UNCHANGED
    assert counts(case_path)["shipment_chunks"] == 0


def test_hostile_file_shows_the_refusal_sentence(make_dialog, qtbot, tmp_path: Path) -> None:
    fake = tmp_path / "scan.xlsx"
    fake.write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    dialog = make_dialog(fake)
    assert dialog.refusal.text() == (
        "scan.xlsx is a PDF document, not a spreadsheet; "
        "it can be kept with the case as a source instead."
    )
    assert dialog.preview_stack.currentIndex() == 1
    assert not dialog.import_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_several_files_import_together_and_skip_the_refused(make_dialog, qtbot, tmp_path: Path,
                                                            case_path: Path) -> None:
    items = sample_items()
    fake = tmp_path / "scan.xlsx"
    fake.write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    files = [write_numbered_csv(tmp_path / "n.csv", items[:6]), fake,
             write_gcode_xlsx(tmp_path / "g.xlsx", items)]
    dialog = make_dialog(*files)
    assert dialog.file_list.isVisibleTo(dialog)
    dialog.file_list.setCurrentRow(1)
    wait_for_preview(qtbot, dialog)
    assert "PDF" in dialog.refusal.text()
    dialog.file_list.setCurrentRow(2)
    wait_for_preview(qtbot, dialog)
    assert dialog.sheet_tabs.count() == 3
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as signal:
        dialog.import_button.click()
    reports = signal.args[0]
    assert [(r.file, r.imported, r.duplicates) for r in reports] == [
        ("n.csv", 6, 0), ("g.xlsx", 6, 6)
    ]
    assert dialog.results_table.rowCount() == 3
    assert "PDF" in dialog.results_table.item(2, 4).text()
    assert "1 file could not be imported" in dialog.headline.text()
    assert counts(case_path)["files"] == 2


def test_run_import_dialog_returns_the_reports(qtbot, case_path: Path, tmp_path: Path) -> None:
    path = write_vendor_csv(tmp_path / "vendor.csv", sample_items())

    def drive() -> None:
        [dialog] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, ImportDialog) and w.isVisible()]
        wait_for_preview(qtbot, dialog)
        with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
            dialog.import_button.click()
        dialog.cancel_button.click()  # now "Close"

    QTimer.singleShot(0, drive)
    outcome = run_import_dialog(None, case_path, [path])
    assert [(r.file, r.imported) for r in outcome.reports] == [("vendor.csv", 12)]
    assert outcome.show_rows == {}


def test_screenshot_of_the_dialog(make_dialog, qtbot, tmp_path: Path) -> None:
    dialog = make_dialog(write_numbered_csv(tmp_path / "numbered.csv", sample_items()),
                         write_gcode_xlsx(tmp_path / "gcode.xlsx", sample_items()))
    dialog.resize(1180, 760)
    qtbot.waitExposed(dialog)
    out = Path(os.environ.get("WORKBENCH_TEST_OUTPUT", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(out / "import_dialog.png"))
