"""Fixtures for the window's tests: a built copy of the sample case and a session on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent.parent.parent / "sample_cases" / "aurus"


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the real user settings."""
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(scope="session")
def sample_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample case folder whose case file is already built."""
    from workbench.services.cases import open_case

    folder = tmp_path_factory.mktemp("sample") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    open_case(folder)[0].close()
    return folder


@pytest.fixture
def session(qapp, sample_case: Path):
    from workbench.ui.loading import load_session

    s = load_session(sample_case)
    yield s
    s.close()
