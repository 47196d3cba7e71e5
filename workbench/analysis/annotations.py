"""Which shipments each annotation is about, and how many annotations cover each shipment.

An annotation names a company (by a spelling or a display name) or a list of filter conditions.
A company annotation covers the rows whose ``sender`` is one of the company's spellings; a
``where`` annotation covers the rows its conditions select (through :func:`filters.apply`, the
one filter engine). Coverage is kept as one packed bit array per annotation (an eighth of a
byte a row), cached by what it depends on, so a refresh after a new annotation computes only
that one; the per-row count is a sum of the unpacked bits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.filters import Condition, FilterError, apply
from workbench.analysis.names import name_key

DATE_COLUMN = "date"
SENDER_COLUMN = "sender"
#: An ``in`` condition with more values than this is described by its count.
_LISTED_VALUES = 3


@dataclass(frozen=True)
class Target:
    """What an annotation covers: spellings of a company, or conditions (never both)."""

    company: str | None = None  # the company's display name, when resolved
    spellings: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    figure: str | None = None  # the figure annotated, whose conditions these are

    @property
    def key(self) -> tuple[object, ...]:
        return (self.spellings, tuple(repr(c) for c in self.conditions))


def conditions_of(entry: Mapping[str, Any]) -> tuple[Condition, ...]:
    """An annotation's ``where`` as conditions (an unreadable one is left out)."""
    found = []
    for data in entry.get("where") or ():
        try:
            found.append(Condition.from_json(dict(data)))
        except (FilterError, KeyError, TypeError):
            continue
    return tuple(found)


def resolve_company(
    name: str, company_of: Mapping[str, int], display: Sequence[str] = ()
) -> int | None:
    """The company (an index into the book) a name means: a spelling, a display name, or the
    one company whose spellings share the name's key (``Rain Electronics`` meets
    ``RAIN ELECTRONICS CO LIMITED``)."""
    if name in company_of:
        return company_of[name]
    if name in display:
        return list(display).index(name)
    key = name_key(name)
    if not key:
        return None
    owners = {c for spelling, c in company_of.items() if name_key(spelling) == key}
    return owners.pop() if len(owners) == 1 else None


def spellings_of(company: int, company_of: Mapping[str, int]) -> tuple[str, ...]:
    return tuple(sorted(s for s, c in company_of.items() if c == company))


def target_of(
    entry: Mapping[str, Any], company_of: Mapping[str, int], display: Sequence[str] = ()
) -> Target:
    """Resolve an annotation's company against the book; its conditions as they are."""
    name = entry.get("company")
    if name:
        company = resolve_company(str(name), company_of, display)
        if company is None:
            return Target(company=str(name), spellings=(str(name),))
        shown = display[company] if company < len(display) else str(name)
        return Target(company=shown, spellings=spellings_of(company, company_of))
    figure = entry.get("figure")
    return Target(conditions=conditions_of(entry), figure=str(figure) if figure else None)


def date_span(
    conditions: Sequence[Condition],
) -> tuple[pd.Timestamp | None, pd.Timestamp | None] | None:
    """(first day, last day) the conditions allow on ``date``; a side may be open (None).

    None when no condition bounds the date (or the bounds cannot be read).
    """
    low: pd.Timestamp | None = None
    high: pd.Timestamp | None = None
    bounded = False
    for cond in conditions:
        if cond.column != DATE_COLUMN:
            continue
        try:
            values = cond.value if isinstance(cond.value, list) else [cond.value]
            stamps = [pd.Timestamp(str(v)).normalize() for v in values]
        except (TypeError, ValueError):
            continue
        first, last = _bounds(cond.op, stamps)
        if first is None and last is None:
            continue
        bounded = True
        if first is not None:
            low = first if low is None else max(low, first)
        if last is not None:
            high = last if high is None else min(high, last)
    return (low, high) if bounded else None


