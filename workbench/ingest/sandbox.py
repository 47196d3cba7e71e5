"""Read a workbook in a child process, so a hostile file can kill only the child.

fastexcel and python-calamine (Rust) abort the whole process on some tiny hostile files (a cell
at A1 and another at XFD1048576 makes them ask for hundreds of gigabytes) and can hang on fuzzed
ones. ``read_sheets_isolated`` runs the read in a fresh interpreter (no fork: the app has Qt and
threads) with a cap on its address space and a time limit, and gets every sheet back as an
Arrow IPC file in a private temporary directory. A failure on one sheet (a reader panic
included: pyo3 raises it as a ``BaseException``) comes back with that sheet, so the others can
still be imported; a failure of the whole read becomes one ``ImportRefused`` sentence. What the
child prints (the reader's panic message, a traceback) stays in a file of that directory and
reaches only the log, at DEBUG level, never the reporter.

Typical use::

    for sheet in read_sheets_isolated(path, cancel=lambda: job.cancelled):
        if sheet.table is not None:  # workbook order; columns "__UNNAMED__0", ... all strings
            ...
"""

from __future__ import annotations

import builtins
import itertools
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

import workbench
from workbench.errors import ImportRefused, WorkbenchError
from workbench.ingest import sandbox_child as child
from workbench.ingest.package import SheetKind
from workbench.ingest.sniff import NO_MEMORY, display_name, refusal_for

log = logging.getLogger(__name__)

GiB = 1024**3
#: How often the parent looks at the child and at ``cancel`` while waiting.
POLL_SECONDS = 0.1
#: How much of the child's stderr is kept for the log (never for the reporter).
STDERR_TAIL_BYTES = 4096

CRASHED = (
    "{name} could not be read: the spreadsheet reader stopped unexpectedly on it; "
    "open it in a spreadsheet program, save it as .xlsx and import that."
)
#: The reader asked for far more memory than the file's size explains.
OUT_OF_PROPORTION = (
    "{name} could not be read: it asks for far more memory than its size explains "
    "(often a sheet that reaches far beyond its data, such as a stray cell far down or to the "
    "right); delete the empty rows and columns after the data in a spreadsheet program, "
    "save it and import it again."
)
TIMED_OUT = (
    "{name} took longer than {seconds} s to read and was stopped; "
    "split it into smaller files, or save it as .xlsx in a spreadsheet program and import that."
)
CANCELLED = "The import was cancelled; the case is unchanged."
#: A failed allocation this many times the file's size is out of proportion to its content.
_OUT_OF_PROPORTION_FACTOR = 100
_ALLOCATION_FAILED = re.compile(rb"memory allocation of (\d+) bytes failed")

# Runs in the child: finds this package even when it is not installed (appended, so an
# installed copy still wins), then hands over to the child module.
_BOOTSTRAP = (
    "import sys; sys.path.append(sys.argv.pop(1)); "
    "from workbench.ingest.sandbox_child import main; sys.exit(main())"
)
_PACKAGE_ROOT = str(Path(workbench.__file__).resolve().parent.parent)
_STDERR = "stderr.txt"


class ReadCancelled(WorkbenchError):
    """The reporter cancelled the read; nothing was imported."""


@dataclass(frozen=True)
class SheetRead:
    """One sheet of a workbook as the child read it.

    ``table`` holds a worksheet's cells (columns "__UNNAMED__0", ... all strings; no rows for
    an empty sheet). It is None for a chart, dialog or macro sheet, which is not opened, and
    for a worksheet the reader failed on, whose exception (rebuilt) is ``error``.
    """

    name: str
    kind: SheetKind
    table: pa.Table | None = None
    error: BaseException | None = None


