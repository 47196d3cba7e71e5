"""The Help menu's windows, one of each, kept by the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from workbench.ui.about_dialog import AboutDialog
from workbench.ui.guide_window import GuideWindow
from workbench.ui.shortcut_sheet import ShortcutSheet


class HelpWindows:
    """Opens (or brings forward) the guide, the shortcut sheet and About."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.guide: GuideWindow | None = None
        self.shortcuts: ShortcutSheet | None = None
        self.about: AboutDialog | None = None

    def show_guide(self, page: str | None = None) -> GuideWindow:
        if self.guide is None:
            self.guide = GuideWindow(self.window)
        self.guide.show_page(page)
        return self.guide

    def show_shortcuts(self) -> ShortcutSheet:
        if self.shortcuts is None:  # built once: the menus do not change while the app runs
            self.shortcuts = ShortcutSheet(self.window)
        self.shortcuts.show()
        self.shortcuts.activateWindow()
        return self.shortcuts

    def show_about(self) -> AboutDialog:
        if self.about is None:
            self.about = AboutDialog(self.window)
        self.about.show()
        self.about.activateWindow()
        return self.about
