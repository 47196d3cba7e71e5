"""Input files kept whole inside the case, in parts, with their SHA-256."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from workbench.errors import CaseFileError
from workbench.store.case import utc_now

#: Size of one stored part; SQLite blobs are limited to about 1 GB, so large inputs are split.
PART_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    id: int
    sha256: str
    name: str
    size: int
    added_at: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(PART_BYTES):
            digest.update(block)
    return digest.hexdigest()


def find(conn: sqlite3.Connection, sha256: str) -> StoredFile | None:
    row = conn.execute(
        "SELECT id, sha256, name, size, added_at FROM files WHERE sha256 = ?", (sha256,)
    ).fetchone()
    return StoredFile(*row) if row else None


def pack(path: Path) -> list[tuple[str, bytes]]:
    """The file as stored parts: zstd-compressed where that saves space, raw otherwise.

    Pure computation (no database), so it can run on another thread while the import parses.
    """
    codec = pa.Codec("zstd", compression_level=1)
    parts = []
    with path.open("rb") as fh:
        while block := fh.read(PART_BYTES):
            packed = codec.compress(block, asbytes=True)
            parts.append(("zstd", packed) if len(packed) < 0.9 * len(block) else ("raw", block))
    return parts


def add(
    conn: sqlite3.Connection,
    path: Path,
    sha256: str,
    parts: list[tuple[str, bytes]] | None = None,
) -> StoredFile:
    """Store the file (inside the caller's transaction) unless a copy is already there."""
    existing = find(conn, sha256)
    if existing is not None:
        return existing
    size = path.stat().st_size
    added_at = utc_now()
    cur = conn.execute(
        "INSERT INTO files(sha256, name, size, added_at) VALUES (?, ?, ?, ?)",
        (sha256, path.name, size, added_at),
    )
    file_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO file_parts(file_id, part_no, codec, data) VALUES (?, ?, ?, ?)",
        [(file_id, n, codec, data) for n, (codec, data) in enumerate(parts or pack(path))],
    )
    return StoredFile(file_id, sha256, path.name, size, added_at)


def read_bytes(conn: sqlite3.Connection, file_id: int) -> bytes:
    """The file's original bytes, checked against its SHA-256."""
    row = conn.execute("SELECT sha256, size FROM files WHERE id = ?", (file_id,)).fetchone()
    parts = conn.execute(
        "SELECT codec, data FROM file_parts WHERE file_id = ? ORDER BY part_no", (file_id,)
    )
    codec = pa.Codec("zstd")
    out = bytearray()
    for name, data in parts:
        if name == "zstd":  # every part holds PART_BYTES of the file but the last
            expected = min(PART_BYTES, row[1] - len(out))
            out += codec.decompress(data, decompressed_size=expected, asbytes=True)
        else:
            out += data
    blob = bytes(out)
    if hashlib.sha256(blob).hexdigest() != row[0]:
        raise CaseFileError("A stored input file does not match its SHA-256; the case is damaged.")
    return blob


def all_files(conn: sqlite3.Connection) -> list[StoredFile]:
    rows = conn.execute("SELECT id, sha256, name, size, added_at FROM files ORDER BY id")
    return [StoredFile(*r) for r in rows]
