"""Shipments stored by column, as compressed Arrow chunks inside the case file.

A row table in SQLite would take seconds to write and to read back at a million rows; Arrow
IPC chunks load into pandas in a fraction of that and keep exact types (text identifiers stay
text). Each chunk also holds the rows' deduplication keys as raw ``uint64`` arrays so an import
can check a million new rows against the case without decoding any shipment.
"""

from __future__ import annotations

import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa

CHUNK_ROWS = 131_072
#: lz4 writes about twice as fast as zstd here for a slightly larger file.
_COMPRESSION = "lz4"


def serialise(table: pa.Table) -> list[tuple[int, bytes]]:
    """``table`` as Arrow IPC chunks (rows, bytes); no database, so it can run on any thread."""
    options = pa.ipc.IpcWriteOptions(compression=_COMPRESSION)

    def one(start: int) -> tuple[int, bytes]:
        part = table.slice(start, CHUNK_ROWS)
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, part.schema, options=options) as writer:
            writer.write_table(part)
        return part.num_rows, sink.getvalue().to_pybytes()

    # Compression releases the GIL: chunks are written side by side.
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        return list(pool.map(one, range(0, table.num_rows, CHUNK_ROWS)))


def write(
    conn: sqlite3.Connection,
    import_id: int,
    table: pa.Table | list[tuple[int, bytes]],
    decl_keys: np.ndarray,
    content_keys: np.ndarray,
) -> None:
    """Store one import's accepted rows inside the caller's transaction.

    ``table`` may be given already serialised (see :func:`serialise`).
    """
    chunks = serialise(table) if isinstance(table, pa.Table) else table
    start = 0
    rows_list = []
    for chunk_no, (rows, data) in enumerate(chunks):
        rows_list.append(
            (
                import_id,
                chunk_no,
                rows,
                _key_bytes(decl_keys[start : start + rows]),
                _key_bytes(content_keys[start : start + rows]),
                data,
            )
        )
        start += rows
    conn.executemany(
        "INSERT INTO shipment_chunks(import_id, chunk_no, rows, decl_keys, content_keys, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows_list,
    )


def read(conn: sqlite3.Connection) -> pa.Table | None:
    """Every shipment of the case as one Arrow table (None when there are none)."""
    tables = []
    for (data,) in conn.execute("SELECT data FROM shipment_chunks ORDER BY import_id, chunk_no"):
        with pa.ipc.open_stream(data) as reader:
            tables.append(reader.read_all())
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def keys(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """The declaration keys and content keys of every stored shipment."""
    decl, content = key_arrays(
        conn, "SELECT decl_keys, content_keys FROM shipment_chunks ORDER BY import_id, chunk_no",
        (np.uint64, np.uint64))
    return decl, content


def key_arrays(conn: sqlite3.Connection, sql: str,
               dtypes: tuple[type[np.unsignedinteger], ...]) -> list[np.ndarray]:
    """Raw little-endian arrays stored as blobs, one column each, joined over the rows."""
    parts: list[list[np.ndarray]] = [[] for _ in dtypes]
    for row in conn.execute(sql):
        for part, blob, dtype in zip(parts, row, dtypes, strict=True):
            part.append(np.frombuffer(blob, dtype=np.dtype(dtype).newbyteorder("<")))
    return [np.concatenate(part).astype(dtype) if part else np.empty(0, dtype=dtype)
            for part, dtype in zip(parts, dtypes, strict=True)]


def chunk_sizes(conn: sqlite3.Connection) -> list[tuple[int, int, int]]:
    """``(import_id, chunk_no, rows)`` of every chunk, in the order :func:`read` joins them."""
    return [(int(a), int(b), int(c)) for a, b, c in conn.execute(
        "SELECT import_id, chunk_no, rows FROM shipment_chunks ORDER BY import_id, chunk_no")]


def chunk_data(conn: sqlite3.Connection, import_id: int, chunk_no: int) -> bytes:
    """One chunk's Arrow IPC bytes (decode them with :func:`decode`, on any thread)."""
    row = conn.execute("SELECT data FROM shipment_chunks WHERE import_id = ? AND chunk_no = ?",
                       (import_id, chunk_no)).fetchone()
    if row is None:
        raise KeyError(f"no chunk {chunk_no} of import {import_id}")
    return bytes(row[0])


def decode(data: bytes, columns: list[str] | None = None) -> pa.Table:
    """A chunk's rows; with ``columns``, only those (absent ones left out) are decompressed."""
    if columns is None:
        with pa.ipc.open_stream(data) as reader:
            return reader.read_all()
    with pa.ipc.open_stream(data) as reader:
        names = reader.schema.names
    wanted = [names.index(c) for c in columns if c in names]
    options = pa.ipc.IpcReadOptions(included_fields=wanted)
    with pa.ipc.open_stream(data, options=options) as reader:
        return reader.read_all()


def decode_chunks(conn: sqlite3.Connection, chunks: list[tuple[int, int]], columns: list[str],
                  path: Path | None = None) -> list[pa.Table]:
    """The chunks ``(import_id, chunk_no)`` with only ``columns`` decoded, in that order.

    With ``path`` (the case file, when ``conn`` holds no uncommitted write) each of a few
    threads reads and decodes its share on a read-only connection of its own: reading the
    blobs out of SQLite costs as much as decoding them, and both release the GIL.
    """
    if path is None or len(chunks) < 2:
        return [decode(chunk_data(conn, *c), columns) for c in chunks]
    workers = max(1, min(4, os.cpu_count() or 1, len(chunks)))
    shares = [chunks[i::workers] for i in range(workers)]

    def read_share(share: list[tuple[int, int]]) -> list[pa.Table]:
        reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            reader.execute("PRAGMA trusted_schema = OFF")
            return [decode(chunk_data(reader, *c), columns) for c in share]
        finally:
            reader.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(read_share, shares))
    tables: dict[tuple[int, int], pa.Table] = {}
    for share, decoded in zip(shares, done, strict=True):
        tables.update(zip(share, decoded, strict=True))
    return [tables[c] for c in chunks]


def member(values: np.ndarray, ordered: np.ndarray) -> np.ndarray:
    """``np.isin(values, ordered)`` for an ``ordered`` (sorted) array, without sorting again."""
    if not len(ordered):
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(ordered, values), len(ordered) - 1)
    return ordered[at] == values


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(sum(rows), 0) FROM shipment_chunks").fetchone()[0])


def _key_bytes(keys: np.ndarray) -> bytes:
    return np.ascontiguousarray(keys, dtype="<u8").tobytes()
