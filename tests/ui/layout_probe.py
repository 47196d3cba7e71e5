"""Run the window on a screen of a given size and report how its layout fits, as JSON.

Run by ``test_layout_fits.py`` in a process of its own, because a screen's size is fixed when
Qt starts: ``QT_QPA_PLATFORM=offscreen:configfile=screen.json python layout_probe.py CASE OUT``.
It opens the case (a first launch when the settings folder is empty), then, unless
``--relaunches-only``, resets the layout through View > Reset layout, merges a colleague's copy
and undoes it through File > Undo last merge; then closes and relaunches three times, restoring
the saved layout. After each step it writes what a reporter would see: the window's size, the
available screen, the table's height and the panels that cannot be reached.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar

from workbench.services.cases import open_case
from workbench.services.notes import annotate


def settle(app: QApplication, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def tab_titles(window) -> set[str]:
    return {bar.tabText(i) for bar in window.findChildren(QTabBar) if bar.isVisible()
            for i in range(bar.count())}


def unreachable(window) -> list[str]:
    """Panels neither shown inside the window nor behind a visible tab."""
    inside, tabs, lost = window.rect(), tab_titles(window), []
    for name, dock in window.docks.items():
        dock: QDockWidget
        box = QRect(dock.mapTo(window, dock.rect().topLeft()), dock.size())
        shown = dock.isVisible() and inside.contains(box) and box.width() > 60 \
            and box.height() > 60
        if dock.isHidden() or dock.isFloating() or not (shown or dock.windowTitle() in tabs):
            lost.append(name)
    return lost


def measure(app: QApplication, window, step: str) -> dict[str, object]:
    settle(app)
    screen = window.screen().availableGeometry()
    frame = window.frameGeometry()
    return {
        "step": step,
        "window": [window.width(), window.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
        "ratio": window.devicePixelRatio(),
        "table": window.shipments.table.height() if window.shipments else 0,
        "unreachable": unreachable(window),
    }


def launch(app: QApplication, case: Path):
    from workbench.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    assert window.open_case(case)
    return window


def wait_for_job(app: QApplication, window) -> None:
    end = time.monotonic() + 60
    while window._job is not None and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(case: Path, out: Path, relaunches_only: bool) -> int:
    from workbench.ui.actions import ActionId

    app = QApplication(sys.argv)
    steps: list[dict[str, object]] = []
    window = launch(app, case)
    steps.append(measure(app, window, "first launch"))
    if not relaunches_only:
        window.actions[ActionId.VIEW_RESET_LAYOUT].trigger()
        steps.append(measure(app, window, "reset layout"))
        theirs = out.parent / "theirs"
        shutil.copytree(case, theirs)
        other, _ = open_case(theirs)
        try:
            annotate(other, "A colleague's note on Rain Electronics", company="Rain Electronics")
        finally:
            other.close()
        window.merge_from(theirs / "case.wbcase")
        wait_for_job(app, window)
        steps.append(measure(app, window, "after a merge"))
        window.actions[ActionId.CASE_UNDO_MERGE].trigger()
        steps.append(measure(app, window, "after undoing the merge"))
    window.close()
    window.deleteLater()
    settle(app, 0.1)
    for n in range(1, 4):
        window = launch(app, case)
        steps.append(measure(app, window, f"relaunch {n}"))
        window.close()
        window.deleteLater()
        settle(app, 0.1)
    out.write_text(json.dumps(steps, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2]), "--relaunches-only" in sys.argv))
