"""Exports from the window: the Excel summary on a worker thread, the table as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from workbench.analysis.filters import Condition
from workbench.ui.actions import ActionId


def test_summary_export_from_the_window(private_window, qtbot, tmp_path: Path) -> None:
    out = tmp_path / "desk.xlsx"
    worker = private_window.export_summary(out)
    assert worker is not None
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: private_window._job is None)
    book = load_workbook(out, read_only=True)
    try:
        assert "Summary" in book.sheetnames
        assert len(book.sheetnames) >= 10
    finally:
        book.close()
    assert "Exported the summary" in private_window.statusBar().currentMessage()


def test_cancelled_summary_leaves_the_old_file(private_window, qtbot, tmp_path: Path) -> None:
    out = tmp_path / "desk.xlsx"
    out.write_bytes(b"the previous export")
    worker = private_window.export_summary(out)
    worker.cancel()
    with qtbot.waitSignal(worker.finished, timeout=60_000):
        pass
    qtbot.waitUntil(lambda: private_window._job is None)
    assert private_window.statusBar().currentMessage() == "Export cancelled; nothing was written."
    assert out.read_bytes() == b"the previous export"
    assert [p.name for p in tmp_path.glob("*desk*")] == ["desk.xlsx"]  # no temp file left


def test_csv_export_is_the_table_as_shown(private_window, tmp_path: Path) -> None:
    session = private_window.session
    session.state.set_condition("t", Condition("origin_country", "=", "IT"))
    out = tmp_path / "rows.csv"
    private_window.export_csv(out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(session.filtered_rows)
    assert {r["origin_country"] for r in rows} == {"IT"}
    assert private_window.actions[ActionId.CASE_EXPORT_CSV].isEnabled()
    assert private_window.actions[ActionId.CASE_SAVE_FIGURE].shortcut().toString() == \
        "Ctrl+Shift+G"
