"""A screenshot of the right-of-reply form in the window, from the app itself.

Run from the repository root under ``xvfb-run -s "-screen 0 1366x768x24"``:
``python docs/screenshots/make_reply_form_shot.py``. Opens a copy of the sample case with fresh
settings, shows the Right of reply tab with a company chosen and a request typed, and writes
``reply-form-1366.png`` beside this script.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent


def main() -> int:
    work = Path(tempfile.mkdtemp())
    os.environ["WORKBENCH_CONFIG_DIR"] = str(work / "config")
    from PySide6.QtWidgets import QApplication

    from workbench.ui.main_window import MainWindow

    app = QApplication(sys.argv)
    case = work / "aurus"
    shutil.copytree(ROOT / "sample_cases" / "aurus", case,
                    ignore=shutil.ignore_patterns("*.wbcase*"))
    window = MainWindow()
    window.show()
    if not window.open_case(case):
        return 2
    window.docks["replies"].raise_()
    panel = window.panels["replies"]
    panel.select("Rain Electronics")
    panel.kind.setCurrentText("request")
    panel.who.setText("press office, press@rain.example")
    panel.text.setText("Did Rain Electronics ship the parts listed to Aurus in 2023?")
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)
    ok = window.grab().save(str(OUT / "reply-form-1366.png"))
    window.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
