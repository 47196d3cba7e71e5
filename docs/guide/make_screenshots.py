"""The guide's screenshots, taken from the app itself on the sample case at 1366x768.

Run from the repository root under ``xvfb-run -s "-screen 0 1366x768x24"``:
``python docs/guide/make_screenshots.py``. It opens a private copy of the sample case, drives the
window to each task's state through its actions and panels, and writes the PNGs the pages use to
``docs/guide/images/``. The user's own settings are never read or written.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "images"
WIDTH, HEIGHT = 1366, 768


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WORKBENCH_CONFIG_DIR"] = str(Path(folder) / "config")
        os.environ.setdefault("WORKBENCH_AUTHOR", "Anna Petrova")  # no first-run question
        sys.path.insert(0, str(ROOT))
        return shoot_all(Path(folder))


def shoot_all(folder: Path) -> int:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from workbench.analysis.filters import Condition
    from workbench.ui.actions import ActionId
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow
    from workbench.ui.share_dialog import ShareDialog

    app = application()
    OUT.mkdir(exist_ok=True)
    written: list[str] = []

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def save(widget: QWidget, name: str) -> None:
        settle()
        widget.grab().save(str(OUT / name))
        written.append(name)

    def save_modal(start: Callable[[], object], name: str,
                   ready: Callable[[QWidget], bool] = lambda _d: True) -> None:
        """Start something that runs a modal dialog; shoot the dialog once ready, then close it."""
        def shoot() -> None:
            dialog = app.activeModalWidget()
            if dialog is None or not ready(dialog):
                QTimer.singleShot(100, shoot)
                return
            settle()
            dialog.grab().save(str(OUT / name))
            written.append(name)
            dialog.reject()  # type: ignore[attr-defined]
        QTimer.singleShot(300, shoot)
        start()

    case = folder / "aurus"
    shutil.copytree(ROOT / "sample_cases" / "aurus", case)
    window = MainWindow()
    window.move(0, 0)
    window.resize(WIDTH, HEIGHT)
    window.show()
    save(window, "start-page.png")

    if not window.open_case(case):
        print("the sample case did not open", file=sys.stderr)
        return 2
    window.move(0, 0)
    window.resize(WIDTH, HEIGHT)
    save(window, "window.png")

    extract = case / "spreadsheets" / "aurus_q4_2023_tradevendor.csv"
    save_modal(lambda: window.import_files([extract]), "import-preview.png",
               ready=lambda d: not getattr(d, "previewing", True))

    suppliers = window.panels["suppliers"]
    window.docks["profile"].raise_()
    window.panels["profile"].show_company("KYUNGKI INDUSTRIAL CO., LTD")  # type: ignore[attr-defined]
    save(window, "supplier-profile.png")
    del suppliers

    window.docks["replies"].raise_()
    window.panels["replies"].select("Kyungki Industrial Co")  # type: ignore[attr-defined]
    window.panels["replies"].focus_entry()  # type: ignore[attr-defined]
    save(window, "right-of-reply.png")

    assert window.session is not None
    window.session.state.clear()
    window.session.state.set_condition("origin_country", Condition("origin_country", "=", "KR"))
    save_modal(window.actions[ActionId.CASE_SAVE_FIGURE].trigger, "save-figure.png")
    window.docks["figures"].raise_()
    save(window, "figures-panel.png")

    file_menu = window.menuBar().actions()[0].menu()
    file_menu.popup(window.mapToGlobal(window.menuBar().geometry().bottomLeft()))
    settle()
    screen = app.primaryScreen()
    screen.grabWindow(0, 0, 0, WIDTH, HEIGHT).save(str(OUT / "file-menu.png"))
    written.append("file-menu.png")
    file_menu.hide()

    window.actions[ActionId.CASE_SHARE].trigger()
    settle()
    share = window.findChild(ShareDialog)
    if share is not None:
        save(share, "share-dialog.png")
        share.reject()

    window.actions[ActionId.HELP_GUIDE].trigger()
    guide = window.help.guide
    if guide is not None:
        guide.move(0, 0)
        guide.resize(1000, 700)
        save(guide, "guide-window.png")
        guide.close()

    window.close()
    print("wrote " + ", ".join(str(OUT / name) for name in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
