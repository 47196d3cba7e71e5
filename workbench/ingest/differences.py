"""Comparing two copies of the same shipments, field by field, in Arrow and numpy.

Two extracts that hold the same declaration item rarely say exactly the same: one vendor
rounds values to the dollar, re-codes a country, cuts a description at 256 characters. Values
are compared with tolerance for what such re-exports do:

- amounts and weights are the same when they differ by at most a cent (0.01);
- dates are the same on the same day;
- text is the same ignoring letter case and runs of spaces; country codes must be equal;
- a field blank in either copy is not compared (nothing contradicts it).

A difference is classed for the reader: ``rounded`` (one amount is the other rounded to a
tenth, a unit, or tens to thousands), ``recoded`` (another country or HS code), ``truncated``
(one text is the start of the other), else ``different``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.store.offered import BIT, COMPARED, FIELD_KIND, FIELDS

#: Amounts and weights this close are the same value (a cent).
TOLERANCE = 0.01
#: Decimal places an amount may have been rounded to (a tenth, a unit, tens to thousands).
_ROUNDINGS = (1, 0, -1, -2, -3)
KINDS = ("rounded", "recoded", "truncated", "different")
#: How many discrepancies an import report lists (all are counted and kept in the case).
REPORT_ITEMS = 1000
_DAY_MS = 86_400_000
_CUT_MARKS = "…*. "


@dataclass(frozen=True)
class Discrepancy:
    """One field on which another extract's copy of a shipment says something else."""

    declaration_no: str
    item_no: int
    field: str
    kind: str
    held: Any
    offered: Any
    file: str
    sheet: str
    row: int
    sha256: str
    held_file: str = ""
    held_sheet: str = ""
    held_row: int = 0
    held_sha256: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "declaration_no": self.declaration_no, "item_no": self.item_no,
            "field": self.field, "kind": self.kind, "held": self.held, "offered": self.offered,
            "file": self.file, "sheet": self.sheet, "row": self.row, "sha256": self.sha256,
            "held_source": {"file": self.held_file, "sheet": self.held_sheet,
                            "row": self.held_row, "sha256": self.held_sha256},
        }


