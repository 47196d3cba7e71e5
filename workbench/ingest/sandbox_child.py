"""The child side of ``workbench.ingest.sandbox``: read one workbook under resource limits.

Started by ``read_sheets_isolated`` in a fresh interpreter, never imported by the app itself
except for the shared constants below. It caps its own address space and CPU time, reads the
workbook with fastexcel, and writes every worksheet as an uncompressed Arrow IPC file
(``0.arrow``, ``1.arrow``, ...) into the directory it is given, then a manifest with each
sheet's name and kind in order, and what went wrong on a sheet it could not read. An exception
that stops the whole read (a Rust panic included) is written to ``error.json`` instead (type
names, messages and ``errno`` along the chain); a crash leaves neither file, which the parent
notices.

Command line: ``SOURCE OUTDIR MEMORY_BYTES CPU_SECONDS``.

Test hooks, read only here: ``WORKBENCH_SANDBOX_TEST_SLEEP`` (seconds to sleep before reading)
and ``WORKBENCH_SANDBOX_TEST_ALLOCATE`` (bytes to allocate before reading).
"""

from __future__ import annotations

import io
import json
import os
import sys
import threading
import zipfile
from pathlib import Path

from workbench.ingest import package
from workbench.ingest.package import SheetKind

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


def read_into(source: Path, outdir: Path) -> list[dict[str, object]]:
    """Write every sheet of ``source`` into ``outdir`` as Arrow IPC; the manifest's entries.

    One entry per sheet, in workbook order: ``name``, ``kind`` (a ``SheetKind`` value) and,
    for a worksheet the reader failed on, ``error`` (see ``describe``). Sheet number ``i`` is
    in ``sheet_file(outdir, i)`` when it is a worksheet without an error. A failure on one
    sheet, a reader panic included, is recorded and the next sheet read.
    """
    import fastexcel
    import pyarrow as pa

    # Bytes rather than the path: given a path the readers trust its extension.
    data = source.read_bytes()
    data, xml_kinds = _prepare_package(data)
    reader = fastexcel.read_excel(data)
    names = list(reader.sheet_names)
    book = None if xml_kinds is not None else _calamine_book(data)
    kinds = xml_kinds if xml_kinds is not None else _calamine_kinds(book)
    entries: list[dict[str, object]] = []
    for index, name in enumerate(names):
        kind = kinds.get(name, SheetKind.WORKSHEET)
        entry: dict[str, object] = {"name": name, "kind": kind.value}
        entries.append(entry)
        if kind is not SheetKind.WORKSHEET:
            continue  # a chart or dialog holds no table; its parts are not even opened
        try:
            start = _start_row(book, name) if book is not None else None  # before: less memory
            batch = reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
            if start is not None:
                batch = batch.replace_schema_metadata({START_ROW_KEY: str(start)})
            with (
                pa.OSFile(str(sheet_file(outdir, index)), "wb") as sink,
                pa.ipc.new_file(sink, batch.schema) as writer,
            ):
                writer.write_batch(batch)
            del batch
        except BaseException as exc:  # a Rust panic is a BaseException
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            entry["error"] = describe(exc)
            sheet_file(outdir, index).unlink(missing_ok=True)
    return entries


def _prepare_package(data: bytes) -> tuple[bytes, dict[str, SheetKind] | None]:
    """For an XML workbook package: the bytes the reader can open, and each sheet's kind.

    A workbook part stored under another name than the reader expects gets aliases (see
    ``package.reader_aliases``). Other files come back unchanged, with None for the kinds.
    """
    if not data.startswith(b"PK"):
        return data, None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            main = package.main_part(zf)
            if main is None or not main.lower().endswith(".xml"):
                aliases = package.reader_aliases(zf) if main is not None else {}
                return (package.with_aliases(data, aliases) if aliases else data), None
            kinds = {sheet.name: sheet.kind for sheet in package.sheets(zf, main)}
            aliases = package.reader_aliases(zf)
    except (zipfile.BadZipFile, package.PackageError):
        return data, None  # the reader will say what is wrong with it
    return (package.with_aliases(data, aliases) if aliases else data), kinds


def _calamine_book(data: bytes) -> object:
    """python-calamine's view of a workbook, for what fastexcel does not tell (see below)."""
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _calamine_kinds(book: object) -> dict[str, SheetKind]:
    from python_calamine import SheetTypeEnum

    kinds = (
        (SheetTypeEnum.ChartSheet, SheetKind.CHART),
        (SheetTypeEnum.DialogSheet, SheetKind.DIALOG),
        (SheetTypeEnum.MacroSheet, SheetKind.MACRO),
        (SheetTypeEnum.Vba, SheetKind.MACRO),
    )
    return {
        m.name: next((kind for typ, kind in kinds if m.typ == typ), SheetKind.WORKSHEET)
        for m in getattr(book, "sheets_metadata", [])
    }


def _start_row(book: object, name: str) -> int:
    """1-based row of a sheet's first cell, for formats whose XML the parent cannot read.

    fastexcel drops leading empty rows without saying how many; calamine's range knows.
    """
    start = book.get_sheet_by_name(name).start  # type: ignore[attr-defined]
    return int(start[0]) + 1 if start else 1


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
        entries = read_into(source, outdir)
    except BaseException as exc:  # a Rust panic is a BaseException, and is reported too
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        _write_json(outdir / ERROR, describe(exc))
        return EXIT_ERROR
    _write_json(outdir / MANIFEST, entries)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
