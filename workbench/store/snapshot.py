"""Snapshots of a case file: what leaves the live file is always read through SQLite.

Two ways to make one. :func:`backup` copies the database a connection sees, page by page with
SQLite's backup API (so a write committed on that connection a moment ago is included, and a
WAL file is never forgotten as it would be by a file copy). :func:`copy_allowed` builds a copy
by allow-list: a fresh case file receives, table by table, only the rows it is given leave to,
so nothing left out can reach it. :func:`seal` then makes either one a single, compact file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from workbench.errors import CaseFileError, WorkbenchError
from workbench.store import schema
from workbench.store.durable import fsync_file

#: Tables a redacted copy may receive, in the order they are filled (parents first).
ALLOWED_TABLES = ("meta", "files", "file_parts", "recipes", "imports", "shipment_chunks",
                  "offered_chunks", "rejects", "events", "tombstones")
#: ``meta`` keys that describe the derived search index; the copy rebuilds its own.
DERIVED_META = frozenset({"search_events_seq", "search_imports"})
SIDECARS = ("-wal", "-shm", "-journal")

Progress = Callable[[float], None]
Cancelled = Callable[[], bool]


class SnapshotCancelled(WorkbenchError):
    """The snapshot was stopped on request; nothing was published."""


def check_cancelled(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise SnapshotCancelled("Sharing was cancelled; nothing was written.")


def backup(
    conn: sqlite3.Connection,
    dest: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    step_pages: int = 2048,
) -> None:
    """Copy the database ``conn`` sees into the new file ``dest`` with the backup API."""
    dest = Path(dest)
    if dest.exists() and dest.stat().st_size:
        raise CaseFileError(f"{dest.name} already exists.")
    check_cancelled(cancelled)

    def on_step(_status: int, remaining: int, total: int) -> None:
        check_cancelled(cancelled)  # raising here aborts the backup
        if progress is not None and total:
            progress(1.0 - remaining / total)

    target = sqlite3.connect(dest, isolation_level=None)
    try:
        conn.backup(target, pages=step_pages, progress=on_step)
    finally:
        target.close()
    if progress is not None:
        progress(1.0)


def table_names(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables of the main database (no SQLite internals, no full-text shadows)."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    fts = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")}
    return [r[0] for r in rows
            if r[0] not in fts and not any(r[0].startswith(f"{v}_") for v in fts)]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _rows(conn: sqlite3.Connection, table: str, columns: list[str],
          order: str = "rowid") -> Iterator[dict[str, object]]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    for row in conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {order}'):
        yield dict(zip(columns, row, strict=True))


def _insert(conn: sqlite3.Connection, table: str, row: dict[str, object]) -> int:
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    cur = conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuple(row.values()))
    return int(cur.lastrowid or 0)


def copy_allowed(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    *,
    keep_event: Callable[[str], bool],
    keep_file: Callable[[str], bool],
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> list[str]:
    """Copy the allowed tables from ``src`` into the fresh case ``dst`` (caller's transaction).

    ``keep_event(id)`` and ``keep_file(sha256)`` decide single rows; every other allowed row is
    copied whole. Events and files are numbered afresh, so the copy shows no gap where a row
    was left out. ``meta`` keeps ``dst``'s own replica id and never copies the search marks;
    the full-text index is never copied (rebuild it from what the copy holds). An import whose
    file was left out is refused, as its rows would point at nothing. Returns the names of
    tables the source holds that the allow-list does not know (they are not copied).
    """
    src_tables, dst_tables = set(table_names(src)), set(table_names(dst))
    skipped = sorted(src_tables - set(ALLOWED_TABLES))
    wanted = [t for t in ALLOWED_TABLES if t in src_tables and t in dst_tables]
    file_ids: dict[object, int] = {}
    started = not src.in_transaction
    if started:
        src.execute("BEGIN")  # one read transaction: every table from the same moment
    try:
        for done, table in enumerate(wanted):
            check_cancelled(cancelled)
            columns = [c for c in _columns(src, table) if c in set(_columns(dst, table))]
            if table == "meta":
                for row in _rows(src, table, columns):
                    if row["key"] not in DERIVED_META and row["key"] != "replica_id":
                        dst.execute("DELETE FROM meta WHERE key = ?", (row["key"],))
                        _insert(dst, table, row)
            elif table == "files":
                for row in _rows(src, table, columns, order="id"):
                    if keep_file(str(row["sha256"])):
                        old = row.pop("id")
                        file_ids[old] = _insert(dst, table, row)
            elif table == "file_parts":
                for row in _rows(src, table, columns, order="file_id, part_no"):
                    check_cancelled(cancelled)
                    if row["file_id"] in file_ids:
                        _insert(dst, table, {**row, "file_id": file_ids[row["file_id"]]})
            elif table == "imports":
                for row in _rows(src, table, columns, order="id"):
                    if row["file_id"] not in file_ids:
                        raise WorkbenchError(
                            "An imported spreadsheet is also a confidential source; "
                            "mark the source as not confidential or purge it before sharing.")
                    _insert(dst, table, {**row, "file_id": file_ids[row["file_id"]]})
            elif table == "events":
                for row in _rows(src, table, columns, order="seq"):
                    if keep_event(str(row["id"])):
                        row.pop("seq", None)
                        _insert(dst, table, row)
            else:
                order = "rowid" if _has_rowid(src, table) else "1"
                for row in _rows(src, table, columns, order=order):
                    check_cancelled(cancelled)
                    _insert(dst, table, row)
            if progress is not None:
                progress((done + 1) / len(wanted))
    finally:
        if started:
            src.execute("ROLLBACK")  # nothing was written; this only ends the read
    return skipped


def _has_rowid(conn: sqlite3.Connection, table: str) -> bool:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    return "WITHOUT ROWID" not in str(sql).upper()


def seal(path: Path, *, compact: bool) -> None:
    """Make ``path`` one self-contained file: rollback journal (no ``-wal``), optionally
    vacuumed (no free pages left to hold old bytes), checked and flushed to disk."""
    path = Path(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise CaseFileError(f"The snapshot could not leave WAL mode ({mode}).")
        if compact:
            conn.execute("VACUUM")
            free = conn.execute("PRAGMA freelist_count").fetchone()[0]
            if free:
                raise CaseFileError(f"The snapshot still has {free} free pages after VACUUM.")
        if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
            raise CaseFileError("The snapshot is not a case file.")
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise CaseFileError(f"The snapshot failed its integrity check ({problems[0]}).")
    finally:
        conn.close()
    leftovers = [s for s in SIDECARS if Path(f"{path}{s}").exists()]
    if leftovers:
        raise CaseFileError(f"The snapshot left a {leftovers[0]} file behind.")
    fsync_file(path)


def remove_with_sidecars(paths: Iterable[Path]) -> None:
    """Delete files and their ``-wal``/``-shm``/``-journal`` companions, if any."""
    for path in paths:
        for name in (str(path), *(f"{path}{s}" for s in SIDECARS)):
            Path(name).unlink(missing_ok=True)