@dataclass
class Discrepancies:
    """The discrepancies of an import: counted in full, the first :data:`REPORT_ITEMS` listed."""

    shipments: int = 0
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_field: dict[str, int] = field(default_factory=dict)
    items: list[Discrepancy] = field(default_factory=list)

    def extend(self, other: Discrepancies, limit: int | None = REPORT_ITEMS) -> None:
        self.shipments += other.shipments
        self.total += other.total
        for mine, theirs in ((self.by_kind, other.by_kind), (self.by_field, other.by_field)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        room = len(other.items) if limit is None else max(0, limit - len(self.items))
        self.items.extend(other.items[:room])

    @property
    def listed_all(self) -> bool:
        return len(self.items) == self.total

    def as_json(self) -> dict[str, Any]:
        return {"shipments": self.shipments, "total": self.total,
                "by_kind": dict(sorted(self.by_kind.items())),
                "by_field": dict(sorted(self.by_field.items())),
                "items": [d.as_json() for d in self.items], "listed_all": self.listed_all}


# -- comparing --------------------------------------------------------------------------------


def _column(table: pa.Table, name: str) -> pa.ChunkedArray | None:
    if name not in table.column_names:
        return None
    column = table.column(name)
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column


def _bools(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _numbers(column: pa.ChunkedArray) -> np.ndarray:
    return np.asarray(column.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _days(column: pa.ChunkedArray) -> np.ndarray:
    """Days since 1970 as floats, NaN for blanks."""
    millis = column.cast(pa.timestamp("ms")).cast(pa.int64())
    values = np.asarray(millis.to_numpy(zero_copy_only=False), dtype=np.float64)
    return np.floor(values / _DAY_MS)


def normal_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text as compared: upper case, runs of white space as one space, trimmed."""
    return pc.utf8_trim_whitespace(
        pc.replace_substring_regex(pc.utf8_upper(arr), r"\s+", " "))


def _differs(kind: str, held: pa.ChunkedArray, offered: pa.ChunkedArray) -> np.ndarray:
    """Rows where both copies have a value and the values differ beyond tolerance."""
    if kind == "number":
        h, o = _numbers(held), _numbers(offered)
        with np.errstate(invalid="ignore"):
            limit = TOLERANCE + 1e-9 * np.maximum(np.abs(h), np.abs(o))
            return np.abs(h - o) > limit  # NaN (a blank) compares False
    if kind == "date":
        h, o = _days(held), _days(offered)
        with np.errstate(invalid="ignore"):
            return (h != o) & ~np.isnan(h) & ~np.isnan(o)
    held, offered = held.cast(pa.string()), offered.cast(pa.string())
    unequal = _bools(pc.not_equal(held, offered))
    if kind == "country" or not unequal.any():
        return unequal
    rows = np.flatnonzero(unequal)
    picks = pa.array(rows)
    h = normal_text(held.take(picks))
    o = normal_text(offered.take(picks))
    unequal[rows] = _bools(pc.not_equal(h, o))
    return unequal


def compare(held: pa.Table, offered: pa.Table) -> np.ndarray:
    """Per row, a mask of the fields (bits as :data:`COMPARED`) on which the copies differ.

    ``held`` and ``offered`` hold the same shipments in the same order.
    """
    if held.num_rows != offered.num_rows:
        raise ValueError("the copies compared must have the same rows")
    mask = np.zeros(offered.num_rows, dtype=np.uint32)
    if offered.num_rows == 0:
        return mask
    for i, (name, kind) in enumerate(COMPARED):
        h, o = _column(held, name), _column(offered, name)
        if h is None or o is None or h.null_count == len(h) or o.null_count == len(o):
            continue
        differs = _differs(kind, h, o)
        mask |= differs.astype(np.uint32) << np.uint32(i)
    return mask


# -- classing and describing --------------------------------------------------------------------


def _rounded(h: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Where one amount is the other rounded (to a tenth, a unit, or tens to thousands)."""
    found = np.zeros(len(h), dtype=bool)
    for places in _ROUNDINGS:
        found |= np.abs(np.round(h, places) - o) <= TOLERANCE
        found |= np.abs(np.round(o, places) - h) <= TOLERANCE
    return found


def _cut(text: str) -> str:
    return " ".join(text.upper().split()).rstrip(_CUT_MARKS)


def text_kind(name: str, held: str, offered: str) -> str:
    """``truncated`` when one text starts the other; a code that is not: ``recoded``."""
    a, b = _cut(held), _cut(offered)
    if a and b and (a.startswith(b) or b.startswith(a)):
        return "truncated"
    return "recoded" if name == "hs_code" else "different"


def kinds_of(name: str, held: pa.ChunkedArray, offered: pa.ChunkedArray) -> list[str]:
    """The class of each difference in these rows of field ``name`` (all of which differ)."""
    kind = FIELD_KIND[name]
    if kind == "number":
        rounded = _rounded(_numbers(held), _numbers(offered))
        return ["rounded" if r else "different" for r in rounded]
    if kind == "country":
        return ["recoded"] * len(held)
    if kind == "date":
        return ["different"] * len(held)
    return [text_kind(name, str(a), str(b)) for a, b in zip(
        held.cast(pa.string()).to_pylist(), offered.cast(pa.string()).to_pylist(), strict=True)]


def json_value(value: object) -> Any:
    """A cell as JSON: numbers as numbers, days as ``YYYY-MM-DD``, text as text."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()  # a date
    if isinstance(value, float | int) and not isinstance(value, bool):
        return float(value)
    return value


def day_value(millis: int) -> str:
    return datetime.fromtimestamp(millis / 1000, UTC).date().isoformat()


def _cells(table: pa.Table, name: str, rows: np.ndarray) -> list[Any]:
    column = _column(table, name)
    if column is None:
        return [None] * len(rows)
    return [json_value(v) for v in column.take(pa.array(rows)).to_pylist()]


def describe(
    held: pa.Table, offered: pa.Table, masks: np.ndarray, limit: int | None = REPORT_ITEMS
) -> Discrepancies:
    """Count and list the differences ``masks`` names (rows of ``held``/``offered`` aligned).

    Items come in row order, then field order; only the first ``limit`` are built.
    """
    found = Discrepancies(shipments=int(np.count_nonzero(masks)))
    rows_parts, field_parts, kind_parts = [], [], []
    for name in FIELDS:
        rows = np.flatnonzero(masks & np.uint32(1 << BIT[name]))
        if not len(rows):
            continue
        picks = pa.array(rows)
        h, o = _column(held, name), _column(offered, name)
        if h is None or o is None:  # a mask never names a field a copy lacks
            continue
        kinds = kinds_of(name, h.take(picks), o.take(picks))
        found.by_field[name] = len(rows)
        for kind, n in Counter(kinds).items():
            found.by_kind[kind] = found.by_kind.get(kind, 0) + n
        rows_parts.append(rows)
        field_parts.append(np.full(len(rows), BIT[name], dtype=np.int64))
        kind_parts.append(np.array(kinds, dtype=object))
    if not rows_parts:
        return found
    rows_all = np.concatenate(rows_parts)
    fields_all = np.concatenate(field_parts)
    kinds_all = np.concatenate(kind_parts)
    found.total = len(rows_all)
    order = np.lexsort((fields_all, rows_all))
    if limit is not None:
        order = order[:limit]
    rows_listed, fields_listed = rows_all[order], fields_all[order]
    unique_rows = np.unique(rows_listed)
    about = {name: dict(zip(unique_rows.tolist(), _cells(table, name, unique_rows), strict=True))
             for table, name in ((offered, "declaration_no"), (offered, "item_no"))}
    sources = {prefix: {col: dict(zip(unique_rows.tolist(), _cells(table, col, unique_rows),
                                      strict=True))
                        for col in ("source_file", "source_sheet", "source_row", "source_sha256")}
               for prefix, table in (("offered", offered), ("held", held))}
    for row, bit, kind in zip(rows_listed.tolist(), fields_listed.tolist(),
                              kinds_all[order].tolist(), strict=True):
        name = FIELDS[bit]
        off, hel = sources["offered"], sources["held"]
        found.items.append(Discrepancy(
            declaration_no=str(about["declaration_no"][row]),
            item_no=int(about["item_no"][row] or 0),
            field=name, kind=kind,
            held=_cells(held, name, np.array([row]))[0],
            offered=_cells(offered, name, np.array([row]))[0],
            file=str(off["source_file"][row] or ""), sheet=str(off["source_sheet"][row] or ""),
            row=int(off["source_row"][row] or 0), sha256=str(off["source_sha256"][row] or ""),
            held_file=str(hel["source_file"][row] or ""),
            held_sheet=str(hel["source_sheet"][row] or ""),
            held_row=int(hel["source_row"][row] or 0),
            held_sha256=str(hel["source_sha256"][row] or ""),
        ))
    return found
