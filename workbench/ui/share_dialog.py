"""File > Share case…: a self-contained copy for a colleague, optionally redacted and encrypted.

The copy is written on a worker thread (with its own read-only connection to the case) with
progress and Cancel; the dialog then says what was left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.services.sharing import share_case, shared_name
from workbench.ui import file_dialogs
from workbench.ui.jobs import CaseJob
from workbench.ui.session import CaseSession


def left_out_text(result: dict[str, Any]) -> str:
    """What the dialog says when the copy is written."""
    where = Path(str(result["path"])).name
    lines = [f"Wrote {where}" + (", encrypted." if result["encrypted"] else ".")]
    counts = result.get("redacted")
    if counts is None:
        lines.append("Nothing was left out: the copy holds the whole case.")
    else:
        lines.append(f"Left out {_plural(counts['notes'], 'confidential note')}, "
                     f"{_plural(counts['sources'], 'confidential source')} and "
                     f"{_plural(counts['events'], 'change')} to the record in all.")
    return "\n".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class ShareDialog(QDialog):
    """Choose where to write the copy, whether to redact and encrypt it, then write it."""

    shared = Signal(object)  # the result dict, once the copy is written

    def __init__(self, case_path: Path, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("share.dialog")
        self.setWindowTitle("Share case")
        self.setMinimumWidth(620)  # room for the whole output path
        self.case_path = Path(case_path)
        self.worker: CaseJob | None = None
        self.result_data: dict[str, Any] | None = None

        self.path_edit = QLineEdit(str(suggested))
        self.path_edit.setObjectName("share.path")
        browse = QPushButton("Choose…")
        browse.setObjectName("share.browse")
        browse.clicked.connect(self._on_browse_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.redact_box = QCheckBox("Leave out confidential notes and sources")
        self.redact_box.setObjectName("share.redact")
        self.redact_box.setChecked(True)
        self.encrypt_box = QCheckBox("Encrypt with a passphrase")
        self.encrypt_box.setObjectName("share.encrypt")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("share.passphrase")
        self.confirm = QLineEdit()
        self.confirm.setObjectName("share.confirm")
        for edit in (self.passphrase, self.confirm):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setEnabled(False)
        self.encrypt_box.toggled.connect(self._on_encrypt_toggled)

        form = QFormLayout()
        form.addRow("Write to:", path_row)
        form.addRow(self.redact_box)
        form.addRow(self.encrypt_box)
        form.addRow("Passphrase:", self.passphrase)
        form.addRow("Repeat it:", self.confirm)

        self.message = QLabel()
        self.message.setObjectName("share.message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setObjectName("share.progress")
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.share_button = self.buttons.addButton(
            "Share", QDialogButtonBox.ButtonRole.AcceptRole)
        self.share_button.setObjectName("share.start")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    # -- state -----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def problem(self) -> str | None:
        """Why the fields cannot be used as they are, in one sentence (None when fine)."""
        text = self.path_edit.text().strip()
        if not text:
            return "Choose where to write the copy."
        out = Path(text)
        if out.is_dir():
            return "That is a folder; give the name of the file to write."
        if not out.parent.is_dir():
            return "The folder to write into does not exist."
        if self.encrypt_box.isChecked():
            if not self.passphrase.text():
                return "Type a passphrase to encrypt the copy with."
            if self.passphrase.text() != self.confirm.text():
                return "The two passphrases do not match."
        return None

    # -- actions -----------------------------------------------------------------------------

    def accept(self) -> None:
        """Start writing the copy (the dialog stays open to show progress and the result)."""
        if self.result_data is not None:
            super().accept()
            return
        self.start()

    def start(self) -> bool:
        """Check the fields and start the worker; False (with a message) when they are off."""
        if self.running:
            return False
        problem = self.problem()
        if problem is not None:
            self.message.setText(problem)
            return False
        passphrase = self.passphrase.text() if self.encrypt_box.isChecked() else None
        out, redact = Path(self.path_edit.text().strip()), self.redact_box.isChecked()
        self.worker = CaseJob(
            self.case_path,
            lambda case, step, cancelled: share_case(case, out, redact=redact,
                                                     passphrase=passphrase, progress=step,
                                                     cancelled=cancelled),
            read_only=True, parent=self)
        self.worker.progressed.connect(self._on_worker_progressed)
        self.worker.finished_ok.connect(self._on_worker_finished)
        self.worker.failed.connect(self._on_worker_failed)
        self.worker.cancelled.connect(self._on_worker_cancelled)
        self._set_busy(True)
        self.message.setText("Writing the copy…")
        self.worker.start()
        return True

    def reject(self) -> None:
        """Cancel stops a running share (nothing is written); otherwise it closes."""
        if self.running and self.worker is not None:
            self.worker.cancel()
            self.message.setText("Cancelling…")
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.running and self.worker is not None:
            self.worker.cancel()
            self.worker.wait()
        super().closeEvent(event)

    # -- slots -------------------------------------------------------------------------------

    def _on_browse_clicked(self) -> None:
        pattern = ("Encrypted bundles (*.wbbundle)" if self.encrypt_box.isChecked()
                   else "Case files (*.wbcase)")
        chosen = file_dialogs.save_file(self, "Share case", self.path_edit.text(),
                                        f"{pattern};;All files (*)")
        if chosen is not None:
            self.path_edit.setText(str(chosen[0]))

    def _on_encrypt_toggled(self, on: bool) -> None:
        text = self.path_edit.text().strip()
        if text:  # the name says what the file will be: .wbbundle when encrypted
            self.path_edit.setText(str(shared_name(Path(text), encrypted=on)))
        for edit in (self.passphrase, self.confirm):
            edit.setEnabled(on)
            if not on:
                edit.clear()

    def _on_worker_progressed(self, message: str, fraction: float) -> None:
        self.message.setText(f"{message}…")
        self.progress.setValue(int(max(0.0, min(fraction, 1.0)) * 100))

    def _on_worker_finished(self, result: dict[str, Any]) -> None:
        self._set_busy(False)
        self.result_data = result
        self.passphrase.clear()
        self.confirm.clear()
        self.progress.setValue(100)
        self.message.setText(left_out_text(result))
        self.share_button.setText("Close")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setVisible(False)
        self.shared.emit(result)

    def _on_worker_failed(self, message: str) -> None:
        self._set_busy(False)
        self.message.setText(message)

    def _on_worker_cancelled(self) -> None:
        self._set_busy(False)
        self.message.setText("Cancelled; nothing was written.")

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy or self.result_data is not None)
        if busy:
            self.progress.setValue(0)
        self.share_button.setEnabled(not busy)
        for widget in (self.path_edit, self.redact_box, self.encrypt_box):
            widget.setEnabled(not busy)
        for edit in (self.passphrase, self.confirm):
            edit.setEnabled(not busy and self.encrypt_box.isChecked())


def suggested_output(case_path: Path, title: str) -> Path:
    """``<title> (shared).wbcase`` beside the case file (or beside the case folder)."""
    case_path = Path(case_path)
    folder = case_path.parent
    if (folder / "spreadsheets").is_dir() or (folder / "notes").is_dir():
        folder = folder.parent  # a case folder's own files are its inputs; write beside it
    name = " ".join(re.sub(r'[\\/:*?"<>|]+', " ", title).split()) or case_path.stem
    return folder / f"{name} (shared).wbcase"


def share_from_window(window: QWidget, session: CaseSession) -> None:
    """Open the Share case dialog on the window's case (window-modal, does not block)."""
    path = session.summary.path
    dialog = ShareDialog(path, suggested_output(path, session.summary.title), window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
