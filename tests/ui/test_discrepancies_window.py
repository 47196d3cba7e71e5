"""Two extracts, one shipment, two values, in the window: the import report lists them, the
table marks the rows, the Details panel shows both and counts the other, Edit > Undo takes it
back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from tests.extracts import sample_items, second_vendor_items, write_gcode_xlsx, write_vendor_csv
from workbench.services.cases import new_case
from workbench.services.importing import import_file
from workbench.ui.actions import ActionId
from workbench.ui.import_dialog import ImportDialog
from workbench.ui.models.discrepancies_model import DiscrepanciesModel
from workbench.ui.models.shipments_model import ShipmentsModel

WAIT_MS = 20_000
HELD_TOTAL = "2,486,304.97"


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "case.wbcase"
    case = new_case(path, "Two vendors")
    import_file(case, write_gcode_xlsx(tmp_path / "vendor_a.xlsx", sample_items()))
    case.close()
    return path


@pytest.fixture
def second_extract(tmp_path: Path) -> Path:
    return write_vendor_csv(tmp_path / "vendor_b.csv", second_vendor_items(sample_items()))


@pytest.fixture
def window(qtbot, case_path: Path, second_extract: Path):
    """The window on the case after the second vendor's extract went in."""
    from workbench.store.case import CaseFile
    from workbench.ui.main_window import MainWindow

    opened = CaseFile.open(case_path)
    import_file(opened, second_extract)
    opened.close()
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_case(case_path)
    return win


def _view_row(model: ShipmentsModel, declaration: str, item: int) -> int:
    frame = model.session.frame
    hits = np.flatnonzero((frame["declaration_no"] == declaration).to_numpy()
                          & (frame["item_no"] == item).to_numpy())
    (row,) = model.view_rows(hits)
    return int(row)


def test_the_import_report_page_lists_the_discrepancies(qtbot, case_path: Path,
                                                         second_extract: Path) -> None:
    dialog = ImportDialog(case_path, [second_extract])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.previewing, timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.pages.currentIndex() == 1
    result = dialog.results_table.item(0, 4).text()
    assert result == ("Nothing new: every row is already in the case; 4 of them give other "
                      "values than the case holds (listed below).")
    assert dialog.discrepancies_view.isVisible()
    assert dialog.discrepancies_label.text().startswith(
        "Values that differ from the shipments the case holds (5)")
    model = dialog.discrepancies_model
    rows = [[model.data(model.index(r, c)) for c in range(model.columnCount())]
            for r in range(model.rowCount())]
    assert ["10702070/020322/0000002", "3", "Statistical value, USD", "different",
            "1,234,567.89", "1,200,000.00", "vendor_b.csv", "", "11"] in rows
    assert ["10702070/020322/0000002", "1", "Origin country", "recoded", "KR", "CN",
            "vendor_b.csv", "", "9"] in rows
    assert len(rows) == 5


def test_the_discrepancies_model_passes_the_model_tester(qtmodeltester) -> None:
    from workbench.ingest.differences import Discrepancy

    model = DiscrepanciesModel()
    model.set_discrepancies([Discrepancy("1", 1, "stat_value_usd", "rounded", 1.5, 2.0, "b.csv",
                                         "", 3, "a" * 64)])
    qtmodeltester.check(model)
    assert model.as_tsv().splitlines()[1].split("\t")[4:6] == ["1.50", "2.00"]


def test_rows_other_extracts_disagree_on_are_marked(window) -> None:
    model = window.shipments.model
    marker = model.marker_section
    marked = {(str(model.session.frame["declaration_no"].iloc[model.frame_row(r)]),
               int(model.session.frame["item_no"].iloc[model.frame_row(r)])):
              model.data(model.index(r, marker), ShipmentsModel.DISCREPANCIES_ROLE)
              for r in range(model.rowCount())}
    assert {k: v for k, v in marked.items() if v} == {
        ("10702070/140618/0000001", 1): 1, ("10702070/020322/0000002", 1): 2,
        ("10702070/020322/0000002", 3): 1, ("10702070/051123/0000003", 2): 1}
    row = _view_row(model, "10702070/020322/0000002", 1)
    assert model.data(model.index(row, marker), Qt.ItemDataRole.DecorationRole) is not None
    tip = model.data(model.index(row, marker), Qt.ItemDataRole.ToolTipRole)
    assert "Another extract gives other values for 2 fields" in tip
    plain = _view_row(model, "10702070/140618/0000001", 2)
    assert model.data(model.index(plain, marker), Qt.ItemDataRole.DecorationRole) is None


