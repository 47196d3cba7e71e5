"""Add a source to the case, and open a stored source with the system's viewer."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QUrl
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
from workbench.services.identity import current_author
from workbench.services.notes import add_source
from workbench.store import files
from workbench.store.case import CaseFile
from workbench.store.events import Event
from workbench.ui.session import CaseSession

#: How far a source can be trusted, in the words a desk uses (kept as text in the event).
RELIABILITY = ("", "confirmed by other sources", "probably true", "possibly true", "doubtful",
               "cannot be judged")


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
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
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
        try:
            self.saved = self.session.record(lambda case: add_source(case, self.path, **options))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


def extract_source(session: CaseSession, sha256: str, name: str) -> Path:
    """The stored bytes of a source, written to a private temporary folder for viewing."""
    case = CaseFile.open(session.summary.path, read_only=True)
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


def open_with_system_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
