"""Every menu action, fired as the menu fires it, on a private copy of the sample case.

File dialogs are answered through the one seam (``file_dialogs`` in conftest); other modal
dialogs are answered as a reporter would by :class:`ModalAnswerer`. Any exception, warning box
or Qt warning (``qt_log_level_fail`` is global) fails the walk.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from tests.extracts import sample_items, write_vendor_csv
from tests.ui.answering import ModalAnswerer
from workbench.ui.actions import SPECS, ActionId
from workbench.ui.main_window import MainWindow, central_widget_name

pytestmark = pytest.mark.gui
WAIT_MS = 60_000


def menu_actions(window: MainWindow) -> list[QAction]:
    """Every action in the window's menus, in menu order (submenus walked, separators not)."""
    found: list[QAction] = []

    def walk(menu: QMenu) -> None:
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                walk(action.menu())
            else:
                found.append(action)

    for top in window.menuBar().actions():
        walk(top.menu())
    return found


def idle(qtbot, window: MainWindow, answerer: ModalAnswerer) -> None:
    """Wait for the job and the dialogs an action started to be over."""
    qtbot.waitUntil(lambda: window._job is None and not answerer.busy(), timeout=WAIT_MS)


def test_every_action_as_the_menu_fires_it(private_window: MainWindow, qtbot, file_dialogs,
                                           tmp_path: Path) -> None:
    window = private_window
    own = window.session.summary.path.parent
    title = window.session.summary.title
    file_dialogs.answers.update({
        "New case": tmp_path / "desk-new.wbcase",
        "Open case": own / "case.wbcase",
        "Open case folder": own,
        "Import spreadsheets": [write_vendor_csv(tmp_path / "vendor.csv", sample_items())],
    })
    answerer = ModalAnswerer({"Title of the case:": "A new case"})
    actions = menu_actions(window)
    named = {a.objectName() for a in actions}
    assert {i.value for i in SPECS} <= named, "every action of the table is in a menu"
    quit_action = window.actions[ActionId.APP_QUIT]
    fired: list[str] = []
    for step in range(len(actions)):
        if window.session is None:
            window.actions[ActionId.CASE_OPEN].trigger()  # after New, Close: back to the sample
            idle(qtbot, window, answerer)
        # Walked afresh each step: a reopened case brings new panels and their toggles.
        current = [a for a in menu_actions(window) if a is not quit_action] + [quit_action]
        assert len(current) == len(actions)
        action = current[step]
        if action is window.actions[ActionId.EDIT_UNDO] and not action.isEnabled():
            window.session.state.set_search("Hyundai", source=None)  # something to undo
        if not action.isEnabled():
            continue
        action.trigger()
        idle(qtbot, window, answerer)
        if action.isCheckable():  # a panel hidden by its toggle is shown again
            action.trigger()
            idle(qtbot, window, answerer)
        fired.append(action.objectName() or action.text())
        assert answerer.boxes == [], f"{action.text()} showed a warning box"
        assert answerer.unexpected == [], f"{action.text()} asked something unexpected"
    answerer.timer.stop()

    assert set(fired) >= {i.value for i in SPECS}
    day = date.today().isoformat()
    for what, suffix in (("summary", ".xlsx"), ("rows", ".csv"), ("timeline", ".png")):
        out = own / f"{title} - {what} {day}{suffix}"
        assert out.is_file(), out
        assert out.stat().st_size > 0, out
    assert (tmp_path / "desk-new.wbcase").is_file()
    assert answerer.shared
    assert answerer.shared[0].is_file()
    assert not window.isVisible()  # File > Quit closed the window


def test_summary_shortcut_writes_the_default_file(private_window: MainWindow, qtbot) -> None:
    """Ctrl+Shift+E is File > Export summary; Save takes the suggested name in the case folder."""
    window = private_window
    action = window.actions[ActionId.CASE_EXPORT_SUMMARY]
    assert action.shortcut().toString() == "Ctrl+Shift+E"
    answerer = ModalAnswerer({})
    action.trigger()
    idle(qtbot, window, answerer)
    answerer.stop()
    assert answerer.boxes == []
    summary = window.session.summary
    out = summary.path.parent / f"{summary.title} - summary {date.today().isoformat()}.xlsx"
    assert out.is_file()
    assert f"Exported the summary to {out.name}" == window.statusBar().currentMessage()
    assert central_widget_name(window) == "panel.shipments"


def test_every_writing_action_has_a_way_in(private_window: MainWindow) -> None:
    """An action that writes a file has a shortcut or sits in a menu."""
    writers = (ActionId.CASE_EXPORT_SUMMARY, ActionId.CASE_EXPORT_CSV, ActionId.CASE_EXPORT_CHART,
               ActionId.CASE_SHARE, ActionId.CASE_NEW)
    in_menus = set(menu_actions(private_window))
    for action_id in writers:
        action = private_window.actions[action_id]
        assert action in in_menus or not action.shortcut().isEmpty(), action_id