def test_details_shows_both_values_and_counting_the_other_changes_the_total_until_undo(
        window, qtbot) -> None:
    panel = window.shipments
    details = window.panels["details"]
    assert window.status_total.text() == f"Total statistical value, USD: {HELD_TOTAL}"
    row = _view_row(panel.model, "10702070/020322/0000002", 3)
    panel.table.selectRow(row)
    assert details.others.isVisible()
    held_mark = details.findChild(QLabel, "details.counts.held:stat_value_usd")
    assert held_mark is not None
    (key,) = [k for k in details.choice_buttons if not k.startswith("held:")]
    texts = " ".join(w.text() for w in details.others.findChildren(QLabel))
    assert "1,234,567.89" in texts
    assert "1,200,000.00" in texts
    assert "vendor_a.xlsx · sheet 2022 · row 6 (first in the case)" in texts
    assert "vendor_b.csv · row 11 (another extract)" in texts
    assert details.fields()["stat_value_usd"] == "1,234,567.89"

    qtbot.mouseClick(details.choice_buttons[key], Qt.MouseButton.LeftButton)
    assert window.status_total.text() == "Total statistical value, USD: 2,451,737.08"
    assert details.fields()["stat_value_usd"] == "1,200,000.00"
    assert window.session.state.selected_rows == (panel.model.frame_row(row),)
    qtbot.waitUntil(lambda: tuple(panel.selected_positions().tolist())
                    == window.session.state.selected_rows)
    assert details.findChild(QLabel, f"details.counts.{key}") is not None
    assert details.findChild(QLabel, "details.counts.held:stat_value_usd") is None
    assert isinstance(details.choice_buttons.get("held:stat_value_usd"), QPushButton)
    undo = window.actions[ActionId.EDIT_UNDO]
    assert undo.text().startswith("&Undo counted Statistical value")
    history = window.panels["history"]
    summaries = [str(history.model.row_key(r, "summary")) for r in range(history.model.rowCount())]
    assert any(s.startswith("counted Statistical value, USD 1,200,000.00 from vendor_b.csv")
               for s in summaries)

    undo.trigger()
    assert window.status_total.text() == f"Total statistical value, USD: {HELD_TOTAL}"
    assert details.fields()["stat_value_usd"] == "1,234,567.89"
    assert details.findChild(QLabel, "details.counts.held:stat_value_usd") is not None
    assert details.findChild(QLabel, f"details.counts.{key}") is None
    window.actions[ActionId.EDIT_REDO].trigger()
    assert window.status_total.text() == "Total statistical value, USD: 2,451,737.08"


def test_counting_another_origin_moves_the_row_into_that_country(window, qtbot) -> None:
    from workbench.analysis.filters import Condition

    panel, details, state = window.shipments, window.panels["details"], window.session.state
    state.set_condition("test", Condition("origin_country", "=", "CN"))
    before = len(window.session.view.filtered)
    state.set_condition("test", None)
    position = panel.model.frame_row(_view_row(panel.model, "10702070/020322/0000002", 1))
    panel.table.selectRow(_view_row(panel.model, "10702070/020322/0000002", 1))
    (origin,) = [x.id for x in window.session.discrepancies_at(position)
                 if x.discrepancy.field == "origin_country"]
    qtbot.mouseClick(details.choice_buttons[origin], Qt.MouseButton.LeftButton)
    assert details.fields()["origin_country"] == "CN"
    state.set_condition("test", Condition("origin_country", "=", "CN"))
    assert len(window.session.view.filtered) == before + 1
    assert position in set(window.session.view.filtered.tolist())
