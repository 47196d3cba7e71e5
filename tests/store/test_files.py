"""Input files kept whole inside the case: stored in parts, read back byte for byte."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from workbench.store import files, schema


@pytest.fixture
def conn() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    schema.migrate(db, 0)
    return db


@pytest.mark.parametrize("size", [0, 1, 1024, 4096, 4097, 10_000])
def test_a_file_of_several_parts_reads_back_whole(conn, tmp_path: Path, size: int,
                                                  monkeypatch) -> None:
    monkeypatch.setattr(files, "PART_BYTES", 1024)
    data = (b"10702070/281223/9952174;KYUNGKI;8515210000;1 181,55\n" * 400)[:size]
    path = tmp_path / "extract.csv"
    path.write_bytes(data)
    stored = files.add(conn, path, files.sha256_of(path), files.pack(path))
    parts = conn.execute("SELECT codec FROM file_parts WHERE file_id = ?", (stored.id,))
    assert len(parts.fetchall()) == -(-size // 1024)
    assert files.read_bytes(conn, stored.id) == data
