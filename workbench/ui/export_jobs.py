"""Exports from the window: the Excel summary on a worker thread with progress and Cancel,
and the table's current rows as CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from workbench.errors import WorkbenchError
from workbench.export.csv_table import write_csv
from workbench.services.summary import export_summary
from workbench.store.case import CaseFile
from workbench.ui.session import CaseSession

APP_NAME = "Case Workbench"


class Cancelled(WorkbenchError):
    """The reporter pressed Cancel; nothing was written."""


class SummaryWorker(QThread):
    """Writes the Excel summary off the UI thread; the case file is opened read-only here."""

    progressed = Signal(str, float)
    finished_ok = Signal(object)  # the export's result dict
    failed = Signal(str)
    cancelled = Signal()  # stopped at the reporter's word; nothing was written

    def __init__(self, case_path: Path, out: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_path, self.out = case_path, out
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            case = CaseFile.open(self.case_path, read_only=True)
            try:
                result = export_summary(case, self.out, self.progressed.emit,
                                        lambda: self._cancel)
            finally:
                case.close()
        except Exception as exc:  # every failure ends as one sentence
            if self._cancel:
                self.cancelled.emit()
            else:
                self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.finished_ok.emit(result)


def run_summary_export(session: CaseSession, out: Path, parent: QWidget,
                       done: Callable[[dict[str, Any] | None, str | None], None]) -> SummaryWorker:
    """Start the export with a progress dialog whose Cancel stops it.

    ``done(result, error)`` hears the end: a result, or one sentence, or neither (cancelled).
    """
    dialog = QProgressDialog("Writing the Excel summary…", "Cancel", 0, 100, parent)
    dialog.setObjectName("export.progress")
    dialog.setWindowTitle("Export summary")
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    worker = SummaryWorker(session.summary.path, out, parent)

    def on_progress(message: str, fraction: float) -> None:
        dialog.setLabelText(message)
        dialog.setValue(int(max(0.0, min(fraction, 1.0)) * 100))

    def finish(result: dict[str, Any] | None, error: str | None) -> None:
        dialog.close()
        done(result, error)

    worker.progressed.connect(on_progress)
    worker.finished_ok.connect(lambda result: finish(result, None))
    worker.failed.connect(lambda message: finish(None, message))
    worker.cancelled.connect(lambda: finish(None, None))
    dialog.canceled.connect(worker.cancel)
    worker.start()
    return worker


def export_table_csv(session: CaseSession, out: Path) -> int:
    """The table's rows as they are filtered and sorted now, formula-safe; the row count."""
    frame = session.frame.iloc[session.view.rows]
    return write_csv(frame, out)


def ask_path(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, pattern)
    return Path(name) if name else None


def tell(parent: QWidget, message: str) -> None:
    QMessageBox.information(parent, APP_NAME, message)
