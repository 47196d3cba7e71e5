"""Answering the modal dialogs a window shows, as a reporter would (file dialogs excepted:
those are answered through the ``file_dialogs`` fixture)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QMessageBox,
    QProgressDialog,
    QWidget,
)
from shiboken6 import getCppPointer

from workbench.ui.about_dialog import AboutDialog
from workbench.ui.figure_dialog import FigureDialog
from workbench.ui.import_dialog import ImportDialog
from workbench.ui.preferences_dialog import PreferencesDialog
from workbench.ui.share_dialog import ShareDialog
from workbench.ui.shortcut_sheet import ShortcutSheet


class ModalAnswerer:
    """Answers whatever modal dialog is up, as a reporter would; records warning boxes."""

    def __init__(self, texts: dict[str, str], choices: tuple[str, ...] = ()) -> None:
        self.texts = texts  # an input dialog's label -> what is typed
        self.choices = choices  # buttons to press in a question box, when it has one
        self.boxes: list[str] = []
        self.unexpected: list[str] = []
        self.shared: list[Path] = []
        self.asked: list[str] = []  # question boxes answered with one of the choices
        self.before = {address(w) for w in _shown_dialogs()}  # left up by others: not ours
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.answer)
        self.timer.start()

    def dialogs(self) -> list[QDialog]:
        """The dialogs shown since this answerer started, newest last."""
        return [d for d in _shown_dialogs() if address(d) not in self.before]

    def busy(self) -> bool:
        """Whether a dialog (other than a job's progress) still waits for an answer."""
        return any(not isinstance(d, QProgressDialog) for d in self.dialogs())

    def answer(self) -> None:
        for dialog in self.dialogs():
            if isinstance(dialog, QMessageBox):
                self._answer_box(dialog)
            elif not isinstance(dialog, QProgressDialog):
                self._answer(dialog)

    def _answer_box(self, box: QMessageBox) -> None:
        chosen = [b for b in box.buttons() if b.text() in self.choices]
        if chosen:
            self.asked.append(box.text())
            chosen[0].click()
        else:
            self.boxes.append(f"{box.windowTitle()}: {box.text()}")
            box.done(0)

    def _answer(self, dialog: QDialog) -> None:
        if isinstance(dialog, QInputDialog):
            typed = self.texts.get(dialog.labelText())
            if typed is None:
                self.unexpected.append(dialog.labelText())
                dialog.reject()
                return
            self.asked.append(dialog.labelText())
            dialog.setTextValue(typed)
            dialog.accept()
        elif isinstance(dialog, FigureDialog):
            dialog.name.setText("All the shipments")
            dialog.accept()
        elif isinstance(dialog, ImportDialog):
            if dialog.previewing or dialog.running:
                return
            if dialog.reports:
                dialog.cancel_button.click()  # "Close" once the import is done
            else:
                dialog.import_button.click()
        elif isinstance(dialog, ShareDialog):
            if dialog.running:
                return
            if dialog.result_data is None:
                self.shared.append(Path(dialog.path_edit.text()))
                assert dialog.start(), dialog.message.text()
            else:
                dialog.accept()  # "Close"
        elif isinstance(dialog, PreferencesDialog):
            self.asked.append("Preferences")
            dialog.accept()  # as saved: the name the test settings hold
        elif isinstance(dialog, AboutDialog | ShortcutSheet):
            self.asked.append(type(dialog).__name__)
            dialog.close()  # read, then closed
        else:
            self.unexpected.append(type(dialog).__name__)
            dialog.close()

    def stop(self) -> None:
        self.timer.stop()


def _shown_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def address(widget: QWidget) -> int:
    """The widget's C++ address: one widget, whichever Python wrapper stands for it."""
    return int(getCppPointer(widget)[0])
