"""Keeping the main window inside its screen, and telling whether a layout leaves the table room.

The window is never larger than the screen's available geometry (the desktop less its panels);
a saved layout that no longer fits (another screen, another scale) is replaced by the default.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

#: The largest window the app opens on a big screen; smaller screens get all of their space.
PREFERRED = QSize(1600, 1000)
#: The share of the window's height the shipment table keeps in every arrangement.
TABLE_SHARE = 0.4


def available(window: QWidget) -> QRect:
    """Where the window may be: its screen's available geometry less the window frame."""
    screen = window.screen()
    area = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()
    return QRect(area.topLeft(), area.size() - frame)


def limit_to_screen(window: QWidget) -> None:
    """Cap the window's size at the available screen and move it back onto the screen."""
    area = available(window)
    window.setMaximumSize(area.size())
    size = window.size().boundedTo(area.size())
    if size != window.size():
        window.resize(size)
    geometry = window.frameGeometry()
    if not area.contains(geometry.topLeft()) or not area.contains(geometry.bottomRight()):
        x = min(max(geometry.x(), area.x()), area.right() - size.width() + 1)
        y = min(max(geometry.y(), area.y()), area.bottom() - size.height() + 1)
        window.move(max(x, area.x()), max(y, area.y()))


def first_geometry(window: QWidget) -> QRect:
    """The window's place on first launch: the whole of a small screen, centred on a big one."""
    area = available(window)
    size = PREFERRED.boundedTo(area.size())
    left = area.x() + (area.width() - size.width()) // 2
    top = area.y() + (area.height() - size.height()) // 2
    return QRect(left, top, size.width(), size.height())


def unreachable_docks(window: QMainWindow, docks: list[QDockWidget]) -> list[QDockWidget]:
    """Docks shown but outside the window, or squeezed to nothing, that a reporter cannot use."""
    inside = window.rect()
    lost = []
    for dock in docks:
        if dock.isHidden() or dock.isFloating():
            continue
        tabbed = window.tabifiedDockWidgets(dock)
        if tabbed and not dock.isVisible():
            continue  # a tab behind another one; its tab is where the front one is
        box = QRect(dock.mapTo(window, dock.rect().topLeft()), dock.size())
        if not inside.contains(box) or box.width() < 40 or box.height() < 40:
            lost.append(dock)
    return lost


def layout_fits(window: QMainWindow, table: QWidget, docks: list[QDockWidget]) -> bool:
    """True when the window fits its screen, every shown dock is inside it and the table keeps
    at least TABLE_SHARE of the window's height."""
    area = available(window)
    if window.width() > area.width() or window.height() > area.height():
        return False
    if table.height() < TABLE_SHARE * window.height():
        return False
    return not unreachable_docks(window, docks)