def read_sheets_isolated(
    path: Path,
    *,
    timeout: float = 120.0,
    memory_bytes: int = 6 * GiB,
    cancel: Callable[[], bool] | None = None,
) -> list[SheetRead]:
    """Every sheet of the workbook at ``path``, in workbook order (see ``SheetRead``).

    The read runs in a child process limited to ``memory_bytes`` of address space and
    ``timeout`` seconds. A sheet the reader fails on comes back with its error, so the others
    can still be used. Raises ``ImportRefused`` (one sentence naming the file) when the reader
    fails on the whole file, panics, crashes or runs out of time, and ``ReadCancelled`` when
    ``cancel`` returns True while waiting. Nothing the child prints reaches the reporter.
    """
    path = Path(path)
    workdir = Path(tempfile.mkdtemp(prefix="workbench-read-"))
    try:
        returncode = _run_child(path, workdir, timeout, memory_bytes, cancel)
        return _collect(path, workdir, returncode, timeout)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


# -- the child process ------------------------------------------------------------------------


def _child_environment() -> dict[str, str]:
    env = dict(os.environ)
    env["RUST_BACKTRACE"] = "0"  # a crash report is for the log, and short is enough
    # Fewer malloc arenas: each reserves address space, which counts against RLIMIT_AS.
    env.setdefault("MALLOC_ARENA_MAX", "2")
    return env


