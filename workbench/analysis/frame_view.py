"""Filtering and sorting the shipment frame without reordering it: index arrays only.

The table, the timeline and the status bar all read through a :class:`FrameView`: the rows that
pass the state's conditions and search (positions in the frame), in the table's sort order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.filters import Condition, apply

#: Text columns the quick search looks in.
SEARCH_COLUMNS = (
    "declaration_no", "sender", "receiver", "declarant", "manufacturer", "trademark",
    "hs_code", "description",
)


class FrameView:
    """Positions of the visible rows of ``frame``, filtered and sorted with numpy."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._filtered = np.arange(len(frame), dtype=np.int64)
        self._order: np.ndarray | None = None  # argsort of _filtered, or None when unsorted
        self.sort_column: str | None = None
        self.ascending = True
        self._lower: dict[str, pd.Series] = {}

    @property
    def total(self) -> int:
        return len(self.frame)

    @property
    def rows(self) -> np.ndarray:
        """Frame positions in display order."""
        return self._filtered if self._order is None else self._filtered[self._order]

    @property
    def filtered(self) -> np.ndarray:
        """Frame positions that pass the filter, in frame order."""
        return self._filtered

    def mask(self, conditions: list[Condition], search: str = "") -> np.ndarray:
        mask = apply(self.frame, conditions)
        if search:
            mask &= self._search_mask(search)
        return mask

    def set_filter(self, conditions: list[Condition], search: str = "") -> None:
        self._filtered = np.flatnonzero(self.mask(conditions, search)).astype(np.int64)
        self._resort()

    def set_sort(self, column: str | None, ascending: bool = True) -> None:
        self.sort_column, self.ascending = column, ascending
        self._resort()

    def _resort(self) -> None:
        if self.sort_column is None:
            self._order = None
            return
        values = self.frame[self.sort_column].iloc[self._filtered]
        order = _argsort(values)
        if not self.ascending:
            # Descending, blanks still last: reverse the non-blank part only.
            blank = values.isna().to_numpy()[order]
            head, tail = order[~blank], order[blank]
            order = np.concatenate([head[::-1], tail])
        self._order = order

    def _search_mask(self, text: str) -> np.ndarray:
        needle = text.lower()
        mask = np.zeros(len(self.frame), dtype=bool)
        for name in SEARCH_COLUMNS:
            if name not in self.frame:
                continue
            if name not in self._lower:
                self._lower[name] = self.frame[name].str.lower()
            col = self._lower[name]
            mask |= col.str.contains(needle, regex=False).fillna(False).to_numpy(dtype=bool)
        return mask


def _argsort(values: pd.Series) -> np.ndarray:
    """Stable ascending order with blanks last, fast for numbers, dates and text."""
    if values.dtype.kind in "fiumM" or str(values.dtype) in ("Int64", "Float64"):
        numeric = values.to_numpy(dtype="float64", na_value=np.nan) if values.dtype.kind != "M" \
            else values.to_numpy(dtype="datetime64[ns]").astype("int64").astype("float64")
        if values.dtype.kind == "M":
            numeric[values.isna().to_numpy()] = np.nan
        return np.argsort(numeric, kind="stable")  # NaN sorts last
    codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    codes = np.where(codes < 0, len(uniques), codes)
    return np.argsort(codes, kind="stable")
