"""Help > Keyboard shortcuts: a sheet built from the live menus and the panels' own shortcuts.

Nothing here is written by hand: the menu shortcuts come from the window's actions as the menu
bar holds them, the others from each panel's ``SHORTCUTS``; a new shortcut appears by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.panels.registry import DOCK_PANELS
from workbench.ui.source_table import SourceTableWindow

NATIVE = QKeySequence.SequenceFormat.NativeText


@dataclass(frozen=True)
class ShortcutRow:
    keys: str  # as the platform writes them, e.g. "Ctrl+Shift+E"
    what: str  # the menu path or what the key does
    where: str  # "Menu", a panel's title, or a window's name


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_rows(menu: QMenu, path: str) -> list[ShortcutRow]:
    rows = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            rows += _menu_rows(sub, f"{path} > {_plain(sub.title())}")
        elif not action.isSeparator():
            keys = ", ".join(k.toString(NATIVE) for k in action.shortcuts() if not k.isEmpty())
            if keys:
                rows.append(ShortcutRow(keys, f"{path} > {_plain(action.text())}", "Menu"))
    return rows


def _keys_text(keys: QKeySequence.StandardKey | str) -> str:
    if isinstance(keys, QKeySequence.StandardKey):
        return ", ".join(k.toString(NATIVE) for k in QKeySequence.keyBindings(keys))
    return QKeySequence(keys).toString(NATIVE)


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every shortcut: the menu bar's (with its menu path), then each panel's and window's."""
    rows: list[ShortcutRow] = []
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            rows += _menu_rows(menu, _plain(menu.title()))
    owners: list[tuple[str, tuple[tuple[QKeySequence.StandardKey | str, str], ...]]] = [
        (panel.TITLE, panel.SHORTCUTS) for panel in DOCK_PANELS]
    owners.append(("Spreadsheet source window", SourceTableWindow.SHORTCUTS))
    for where, shortcuts in owners:
        rows += [ShortcutRow(_keys_text(keys), what, where) for keys, what in shortcuts]
    return rows


class ShortcutSheet(QDialog):
    """A read-only table of every shortcut, grouped as the rows come (menus first)."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("help.shortcut_sheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = shortcut_rows(window)
        self.table = QTableWidget(len(self.rows), 3, self)
        self.table.setObjectName("shortcut_sheet.table")
        self.table.setHorizontalHeaderLabels(["Keys", "Does", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        for row, entry in enumerate(self.rows):
            for column, text in enumerate((entry.keys, entry.what, entry.where)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        note = QLabel("Panel shortcuts work while the panel has the keyboard focus.", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        width = sum(self.table.columnWidth(c) for c in range(3)) + 60
        self.resize(min(max(width, 560), 900), 560)
