"""A process killed in the middle of an import leaves the case before or after it, never between."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.make_extract import synthetic_rows, write_csv
from workbench.store.case import CaseFile
from workbench.store.shipments import count

ROWS = 60_000
KILLS = 12


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("extract") / "extract.csv"
    write_csv(synthetic_rows(ROWS, seed=3), path)
    return path


def _state(case_path: Path) -> tuple[int, int, int]:
    case = CaseFile.open(case_path)
    try:
        assert case.integrity_errors() == []
        events = case.conn.execute("SELECT count(*) FROM events WHERE kind = 'import'")
        files = case.conn.execute("SELECT count(*) FROM files")
        return count(case.conn), events.fetchone()[0], files.fetchone()[0]
    finally:
        case.close()


def test_sigkill_at_random_moments_leaves_a_whole_case(tmp_path: Path, extract: Path) -> None:
    rng = random.Random(20240611)
    empty = tmp_path / "empty.wbcase"
    subprocess.run(
        [sys.executable, "-m", "workbench", "new", str(empty)], check=True, capture_output=True
    )
    outcomes = []
    for i in range(KILLS):
        case_path = tmp_path / f"c{i}.wbcase"
        shutil.copy(empty, case_path)
        proc = subprocess.Popen(
            [sys.executable, "-m", "workbench", "import", str(case_path), str(extract)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.2, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # Nothing of the import, or all of it: its rows, its file and its event.
        after = _state(case_path)
        assert after in ((0, 0, 0), (ROWS, 1, 1)), after
        outcomes.append(after[0])
    print("kills before/after the commit:", outcomes.count(0), outcomes.count(ROWS))
