"""A process killed in the middle of a merge leaves the case before or after it, never between."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workbench.services.merging import merge_case, snapshot_dir
from workbench.services.notes import annotate, save_note
from workbench.services.replies import log_response
from workbench.store.case import CaseFile
from workbench.store.shipments import count

KILLS = 16
ROWS = 3_000
HEADER = ("Declaration Number,Item No,Shipment Date,Shipper,Shipper Standardized Name,Consignee,"
          "Country of Origin,Country of Export,HS Code,Product Description,"
          "Shipment Weight (KG),Quantity,Shipment Value (USD)\n")
#: The child warms its imports, says so, then merges through the command line.
CHILD = """
import sys
import workbench.services.cases, workbench.services.merging, workbench.store.bundle
from workbench.app import main
print("ready", flush=True)
sys.exit(main(["merge", sys.argv[1], sys.argv[2], "--json"]))
"""

State = tuple[tuple[str, ...], int, tuple[str, ...], tuple[tuple[str, str, int], ...], bool]


def _extract(path: Path, rows: int) -> Path:
    """A CSV in the English-vendor layout with ``rows`` distinct Korean shipments of 2023."""
    lines = [
        f"10702070/{n % 28 + 1:02d}0323/{n:07d},1,2023-03-{n % 28 + 1:02d},BYT CO LTD,"
        f"BYT CO LTD,AURUS LLC,South Korea,South Korea,8708299009,CAR BODY PANEL {n},"
        f"{100 + n % 50}.5,{n % 9 + 1},\"{1000 + n:,}.25\"\n"
        for n in range(rows)
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _state(case_path: Path) -> State:
    """What a merge changes: event ids, shipments, stored files, imports, the merge mark."""
    case = CaseFile.open(case_path)
    try:
        assert case.integrity_errors() == []
        conn = case.conn
        ids = tuple(r[0] for r in conn.execute("SELECT id FROM events ORDER BY id"))
        shas = tuple(r[0] for r in conn.execute("SELECT sha256 FROM files ORDER BY sha256"))
        imports = tuple(conn.execute(
            "SELECT f.sha256, i.sheet, i.imported FROM imports i JOIN files f ON f.id = i.file_id"
            " ORDER BY f.sha256, i.sheet"))
        return ids, count(conn), shas, imports, case.meta("last_merge") is not None
    finally:
        case.close()


@pytest.fixture(scope="module")
def copies(sample_case: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Copy A (a few local changes) and copy B (annotations, notes and a new import)."""
    from workbench.services.importing import import_file

    root = tmp_path_factory.mktemp("copies")
    a, b = root / "a.wbcase", root / "b.wbcase"
    shutil.copy(sample_case / "case.wbcase", a)
    shutil.copy(sample_case / "case.wbcase", b)
    with CaseFile.open(a) as case:
        for i in range(5):
            annotate(case, f"Seen on A {i}", company="BYT CO LTD")
        log_response(case, "BYT CO LTD", channel="email", date="2024-06-20",
                     text="We decline to comment.")
    with CaseFile.open(b) as case:
        for i in range(200):
            annotate(case, f"Checked on B {i}", company="KYUNGKI INDUSTRIAL CO., LTD")
        for i in range(3):
            save_note(case, f"Field trip {i}", f"What we saw on day {i}.")
        report = import_file(case, _extract(root / "late_extract.csv", ROWS))
        assert report.imported == ROWS
    return a, b


def _run_child(case_path: Path, other: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(case_path), str(other)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_sigkill_at_random_moments_of_a_merge_leaves_before_or_after(
        copies: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = copies
    env = {**os.environ, "WORKBENCH_CONFIG_DIR": str(tmp_path / "config"),
           "WORKBENCH_AUTHOR": "Kim"}
    before = _state(a)
    throwaway = tmp_path / "expected" / "a.wbcase"
    throwaway.parent.mkdir()
    shutil.copy(a, throwaway)
    with CaseFile.open(throwaway) as case:
        merge_case(case, b)
    after = _state(throwaway)
    assert after[1] == before[1] + ROWS
    assert len(after[0]) == len(before[0]) + 204

    durations = []  # from "ready" to exit, for an undisturbed merge
    for n in range(2):
        run = tmp_path / f"timing{n}" / "a.wbcase"
        run.parent.mkdir()
        shutil.copy(a, run)
        with _run_child(run, b, env) as proc:
            started = time.monotonic()
            assert proc.wait(timeout=60) == 0
        durations.append(time.monotonic() - started)
        assert _state(run) == after
    duration = min(durations)

    rng = random.Random(20240620)
    delays = [0.0, 0.001, duration * 0.95, duration * 0.99]
    delays += [rng.uniform(0.0, duration * 1.05) for _ in range(KILLS - len(delays))]
    outcomes: dict[str, int] = {"before": 0, "during": 0, "after": 0, "finished": 0}
    leftovers = parts = 0
    for i, delay in enumerate(delays):
        folder = tmp_path / f"kill{i}"
        (folder / "tmp").mkdir(parents=True)
        case_path = folder / "a.wbcase"
        shutil.copy(a, case_path)
        with _run_child(case_path, b, {**env, "TMPDIR": str(folder / "tmp")}) as proc:
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)

        state = _state(case_path)
        assert state in (before, after), f"kill {i} after {delay:.3f} s left a merge half done"
        snapshots = list(snapshot_dir(case_path).glob("*.wbcase")) if snapshot_dir(
            case_path).is_dir() else []
        if proc.returncode == 0:
            outcomes["finished"] += 1
        elif state == after:
            outcomes["after"] += 1
        else:
            outcomes["during" if snapshots else "before"] += 1
        leftovers += any((folder / "tmp").iterdir())
        parts += sum(p.suffix == ".part" or p.name.startswith("merge-")
                     for p in (snapshot_dir(case_path).iterdir()
                               if snapshot_dir(case_path).is_dir() else []))

        with CaseFile.open(case_path) as case:
            merge_case(case, b)
        assert _state(case_path) == after
        # The next merge clears what the killed one left: no private copy, no partial snapshot.
        assert not [p.name for p in snapshot_dir(case_path).iterdir()
                    if p.suffix == ".part" or p.name.startswith("merge-")]
    print(f"merge took {duration:.3f} s; kills before/during/after the commit, finished:",
          outcomes["before"], outcomes["during"], outcomes["after"], outcomes["finished"],
          f"; kills leaving a temporary copy / a partial snapshot behind: {leftovers} / {parts}")
    assert outcomes["during"] + outcomes["after"] > 0
