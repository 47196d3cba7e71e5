"""Overlapping extracts: which duplicate rows are other copies of a held shipment with other values.

A row whose declaration and item the case already holds is a duplicate and is never counted
twice. The importer (and a merge) then compares it with the shipment held, all rows at once:
an exact copy (within the tolerances of :mod:`workbench.ingest.differences`) is a plain
duplicate; a copy that says something else is kept as an **offered** copy beside the held one,
so both values can be shown and the reporter can choose which counts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.ingest.differences import REPORT_ITEMS, Discrepancies, compare, describe
from workbench.store import shipments
from workbench.store.offered import FIELDS

_PROVENANCE = ("source_file", "source_sheet", "source_row", "source_sha256")
#: Columns the comparison and the report read from the shipment held.
_HELD_COLUMNS = ("declaration_no", "item_no", *FIELDS, *_PROVENANCE)


@dataclass
class Offer:
    """The duplicate rows of one batch that differ from the shipment held, with what differs."""

    rows: pa.Table
    keys: np.ndarray
    masks: np.ndarray
    discrepancies: Discrepancies = field(default_factory=Discrepancies)


def positions_of(index_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Where each of ``keys`` is in ``index_keys`` (its first place), -1 where it is not.

    A hash table (pandas') rather than sorting: ten times faster than ``np.isin`` or a
    ``searchsorted`` of unsorted keys at a million rows. Key 0 ("no key") is never found.
    """
    if not len(keys) or not len(index_keys):
        return np.full(len(keys), -1, dtype=np.int64)
    run = _aligned_run(index_keys, keys)
    if run is not None:
        return run
    present = np.flatnonzero(index_keys != 0)
    if not len(present):
        return np.full(len(keys), -1, dtype=np.int64)
    index = pd.Index(index_keys[present])
    if not index.is_unique:
        first = ~index.duplicated(keep="first")
        present, index = present[first], index[first]
    found = index.get_indexer(keys)
    return np.where(found >= 0, present[np.maximum(found, 0)], -1).astype(np.int64)


def _aligned_run(index_keys: np.ndarray, keys: np.ndarray) -> np.ndarray | None:
    """Positions when ``keys`` are a run of ``index_keys`` in the same order (an extract
    imported again, or a vendor's re-export of it), found without hashing; else None."""
    if keys[0] == 0:
        return None
    first = np.flatnonzero(index_keys == keys[0])
    if len(first) != 1 or first[0] + len(keys) > len(index_keys):
        return None
    start = int(first[0])
    if not np.array_equal(index_keys[start:start + len(keys)], keys):
        return None
    return np.arange(start, start + len(keys), dtype=np.int64)


class HeldRows:
    """The shipments duplicates are compared with: in the case, or kept earlier in this import.

    Only the chunks that hold a wanted row are decoded, and only the columns asked for.
    """

    def __init__(self, conn: sqlite3.Connection, stored_keys: np.ndarray | None = None,
                 path: Path | None = None) -> None:
        """``path``: the case file, for reading chunks side by side (only while ``conn`` holds
        no uncommitted write, as in an import before its transaction)."""
        self.conn = conn
        self._path = path
        self._chunks = shipments.chunk_sizes(conn)
        self._starts = np.cumsum([0] + [rows for *_, rows in self._chunks]).astype(np.int64)
        self._stored = shipments.keys(conn)[0] if stored_keys is None else stored_keys
        self._pending: list[tuple[pa.Table, np.ndarray]] = []

    def add(self, table: pa.Table, keys: np.ndarray) -> None:
        """Rows this import keeps (``keys`` 0 where a row is not kept)."""
        self._pending.append((table, keys))

    def rows(self, keys: np.ndarray, columns: tuple[str, ...] = _HELD_COLUMNS,
             ) -> tuple[pa.Table, np.ndarray]:
        """The held shipment of each key, in the order of ``keys``, and which were found."""
        parts: list[pa.Table] = []
        where = np.full(len(keys), -1, dtype=np.int64)  # row in the joined parts
        offset = 0
        at = positions_of(self._stored[: self._starts[-1]], keys)
        hit = at >= 0
        if hit.any():
            chunk_of = np.searchsorted(self._starts, at[hit], side="right") - 1
            needed = np.unique(chunk_of)
            base = np.zeros(len(self._chunks), dtype=np.int64)
            decoded = shipments.decode_chunks(
                self.conn, [self._chunks[c][:2] for c in needed.tolist()], list(columns),
                self._path)
            for c, table in zip(needed.tolist(), decoded, strict=True):
                parts.append(_select(table, columns))
                base[c] = offset - self._starts[c]
                offset += self._chunks[c][2]
            where[hit] = at[hit] + base[chunk_of]
        for table, pending in self._pending:
            missing = np.flatnonzero(where < 0)
            if not len(missing):
                break
            found = positions_of(pending, keys[missing])
            rows = np.flatnonzero(found >= 0)
            if len(rows):
                parts.append(_select(table.take(pa.array(found[rows])), columns))
                where[missing[rows]] = offset + np.arange(len(rows))
                offset += len(rows)
        found_any = where >= 0
        if not parts:
            return _select(pa.table({}), columns).slice(0, 0), found_any
        reference = pa.concat_tables(parts, promote_options="permissive")
        return _take(reference, np.where(found_any, where, 0)), found_any


