"""Nothing missing in silence, in the window: a workbook without its origin column.

The preview names the missing key columns in red with a Map… button, marks each column's
confidence and shows its first values and the value total; the report page names the same
columns after the import; rows kept without a value can be shown, and are marked, in the table.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from tests.extracts import sample_items
from tests.no_origin import NO_ORIGIN_HEADERS, write_no_origin_xlsx
from workbench.analysis.filters import Condition
from workbench.ingest.mapping import Confidence
from workbench.services.cases import load_shipments, new_case, open_case
from workbench.ui.import_dialog import MAP_FROM, MAP_HEADER, MAP_MEANS, MAP_SAMPLES, ImportDialog
from workbench.ui.import_findings import EMPTY_KEY, FILES_KEY, MISSING_COLOUR
from workbench.ui.models.shipments_model import NO_VALUE, NO_VALUE_COLOUR

pytestmark = pytest.mark.gui
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WAIT_MS = 20_000
ORIGIN_SENTENCE = ("Origin country was not found: figures by origin will not include this "
                   "file's 14 rows.")
REPORT_SENTENCE = ("origin country was not found: figures by origin will not "
                   "include this file's 14 rows.")
VALUE_HEADER = "G46 (Статистическая стоимость, USD.)"


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.wbcase"
    new_case(path, "Test case").close()
    return path


@pytest.fixture
def no_origin(tmp_path: Path) -> Path:
    return write_no_origin_xlsx(tmp_path / "no_origin.xlsx", sample_items())


@pytest.fixture
def make_dialog(qtbot, case_path: Path):
    def make(*files: Path) -> ImportDialog:
        dialog = ImportDialog(case_path, list(files))
        qtbot.addWidget(dialog)
        dialog.show()
        wait_for_preview(qtbot, dialog)
        return dialog

    return make


def wait_for_preview(qtbot, dialog: ImportDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=WAIT_MS)


def mapping_row(dialog: ImportDialog, header: str) -> int:
    table = dialog.mapping_table
    rows = [r for r in range(table.rowCount()) if table.item(r, MAP_HEADER).text() == header]
    assert rows, header
    return rows[0]


def means(dialog: ImportDialog, header: str) -> object:
    combo = dialog.mapping_table.cellWidget(mapping_row(dialog, header), MAP_MEANS)
    assert isinstance(combo, QComboBox)
    return combo.currentData()


def import_and_wait(qtbot, dialog: ImportDialog) -> None:
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1


def test_preview_shows_the_missing_origin_in_red_with_marks_and_total(
    make_dialog, no_origin: Path
) -> None:
    dialog = make_dialog(no_origin)
    label = dialog.missing.labels["origin_country"]
    assert label.text() == ORIGIN_SENTENCE
    assert label.isVisibleTo(dialog)
    assert label.palette().color(label.foregroundRole()) == MISSING_COLOUR
    assert dialog.missing.buttons["origin_country"].text() == "Map…"
    assert list(dialog.missing.labels) == ["origin_country", "description"]

    table = dialog.mapping_table
    value = table.item(mapping_row(dialog, VALUE_HEADER), MAP_HEADER)
    assert value.data(Qt.ItemDataRole.UserRole) == Confidence.HIGH
    assert "High confidence: G-code G46." in value.toolTip()
    assert not value.icon().isNull()
    assert table.item(mapping_row(dialog, VALUE_HEADER), MAP_SAMPLES).text() == (
        "1181.55 · 0.01 · 999999.99")
    country = table.item(mapping_row(dialog, "Страна"), MAP_HEADER)
    assert country.data(Qt.ItemDataRole.UserRole) is None
    assert "kept as an extra column" in country.toolTip()
    assert means(dialog, "Страна") == ""

    assert dialog.value_total.text() == (
        "Statistical value, USD: 2,486,304.97 over 14 rows; 2 rows empty")
    assert dialog.value_total.isVisibleTo(dialog)
    assert "1 row has no date the import can read" in dialog.message.text()


def test_map_button_maps_the_missing_column_and_the_next_file_keeps_it(
    make_dialog, qtbot, case_path: Path, tmp_path: Path
) -> None:
    items = sample_items()
    first = write_no_origin_xlsx(tmp_path / "first.xlsx", items[:6])
    dialog = make_dialog(first)
    qtbot.mouseClick(dialog.missing.buttons["origin_country"], Qt.MouseButton.LeftButton)
    menu = dialog.missing.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    offers = dialog.missing.offers("origin_country")
    assert [a.data() for a in offers] == ["Страна"]
    assert offers[0].text().startswith("Страна  —  КОРЕЯ, РЕСПУБЛИКА")
    offers[0].trigger()
    wait_for_preview(qtbot, dialog)
    assert "origin_country" not in dialog.missing.labels
    assert ORIGIN_SENTENCE not in [lbl.text() for lbl in dialog.missing.labels.values()]
    assert means(dialog, "Страна") == "origin_country"
    assert dialog.mapping_table.item(mapping_row(dialog, "Страна"), MAP_FROM).text() == (
        "your choice")
    assert dialog.current.options.mapping == {"Страна": "origin_country"}

    import_and_wait(qtbot, dialog)
    shown = [text for _file, text in dialog.findings.lines()]
    assert not any("origin country" in text for text in shown)
    assert shown[0].startswith("Sheet 'Импорт': description was not found")
    dialog.cancel_button.click()  # now "Close"

    second = write_no_origin_xlsx(tmp_path / "second.xlsx", items[6:])
    again = make_dialog(second)
    assert "origin_country" not in again.missing.labels
    assert means(again, "Страна") == "origin_country"
    assert again.mapping_table.item(mapping_row(again, "Страна"), MAP_FROM).text() == (
        "saved recipe")
    import_and_wait(qtbot, again)
    case, _ = open_case(case_path, read_only=True)
    try:
        frame = load_shipments(case)
    finally:
        case.close()
    assert frame["origin_country"].tolist() == (
        [it.origin for it in items[:6]] + ["HK", "KR"] + [it.origin for it in items[6:]])


def test_file_without_mapping_imports_with_the_warning(make_dialog, qtbot,
                                                       no_origin: Path) -> None:
    dialog = make_dialog(no_origin)
    import_and_wait(qtbot, dialog)
    [report] = dialog.reports
    assert report.imported == 14
    assert REPORT_SENTENCE in report.warnings
    tree = dialog.findings.tree
    assert tree.isVisibleTo(dialog)
    top = tree.topLevelItem(0)
    assert top.text(0) == "no_origin.xlsx"
    first = top.child(0)
    assert first.text(0) == f"Sheet 'Импорт': {REPORT_SENTENCE}"
    assert first.foreground(0).color() == MISSING_COLOUR
    texts = [top.child(i).text(0) for i in range(top.childCount())]
    assert texts[1].startswith("Sheet 'Импорт': description was not found")
    assert any("2 rows were kept with an empty statistical value (USD) (rows 15, 16)" in t
               for t in texts)
    assert any("'Страна'" in t and "extra column" in t for t in texts)
    assert top.child(2).foreground(0).color() != MISSING_COLOUR

    button = dialog.findings.show_button
    assert button.isVisibleTo(dialog)
    assert button.text() == "Show the 2 rows without a statistical value (USD) in the table"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert dialog.show_rows == {
        EMPTY_KEY: Condition("stat_value_usd", "empty", ""),
        FILES_KEY: Condition("source_file", "=", "no_origin.xlsx"),
    }


def test_report_without_findings_says_so_and_offers_no_rows(make_dialog, qtbot,
                                                            tmp_path: Path) -> None:
    from tests.extracts import write_gcode_xlsx

    dialog = make_dialog(write_gcode_xlsx(tmp_path / "g.xlsx", sample_items(),
                                          sheets_by_year=False))
    assert dialog.missing.labels == {}
    assert not dialog.missing.isVisibleTo(dialog)
    import_and_wait(qtbot, dialog)
    assert not dialog.findings.show_button.isVisibleTo(dialog)
    assert dialog.findings.show_button.text() == ""


def test_shown_rows_are_marked_in_the_table(qtbot, private_window, qtmodeltester,
                                            no_origin: Path) -> None:
    window = private_window

    def drive() -> None:
        [dialog] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, ImportDialog) and w.isVisible()]
        wait_for_preview(qtbot, dialog)
        import_and_wait(qtbot, dialog)
        qtbot.mouseClick(dialog.findings.show_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    window.import_files([no_origin])
    session, panel = window.session, window.shipments
    assert session is not None
    assert panel is not None
    assert set(session.state.keyed_conditions) == {EMPTY_KEY, FILES_KEY}
    assert panel.chips[EMPTY_KEY].text() == "Statistical value, USD is empty"
    assert "the import report" in panel.chips[EMPTY_KEY].toolTip()
    model = panel.model
    assert model.rowCount() == 2
    value = model.section("stat_value_usd")
    for row in range(2):
        index = model.index(row, value)
        assert model.data(index) == NO_VALUE
        assert model.data(index, Qt.ItemDataRole.ForegroundRole) == NO_VALUE_COLOUR
        assert "adds nothing to totals" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert sorted(model.data(model.index(r, model.section("source_row"))) for r in range(2)) == [
        "15", "16"]
    qtmodeltester.check(model)

    session.state.set_condition(EMPTY_KEY, None)  # the file's other rows: values, no mark
    assert model.rowCount() == 14
    filled = [model.index(r, value) for r in range(14)
              if model.data(model.index(r, value)) != NO_VALUE]
    assert len(filled) == 12
    assert all(model.data(i, Qt.ItemDataRole.ForegroundRole) is None for i in filled)
    assert model.data(filled[0]) in {"1,181.55", "0.01", "999,999.99"}


# -- fitting a 1366x768 screen -----------------------------------------------------------------

SMALL_SCREEN = (1366, 768)


def _inside(widget: QWidget, dialog: ImportDialog) -> bool:
    rect = QRect(widget.mapTo(dialog, widget.rect().topLeft()), widget.size())
    return dialog.rect().contains(rect)


def test_dialog_fits_a_1366x768_screen(make_dialog, qtbot, no_origin: Path) -> None:
    dialog = make_dialog(no_origin)
    hint = dialog.minimumSizeHint()
    assert hint.width() <= SMALL_SCREEN[0]
    assert hint.height() <= SMALL_SCREEN[1] - 60
    fitting = dialog.fitting_size()
    screen = dialog.screen().availableGeometry().size()
    assert fitting.width() <= max(screen.width(), hint.width())
    assert fitting.height() <= max(screen.height(), hint.height())

    dialog.resize(SMALL_SCREEN[0] - 24, SMALL_SCREEN[1] - 60)  # a frame and a panel
    qtbot.waitUntil(lambda: dialog.size().height() == SMALL_SCREEN[1] - 60)
    QApplication.processEvents()
    shown = [*dialog.missing.labels.values(), *dialog.missing.buttons.values(),
             dialog.value_total, dialog.mapping_table, dialog.preview_view, dialog.message,
             dialog.import_button, dialog.cancel_button]
    for widget in shown:
        assert widget.isVisibleTo(dialog), widget.objectName()
        assert _inside(widget, dialog), widget.objectName()
    table = dialog.mapping_table
    rows = table.rowCount()
    assert rows == len(NO_ORIGIN_HEADERS)
    # Every column of this sheet is in sight without scrolling, with its sample values.
    assert table.viewport().height() >= sum(table.rowHeight(r) for r in range(rows))
    assert table.columnWidth(MAP_SAMPLES) >= 150
    view = dialog.preview_view
    assert view.viewport().height() >= 5 * view.rowHeight(0)
    for label in dialog.missing.labels.values():  # each sentence whole, on one line
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text())
        assert label.height() >= label.fontMetrics().height()

    import_and_wait(qtbot, dialog)
    for widget in (dialog.headline, dialog.results_table, dialog.findings.tree,
                   dialog.findings.show_button, dialog.rejects_view, dialog.cancel_button):
        assert widget.isVisibleTo(dialog)
        assert _inside(widget, dialog), widget.objectName()
    tree = dialog.findings.tree
    top = tree.topLevelItem(0)
    last = top.child(top.childCount() - 1)
    assert tree.visualItemRect(last).bottom() <= tree.viewport().height()  # all in sight
