"""The user guide travels with an installed package, not only with a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {"index.md", "import-extract.md", "supplier-names.md", "right-of-reply.md",
         "save-figure.md", "export-for-desk.md", "share-and-merge.md"}


@pytest.mark.slow
def test_a_wheel_carries_the_guide_and_the_app_finds_it_there(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, timeout=300, check=False)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(tmp_path.glob("case_workbench-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        site = tmp_path / "site"
        archive.extractall(site)
    assert {f"workbench/guide/{page}" for page in PAGES} <= names
    assert "workbench/guide/make_screenshots.py" not in names
    for page in PAGES:  # every screenshot a page shows is in the wheel too
        text = (site / "workbench" / "guide" / page).read_text(encoding="utf-8")
        for image in (part.split(")")[0] for part in text.split("](images/")[1:]):
            assert f"workbench/guide/images/{image}" in names, (page, image)
    found = subprocess.run(
        [sys.executable, "-c",
         "from workbench.ui.guide_files import guide_dir; print(guide_dir())"],
        capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(site)},
        timeout=60, check=False)
    assert found.returncode == 0, found.stderr
    assert Path(found.stdout.strip()) == site / "workbench" / "guide"
