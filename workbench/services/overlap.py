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

import numpy as np
import pyarrow as pa

from workbench.ingest.differences import REPORT_ITEMS, Discrepancies, compare, describe
from workbench.store import shipments
from workbench.store.offered import FIELDS

#: Columns the comparison and the report read from the shipment held.
_HELD_COLUMNS = ("declaration_no", "item_no", *FIELDS, "source_file", "source_sheet",
                 "source_row", "source_sha256")


@dataclass
class Offer:
    """The duplicate rows of one batch that differ from the shipment held, with what differs."""

    rows: pa.Table
    keys: np.ndarray
    masks: np.ndarray
    discrepancies: Discrepancies = field(default_factory=Discrepancies)


class HeldRows:
    """The shipments duplicates are compared with: in the case, or kept earlier in this import.

    Rows are decoded only when asked for, and only the chunks that hold them.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._pending: list[tuple[pa.Table, np.ndarray]] = []

    def add(self, table: pa.Table, keys: np.ndarray) -> None:
        """Rows this import keeps (``keys`` 0 where a row is not kept)."""
        self._pending.append((table, keys))

    def rows(self, keys: np.ndarray) -> tuple[pa.Table, np.ndarray]:
        """The held shipment of each key, in the order of ``keys``, and which were found."""
        parts: list[pa.Table] = []
        part_keys: list[np.ndarray] = []
        stored, stored_keys = shipments.with_keys(self.conn, keys)
        if stored is not None:
            parts.append(_select(stored))
            part_keys.append(stored_keys)
        missing = np.sort(np.setdiff1d(keys, stored_keys))
        for table, pending in self._pending:
            if not len(missing):
                break
            take = shipments.member(pending, missing) & (pending != 0)
            if take.any():
                rows = np.flatnonzero(take)
                parts.append(_select(table.take(pa.array(rows))))
                part_keys.append(pending[rows])
        if not parts:
            return _select(pa.table({})).slice(0, 0), np.zeros(len(keys), dtype=bool)
        reference = pa.concat_tables(parts, promote_options="permissive")
        ref_keys = np.concatenate(part_keys)
        order = np.argsort(ref_keys, kind="stable")
        at = np.minimum(np.searchsorted(ref_keys[order], keys), len(order) - 1)
        positions = order[at]
        found = ref_keys[positions] == keys
        return _take(reference, positions), found


def _select(table: pa.Table) -> pa.Table:
    """The held columns a comparison needs (absent ones as blank text)."""
    n = table.num_rows
    columns = {name: table.column(name) if name in table.column_names else pa.nulls(n)
               for name in _HELD_COLUMNS}
    return pa.table(columns)


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
    held_rows, found = held.rows(keys)
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
    rows = np.flatnonzero(differ)
    picks = pa.array(rows)
    kept_held, kept = held_rows.take(picks), copies.take(picks)
    found = describe(kept_held, kept, masks[rows], limit)
    return Offer(kept, keys[rows], masks[rows], found)
