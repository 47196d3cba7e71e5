"""After killing the app in the middle of typing a reply, the case opens clean and everything
committed before is there."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from workbench.services.cases import open_case, resolve_case_path
from workbench.services.replies import log_response, reply_records
from workbench.store.case import CaseFile

CHILD = Path(__file__).with_name("kill_typing_child.py")
COMPANY = "Kyungki Industrial"
#: (when READY is printed, seconds to wait before the kill)
MOMENTS = [("commit", 0.0), ("typing", 0.0), ("typing", 0.3)]
READY_TIMEOUT = 20.0

pytestmark = [
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="no SIGKILL here"),
    pytest.mark.slow,
]


def _wait_ready(proc: subprocess.Popen[str]) -> tuple[float, threading.Thread]:
    """Seconds until the child says READY, and the thread reading its output (ends at EOF).

    Fails with the child's output if it never gets ready.
    """
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stdout is not None
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    started, seen = time.monotonic(), []
    while time.monotonic() - started < READY_TIMEOUT:
        try:
            line = lines.get(timeout=0.05)
        except queue.Empty:
            if proc.poll() is not None and lines.empty():
                break
            continue
        seen.append(line)
        if line.strip() == "READY":
            return time.monotonic() - started, reader
    proc.kill()
    proc.wait()
    reader.join(timeout=5)
    pytest.fail(f"the child never got ready (exit {proc.poll()}): {''.join(seen)[-2000:]}")


def _replies(case: CaseFile) -> list[str]:
    return [str(r.get("text")) for c in reply_records(case) for r in c.replies]


def test_kill_while_typing_keeps_every_commit(sample_case: Path, tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "WORKBENCH_CONFIG_DIR": str(tmp_path / "config"), "WORKBENCH_AUTHOR": "Kim"}
    timings = []
    for i, (mode, delay) in enumerate(MOMENTS):
        folder = tmp_path / f"case{i}"
        shutil.copytree(sample_case, folder)
        committed, half = f"Committed answer {i}", f"HALFTYPED{i}xq"
        started = time.monotonic()
        with subprocess.Popen(
            [sys.executable, str(CHILD), str(folder), COMPANY, committed, half, mode],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        ) as proc:
            ready, reader = _wait_ready(proc)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            reader.join(timeout=10)
        assert proc.returncode == -signal.SIGKILL

        leftovers = list(folder.glob("case.wbcase*"))
        for file in leftovers:  # the drafts never reached the case file nor its journal
            assert half[:9].encode() not in file.read_bytes(), file.name
        case = CaseFile.open(resolve_case_path(folder))
        try:
            assert [r[0] for r in case.conn.execute("PRAGMA integrity_check")] == ["ok"]
            assert committed in _replies(case)
            found = case.conn.execute(
                "SELECT count(*) FROM events WHERE payload LIKE ?", (f"%{half[:9]}%",))
            assert found.fetchone()[0] == 0
            log_response(case, COMPANY, channel="email", date=date.today().isoformat(),
                         text=f"Second write {i}")
        finally:
            case.close()
        reopened, _ = open_case(folder)
        try:
            assert {committed, f"Second write {i}"} <= set(_replies(reopened))
            assert reopened.integrity_errors() == []
        finally:
            reopened.close()
        timings.append((mode, delay, round(ready, 2), round(time.monotonic() - started, 2),
                        sorted(f.name for f in leftovers)))
    print("ready after / whole iteration (s):", timings)
