"""Other extracts' copies of shipments the case holds, where their values differ.

When a second vendor's extract holds a declaration item the case already has, the shipment the
case holds stays the one that counts; the other copy is kept here, whole and with its own
provenance, when any compared field says something else (a value rounded, a country re-coded,
a description cut). Rows are stored as the shipments are (Arrow IPC chunks) with the
declaration key of the shipment they copy and a bit mask of the fields that differ.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from workbench.store.shipments import key_arrays, member, serialise

#: The fields two copies of a shipment are compared on, with how their values compare.
#: Bit ``i`` of a stored mask is ``COMPARED[i]``: append new fields, never reorder.
COMPARED: tuple[tuple[str, str], ...] = (
    ("date", "date"),
    ("direction", "text"),
    ("sender", "text"),
    ("sender_country", "country"),
    ("receiver", "text"),
    ("receiver_tax_id", "text"),
    ("declarant", "text"),
    ("manufacturer", "text"),
    ("trademark", "text"),
    ("hs_code", "text"),
    ("description", "text"),
    ("origin_country", "country"),
    ("trading_country", "country"),
    ("departure_country", "country"),
    ("destination_country", "country"),
    ("gross_kg", "number"),
    ("net_kg", "number"),
    ("quantity", "number"),
    ("unit", "text"),
    ("invoice_value", "number"),
    ("invoice_currency", "text"),
    ("customs_value_rub", "number"),
    ("stat_value_usd", "number"),
    ("exchange_rate", "number"),
)
FIELDS: tuple[str, ...] = tuple(name for name, _ in COMPARED)
FIELD_KIND: dict[str, str] = dict(COMPARED)
BIT: dict[str, int] = {name: i for i, name in enumerate(FIELDS)}
#: Every bit a mask may carry.
ALL_BITS = (1 << len(FIELDS)) - 1


@dataclass(frozen=True)
class OfferedRows:
    """Offered copies: the rows, the declaration key each copies, the fields that differ."""

    table: pa.Table
    decl_keys: np.ndarray
    fields: np.ndarray
    import_ids: np.ndarray


def fields_of(mask: int) -> list[str]:
    """The field names a mask names, in :data:`COMPARED` order."""
    return [name for i, name in enumerate(FIELDS) if mask >> i & 1]


def write(
    conn: sqlite3.Connection,
    import_id: int,
    table: pa.Table,
    decl_keys: np.ndarray,
    fields: np.ndarray,
) -> None:
    """Store one import's offered copies inside the caller's transaction."""
    if table.num_rows == 0:
        return
    if not table.num_rows == len(decl_keys) == len(fields):
        raise ValueError("offered rows, keys and masks differ in length")
    start = 0
    rows_list = []
    for chunk_no, (rows, data) in enumerate(serialise(table)):
        rows_list.append((
            import_id, chunk_no, rows,
            np.ascontiguousarray(decl_keys[start:start + rows], dtype="<u8").tobytes(),
            np.ascontiguousarray(fields[start:start + rows], dtype="<u4").tobytes(),
            data,
        ))
        start += rows
    conn.executemany(
        "INSERT INTO offered_chunks(import_id, chunk_no, rows, decl_keys, fields, data)"
        " VALUES (?, ?, ?, ?, ?, ?)", rows_list)


def keys(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """The declaration key and field mask of every offered copy (no rows decoded)."""
    decl, masks = key_arrays(
        conn, "SELECT decl_keys, fields FROM offered_chunks ORDER BY import_id, chunk_no",
        (np.uint64, np.uint32))
    return decl, masks


def read(conn: sqlite3.Connection, wanted: np.ndarray | None = None) -> OfferedRows | None:
    """Offered copies (of the shipments whose keys are in ``wanted``; all when None)."""
    tables, decl, masks, imports = [], [], [], []
    ordered = None if wanted is None else np.sort(np.asarray(wanted, dtype=np.uint64))
    for import_id, d, f, data in conn.execute(
            "SELECT import_id, decl_keys, fields, data FROM offered_chunks"
            " ORDER BY import_id, chunk_no"):
        chunk_keys = np.frombuffer(d, dtype="<u8").astype(np.uint64)
        take = None if ordered is None else member(chunk_keys, ordered)
        if take is not None and not take.any():
            continue
        with pa.ipc.open_stream(data) as reader:
            part = reader.read_all()
        chunk_masks = np.frombuffer(f, dtype="<u4").astype(np.uint32)
        if take is not None and not take.all():
            part = part.filter(pa.array(take))
            chunk_keys, chunk_masks = chunk_keys[take], chunk_masks[take]
        tables.append(part)
        decl.append(chunk_keys)
        masks.append(chunk_masks)
        imports.append(np.full(len(chunk_keys), int(import_id), dtype=np.int64))
    if not tables:
        return None
    return OfferedRows(pa.concat_tables(tables, promote_options="permissive"),
                       np.concatenate(decl), np.concatenate(masks), np.concatenate(imports))


def sheets_imported(conn: sqlite3.Connection, sha256: str) -> set[str]:
    """Sheets of the file with this SHA-256 imported before: their offered copies are kept
    already, so importing the same file again keeps no second copy of them."""
    return {str(r[0]) for r in conn.execute(
        "SELECT i.sheet FROM imports i JOIN files f ON f.id = i.file_id WHERE f.sha256 = ?",
        (sha256,))}


def count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(sum(rows), 0) FROM offered_chunks").fetchone()[0])
