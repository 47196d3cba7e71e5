"""Filtering and sorting the shipment frame without reordering it: index arrays only.

The table, the timeline and the status bar all read through a :class:`FrameView`: the rows that
pass the state's conditions and search (positions in the frame), in the table's sort order.

Speed (a million rows, a sort or filter under 200 ms): each sorted column's order over the whole
frame is computed once and kept, so a new filter or a flipped direction only picks the passing
rows out of it in O(n). The quick search looks in each text column's distinct values, lower-cased
once, and maps the hits back through the column's codes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.analysis.filters import Condition, apply

#: How many per-condition masks a view keeps (one byte a row each).
MASK_CACHE_SIZE = 12

#: Text columns the quick search looks in.
SEARCH_COLUMNS = (
    "declaration_no", "sender", "receiver", "declarant", "manufacturer", "trademark",
    "hs_code", "description",
)

#: How many columns' whole-frame sort orders are kept (8 bytes a row each).
_KEPT_ORDERS = 4


class FrameView:
    """Positions of the visible rows of ``frame``, filtered and sorted with numpy."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._mask_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.frame = frame
        self._mask: np.ndarray | None = None  # None: every row passes
        self._filtered = np.arange(len(frame), dtype=np.int64)
        self._rows = self._filtered
        self.sort_column: str | None = None
        self.ascending = True
        # column -> (ascending order over the frame, blanks last; number of blanks)
        self._orders: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        # column -> (codes per row, -1 for blank; distinct values lower-cased)
        self._search_index: dict[str, tuple[np.ndarray, pa.Array | pa.ChunkedArray]] = {}

    @property
    def total(self) -> int:
        return len(self.frame)

    @property
    def rows(self) -> np.ndarray:
        """Frame positions in display order."""
        return self._rows

    @property
    def filtered(self) -> np.ndarray:
        """Frame positions that pass the filter, in frame order."""
        return self._filtered

    def mask(self, conditions: list[Condition], search: str = "") -> np.ndarray:
        """Rows passing every condition and the search. Each condition's mask is kept for a
        while, so panels that leave out their own condition reuse the others' work."""
        mask = np.ones(len(self.frame), dtype=bool)
        for condition in conditions:
            mask &= self._cached(repr(condition), lambda c=condition: apply(self.frame, [c]))
        if search:
            mask &= self._cached(f"search:{search}", lambda: self._search_mask(search))
        return mask

    def _cached(self, key: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
        cache = self._mask_cache
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = compute()
        value.setflags(write=False)
        cache[key] = value
        while len(cache) > MASK_CACHE_SIZE:
            cache.popitem(last=False)
        return value

    def set_filter(self, conditions: list[Condition], search: str = "") -> None:
        if not conditions and not search:
            self._mask = None
            self._filtered = np.arange(len(self.frame), dtype=np.int64)
        else:
            self._mask = self.mask(conditions, search)
            self._filtered = np.flatnonzero(self._mask).astype(np.int64)
        self._resort()

    def set_sort(self, column: str | None, ascending: bool = True) -> None:
        self.sort_column, self.ascending = column, ascending
        self._resort()

    def _resort(self) -> None:
        if self.sort_column is None:
            self._rows = self._filtered
            return
        order, blanks = self._frame_order(self.sort_column)
        if not self.ascending:
            # Descending, blanks still last: reverse the non-blank part only.
            split = len(order) - blanks
            order = np.concatenate([order[:split][::-1], order[split:]])
        # A stable order of the whole frame, restricted to the passing rows, is their stable
        # order: no sort per filter.
        self._rows = order if self._mask is None else order[self._mask[order]]

    def _frame_order(self, column: str) -> tuple[np.ndarray, int]:
        if column in self._orders:
            self._orders.move_to_end(column)
            return self._orders[column]
        values = self.frame[column]
        order = _argsort(values)
        order.setflags(write=False)  # ``rows`` may hand it out as is
        kept = (order, int(values.isna().sum()))
        self._orders[column] = kept
        while len(self._orders) > _KEPT_ORDERS:
            self._orders.popitem(last=False)
        return kept

    def _search_mask(self, text: str) -> np.ndarray:
        needle = text.lower()
        mask = np.zeros(len(self.frame), dtype=bool)
        for name in SEARCH_COLUMNS:
            if name not in self.frame:
                continue
            codes, lowered = self._searchable(name)
            hits = pc.match_substring(lowered, needle).to_numpy(zero_copy_only=False)
            # The last slot answers for blanks (code -1).
            mask |= np.append(hits.astype(bool), False)[codes]
        return mask

    def _searchable(self, name: str) -> tuple[np.ndarray, pa.Array | pa.ChunkedArray]:
        """A text column's codes and lower-cased distinct values, computed on first search."""
        if name not in self._search_index:
            codes, uniques = pd.factorize(self.frame[name], use_na_sentinel=True)
            distinct = pa.array(pd.array(uniques, dtype="string"))
            self._search_index[name] = (codes, pc.utf8_lower(distinct))
        return self._search_index[name]


def _argsort(values: pd.Series) -> np.ndarray:
    """Stable ascending order with blanks last, fast for numbers, dates and text."""
    if values.dtype.kind in "fiu" or str(values.dtype) in ("Int64", "Float64"):
        return _stable_order(values.to_numpy(dtype="float64", na_value=np.nan))
    # Dates and text: rank by distinct value. Few distinct values (days, names) fit 16 bits,
    # which numpy sorts stably by radix in linear time.
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    codes = np.where(codes < 0, len(uniques), codes)
    if len(uniques) < np.iinfo(np.uint16).max:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    return _stable_order(codes.astype("float64"))


def _stable_order(numeric: np.ndarray) -> np.ndarray:
    """``np.argsort(numeric, kind="stable")`` (NaN last) in about half the time.

    A quicksort finds each row's rank among the distinct values; ``rank * n + position`` is then
    a unique key, so sorting it needs no stability and its remainder is the stable order.
    """
    n = len(numeric)
    order = np.argsort(numeric)
    if n < 2:
        return order.astype(np.int64)
    ordered = numeric[order]
    starts = np.empty(n, dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    blank = np.isnan(ordered)
    starts[1:] &= ~(blank[1:] & blank[:-1])  # NaN != NaN, but blanks are one group
    key = (np.cumsum(starts, dtype=np.int64) - 1) * n + order
    key.sort()
    return key % n
