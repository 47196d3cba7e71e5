"""Start and quit: how soon something is on screen, how soon the window shows the case, how
quickly the app is gone after File > Quit.

Each launch is a fresh process (``python -c`` the app's own entry, as the ``workbench`` command
runs it) on a copy of the sample case. The child reports, on stdout, the moment each top-level
window first paints; the parent times from just before it starts the process to those moments,
and from the Quit action to the process's end. ``baseline`` is the same for a bare QApplication
showing one QLabel. Prints one JSON line per measurement (median of ``--repeat`` launches).

Run from the repository root: ``xvfb-run -s "-screen 0 1366x768x24" python bench/bench_startup.py``
(without a display it uses Qt's offscreen platform).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGETS = {"first_paint": 0.5, "quit": 0.5}  # case_shown: reported, no budget yet

_WATCH = '''
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer

def say(event, **extra):
    print(json.dumps({"event": event, "t": time.time(), **extra}), flush=True)

class Watch(QObject):
    seen = set()
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and getattr(obj, "isWindow", lambda: False)():
            name = obj.objectName() or type(obj).__name__
            if name not in self.seen:
                self.seen.add(name)
                say("painted", what=name)
                ready(obj)
        return False
'''

BARE = _WATCH + '''
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
watch = Watch(); app.installEventFilter(watch)
def ready(obj):
    def quit():
        say("quit"); app.quit()
    QTimer.singleShot(300, quit)
label = QLabel("Case Workbench"); label.show()
app.exec()
'''

APP = _WATCH + '''
from workbench.app import main
from workbench.ui.app import application
app = application()
watch = Watch(); app.installEventFilter(watch)
def ready(obj):
    if obj.objectName() != "main_window":
        return
    def quit():
        from workbench.ui.actions import ActionId
        say("quit", rows=len(obj.session.frame) if obj.session else 0)
        obj.actions[ActionId.APP_QUIT].trigger()
    QTimer.singleShot(300, quit)
sys.exit(main(sys.argv[1:]))
'''


def launch(script: str, args: list[str], env: dict[str, str]) -> dict[str, float]:
    start = time.time()
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    gone = time.time()
    if proc.returncode != 0:
        raise SystemExit(f"The launch failed: {proc.stderr.strip()[-400:]}")
    out: dict[str, float] = {}
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        key = record["event"] + (f":{record['what']}" if "what" in record else "")
        out.setdefault(key, record["t"] - start)
    out["gone"] = gone - start
    return out


def emit(name: str, seconds: float, baseline: float | None, **extra: object) -> None:
    budget = BUDGETS.get(name.split(".")[0])
    print(json.dumps({
        "name": name, "seconds": round(seconds, 3),
        "baseline": None if baseline is None else round(baseline, 3),
        "ratio": round(seconds / baseline, 2) if baseline else None,
        "budget_seconds": budget, "within_budget": None if budget is None else seconds < budget,
        **extra,
    }), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from workbench.bundled import copy_sample

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    if not env.get("DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    platform = env.get("QT_QPA_PLATFORM", "xcb")
    with tempfile.TemporaryDirectory() as tmp:
        env["WORKBENCH_CONFIG_DIR"] = str(Path(tmp) / "config")
        bare = [launch(BARE, [], env) for _ in range(args.repeat)]
        first = launch(APP, [str(copy_sample(Path(tmp) / "first"))], env)  # builds the case
        sample = copy_sample(Path(tmp) / "again")
        launch(APP, [str(sample)], env)  # its case file is built now
        runs = [launch(APP, [str(sample)], env) for _ in range(args.repeat)]

    def median(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    base_paint = median(bare, "painted:QLabel")
    base_quit = statistics.median(r["gone"] - r["quit"] for r in bare)
    common = {"platform": platform, "launches": args.repeat}
    emit("first_paint.splash", median(runs, "painted:splash"), base_paint, **common)
    emit("case_shown", median(runs, "painted:main_window"), base_paint, **common)
    emit("case_shown.first_open", first["painted:main_window"], base_paint, platform=platform,
         splash_seconds=round(first["painted:splash"], 3), launches=1)
    emit("quit.process_gone", statistics.median(r["gone"] - r["quit"] for r in runs),
         base_quit, **common)


if __name__ == "__main__":
    main()
