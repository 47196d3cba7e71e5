"""Child of ``test_kill_while_typing``: the real window, one reply recorded, more being typed.

Command line: ``FOLDER COMPANY COMMITTED HALF MODE``. Records a reply with ``COMMITTED`` through
the right-of-reply form, then types ``HALF`` into the form again and a note into the notes panel
without saving either. Prints ``READY`` once the reply is committed (``MODE`` "commit") or once
the drafts are typed (``MODE`` "typing"), then keeps typing into the drafts until killed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from workbench.ui.app import application
from workbench.ui.main_window import MainWindow

#: The child gives up by itself if nobody kills it.
LIFETIME_MS = 30_000
W = TypeVar("W", bound=QWidget)


def _find(window: MainWindow, kind: type[W], name: str) -> W:
    widget = window.findChild(kind, name)
    if widget is None:
        raise SystemExit(f"no {kind.__name__} named {name}")
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    if parent is not None:
        parent.show()
        parent.raise_()
    return widget


def main(argv: list[str]) -> int:
    folder, company, committed, half, mode = argv
    app = application()
    window = MainWindow()
    window.show()
    if not window.open_case(Path(folder)):
        return 2
    kind = _find(window, QComboBox, "replies.kind")
    kind.setCurrentIndex(kind.findText("reply"))
    company_edit = _find(window, QLineEdit, "replies.company")
    reply_text = _find(window, QLineEdit, "replies.text")
    QTest.keyClicks(company_edit, company)
    QTest.keyClicks(reply_text, committed)
    QTest.keyClick(reply_text, Qt.Key.Key_Return)
    message = _find(window, QLabel, "replies.message").text()
    if not message.startswith("Recorded"):
        print("NOT RECORDED:", message, flush=True)
        return 1

    def type_drafts() -> None:
        QTest.keyClicks(reply_text, half)
        _find(window, QPushButton, "notes.new").click()
        QTest.keyClicks(_find(window, QLineEdit, "notes.title"), f"Draft {half}")
        QTest.keyClicks(_find(window, QPlainTextEdit, "notes.editor"), f"Source says {half}")

    if mode == "typing":
        type_drafts()
    print("READY", flush=True)
    if mode == "commit":
        QTimer.singleShot(0, type_drafts)
    more = QTimer(window, interval=5)
    more.timeout.connect(lambda: QTest.keyClicks(reply_text, half[:3]))
    more.start()
    QTimer.singleShot(LIFETIME_MS, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
