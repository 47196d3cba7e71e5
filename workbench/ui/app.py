"""Starting the window: the Qt application, the icon, the first case."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from workbench import __version__, bundled, labels

ICON = bundled.icon_path()


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Case Workbench")
    app.setOrganizationName("Case Workbench")
    app.setApplicationVersion(__version__)
    labels.install_translator(QCoreApplication.translate)  # a loaded QTranslator applies
    if ICON is not None:
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def run(path: str | None = None) -> int:
    """Show the window (on ``path`` when given) and run until it closes.

    The splash is up before the heavy imports; the case is read on a worker thread while the
    window is built, and the splash says how far that has got.
    """
    from workbench.ui.splash import CaseReader, Splash

    app = application()
    splash = Splash()
    splash.step("Starting…", 0.05)
    splash.show_now()
    reader = CaseReader(Path(path)) if path is not None else None
    if reader is not None:
        reader.progress.connect(lambda text: splash.step(text))
        reader.start()
    splash.step("Loading the workbench…", 0.15)
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    splash.step("Preparing the window…", 0.4)
    if reader is not None:
        if not reader.isFinished():
            loop = QEventLoop()
            reader.finished.connect(loop.quit)
            if not reader.isFinished():
                loop.exec()
        reader.wait()
        splash.step("Showing the case…", 0.9)
        read = reader.result if reader.error is None else None
        window.open_case(Path(path), read=read)  # when it cannot, the start page says why
    window.show()
    splash.finish(window)
    return app.exec()
