"""Fixtures for the window's tests: fresh settings and a session on the sample case."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the real user settings; the reporter has said who they are (the
    first-run question has its own test, which starts from no preferences at all)."""
    from workbench.services import preferences

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    preferences.save(preferences.Preferences("Test Reporter", "TR"))


@pytest.fixture
def session(qapp, sample_case: Path):
    from workbench.ui.loading import load_session

    s = load_session(sample_case)
    yield s
    s.close()


@pytest.fixture
def private_window(qtbot, sample_case: Path, tmp_path: Path):
    """The window on a private copy of the sample case, for tests that write to the case."""
    import shutil

    from workbench.ui.main_window import MainWindow

    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_case(own)
    return win
