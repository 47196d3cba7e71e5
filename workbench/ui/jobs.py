"""Long work from the window on a worker thread with progress and Cancel (the Excel summary,
a merge), and the table's current rows as CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from workbench.export.csv_table import write_csv
from workbench.services.merging import merge_case
from workbench.services.summary import export_summary
from workbench.store.case import CaseFile
from workbench.ui import file_dialogs
from workbench.ui.session import CaseSession

#: A job's work: given the open case, a progress callback and a cancel check, its result.
Work = Callable[[CaseFile, Callable[[str, float], None], Callable[[], bool]], dict[str, Any]]
#: Told the end: a result, or one sentence, or neither (cancelled; nothing was changed).
Done = Callable[[dict[str, Any] | None, str | None], None]


class CaseJob(QThread):
    """Long work on the case file off the UI thread, with its own connection."""

    progressed = Signal(str, float)
    finished_ok = Signal(object)  # the work's result dict
    failed = Signal(str)
    cancelled = Signal()  # stopped at the reporter's word; nothing was changed

    def __init__(self, case_path: Path, work: Work, *, read_only: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_path, self.work, self.read_only = case_path, work, read_only
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            case = CaseFile.open(self.case_path, read_only=self.read_only)
            try:
                result = self.work(case, self.progressed.emit, lambda: self._cancel)
            finally:
                case.close()
        except Exception as exc:  # every failure ends as one sentence
            if self._cancel:
                self.cancelled.emit()
            else:
                self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.finished_ok.emit(result)


def run_with_progress(job: CaseJob, title: str, parent: QWidget, done: Done) -> CaseJob:
    """Start ``job`` under a progress dialog whose Cancel stops it; ``done`` hears the end."""
    dialog = QProgressDialog(f"{title}…", "Cancel", 0, 100, parent)
    dialog.setObjectName("job.progress")
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def on_progress(message: str, fraction: float) -> None:
        dialog.setLabelText(message)
        dialog.setValue(int(max(0.0, min(fraction, 1.0)) * 100))

    def finish(result: dict[str, Any] | None, error: str | None) -> None:
        dialog.close()
        done(result, error)

    job.progressed.connect(on_progress)
    job.finished_ok.connect(lambda result: finish(result, None))
    job.failed.connect(lambda message: finish(None, message))
    job.cancelled.connect(lambda: finish(None, None))
    dialog.canceled.connect(job.cancel)
    job.start()
    return job


def summary_job(session: CaseSession, out: Path, parent: QWidget) -> CaseJob:
    """The Excel summary for the desk, written from a read-only connection."""
    return CaseJob(session.summary.path,
                   lambda case, step, cancelled: export_summary(case, out, step, cancelled),
                   read_only=True, parent=parent)


def merge_job(session: CaseSession, other: Path, passphrase: str | None,
              parent: QWidget) -> CaseJob:
    """A colleague's copy merged into the case (snapshot first, one transaction)."""
    return CaseJob(session.summary.path,
                   lambda case, step, cancelled: merge_case(
                       case, other, passphrase=(lambda: passphrase or ""), step=step,
                       cancelled=cancelled),
                   read_only=False, parent=parent)


def export_table_csv(session: CaseSession, out: Path) -> int:
    """The table's rows as they are filtered and sorted now, formula-safe; the row count."""
    frame = session.frame.iloc[session.view.rows]
    return write_csv(frame, out)


def ask_path(parent: QWidget, title: str, suggested: Path, pattern: str) -> Path | None:
    chosen = file_dialogs.save_file(parent, title, suggested, pattern)
    return chosen[0] if chosen else None
