"""The splash: on screen before the heavy imports, with progress while the first case opens.

Only Qt is imported here, so the splash can show a few tenths of a second after launch;
:class:`CaseReader` reads the case on a worker thread meanwhile (see ``workbench/ui/app.py``).
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QRect, Qt, QThread, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from workbench import __version__, bundled

SIZE = (460, 220)
INK, PAPER, ACCENT = QColor("#1f3a5f"), QColor("#f6f8fb"), QColor("#f2b134")


def _picture() -> QPixmap:
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() \
        else 1.0
    pixmap = QPixmap(int(SIZE[0] * ratio), int(SIZE[1] * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(PAPER)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(INK)
    painter.drawRect(0, 0, SIZE[0] - 1, SIZE[1] - 1)
    icon = bundled.icon_path()
    if icon is not None:
        QIcon(str(icon)).paint(painter, QRect(28, 36, 72, 72))
    title = QFont(painter.font())
    title.setPointSizeF(title.pointSizeF() * 1.8)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(QRect(120, 40, 320, 40), Qt.AlignmentFlag.AlignVCenter, "Case Workbench")
    painter.setFont(QFont(painter.font().family()))
    painter.drawText(QRect(120, 80, 320, 24), Qt.AlignmentFlag.AlignVCenter,
                     f"Version {__version__}")
    painter.end()
    return pixmap


class Splash(QWidget):
    """The app's name and a line saying what it is doing, with a bar for how far it has got.

    A plain frameless window, not ``QSplashScreen``: that one waits up to a second for the
    window system to expose it, which is the very delay a splash is there to hide.
    """

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("splash")
        self.setWindowTitle("Case Workbench")
        self.setFixedSize(*SIZE)
        self.picture = _picture()
        self.fraction = 0.0
        self.text = ""
        self.painted = False
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.move(screen.availableGeometry().center() - self.rect().center())

    def show_now(self, wait_seconds: float = 0.3) -> None:
        """Show the splash and return once it has painted (the window system may be slow to
        expose it), or after ``wait_seconds`` at most."""
        self.show()
        deadline = time.monotonic() + wait_seconds
        while not self.painted and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
            if not self.painted:
                QThread.msleep(5)

    def step(self, text: str, fraction: float | None = None) -> None:
        """Say what happens now (and how far along), and paint it at once."""
        if fraction is not None:
            self.fraction = max(self.fraction, min(1.0, fraction))
        self.text = text
        if self.isVisible():
            self.repaint()
        QApplication.processEvents()

    def finish(self, window: QWidget) -> None:
        """Close once ``window`` is on screen."""
        del window
        self.close()
        self.deleteLater()

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self.picture)
        width = SIZE[0] - 56
        painter.fillRect(28, SIZE[1] - 58, width, 6, QColor("#dde4ec"))
        painter.fillRect(28, SIZE[1] - 58, int(width * self.fraction), 6, ACCENT)
        painter.setPen(INK)
        painter.drawText(QRect(28, SIZE[1] - 44, width, 28),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.text)
        painter.end()
        self.painted = True


class CaseReader(QThread):
    """Reads the first case on a worker thread; ``result`` or ``error`` when it has finished."""

    progress = Signal(str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.result: object | None = None  # a workbench.ui.loading.CaseRead
        self.error: Exception | None = None

    def run(self) -> None:
        from workbench.ui.loading import read_case  # the heavy imports, off the main thread

        self.progress.emit(f"Reading {self.path.name}…")
        try:
            self.result = read_case(self.path, on_import=lambda name: self.progress.emit(
                f"Importing {name}…"))
        except Exception as exc:  # the window opens it again on the main thread and says why
            self.error = exc
