"""The window's actions: dotted ids, texts and shortcuts in one table, built in one place."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class ActionId(StrEnum):
    CASE_NEW = "case.new"
    CASE_OPEN = "case.open"
    CASE_OPEN_FOLDER = "case.open_folder"
    CASE_IMPORT = "case.import"
    CASE_EXPORT_CHART = "case.export_chart"
    CASE_EXPORT_SUMMARY = "case.export_summary"
    CASE_EXPORT_CSV = "case.export_csv"
    CASE_SAVE_FIGURE = "case.save_figure"
    CASE_SHARE = "case.share"
    CASE_MERGE = "case.merge"
    CASE_UNDO_MERGE = "case.undo_merge"
    CASE_CLOSE = "case.close"
    APP_QUIT = "app.quit"
    EDIT_UNDO = "edit.undo"
    EDIT_REDO = "edit.redo"
    EDIT_PREFERENCES = "edit.preferences"
    VIEW_FIND = "view.find"
    VIEW_SEARCH_ALL = "view.search_all"
    VIEW_CLEAR_FILTERS = "view.clear_filters"
    VIEW_RESET_LAYOUT = "view.reset_layout"
    HELP_GUIDE = "help.guide"
    HELP_SHORTCUTS = "help.shortcuts"
    HELP_ABOUT = "help.about"


@dataclass(frozen=True)
class ActionSpec:
    text: str
    shortcut: QKeySequence.StandardKey | str | None = None
    tip: str = ""
    needs_case: bool = True
    also: str | None = None  # a second shortcut, where the platform's standard one is missing


SPECS: dict[ActionId, ActionSpec] = {
    ActionId.CASE_NEW: ActionSpec("&New case…", QKeySequence.StandardKey.New, needs_case=False),
    ActionId.CASE_OPEN: ActionSpec("&Open case…", QKeySequence.StandardKey.Open, needs_case=False),
    ActionId.CASE_OPEN_FOLDER: ActionSpec("Open case &folder…", "Ctrl+Shift+O", needs_case=False),
    ActionId.CASE_IMPORT: ActionSpec("&Import spreadsheets…", "Ctrl+I",
                                     "Add customs extracts to this case"),
    ActionId.CASE_EXPORT_CHART: ActionSpec("Save timeline &image…", "Ctrl+E"),
    ActionId.CASE_EXPORT_SUMMARY: ActionSpec(
        "Export &summary for the desk (Excel)…", "Ctrl+Shift+E",
        "Figures with their evidence rows, totals, replies, annotations and sources"),
    ActionId.CASE_EXPORT_CSV: ActionSpec("Export table as &CSV…", None,
                                         "The rows the table shows now, in its order"),
    ActionId.CASE_SHARE: ActionSpec("S&hare case…", "Ctrl+Shift+H",
                                    "A copy for a colleague: redacted, encrypted if you wish"),
    ActionId.CASE_MERGE: ActionSpec("&Merge from colleague…", "Ctrl+Shift+M",
                                    "Take in a colleague's copy, bundle or journal"),
    ActionId.CASE_UNDO_MERGE: ActionSpec("Undo last merge", None,
                                         "Put the case back as it was before its last merge"),
    ActionId.CASE_SAVE_FIGURE: ActionSpec("Save filter as &figure…", "Ctrl+Shift+G",
                                          "Name the current filter as a figure of the story"),
    ActionId.CASE_CLOSE: ActionSpec("&Close case", QKeySequence.StandardKey.Close),
    ActionId.APP_QUIT: ActionSpec("&Quit", QKeySequence.StandardKey.Quit, needs_case=False),
    ActionId.EDIT_UNDO: ActionSpec("&Undo", QKeySequence.StandardKey.Undo,
                                   "Undo the last change: a filter or the record"),
    ActionId.EDIT_REDO: ActionSpec("&Redo", QKeySequence.StandardKey.Redo),
    ActionId.EDIT_PREFERENCES: ActionSpec(
        "&Preferences…", QKeySequence.StandardKey.Preferences,
        "Your name and initials, number and date styles, the case's value basis and key date",
        needs_case=False, also="Ctrl+,"),
    ActionId.VIEW_FIND: ActionSpec("&Find…", QKeySequence.StandardKey.Find,
                                   "Search names, descriptions and codes"),
    ActionId.VIEW_SEARCH_ALL: ActionSpec("&Search everything…", "Ctrl+Shift+F",
                                         "Notes, sources, annotations, replies, companies, goods"),
    ActionId.VIEW_CLEAR_FILTERS: ActionSpec("C&lear filters", "Ctrl+Shift+L"),
    ActionId.VIEW_RESET_LAYOUT: ActionSpec("&Reset layout", needs_case=False),
    ActionId.HELP_GUIDE: ActionSpec("&User guide", QKeySequence.StandardKey.HelpContents,
                                    "Short pages on each task, with screenshots",
                                    needs_case=False),
    ActionId.HELP_SHORTCUTS: ActionSpec("&Keyboard shortcuts", needs_case=False),
    ActionId.HELP_ABOUT: ActionSpec("&About Case Workbench", needs_case=False),
}


def build_actions(parent: QWidget) -> dict[ActionId, QAction]:
    actions = {}
    for action_id, spec in SPECS.items():
        action = QAction(spec.text, parent)
        action.setObjectName(action_id.value)
        if spec.shortcut is not None:
            action.setShortcut(QKeySequence(spec.shortcut))
        if spec.also is not None:
            keys = [k for k in action.shortcuts() if not k.isEmpty()]
            if QKeySequence(spec.also) not in keys:
                action.setShortcuts([*keys, QKeySequence(spec.also)])
        if spec.tip:
            action.setStatusTip(spec.tip)
        actions[action_id] = action
    return actions
