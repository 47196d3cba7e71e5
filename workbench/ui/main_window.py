"""The main window: wiring in one place; behaviour lives in the panels and the services."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from workbench.analysis.view_state import RECORD, FilterHistory, StateChange
from workbench.errors import WorkbenchError
from workbench.labels import lower_label
from workbench.services import preferences
from workbench.services.cases import load_shipments, new_case, open_case, resolve_case_path
from workbench.services.identity import current_author
from workbench.services.merging import last_snapshot, restore_last_snapshot, undo_last_merge
from workbench.services.search import Hit
from workbench.services.sharing import open_bundle_as_case
from workbench.store.bundle import is_bundle
from workbench.store.events import Event
from workbench.ui import file_dialogs, jobs, settings, window_fit
from workbench.ui.actions import SPECS, ActionId, build_actions
from workbench.ui.help_windows import HelpWindows
from workbench.ui.jobs import CaseJob
from workbench.ui.loading import CaseRead, load_session, session_from
from workbench.ui.models.shipments_model import format_money, set_styles
from workbench.ui.panels.base import Panel
from workbench.ui.panels.notes import NotesPanel
from workbench.ui.panels.registry import DOCK_PANELS, dock_name
from workbench.ui.panels.search import SearchPanel
from workbench.ui.panels.shipments import ShipmentsPanel
from workbench.ui.preferences_dialog import PreferencesDialog
from workbench.ui.session import CaseSession
from workbench.ui.share_dialog import share_from_window
from workbench.ui.source_table import SourceTableWindow
from workbench.ui.start_page import StartPage

APP_NAME = "Case Workbench"
CASE_FILTER = "Case files (*.wbcase);;All files (*)"
OPEN_FILTER = ("Cases and bundles (*.wbcase *.wbbundle);;Case files (*.wbcase);;"
               "Encrypted bundles (*.wbbundle);;All files (*)")
FRONT_TABS = ("timeline", "suppliers")
SHEET_FILTER = "Spreadsheets (*.xlsx *.xlsm *.xls *.xlsb *.ods *.csv *.tsv *.txt);;All files (*)"


class MainWindow(QMainWindow):
    """Menus, docks, status bar and the open case; nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle(APP_NAME)
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.session: CaseSession | None = None
        self.history: FilterHistory | None = None
        self.shipments: ShipmentsPanel | None = None
        self.panels: dict[str, Panel] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._job: CaseJob | None = None  # the export or merge running, if any
        self._opened_from: Path | None = None  # the file or folder the reporter opened
        self.source_tables: dict[str, SourceTableWindow] = {}  # by the source's SHA-256
        self.actions = build_actions(self)
        self.help = HelpWindows(self)
        self._build_menus()
        self._build_status_bar()
        self._connect_actions()
        self._asked_identity = False
        self._apply_preferences()
        self._show_start_page()
        saved = settings.saved_layout()  # the window's place is restored before it is shown
        if saved is None or not self.restoreGeometry(saved[0]):
            self.setGeometry(window_fit.first_geometry(self))
        self.update_actions()

    # -- building -------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        a, bar = self.actions, self.menuBar()
        file_menu = bar.addMenu("&File")
        for action_id in (ActionId.CASE_NEW, ActionId.CASE_OPEN, ActionId.CASE_OPEN_FOLDER, None,
                          ActionId.CASE_IMPORT, ActionId.CASE_SAVE_FIGURE, None,
                          ActionId.CASE_EXPORT_SUMMARY, ActionId.CASE_EXPORT_CSV,
                          ActionId.CASE_EXPORT_CHART, None,
                          ActionId.CASE_SHARE, ActionId.CASE_MERGE, ActionId.CASE_UNDO_MERGE, None,
                          ActionId.CASE_CLOSE, ActionId.APP_QUIT):
            file_menu.addSeparator() if action_id is None else file_menu.addAction(a[action_id])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(a[ActionId.EDIT_UNDO])
        edit_menu.addAction(a[ActionId.EDIT_REDO])
        edit_menu.addSeparator()
        edit_menu.addAction(a[ActionId.EDIT_PREFERENCES])
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(a[ActionId.VIEW_FIND])
        self.view_menu.addAction(a[ActionId.VIEW_SEARCH_ALL])
        self.view_menu.addAction(a[ActionId.VIEW_CLEAR_FILTERS])
        self.view_menu.addSeparator()
        self.panels_menu = self.view_menu.addMenu("&Panels")
        self.view_menu.addAction(a[ActionId.VIEW_RESET_LAYOUT])
        help_menu = bar.addMenu("&Help")
        for action_id in (ActionId.HELP_GUIDE, ActionId.HELP_SHORTCUTS, None, ActionId.HELP_ABOUT):
            help_menu.addSeparator() if action_id is None else help_menu.addAction(a[action_id])

    def _build_status_bar(self) -> None:
        self.status_rows = QLabel(self)
        self.status_rows.setObjectName("status.rows")
        self.status_total = QLabel(self)
        self.status_total.setObjectName("status.total")
        self.statusBar().addPermanentWidget(self.status_rows)
        self.statusBar().addPermanentWidget(self.status_total)

    def _connect_actions(self) -> None:
        a = self.actions
        # Every slot is wrapped so that ``triggered(checked)`` never lands in a parameter.
        a[ActionId.CASE_NEW].triggered.connect(lambda: self.new_case())
        a[ActionId.CASE_OPEN].triggered.connect(lambda: self.choose_case_file())
        a[ActionId.CASE_OPEN_FOLDER].triggered.connect(lambda: self.choose_case_folder())
        a[ActionId.CASE_IMPORT].triggered.connect(lambda: self.choose_import())
        a[ActionId.CASE_EXPORT_CHART].triggered.connect(lambda: self._on_export_chart())
        a[ActionId.CASE_EXPORT_SUMMARY].triggered.connect(lambda: self.export_summary())
        a[ActionId.CASE_EXPORT_CSV].triggered.connect(lambda: self.export_csv())
        a[ActionId.CASE_SHARE].triggered.connect(
            lambda: self.session and share_from_window(self, self.session))
        a[ActionId.CASE_MERGE].triggered.connect(lambda: self.merge_from())
        a[ActionId.CASE_UNDO_MERGE].triggered.connect(lambda: self.undo_last_merge())
        a[ActionId.CASE_SAVE_FIGURE].triggered.connect(
            lambda: "figures" in self.panels and self.panels["figures"].save_from_filter()
        )
        a[ActionId.CASE_CLOSE].triggered.connect(lambda: self.close_case())
        a[ActionId.APP_QUIT].triggered.connect(lambda: self.close())
        a[ActionId.EDIT_UNDO].triggered.connect(lambda: self._edit(undo=True))
        a[ActionId.EDIT_REDO].triggered.connect(lambda: self._edit(undo=False))
        a[ActionId.EDIT_PREFERENCES].triggered.connect(self.edit_preferences)
        a[ActionId.VIEW_FIND].triggered.connect(
            lambda: self.shipments and self.shipments.focus_search()
        )
        a[ActionId.VIEW_SEARCH_ALL].triggered.connect(lambda: self.focus_search_everything())
        a[ActionId.VIEW_CLEAR_FILTERS].triggered.connect(
            lambda: self.session and self.session.state.clear(source=self)
        )
        a[ActionId.VIEW_RESET_LAYOUT].triggered.connect(lambda: self.reset_layout())
        a[ActionId.HELP_GUIDE].triggered.connect(lambda: self.help.show_guide())
        a[ActionId.HELP_SHORTCUTS].triggered.connect(self.help.show_shortcuts)
        a[ActionId.HELP_ABOUT].triggered.connect(self.help.show_about)

    def update_actions(self) -> None:
        """Enable what makes sense now (one place for every action's state)."""
        has_case = self.session is not None
        for action_id, spec in SPECS.items():
            self.actions[action_id].setEnabled(has_case or not spec.needs_case)
        undo, redo = self.actions[ActionId.EDIT_UNDO], self.actions[ActionId.EDIT_REDO]
        undo_label = self.session.undo_label if self.session else None
        redo_label = self.session.redo_label if self.session else None
        undo.setEnabled(undo_label is not None)
        redo.setEnabled(redo_label is not None)
        undo.setText(f"&Undo {undo_label}" if undo_label else "&Undo")
        redo.setText(f"&Redo {redo_label}" if redo_label else "&Redo")

    def _edit(self, *, undo: bool) -> None:
        """Edit > Undo or Redo: the latest filter step or change to the record."""
        if self.session is None:
            return
        label = self.session.undo_label if undo else self.session.redo_label
        try:
            self.session.undo() if undo else self.session.redo()
        except WorkbenchError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        if label:
            self.statusBar().showMessage(f"{'Undid' if undo else 'Redid'} {label}", 4000)
        self.update_actions()

    # -- opening and closing cases --------------------------------------------------------------

    def open_case(self, path: Path, read: CaseRead | None = None) -> bool:
        """Open a case file, folder or encrypted bundle (``read``: already read); says why in
        one sentence when it cannot (on the start page when no case is open)."""
        path = Path(path)
        if is_bundle(path):
            return self.open_bundle(path)
        unnamed = self.ensure_identity()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self.statusBar().showMessage(f"Opening {path.name}…")
        try:
            session = session_from(read, self) if read else load_session(path, self)
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()
            return self._cannot_open(path, str(exc))
        QGuiApplication.restoreOverrideCursor()
        self.close_case()
        self.session = session
        self.history = session.history
        session.changed.connect(self._on_session_changed)
        self.shipments = ShipmentsPanel(session, self)
        self.setCentralWidget(self.shipments)
        self._build_docks(session)
        self.setWindowTitle(f"{session.summary.title} — {APP_NAME}")
        settings.remember_case(Path(path))
        self._opened_from = Path(path)
        self.statusBar().showMessage(f"Opened {session.summary.title}. {unnamed}".strip(),
                                     15000 if unnamed else 4000)
        self._update_status()
        self.update_actions()
        return True

    def _cannot_open(self, path: Path, reason: str) -> bool:
        """Say why ``path`` did not open; offer the last snapshot of a damaged case file."""
        case_file = resolve_case_path(path)
        snapshot = last_snapshot(case_file) if case_file.is_file() else None
        if snapshot is not None:
            box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                              f"{reason}\n\nOpen its last snapshot instead? The damaged file is "
                              f"kept beside it as {case_file.name}.damaged.", parent=self)
            restore = box.addButton("Open the last snapshot", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is restore:
                try:
                    restore_last_snapshot(case_file)
                except (OSError, WorkbenchError) as exc:
                    reason = f"The snapshot could not be put back: {exc}"
                else:
                    return self.open_case(path)
        if self.session is None:
            self._show_start_page(reason)
        else:  # the case on screen stays open
            QMessageBox.warning(self, APP_NAME, reason)
        return False

    def open_bundle(self, path: Path, passphrase: str | None = None) -> bool:
        """An encrypted bundle: after its passphrase, merge it into the open case or open it
        as a new case file beside it."""
        if passphrase is None:
            passphrase, ok = QInputDialog.getText(self, "Encrypted bundle",
                                                  f"Passphrase for {path.name}:",
                                                  QLineEdit.EchoMode.Password)
            if not ok:
                return False
        if self.session is not None:
            box = QMessageBox(QMessageBox.Icon.Question, APP_NAME,
                              f"{path.name} is a colleague's encrypted copy. Merge it into "
                              f"{self.session.summary.title}, or open it as a case of its own?",
                              parent=self)
            merge = box.addButton("Merge into this case", QMessageBox.ButtonRole.AcceptRole)
            new = box.addButton("Open as a new case", QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.exec()
            if box.clickedButton() is merge:
                return self.merge_from(path, passphrase) is not None
            if box.clickedButton() is not new:
                return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            target = open_bundle_as_case(path, passphrase)
        except WorkbenchError as exc:
            QGuiApplication.restoreOverrideCursor()
            return self._cannot_open(path, str(exc))
        QGuiApplication.restoreOverrideCursor()
        if not self.open_case(target):
            return False
        self.statusBar().showMessage(f"Opened {path.name} as a new case: {target.name}", 10000)
        return True

    def close_case(self) -> None:
        if self.session is None:
            return
        self._save_layout()
        search = self.panels.get("search")
        if isinstance(search, SearchPanel):
            search.wait()  # a search thread must not outlive its panel
        for table in self.source_tables.values():
            table.stop()
            table.close()
            table.deleteLater()
        self.source_tables.clear()
        for dock in self.docks.values():
            self.removeDockWidget(dock)
            dock.setObjectName("")  # until deleted, a later restoreState must not find it
            dock.deleteLater()
        self.docks.clear()
        self.panels.clear()
        self.panels_menu.clear()
        self.session.close()
        self.session = None
        self.history = None
        self.shipments = None
        self._show_start_page()
        self.setWindowTitle(APP_NAME)
        self.update_actions()

    def _show_start_page(self, problem: str = "") -> None:
        page = StartPage(self, problem)
        page.open_requested.connect(self.open_case)
        page.new_requested.connect(self.new_case)
        page.open_file_requested.connect(self.choose_case_file)
        page.open_folder_requested.connect(self.choose_case_folder)
        self.setCentralWidget(page)
        self.status_rows.clear()
        self.status_total.clear()

    def _build_docks(self, session: CaseSession) -> None:
        for panel_class in DOCK_PANELS:
            panel = panel_class(session, self)
            dock = QDockWidget(panel_class.TITLE, self)
            dock.setObjectName(dock_name(panel_class))
            dock.setWidget(panel)
            self._place(dock, panel_class)
            self.panels[panel_class.NAME] = panel
            self.docks[panel_class.NAME] = dock
            self.panels_menu.addAction(dock.toggleViewAction())
            if isinstance(panel, SearchPanel):
                panel.jump_requested.connect(self.jump_to)
            if isinstance(panel, NotesPanel):
                panel.table_requested.connect(self.show_source_table)
        # The right-hand panels run the full height; the timeline and record sit under the table.
        # Corners are not part of a saved state: set before restoring, they match the saved sizes.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        saved = settings.saved_layout()
        if saved is not None and self.restoreState(saved[1]):
            window_fit.limit_to_screen(self)
            QTimer.singleShot(0, self, lambda: self._settle_layout(restored=True))
        else:
            self._arrange_default()

    def _place(self, dock: QDockWidget, panel_class: type[Panel]) -> None:
        """Put a dock in its default place: a tab beside the first panel of its group, or its
        side. Tabbing straight away keeps a group as wide as its widest panel, not their sum."""
        head = self.docks.get(panel_class.TABIFY_WITH or "")
        if head is not None and head is not dock:
            self.tabifyDockWidget(head, dock)
        else:
            self.addDockWidget(panel_class.AREA, dock)

    def _arrange_default(self) -> None:
        window_fit.limit_to_screen(self)
        for dock in self.docks.values():  # out of every split and tab, then placed afresh
            dock.setFloating(False)
            self.removeDockWidget(dock)
        for name, dock in self.docks.items():
            self._place(dock, type(self.panels[name]))
        for dock in self.docks.values():
            dock.show()
        for name in FRONT_TABS:  # tabs shown first where panels share a place
            if name in self.docks:
                self.docks[name].raise_()
        # Sizes apply once the window has its own size: after this turn of the event loop.
        QTimer.singleShot(0, self, lambda: self._settle_layout(restored=False))

    def _default_sizes(self) -> None:
        window_fit.limit_to_screen(self)
        if "profile" in self.docks:
            width = max(self.docks["profile"].minimumSizeHint().width(), int(self.width() * 0.28))
            self.resizeDocks([self.docks["profile"]], [width], Qt.Orientation.Horizontal)
        if "timeline" in self.docks:
            height = max(self.docks["timeline"].minimumSizeHint().height(),
                         int(self.height() * 0.32))
            self.resizeDocks([self.docks["timeline"]], [height], Qt.Orientation.Vertical)

    def _settle_layout(self, *, restored: bool) -> None:
        """Give the panels sizes that leave the table room on this screen. A saved layout that
        still leaves a panel out of reach or the table too small (another screen, another
        scale) gives way to the default, and the reporter is told."""
        if self.shipments is None:
            return
        docks = list(self.docks.values())
        self.layout().activate()
        if restored and window_fit.layout_fits(self, self.shipments.table, docks):
            return  # the reporter's own sizes, kept
        self._default_sizes()  # the places as they are, at sizes that suit this screen
        self.layout().activate()
        if restored and not window_fit.layout_fits(self, self.shipments.table, docks):
            self._arrange_default()
            self.statusBar().showMessage(
                "The saved layout did not fit this screen; the panels are back in their usual "
                "places.", 8000)

    def reset_layout(self) -> None:
        """View > Reset layout: every panel back where it starts."""
        self._arrange_default()

    def _save_layout(self) -> None:
        if self.docks:
            settings.save_layout(self.saveGeometry(), self.saveState())

    # -- choosing files -------------------------------------------------------------------------

    def _start_folder(self) -> Path:
        """Where file dialogs start: the open case's folder, else the last case's, else home."""
        if self.session is not None:
            return self.session.summary.path.parent
        recent = settings.recent_cases()
        if recent:
            return recent[0] if recent[0].is_dir() else recent[0].parent
        return Path.home()

    def _suggested(self, what: str, suffix: str) -> Path:
        assert self.session is not None
        return file_dialogs.suggested_output(self.session.summary.path, self.session.summary.title,
                                             what, suffix)

    def choose_case_file(self) -> None:
        path = file_dialogs.open_file(self, "Open case", self._start_folder(), OPEN_FILTER)
        if path is not None:
            self.open_case(path)

    def choose_case_folder(self) -> None:
        path = file_dialogs.open_folder(self, "Open case folder", self._start_folder())
        if path is not None:
            self.open_case(path)

    def new_case(self) -> None:
        chosen = file_dialogs.save_file(self, "New case",
                                        self._start_folder() / "New case.wbcase", CASE_FILTER)
        if chosen is None:
            return
        path = chosen[0]
        title, ok = QInputDialog.getText(self, "New case", "Title of the case:",
                                         text=Path(path).stem)
        if not ok:
            return
        try:
            new_case(Path(path), title.strip() or None).close()
        except WorkbenchError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.open_case(Path(path).with_suffix(".wbcase"))

    def choose_import(self) -> None:
        files = file_dialogs.open_files(self, "Import spreadsheets", self._start_folder(),
                                        SHEET_FILTER)
        if files:
            self.import_files(files)

    def import_files(self, files: list[Path]) -> None:
        """Preview, map and import ``files`` into the open case, then show the new rows."""
        if self.session is None or not files:
            return
        from workbench.ui.import_dialog import run_import_dialog

        kept: list[Event] = []
        outcome = run_import_dialog(self, self.session.summary.path, files, on_kept=kept.append)
        if outcome.reports:
            self.reload_shipments()
        if outcome.show_rows and self.session is not None:
            # The report's "Show the rows without a value": one filter change, undoable.
            state = self.session.state
            state.set_conditions({**state.keyed_conditions, **outcome.show_rows}, source=self)
        if kept:
            self.sources_kept(kept)

    def sources_kept(self, kept: list[Event]) -> None:
        """Files the import dialog kept as sources instead: announce them, show the last."""
        if self.session is None:
            return
        for event in kept:
            self.session.recorded(event)
        entry = {**kept[-1].payload, "id": kept[-1].id}
        self._raise("notes")
        notes = self.panels.get("notes")
        if isinstance(notes, NotesPanel):
            notes.choose_source(str(entry.get("sha256")))
        self.show_source_table(entry)
        names = ", ".join(str(e.payload.get("name")) for e in kept)
        self.statusBar().showMessage(f"Kept {names} as a source.", 8000)

    def show_source_table(self, entry: dict[str, Any], sheet: str | None = None,
                          row: int | None = None) -> SourceTableWindow | None:
        """Show a spreadsheet source as read-only tables (one window per source)."""
        if self.session is None:
            return None
        sha = str(entry.get("sha256", ""))
        window = self.source_tables.get(sha)
        if window is None or window.error is not None:
            if window is not None:
                window.deleteLater()
            window = SourceTableWindow(self.session.summary.path, entry, self)
            self.source_tables[sha] = window
        window.show()
        window.raise_()
        window.activateWindow()
        if row is not None:
            window.show_row(sheet, row)
        return window

    def reload_shipments(self) -> None:
        if self.session is None:
            return
        case, _ = open_case(self.session.summary.path, read_only=True)
        try:
            frame = load_shipments(case)
        finally:
            case.close()
        self.session.replace_frame(frame)

    # -- reacting -------------------------------------------------------------------------------

    def _on_session_changed(self, change: StateChange) -> None:
        self._update_status()
        self.update_actions()
        if RECORD in change and self.source_tables:
            self._close_gone_tables()

    def _close_gone_tables(self) -> None:
        """A source undone or purged is shown no longer."""
        if self.session is None:
            return
        from workbench.services.notes import sources
        from workbench.store.case import CaseFile

        try:
            with CaseFile.open(self.session.summary.path, read_only=True) as case:
                live = {str(s.get("sha256")) for s in sources(case)}
        except WorkbenchError:
            return
        for sha in [sha for sha in self.source_tables if sha not in live]:
            table = self.source_tables.pop(sha)
            table.stop()
            table.close()
            table.deleteLater()

    def _update_status(self) -> None:
        if self.session is None:
            return
        view, value = self.session.view, self.session.summary.value_column
        shown = len(view.filtered)
        self.status_rows.setText(f"{shown:,} of {view.total:,} shipments")
        label = lower_label(value)
        self.status_total.setText(f"Total {label}: {format_money(self.session.filtered_total())}")

    # -- who is working, and how things look ----------------------------------------------------

    def ensure_identity(self) -> str:
        """On first run (no name saved, no ``WORKBENCH_AUTHOR``), ask who is working, once;
        returns a sentence to show when the reporter would not say."""
        if self._asked_identity or os.environ.get("WORKBENCH_AUTHOR", "").strip():
            return ""
        self._asked_identity = True
        if preferences.load()[0].name:
            return ""
        dialog = PreferencesDialog(self, first_run=True)
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            return ""
        return (f"Changes are recorded as '{current_author()}' until you give your name in "
                "Edit > Preferences.")

    def edit_preferences(self) -> None:
        """Edit > Preferences: name, initials, styles; the open case's value basis, key date."""
        path = self.session.summary.path if self.session is not None else None
        dialog = PreferencesDialog(self, case_path=path, opened_from=self._opened_from)
        if dialog.exec() != PreferencesDialog.DialogCode.Accepted:
            return
        self._apply_preferences()
        if dialog.case_saved is not None and self.session is not None:
            self.open_case(self._opened_from or self.session.summary.path)
        elif self.shipments is not None:
            self.shipments.table.viewport().update()
            self._update_status()
        self.statusBar().showMessage(f"Preferences saved; changes are recorded as "
                                     f"'{current_author()}'.", 8000)

    def _apply_preferences(self) -> None:
        prefs, problem = preferences.load()
        set_styles(prefs)
        if problem:
            self.statusBar().showMessage(problem, 15000)

    def _on_export_chart(self) -> None:
        timeline = self.panels.get("timeline")
        if timeline is not None:
            timeline.save_image_as()

    def export_summary(self, out: Path | None = None) -> CaseJob | None:
        """Write the Excel summary for the desk on a worker thread (progress, Cancel)."""
        if self.session is None or self._job is not None:
            return None
        if out is None:
            out = jobs.ask_path(self, "Export summary for the desk",
                                self._suggested("summary", ".xlsx"), "Excel workbooks (*.xlsx)")
            if out is None:
                return None

        def done(result: dict[str, object] | None, error: str | None) -> None:
            self._job = None
            if error is not None:
                QMessageBox.warning(self, APP_NAME, error)
            elif result is None:
                self.statusBar().showMessage("Export cancelled; nothing was written.", 8000)
            else:
                self.statusBar().showMessage(f"Exported the summary to {out.name}", 8000)

        self._job = jobs.run_with_progress(jobs.summary_job(self.session, out, self),
                                           "Writing the Excel summary", self, done)
        return self._job

    def export_csv(self, out: Path | None = None) -> None:
        """Write the rows the table shows, in its order, as formula-safe CSV."""
        if self.session is None:
            return
        out = out or jobs.ask_path(self, "Export table as CSV", self._suggested("rows", ".csv"),
                                   "CSV files (*.csv)")
        if out is None:
            return
        try:
            rows = jobs.export_table_csv(self.session, out)
        except (OSError, WorkbenchError) as exc:
            QMessageBox.warning(self, APP_NAME, f"Could not write {out.name}: {exc}")
            return
        self.statusBar().showMessage(f"Exported {rows:,} rows to {out.name}", 8000)

    # -- search everything ------------------------------------------------------------------------

    def focus_search_everything(self) -> None:
        if "search" in self.docks:
            self.docks["search"].show()
            self.docks["search"].raise_()
            self.panels["search"].focus()  # type: ignore[attr-defined]

    def jump_to(self, hit: Hit) -> None:
        """Show the place a search hit came from, in the panel that shows that kind of thing."""
        kind, ref = hit.kind, hit.ref.split(":", 1)[1]
        if kind == "source":
            self._raise("notes")
            notes = self.panels["notes"]
            assert isinstance(notes, NotesPanel)
            if notes.choose_source(str(hit.source_sha256)) and hit.row is not None:
                entry = next((e for e in notes.sources
                              if e.get("sha256") == hit.source_sha256), None)
                if entry is not None:
                    self.show_source_table(entry, hit.sheet, hit.row)
        elif kind == "note":
            self._raise("notes")
            self.panels["notes"].choose(kind, hit.title)  # type: ignore[attr-defined]
        elif kind == "annotation":
            self._raise("annotations")
            self.panels["annotations"].show_annotation(ref)  # type: ignore[attr-defined]
        elif kind == "company":
            self._raise("profile")
            self.panels["profile"].show_company(ref)  # type: ignore[attr-defined]
        elif kind == "description" and self.session is not None:
            self.session.state.set_search(ref, source=self)
        else:  # a reply or another record of a company
            self._raise("replies")
            self.panels["replies"].select(hit.title)  # type: ignore[attr-defined]
        place = f", {hit.place}" if hit.place else ""
        self.statusBar().showMessage(f"Showing {hit.title}{place}", 5000)

    def _raise(self, name: str) -> None:
        if name in self.docks:
            self.docks[name].show()
            self.docks[name].raise_()

    # -- colleagues -----------------------------------------------------------------------------

    def merge_from(self, other: Path | None = None,
                   passphrase: str | None = None) -> CaseJob | None:
        """Take in a colleague's copy on a worker (progress, Cancel), then show the case as
        merged with its conflicts; returns the running job (None when nothing was started)."""
        if self.session is None or self._job is not None:
            return None
        if other is None:
            other = file_dialogs.open_file(
                self, "Merge from colleague", self.session.summary.path.parent,
                "Case copies (*.wbcase *.wbbundle *.jsonl);;All files (*)")
            if other is None:
                return None
        if passphrase is None and is_bundle(other):
            passphrase, ok = QInputDialog.getText(self, "Encrypted copy",
                                                  f"Passphrase for {other.name}:",
                                                  QLineEdit.EchoMode.Password)
            if not ok:
                return None
        path, opened, merged = self.session.summary.path, self._opened_from, other.name

        def done(report: dict[str, Any] | None, error: str | None) -> None:
            self._job = None
            if report is None:
                self.statusBar().showMessage(error or "Merge cancelled; nothing was changed.",
                                             10000)
                return
            self.open_case(opened or path)
            found = len(report["conflicts"])
            self.statusBar().showMessage(
                f"Merged {merged}: {report['events']} changes, {report['shipments']:,} new "
                f"shipments" + (f"; {found} conflict{'s' if found > 1 else ''} to settle in the "
                                "Conflicts panel" if found else ""), 15000)
            if found and "conflicts" in self.docks:
                self.docks["conflicts"].raise_()

        self._job = jobs.run_with_progress(jobs.merge_job(self.session, other, passphrase, self),
                                           "Merging a colleague's copy", self, done)
        return self._job

    def undo_last_merge(self) -> bool:
        """Put the case back as it was before its last merge (from the snapshot)."""
        if self.session is None:
            return False
        path, opened = self.session.summary.path, self._opened_from
        self.close_case()
        try:
            undo_last_merge(path)
        except WorkbenchError as exc:
            self.open_case(opened or path)
            self.statusBar().showMessage(str(exc), 10000)
            return False
        self.open_case(opened or path)
        self.statusBar().showMessage("The case is back as it was before its last merge.", 10000)
        return True

    # -- Qt events ------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.session is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.import_files(files)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window_fit.limit_to_screen(self)
        handle = self.windowHandle()
        if handle is not None and not getattr(self, "_follows_screen", False):
            self._follows_screen = True
            handle.screenChanged.connect(lambda _screen: window_fit.limit_to_screen(self))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:  # a half-done export or merge is dropped, never published
            self._job.cancel()
            self._job.wait()
        for table in self.source_tables.values():
            table.stop()
        self._save_layout()
        super().closeEvent(event)


def central_widget_name(window: QMainWindow) -> str:
    widget: QWidget | None = window.centralWidget()
    return widget.objectName() if widget is not None else ""