def _bounds(
    op: str, stamps: list[pd.Timestamp]
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The first and last day one date condition allows (None: unbounded on that side)."""
    day = pd.Timedelta(days=1)
    if op == "between":
        return stamps[0], stamps[-1]
    if op in ("=", "in"):
        return min(stamps), max(stamps)
    if op in (">=", ">"):
        return stamps[0] + (day if op == ">" else pd.Timedelta(0)), None
    if op in ("<=", "<"):
        return None, stamps[0] - (day if op == "<" else pd.Timedelta(0))
    return None, None


def describe(target: Target, rows: int | None = None) -> str:
    """What an annotation is about in plain words: ``RAIN ELECTRONICS CO LIMITED`` or
    ``12 shipments: declaration_no is one of 5 values``."""
    if target.company is not None:
        return f"Company {target.company}"
    if target.figure is not None:
        return f"Figure '{target.figure}'" + (f" ({rows:,} shipments)" if rows is not None
                                               else "")
    parts = []
    for cond in target.conditions:
        if cond.op == "in" and isinstance(cond.value, list) and len(cond.value) > _LISTED_VALUES:
            parts.append(f"{cond.column} is one of {len(cond.value)} values")
        else:
            parts.append(cond.describe())
    words = "; ".join(parts) or "no condition"
    return f"{rows:,} shipments: {words}" if rows is not None else words


class AnnotationIndex:
    """Coverage of a frame by annotations, cached per annotation and per set of annotations."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._bits: dict[tuple[object, ...], np.ndarray] = {}
        self._counts: tuple[tuple[object, ...], np.ndarray] | None = None
        self._sender: tuple[np.ndarray, pd.Index] | None = None

    def _sender_codes(self) -> tuple[np.ndarray, pd.Index]:
        if self._sender is None:
            codes, uniques = pd.factorize(self.frame[SENDER_COLUMN], use_na_sentinel=True)
            self._sender = (codes, pd.Index(uniques))
        return self._sender

    def mask(self, target: Target) -> np.ndarray:
        """Boolean mask of the rows ``target`` covers."""
        return np.unpackbits(self._packed(target), count=len(self.frame)).view(bool)

    def _packed(self, target: Target) -> np.ndarray:
        key = target.key
        if key not in self._bits:
            self._bits[key] = np.packbits(self._compute(target))
        return self._bits[key]

    def _compute(self, target: Target) -> np.ndarray:
        n = len(self.frame)
        if target.spellings:
            if SENDER_COLUMN not in self.frame:
                return np.zeros(n, dtype=bool)
            codes, uniques = self._sender_codes()
            wanted = np.append(uniques.isin(list(target.spellings)), False)  # -1: blank
            return wanted[codes]
        if not target.conditions:
            return np.zeros(n, dtype=bool)
        try:
            return apply(self.frame, list(target.conditions))
        except FilterError:  # a column this case lacks: it covers nothing here
            return np.zeros(n, dtype=bool)

    def counts(self, targets: Sequence[Target]) -> np.ndarray:
        """How many of ``targets`` cover each row (uint16, one per frame row)."""
        key = tuple(t.key for t in targets)
        if self._counts is not None and self._counts[0] == key:
            return self._counts[1]
        counts = np.zeros(len(self.frame), dtype=np.uint16)
        for target in targets:
            counts += self.mask(target)
        counts.setflags(write=False)
        self._counts = (key, counts)
        live = set(key)
        self._bits = {k: v for k, v in self._bits.items() if k in live}
        return counts

    def covering(self, targets: Sequence[Target], position: int) -> list[int]:
        """Indexes of the targets covering frame row ``position`` (a bit test each)."""
        byte, bit = divmod(int(position), 8)
        return [i for i, t in enumerate(targets)
                if self._packed(t)[byte] >> (7 - bit) & 1]


# -- naming the selected shipments ---------------------------------------------------------


def selection_conditions(
    frame: pd.DataFrame, positions: Sequence[int] | np.ndarray,
    mask_of: Callable[[list[Condition]], np.ndarray] | None = None,
) -> list[Condition]:
    """Conditions that select exactly the shipments at ``positions``, by a key that survives
    re-imports.

    The declaration number with the item number is the shipment's identity (the key imports
    deduplicate on), so it holds whichever extract brought the row, and after the case is
    rebuilt from other files. ``declaration_no in D`` is tried first (whole declarations), then
    with ``item_no in I``. Rows without a declaration number have no identity but their
    provenance (file SHA-256 and row), which also holds across re-imports as a file already
    seen is never imported twice. Each candidate is checked to select exactly these rows;
    raises :class:`FilterError` when none does (choose fewer, or whole declarations).
    """
    rows = np.unique(np.asarray(positions, dtype=np.int64))
    if not len(rows):
        raise FilterError("Select some shipments first.")
    mask_of = mask_of or (lambda conds: apply(frame, conds))
    wanted = np.zeros(len(frame), dtype=bool)
    wanted[rows] = True
    for conditions in _candidates(frame.iloc[rows]):
        try:
            if np.array_equal(mask_of(conditions), wanted):
                return conditions
        except FilterError:
            continue
    raise FilterError("These shipments cannot be named exactly by declaration or source row; "
                      "select whole declarations or rows from one file.")


def _candidates(chosen: pd.DataFrame) -> list[list[Condition]]:
    found: list[list[Condition]] = []

    def values(column: str) -> list[str] | None:
        if column not in chosen:
            return None
        col = chosen[column]
        if col.isna().any():
            return None
        if col.dtype.kind in "fiu" or str(col.dtype) in ("Int64", "Float64"):
            return [str(v) for v in sorted({int(v) for v in col.tolist()})]
        return sorted({str(v) for v in col.tolist()})

    def condition(column: str, items: list[str]) -> Condition:
        return Condition(column, "=", items[0]) if len(items) == 1 else Condition(
            column, "in", items)

    declarations, items = values("declaration_no"), values("item_no")
    if declarations:
        found.append([condition("declaration_no", declarations)])
        if items:
            found.append([condition("declaration_no", declarations), condition("item_no", items)])
    files, lines = values("source_sha256"), values("source_row")
    if files and lines:
        found.append([condition("source_sha256", files), condition("source_row", lines)])
    return found