def _run_child(
    path: Path,
    workdir: Path,
    timeout: float,
    memory_bytes: int,
    cancel: Callable[[], bool] | None,
) -> int | None:
    """The child's exit status (negative: killed by that signal), or None if it timed out."""
    # A backstop only, for a parent that stops polling; the parent keeps the real time.
    cpu_seconds = math.ceil(2 * timeout) + 10 if math.isfinite(timeout) else 0
    command = [
        sys.executable,
        "-c",
        _BOOTSTRAP,
        _PACKAGE_ROOT,
        os.fspath(path.absolute()),
        os.fspath(workdir),
        str(int(memory_bytes)),
        str(cpu_seconds),
    ]
    deadline = time.monotonic() + timeout
    with (workdir / _STDERR).open("wb") as stderr:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,  # closed when we are done or gone: the child then exits
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=workdir,
            env=_child_environment(),
            start_new_session=True,
        )
    try:
        while True:
            try:
                return proc.wait(timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if cancel is not None and cancel():
                _kill(proc)
                raise ReadCancelled(CANCELLED)
            if time.monotonic() >= deadline:
                _kill(proc)
                return None
    finally:
        if proc.returncode is None:  # an exception (cancel, KeyboardInterrupt) on the way out
            _kill(proc)
        if proc.stdin is not None:
            proc.stdin.close()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and its process group, and reap it."""
    if proc.returncode is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the group is ours: start_new_session
        except (AttributeError, OSError):  # no process groups (Windows), or already gone
            proc.kill()
    proc.wait()


# -- the result -------------------------------------------------------------------------------


def _collect(
    path: Path, workdir: Path, returncode: int | None, timeout: float
) -> list[SheetRead]:
    name = display_name(path)
    sigxcpu = getattr(signal, "SIGXCPU", None)  # the CPU-time backstop fired
    if returncode is None or (sigxcpu is not None and returncode == -sigxcpu):
        _log_failure(path, workdir, "timed out")
        raise ImportRefused(TIMED_OUT.format(name=name, seconds=_seconds(timeout)))
    if returncode == child.EXIT_ERROR and (workdir / child.ERROR).is_file():
        error = _rebuild_exception(workdir / child.ERROR)
        if error is not None:
            log.info("reading %s failed in the child: %s: %s", name, type(error).__name__, error)
            raise refusal_for(error, path)
    manifest = workdir / child.MANIFEST
    if returncode != child.EXIT_OK or not manifest.is_file():
        tail = _log_failure(path, workdir, f"exit status {returncode}")
        raise ImportRefused(_crash_sentence(path, tail))
    try:
        entries = json.loads(manifest.read_text(encoding="ascii"))
        return [_sheet_read(workdir, index, entry) for index, entry in enumerate(entries)]
    except Exception as exc:  # a half-written result is a failed read, said in one sentence
        raise refusal_for(exc, path) from exc


def _sheet_read(workdir: Path, index: int, entry: dict[str, object]) -> SheetRead:
    name, kind = str(entry["name"]), SheetKind(str(entry["kind"]))
    if kind is not SheetKind.WORKSHEET:
        return SheetRead(name, kind)
    failure = entry.get("error")
    if isinstance(failure, list):
        error = _rebuild_chain(failure) or RuntimeError("the reader failed on this sheet")
        log.info("reading sheet %r failed in the child: %s: %s", name, type(error).__name__, error)
        return SheetRead(name, kind, error=error)
    return SheetRead(name, kind, table=_load_table(child.sheet_file(workdir, index)))


def _crash_sentence(path: Path, stderr_tail: bytes) -> str:
    """The sentence for a child that died: out of memory on a small file, or a crash."""
    name = display_name(path)
    wanted = [int(n) for n in _ALLOCATION_FAILED.findall(stderr_tail)]
    if wanted:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if max(wanted) > _OUT_OF_PROPORTION_FACTOR * max(size, 1):
            return OUT_OF_PROPORTION.format(name=name)
        return NO_MEMORY.format(name=name)
    return CRASHED.format(name=name)


def _seconds(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def _load_table(file: Path) -> pa.Table:
    """Read one IPC file; memory-mapped where an open mapping does not stop its deletion."""
    if os.name == "posix":
        source = pa.memory_map(os.fspath(file))
        try:
            return pa.ipc.open_file(source).read_all()  # the mapping lives on with the table
        finally:
            source.close()
    with pa.OSFile(os.fspath(file)) as source:
        return pa.ipc.open_file(source).read_all()


def _rebuild_exception(file: Path) -> BaseException | None:
    """The child's exception chain, rebuilt well enough for ``refusal_for`` to classify."""
    try:
        chain = json.loads(file.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None
    return _rebuild_chain(chain)


def _rebuild_chain(chain: object) -> BaseException | None:
    if not isinstance(chain, list) or not chain:
        return None
    built = [_rebuild_one(link) for link in chain if isinstance(link, dict)]
    for outer, inner in itertools.pairwise(built):
        outer.__cause__ = inner
    return built[0] if built else None


def _rebuild_one(link: dict[str, object]) -> BaseException:
    kind = str(link.get("type") or "Exception")
    message = str(link.get("message") or "")
    errno = link.get("errno")
    known = getattr(builtins, kind, None)
    if isinstance(known, type) and issubclass(known, Exception):
        if issubclass(known, OSError) and isinstance(errno, int):
            return OSError(errno, message)  # Python picks the subclass from the errno
        try:
            return known(message)
        except Exception:
            pass
    # A reader's own exception (CalamineError, PasswordError, ...): same name and message.
    return type(kind if kind.isidentifier() else "ReaderError", (Exception,), {})(message)


def _log_failure(path: Path, workdir: Path, what: str) -> bytes:
    """Log how the child failed, below the level printed by default; returns its stderr tail.

    The child's stderr holds the reader's own report and a Python traceback: for the log of
    someone who asks for it (level DEBUG), never for the reporter's terminal.
    """
    try:
        with (workdir / _STDERR).open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - STDERR_TAIL_BYTES))
            tail = fh.read()
    except OSError:
        tail = b""
    text = tail.decode("utf-8", "replace").strip()
    last = text.splitlines()[-1] if text else ""
    log.info("reading %s in the child failed (%s): %s", display_name(path), what, last)
    log.debug("the child's stderr ended with:\n%s", text)
    return tail


def run_as_frozen_child(argv: list[str]) -> int | None:
    """In the frozen app, run the reader's child when ``argv`` is how this module starts one.

    The frozen app has no separate interpreter, so :func:`_run_child` starts the app itself with
    ``-c`` and the bootstrap; the app's entry calls this first. Any other ``argv``: None.
    """
    if len(argv) < 3 or argv[1] != "-c" or argv[2] != _BOOTSTRAP:
        return None
    from workbench.ingest.sandbox_child import main

    return main(argv[4:])  # argv[3] is the package root, which the frozen app does not need
