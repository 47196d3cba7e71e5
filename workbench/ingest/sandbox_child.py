"""The child side of ``workbench.ingest.sandbox``: read one workbook under resource limits.

Started by ``read_sheets_isolated`` in a fresh interpreter, never imported by the app itself
except for the shared constants below. It caps its own address space and CPU time, reads the
workbook with fastexcel, and writes every sheet as an uncompressed Arrow IPC file
(``0.arrow``, ``1.arrow``, ...) into the directory it is given, then a manifest with the sheet
names in order. An exception is written to ``error.json`` instead (type names, messages and
``errno`` along the chain); a crash leaves neither file, which the parent notices.

Command line: ``SOURCE OUTDIR MEMORY_BYTES CPU_SECONDS``.

Test hooks, read only here: ``WORKBENCH_SANDBOX_TEST_SLEEP`` (seconds to sleep before reading)
and ``WORKBENCH_SANDBOX_TEST_ALLOCATE`` (bytes to allocate before reading).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

MANIFEST = "sheets.json"
#: Schema metadata key holding a sheet's first row, when the child had to find it.
START_ROW_KEY = "workbench.start_row"
ERROR = "error.json"
EXIT_OK = 0
#: The read raised an exception, described in ``ERROR``.
EXIT_ERROR = 3
#: The parent went away (its end of our stdin closed) before the read finished.
EXIT_ORPHANED = 4
SLEEP_HOOK = "WORKBENCH_SANDBOX_TEST_SLEEP"
ALLOCATE_HOOK = "WORKBENCH_SANDBOX_TEST_ALLOCATE"

_MESSAGE_LIMIT = 2000
_CHAIN_LIMIT = 8


def sheet_file(outdir: Path, index: int) -> Path:
    """Where sheet number ``index`` (0-based, workbook order) is written."""
    return outdir / f"{index}.arrow"


def limit_resources(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap the address space and the CPU time of this process where the OS allows it."""
    try:
        import resource
    except ImportError:  # Windows: the parent's time limit still applies
        return
    for limit, wanted in ((resource.RLIMIT_AS, memory_bytes), (resource.RLIMIT_CPU, cpu_seconds)):
        if wanted <= 0:
            continue
        try:
            _soft, hard = resource.getrlimit(limit)
            soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            resource.setrlimit(limit, (soft, hard))
        except (OSError, ValueError):  # e.g. macOS refuses RLIMIT_AS
            continue


def _watch_parent() -> None:
    """Exit as soon as the parent's end of stdin closes, so no reader outlives the app."""

    def watch() -> None:
        # os.read, not sys.stdin: a daemon thread blocked inside a buffered reader holds its
        # lock, and the interpreter aborts when it meets that lock at shutdown.
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        os._exit(EXIT_ORPHANED)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _run_test_hooks() -> None:
    allocate = os.environ.get(ALLOCATE_HOOK)
    if allocate:  # address space, as a reader's huge buffer takes it; untouched, so quick
        import mmap

        mmap.mmap(-1, int(allocate)).close()
    sleep = os.environ.get(SLEEP_HOOK)
    if sleep:
        import time

        time.sleep(float(sleep))


def read_into(source: Path, outdir: Path) -> list[str]:
    """Write every sheet of ``source`` into ``outdir`` as Arrow IPC; the sheet names in order."""
    import fastexcel
    import pyarrow as pa

    # Bytes rather than the path: given a path the readers trust its extension.
    data = source.read_bytes()
    reader = fastexcel.read_excel(data)
    names = list(reader.sheet_names)
    starts = {} if data[:2] == b"PK" and b"xl/" in data[:4096] else _start_rows(data, names)
    for index, name in enumerate(names):
        batch = reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
        if name in starts:
            batch = batch.replace_schema_metadata({START_ROW_KEY: str(starts[name])})
        with (
            pa.OSFile(str(sheet_file(outdir, index)), "wb") as sink,
            pa.ipc.new_file(sink, batch.schema) as writer,
        ):
            writer.write_batch(batch)
        del batch
    return names


def _start_rows(data: bytes, names: list[str]) -> dict[str, int]:
    """1-based row of each sheet's first cell, for formats whose XML the parent cannot read.

    fastexcel drops leading empty rows without saying how many; calamine's range knows.
    """
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    starts = {}
    for name in names:
        start = book.get_sheet_by_name(name).start
        starts[name] = int(start[0]) + 1 if start else 1
    return starts


def describe(exc: BaseException) -> list[dict[str, object]]:
    """The exception and its causes as plain data: type name, message and errno."""
    chain: list[dict[str, object]] = []
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen and len(chain) < _CHAIN_LIMIT:
        seen.add(id(link))
        try:
            message = "" if isinstance(link, MemoryError) else str(link)[:_MESSAGE_LIMIT]
        except Exception:
            message = ""
        entry: dict[str, object] = {"type": type(link).__name__, "message": message}
        if isinstance(link, OSError) and isinstance(link.errno, int):
            entry["errno"] = link.errno
            entry["message"] = str(link.strerror or "")[:_MESSAGE_LIMIT]
        chain.append(entry)
        link = link.__cause__ or link.__context__
    return chain


def _write_json(target: Path, payload: object) -> None:
    partial = target.with_suffix(".part")
    partial.write_text(json.dumps(payload, ensure_ascii=True), encoding="ascii")
    os.replace(partial, target)


def main(argv: list[str] | None = None) -> int:
    """Read the workbook named on the command line; the exit status tells how it went."""
    args = sys.argv[1:] if argv is None else argv
    source, outdir = Path(args[0]), Path(args[1])
    limit_resources(int(args[2]), int(args[3]))
    _watch_parent()
    try:
        _run_test_hooks()
        names = read_into(source, outdir)
    except Exception as exc:
        _write_json(outdir / ERROR, describe(exc))
        return EXIT_ERROR
    _write_json(outdir / MANIFEST, names)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
