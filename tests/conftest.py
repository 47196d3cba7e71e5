"""Suite-wide settings (Qt offscreen, matplotlib on Agg) and the built sample case."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
# The suite never reads or writes the real user's settings (the reporter's name among them).
os.environ["WORKBENCH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="workbench-test-config-")

SAMPLE = Path(__file__).parent.parent / "sample_cases" / "aurus"


@pytest.fixture(scope="session")
def sample_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample case folder whose case file is already built."""
    from workbench.services.cases import open_case

    folder = tmp_path_factory.mktemp("sample") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    open_case(folder)[0].close()
    return folder