def _select(table: pa.Table, columns: tuple[str, ...] = _HELD_COLUMNS) -> pa.Table:
    """The held columns a comparison needs (absent ones as blanks)."""
    n = table.num_rows
    return pa.table({name: table.column(name) if name in table.column_names else pa.nulls(n)
                     for name in columns})


def _take(table: pa.Table, positions: np.ndarray) -> pa.Table:
    """Rows at ``positions``; a run in order is a slice (the usual re-import) and costs nothing."""
    n = len(positions)
    if n and positions[0] + n <= table.num_rows and (
            n == 1 or bool(np.all(np.diff(positions) == 1))):
        return table.slice(int(positions[0]), n)
    return table.combine_chunks().take(pa.array(positions))


def offered(held: HeldRows, table: pa.Table, decl_keys: np.ndarray, dup: np.ndarray,
            limit: int | None = REPORT_ITEMS) -> Offer:
    """The duplicates in ``table`` (mask ``dup``) that copy a held shipment with other values."""
    candidates = np.flatnonzero(dup & (decl_keys != 0))
    if not len(candidates):
        return Offer(table.slice(0, 0), decl_keys[:0], np.zeros(0, dtype=np.uint32))
    keys = decl_keys[candidates]
    present = tuple(n for n in FIELDS if n in table.column_names)
    held_rows, found = held.rows(keys, (*present, *_PROVENANCE))
    copies = _take(table, candidates)
    masks = compare(held_rows, copies)
    masks[~found] = 0  # nothing to compare with: stays a plain duplicate
    return _offer(held_rows, copies, keys, masks, limit)


def offered_copies(conn: sqlite3.Connection, table: pa.Table, keys: np.ndarray,
                   limit: int | None = REPORT_ITEMS) -> Offer:
    """Rows that copy shipments held in ``conn`` (a merge's incoming rows), those that differ.

    Rows whose key the case does not hold are left out.
    """
    if not table.num_rows:
        return Offer(table, keys, np.zeros(0, dtype=np.uint32))
    held_rows, found = HeldRows(conn).rows(keys)
    masks = compare(held_rows, table)
    masks[~found] = 0
    return _offer(held_rows, table, keys, masks, limit)


def copies_for_merge(conn: sqlite3.Connection, table: pa.Table, keys: np.ndarray,
                     ) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """A merge's incoming copies of shipments held in ``conn``: those that differ, checked.

    The rows come from another copy, so their keys are computed again from their declaration
    numbers and must match, and any value that cannot be compared refuses the merge.
    """
    from workbench.ingest.normalise import declaration_keys
    from workbench.store.merge import MergeError

    try:
        own = declaration_keys(table)
        if not np.array_equal(own, keys) or not np.all(keys != 0):
            raise MergeError("The other copy's offered rows do not match their declarations.")
        offer = offered_copies(conn, table, keys, limit=0)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, ValueError,
            TypeError, KeyError) as exc:
        raise MergeError(f"The other copy's offered rows cannot be compared ({exc}).") from None
    return offer.rows, offer.keys, offer.masks


def _offer(held_rows: pa.Table, copies: pa.Table, keys: np.ndarray, masks: np.ndarray,
           limit: int | None) -> Offer:
    differ = masks != 0
    if not differ.any():
        return Offer(copies.slice(0, 0), keys[:0], masks[:0])
    picks = pa.array(differ)  # a filter works chunk by chunk; a take would join the chunks
    kept_held, kept = held_rows.filter(picks), copies.filter(picks)
    found = describe(kept_held, kept, masks[differ], limit)
    return Offer(kept, keys[differ], masks[differ], found)
