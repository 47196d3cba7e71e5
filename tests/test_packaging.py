"""What an install carries and how it proves itself: the wheel, ``--self-test``, the built app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workbench import bundled
from workbench.app import main

ROOT = Path(__file__).resolve().parents[1]


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


@pytest.mark.gui
def test_self_test_passes_and_leaves_the_sample_as_it_was(
    qapp, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    sample = bundled.sample_case()
    assert sample is not None
    before = _listing(sample)
    assert main(["--self-test"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert lines[-1] == "self-test passed"
    assert [line.split(":")[0] for line in lines[:-1]] == [f"self-test {n}" for n in range(1, 6)]
    assert "2,650 shipments" in lines[1]
    assert "4 figures" in lines[2]
    assert _listing(sample) == before  # nothing was written into the shipped sample


def test_self_test_names_the_step_that_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "_data" / "sample_cases" / "aurus"
    (broken / "spreadsheets").mkdir(parents=True)
    (broken / "case.toml").write_text("this is [not toml\n", encoding="utf-8")
    monkeypatch.setattr(bundled, "INSTALLED", tmp_path / "_data")
    code = main(["--self-test"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out.startswith("self-test 1: copied the sample case")
    assert "passed" not in out
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("The self-test failed while opening the sample case")
    assert "Traceback" not in err


def test_self_test_says_when_there_is_no_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "_data").mkdir()
    monkeypatch.setattr(bundled, "INSTALLED", tmp_path / "_data")
    assert main(["--self-test"]) == 2
    assert capsys.readouterr().err == "This install carries no sample case to test with.\n"


def test_copy_sample_keeps_the_reporters_copy(tmp_path: Path) -> None:
    first = bundled.copy_sample(tmp_path)
    assert not list(first.glob("*.wbcase*"))  # a built case file never travels with the copy
    note = first / "notes" / "mine.md"
    note.write_text("my own note", encoding="utf-8")
    assert bundled.copy_sample(tmp_path) == first
    assert note.read_text(encoding="utf-8") == "my own note"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_wheel_carries_the_icon_and_the_sample(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
         "--disable-pip-version-check", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True,
    )
    [wheel] = tmp_path.glob("case_workbench-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    data = "workbench/_data/"
    assert {data + "resources/workbench.svg", data + "resources/workbench.png",
            data + "sample_cases/aurus/case.toml", data + "sample_cases/aurus/journal.jsonl",
            } <= names
    shipped = {n for n in names if n.startswith(data + "sample_cases/aurus/")}
    in_checkout = {data + "sample_cases/aurus/" + str(p.relative_to(ROOT / "sample_cases/aurus"))
                   for p in (ROOT / "sample_cases/aurus").rglob("*")
                   if p.is_file() and ".wbcase" not in p.name}
    assert shipped == in_checkout


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.skipif(sys.platform != "linux", reason="the Linux build script")
def test_the_built_app_passes_its_self_test(tmp_path: Path) -> None:
    """Build with the script as a developer would, then run the app the script produced."""
    env = {**os.environ, "WORKBENCH_DIST": str(tmp_path / "dist"), "WORKBENCH_SKIP_SELF_TEST": "1"}
    build = subprocess.run([str(ROOT / "packaging" / "build-linux.sh")], env=env,
                           capture_output=True, text=True, timeout=540)
    assert build.returncode == 0, build.stderr[-2000:]
    app = tmp_path / "dist" / "workbench"
    for part in ("share/applications/case-workbench.desktop",
                 "share/mime/packages/case-workbench.xml",
                 "share/icons/hicolor/scalable/apps/case-workbench.svg",
                 "_internal/workbench/_data/sample_cases/aurus/case.toml"):
        assert (app / part).is_file(), part
    assert not list((app / "_internal" / "PySide6").rglob("*Qt6Quick*"))  # unused Qt left out
    sample = app / "_internal" / "workbench" / "_data" / "sample_cases" / "aurus"
    before = _listing(sample)
    run_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "WORKBENCH_CONFIG_DIR": str(tmp_path / "config"), "HOME": str(tmp_path)}
    done = subprocess.run([str(app / "workbench"), "--self-test"], env=run_env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[-1] == "self-test passed"
    assert "2,650 shipments from 3 spreadsheets" in done.stdout  # the xlsx read in a child too
    assert _listing(sample) == before
    # A bad path opens the start page with the reason (a window); a command says it and exits.
    bad = subprocess.run([str(app / "workbench"), "info", "no-such-case.wbcase"], env=run_env,
                         capture_output=True, text=True, timeout=60)
    assert (bad.returncode, bad.stderr) == (2, "no-such-case.wbcase does not exist.\n")
    shutil.rmtree(app)
