"""The window on the sample case: panels, linked filtering, status bar, layout, screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from workbench.analysis.filters import Condition

pytestmark = pytest.mark.gui

SHOTS = Path(os.environ.get("WORKBENCH_TEST_OUTPUT", "test-output"))


@pytest.fixture
def window(qtbot, sample_case: Path):
    from workbench.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_case(sample_case)
    return win


def test_window_opens_the_sample_case_with_every_panel(window) -> None:
    assert window.windowTitle().startswith("Aurus imports 2018-2023")
    assert window.centralWidget().objectName() == "panel.shipments"
    assert set(window.docks) == {
        "suppliers", "timeline", "details", "profile", "replies", "history", "notes",
        "annotations", "figures", "conflicts", "search",
    }
    assert all(d.objectName() == f"dock.{n}" for n, d in window.docks.items())
    assert window.status_rows.text() == "2,650 of 2,650 shipments"
    assert window.status_total.text().endswith("34,186,352.74")


def test_choosing_a_supplier_filters_table_and_status(window, qtbot) -> None:
    suppliers = window.panels["suppliers"]
    model = suppliers.model
    row = next(r for r in range(model.rowCount()) if model.row_key(r, "sender") == "BYT CO LTD")
    suppliers.table.selectRow(row)
    frame = window.session.frame
    book = window.session.companies
    spellings = list(book.companies[book.company_of["BYT CO LTD"]].aliases)
    assert len(spellings) >= 3  # BYT CO LTD, BYT CO., LTD., B.Y.T. Co., Ltd: one company
    expected = frame["sender"].isin(spellings)
    qtbot.waitUntil(lambda: len(window.session.view.filtered) == int(expected.sum()))
    total = float(np.nansum(frame.loc[expected, "stat_value_usd"]))
    assert window.status_rows.text() == f"{int(expected.sum()):,} of 2,650 shipments"
    assert window.status_total.text().endswith(f"{total:,.2f}")
    assert window.shipments.model.rowCount() == int(expected.sum())


def test_undo_and_clear_filters(window) -> None:
    from workbench.ui.actions import ActionId

    state = window.session.state
    state.set_condition("bar:0", Condition("origin_country", "=", "KR"))
    assert window.status_rows.text() == "1,140 of 2,650 shipments"
    window.actions[ActionId.EDIT_UNDO].trigger()
    assert window.status_rows.text() == "2,650 of 2,650 shipments"
    window.actions[ActionId.EDIT_REDO].trigger()
    assert window.status_rows.text() == "1,140 of 2,650 shipments"
    window.actions[ActionId.VIEW_CLEAR_FILTERS].trigger()
    assert state.conditions == []


def test_layout_is_saved_restored_and_reset(qtbot, sample_case: Path) -> None:
    from PySide6.QtCore import Qt

    from workbench.ui.main_window import MainWindow

    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.open_case(sample_case)
    first.docks["details"].hide()
    first.close()

    second = MainWindow()
    qtbot.addWidget(second)
    second.show()
    second.open_case(sample_case)
    assert not second.docks["details"].isVisible()
    second.reset_layout()
    assert second.docks["details"].isVisible()
    assert second.dockWidgetArea(second.docks["timeline"]) == Qt.DockWidgetArea.BottomDockWidgetArea


def test_screenshot_of_the_window(window, qtbot) -> None:
    qtbot.waitExposed(window)
    SHOTS.mkdir(parents=True, exist_ok=True)
    image = window.grab()
    assert image.save(str(SHOTS / "window-sample-case.png"))
    screen = window.screen().availableGeometry()
    assert image.width() == window.width() <= screen.width()
    assert image.height() == window.height() <= screen.height()


def test_start_page_without_a_case(qtbot) -> None:
    from workbench.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.centralWidget().objectName() == "start_page"
    assert not win.actions["case.import"].isEnabled()


def test_suppliers_model_passes_the_model_tester(window, qtmodeltester) -> None:
    qtmodeltester.check(window.panels["suppliers"].model)


def test_dropping_files_on_the_window_imports_them(
    qtbot, monkeypatch, tmp_path: Path, sample_case: Path
) -> None:
    """A drop hands the files to the import dialog (tested on its own), then reloads rows."""
    import shutil

    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    from workbench.ui.main_window import MainWindow

    own_case = tmp_path / "aurus"  # a private copy: this test adds rows
    shutil.copytree(sample_case, own_case)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.open_case(own_case)

    from tests.extracts import sample_items, write_numbered_csv
    from workbench.services.importing import import_file
    from workbench.store.case import CaseFile
    from workbench.ui.import_dialog import ImportOutcome

    extract = write_numbered_csv(tmp_path / "extra.csv", sample_items())
    received: list[list[Path]] = []

    def import_without_dialog(_parent, case_path, files, on_kept=None):
        received.append(list(files))
        case = CaseFile.open(case_path)
        try:
            return ImportOutcome([import_file(case, f) for f in files])
        finally:
            case.close()

    monkeypatch.setattr("workbench.ui.import_dialog.run_import_dialog", import_without_dialog)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(extract))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert received == [[extract]]
    qtbot.waitUntil(lambda: window.status_rows.text() == "2,662 of 2,662 shipments")


def test_a_damaged_saved_layout_gives_the_default_arrangement(qtbot, sample_case: Path) -> None:
    from PySide6.QtCore import QByteArray, Qt

    from workbench.ui import settings
    from workbench.ui.main_window import MainWindow

    settings.save_layout(QByteArray(b"not a geometry"), QByteArray(b"not a state"))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_case(sample_case)
    bottom, right = Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    for name in ("timeline", "replies", "history", "annotations", "conflicts"):
        assert win.dockWidgetArea(win.docks[name]) == bottom, name
    for name in ("suppliers", "profile", "notes", "details"):
        assert win.dockWidgetArea(win.docks[name]) == right, name
    assert win.docks["replies"] in win.tabifiedDockWidgets(win.docks["timeline"])
    screen = win.screen().availableGeometry()
    assert win.width() <= screen.width()
    assert win.height() <= screen.height()
