"""Add a source to the case, and open a stored source with the system's viewer.

Keeping a file runs on a worker thread (:class:`SourceKeeper`, its own connection): a
spreadsheet's sheets are read by the sandboxed reader for the search index, which can take
seconds for a large one.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QThread, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.ingest.sandbox import ReadCancelled
from workbench.services.identity import current_author
from workbench.services.notes import add_source, find_source
from workbench.store import files
from workbench.store.case import CaseFile
from workbench.store.events import Event
from workbench.ui.session import CaseSession

#: How far a source can be trusted, in the words a desk uses (kept as text in the event).
RELIABILITY = ("", "confirmed by other sources", "probably true", "possibly true", "doubtful",
               "cannot be judged")


class SourceKeeper(QThread):
    """Keeps files inside the case as sources, one after the other, off the UI thread.

    ``existing_ok``: a file the case already holds as a source is reported as kept (with its
    event) instead of refused.
    """

    kept = Signal(object, object, bool)  # path, Event, already a source
    failed = Signal(object, str)  # path, one sentence

    def __init__(self, case_path: Path, jobs: list[tuple[Path, dict[str, object]]], *,
                 existing_ok: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_path, self.jobs, self.existing_ok = Path(case_path), list(jobs), existing_ok
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            case = CaseFile.open(self.case_path)
        except WorkbenchError as exc:
            for path, _ in self.jobs:
                self.failed.emit(path, str(exc))
            return
        try:
            for path, options in self.jobs:
                if self._cancel:
                    self.failed.emit(path, f"{path.name} was not kept: cancelled.")
                    continue
                self._keep(case, path, options)
        finally:
            case.close()

    def _keep(self, case: CaseFile, path: Path, options: dict[str, object]) -> None:
        try:
            existing = (find_source(case, files.sha256_of(path))
                        if self.existing_ok and path.is_file() else None)
            if existing is not None:
                self.kept.emit(path, existing, True)
                return
            event = add_source(case, path, cancel=lambda: self._cancel,
                               **options)  # type: ignore[arg-type]
        except ReadCancelled:
            self.failed.emit(path, f"{path.name} was not kept: cancelled.")
        except WorkbenchError as exc:
            self.failed.emit(path, str(exc))
        except Exception as exc:  # an unforeseen failure still ends as one sentence
            self.failed.emit(path, f"{path.name} could not be kept ({type(exc).__name__}).")
        else:
            self.kept.emit(path, event, False)


class SourceDialog(QDialog):
    """A file and what the reporter knows of it: where it came from, how far to trust it."""

    def __init__(self, session: CaseSession, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.path = session, Path(path)
        self.saved: Event | None = None
        self.setWindowTitle("Add a source")
        self.setObjectName("source_dialog")
        self.setMinimumWidth(520)
        self.title = QLineEdit(self.path.stem)
        self.title.setObjectName("source_dialog.title")
        self.confidential = QCheckBox("Confidential: protects the identity of a human source")
        self.confidential.setObjectName("source_dialog.confidential")
        self.companies = QLineEdit()
        self.companies.setObjectName("source_dialog.companies")
        self.companies.setPlaceholderText("Companies it concerns, comma-separated")
        self.obtained_on = QDateEdit(QDate.currentDate())
        self.obtained_on.setCalendarPopup(True)
        self.obtained_on.setDisplayFormat("yyyy-MM-dd")
        self.obtained_by = QLineEdit(current_author())
        self.reliability = QComboBox()
        self.reliability.addItems(list(RELIABILITY))
        conditions = session.state.conditions
        self.link = QCheckBox("Link it to the shipments the table shows now ("
                              + ("; ".join(c.describe() for c in conditions) or "all") + ")")
        self.link.setObjectName("source_dialog.link")
        self.link.setEnabled(bool(conditions))
        self.message = QLabel()
        self.message.setObjectName("source_dialog.message")
        self.message.setWordWrap(True)
        self.keeper: SourceKeeper | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout(self)
        form.addRow(QLabel(f"File: {self.path.name}"))
        form.addRow("&Title", self.title)
        form.addRow(self.confidential)
        form.addRow("&Companies", self.companies)
        form.addRow("Obtained &on", self.obtained_on)
        form.addRow("Obtained &by", self.obtained_by)
        form.addRow("&Reliability", self.reliability)
        form.addRow(self.link)
        form.addRow(self.message)
        form.addRow(buttons)

    def save(self) -> None:
        """Keep the file inside the case with its metadata (an undoable event)."""
        where = ([c.as_json() for c in self.session.state.conditions]
                 if self.link.isChecked() else [])
        options = {
            "title": self.title.text().strip() or None,
            "confidential": self.confidential.isChecked(),
            "companies": [c for c in self.companies.text().split(",") if c.strip()],
            "obtained_by": self.obtained_by.text().strip() or None,
            "obtained_on": self.obtained_on.date().toString("yyyy-MM-dd"),
            "reliability": self.reliability.currentText() or None,
            "where": where,
        }
        if self.keeper is not None:
            return
        self.keeper = SourceKeeper(self.session.summary.path, [(self.path, options)],
                                   parent=self)
        self.keeper.kept.connect(self._on_kept)
        self.keeper.failed.connect(self._on_failed)
        self.keeper.finished.connect(self._on_finished)
        self.buttons.setEnabled(False)
        self.message.setText(f"Keeping {self.path.name} in the case…")
        self.keeper.start()

    @property
    def saving(self) -> bool:
        return self.keeper is not None

    def _on_kept(self, _path: Path, event: Event, _already: bool) -> None:
        self.saved = event
        self.session.recorded(event)

    def _on_failed(self, _path: Path, sentence: str) -> None:
        self.message.setText(sentence)

    def _on_finished(self) -> None:
        self.keeper = None
        self.buttons.setEnabled(True)
        if self.saved is not None:
            self.accept()

    def reject(self) -> None:
        """Cancel: stop a read still running first (nothing is kept then)."""
        if self.keeper is not None:
            self.keeper.cancel()
            self.keeper.wait()
        super().reject()


def stored_copy(case_path: Path, sha256: str, name: str) -> Path:
    """The stored bytes of a source, written to a private temporary folder for viewing."""
    case = CaseFile.open(case_path, read_only=True)
    try:
        stored = files.find(case.conn, sha256)
        if stored is None:
            raise WorkbenchError(f"The file of {name} is not in this case (it was purged).")
        data = files.read_bytes(case.conn, stored.id)
    finally:
        case.close()
    folder = Path(tempfile.mkdtemp(prefix="workbench-source-"))
    target = folder / Path(name).name
    target.write_bytes(data)
    target.chmod(0o600)
    return target


def extract_source(session: CaseSession, sha256: str, name: str) -> Path:
    """The stored bytes of a source of the open case, written for viewing (see stored_copy)."""
    return stored_copy(session.summary.path, sha256, name)


def open_with_system_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
