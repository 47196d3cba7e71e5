"""The window fits laptop, desktop and high-density screens: on first launch, after View >
Reset layout, after a merge and its undo, and over three relaunches that restore the layout.

Each screen runs the real window in a process of its own (``layout_probe.py``) on Qt's
offscreen platform set to that screen's size, with fresh settings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

PROBE = Path(__file__).with_name("layout_probe.py")
ROOT = Path(__file__).parent.parent.parent
#: name: (physical width, height, scale factor); at scale 2, 2560x1440 is 1280x720 logical.
SCREENS = {"1366x768": (1366, 768, 1), "1920x1080": (1920, 1080, 1),
           "2560x1440@2": (2560, 1440, 2)}
STEPS = ["first launch", "reset layout", "after a merge", "after undoing the merge",
         "relaunch 1", "relaunch 2", "relaunch 3"]


def _probe(tmp_path: Path, case: Path, screen: str, config: Path,
           *extra: str) -> list[dict[str, object]]:
    width, height, scale = SCREENS[screen]
    spec = tmp_path / f"screen-{width}.json"
    spec.write_text(json.dumps({"screens": [
        {"name": screen, "x": 0, "y": 0, "width": width, "height": height,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={spec}",
           "QT_SCALE_FACTOR": str(scale), "WORKBENCH_CONFIG_DIR": str(config),
           "PYTHONPATH": str(ROOT)}
    out = tmp_path / f"steps-{screen}-{len(list(tmp_path.glob('steps-*')))}.json"
    done = subprocess.run([sys.executable, str(PROBE), str(case), str(out), *extra], env=env,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text())


def _case(sample_case: Path, tmp_path: Path) -> Path:
    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    return own


def _assert_fits(step: dict[str, object], logical: tuple[int, int]) -> None:
    where = step["step"]
    width, height = step["window"]
    left, top, screen_w, screen_h = step["screen"]
    assert (screen_w, screen_h) == logical, where
    assert width <= screen_w, where
    assert height <= screen_h, where
    x, y, frame_w, frame_h = step["frame"]
    assert left <= x <= left + screen_w - frame_w, where
    assert top <= y <= top + screen_h - frame_h, where
    assert step["minimum"][0] <= screen_w, where
    assert step["minimum"][1] <= screen_h, where
    assert step["unreachable"] == [], where
    assert step["table"] >= 0.4 * height, f"{where}: table {step['table']} of {height}"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_step_fits_the_screen(screen: str, sample_case: Path, tmp_path: Path) -> None:
    steps = _probe(tmp_path, _case(sample_case, tmp_path), screen, tmp_path / "config")
    assert [s["step"] for s in steps] == STEPS
    width, height, scale = SCREENS[screen]
    for step in steps:
        assert step["ratio"] == scale
        _assert_fits(step, (width // scale, height // scale))


def test_a_layout_saved_on_a_big_screen_fits_a_small_one(sample_case: Path,
                                                         tmp_path: Path) -> None:
    """The reporter moves from the desk's monitor to the laptop: the saved layout is kept only
    where it fits, and otherwise the panels go back to their default places."""
    case, config = _case(sample_case, tmp_path), tmp_path / "config"
    big = _probe(tmp_path, case, "1920x1080", config, "--relaunches-only")
    assert big[-1]["window"][0] > 1366
    for step in _probe(tmp_path, case, "1366x768", config, "--relaunches-only"):
        _assert_fits(step, (1366, 768))
