"""Snapshots are read through SQLite, sealed into one file, and copied by allow-list."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from workbench.services.cases import resolve_case_path
from workbench.store import events, snapshot
from workbench.store.case import CaseFile
from workbench.store.snapshot import SnapshotCancelled


@pytest.fixture
def case(sample_case: Path, tmp_path: Path):
    shutil.copytree(sample_case, tmp_path / "aurus")
    opened = CaseFile.open(resolve_case_path(tmp_path / "aurus"))
    yield opened
    opened.close()


def _count(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def test_backup_includes_a_write_committed_after_opening(case: CaseFile, tmp_path: Path) -> None:
    with case.transaction() as conn:
        fresh = events.append(conn, kind="note.saved", payload={"title": "late", "text": "x"},
                              author="t", replica=case.replica_id)
    out = tmp_path / "copy.wbcase"
    fractions: list[float] = []
    snapshot.backup(case.conn, out, progress=fractions.append, step_pages=16)
    snapshot.seal(out, compact=False)
    assert fractions
    assert fractions[-1] == 1.0
    assert not any(Path(f"{out}{s}").exists() for s in snapshot.SIDECARS)
    with CaseFile.open(out, read_only=True) as copy:
        assert copy.integrity_errors() == []
        assert [e.id for e in events.read(copy.conn)] == [e.id for e in events.read(case.conn)]
        assert fresh.id in {e.id for e in events.read(copy.conn)}
        assert copy.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    for table in ("shipment_chunks", "files", "file_parts", "imports", "rejects"):
        assert _count(out, table) == _count(case.path, table)


def test_backup_stops_when_cancelled(case: CaseFile, tmp_path: Path) -> None:
    out = tmp_path / "copy.wbcase"
    with pytest.raises(SnapshotCancelled):
        snapshot.backup(case.conn, out, cancelled=lambda: True)


def test_copy_allowed_leaves_out_rows_and_renumbers(case: CaseFile, tmp_path: Path) -> None:
    log = events.read(case.conn)
    dropped = log[3].id
    source_sha = case.conn.execute(
        "SELECT sha256 FROM files WHERE id NOT IN (SELECT file_id FROM imports) LIMIT 1"
    ).fetchone()[0]
    out = tmp_path / "allowed.wbcase"
    with CaseFile.create(out, title="copy") as copy:
        with copy.transaction() as conn:
            skipped = snapshot.copy_allowed(case.conn, conn, keep_event=lambda i: i != dropped,
                                            keep_file=lambda sha: sha != source_sha)
        assert skipped == []
        seqs = [r[0] for r in copy.conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(log)))
        ids = [r[0] for r in copy.conn.execute("SELECT id FROM files ORDER BY id")]
        assert ids == list(range(1, len(ids) + 1))
        assert copy.conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 0
        assert copy.title == case.title
        assert copy.replica_id != case.replica_id
    snapshot.seal(out, compact=True)
    assert _count(out, "events") == len(log) - 1
    assert _count(out, "files") == _count(case.path, "files") - 1
    assert _count(out, "shipment_chunks") == _count(case.path, "shipment_chunks")


def test_seal_refuses_a_file_that_is_not_a_case(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(Exception, match="not a case file"):
        snapshot.seal(path, compact=True)


def test_copy_allowed_copies_tombstones_and_reports_unknown_tables(case: CaseFile,
                                                                   tmp_path: Path) -> None:
    with case.transaction() as conn:
        conn.execute("CREATE TABLE tombstones (event TEXT PRIMARY KEY, sha256 TEXT)")
        conn.execute("INSERT INTO tombstones VALUES ('e1', 'abc')")
        conn.execute("CREATE TABLE scratch (x)")
    out = tmp_path / "allowed.wbcase"
    with CaseFile.create(out, title="copy") as copy:
        with copy.transaction() as conn:
            conn.execute("CREATE TABLE tombstones (event TEXT PRIMARY KEY, sha256 TEXT)")
            skipped = snapshot.copy_allowed(case.conn, conn, keep_event=lambda _i: True,
                                            keep_file=lambda _s: True)
        assert skipped == ["scratch"]
        rows = copy.conn.execute("SELECT * FROM tombstones").fetchall()
        assert rows == [("e1", "abc")]
