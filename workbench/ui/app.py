"""Starting the window: the Qt application, the icon, the first case."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from workbench import __version__

ICON = Path(__file__).resolve().parents[2] / "resources" / "workbench.svg"


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Case Workbench")
    app.setOrganizationName("Case Workbench")
    app.setApplicationVersion(__version__)
    if ICON.exists():
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def run(path: str | None = None) -> int:
    """Show the window (on ``path`` when given) and run until it closes."""
    from workbench.ui.main_window import MainWindow

    app = application()
    window = MainWindow()
    window.show()
    if path is not None:
        window.open_case(Path(path))  # when it cannot, the start page says why
    return app.exec()
