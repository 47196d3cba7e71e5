"""Before an import: how many rows it will keep and what its value column adds up to.

The reporter checks an extract against what it should hold ("$15.4 million over 1,140 rows")
before anything is written, so the total is computed over the whole sheet and read exactly as
the import reads it: the value column with the file's decimal mark (``file_decimal`` over the
sheet's amount columns) and the assignment's factor, two boxes of one field filled row by row,
and only the rows the import keeps for want of a date (a total line such as ``Итого:`` carries
an amount but no date, and is rejected, not added).

Typical use::

    rows = rows_read(grid, plan, value_column="stat_value_usd", date_order=None)
    rows.kept, rows.value.sentence()   # 1140, "Statistical value, USD: 15,431,906.12 over …"

Rows rejected for an unreadable cell in another column (a country no list knows) are still
counted here; the import report names them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.dates import AmbiguousDates, parse_dates
from workbench.ingest.mapping import Assignment, MappingPlan
from workbench.ingest.normalise import file_decimal, nonblank_mask
from workbench.ingest.numbers import parse_numbers
from workbench.ingest.readers import Grid


@dataclass(frozen=True)
class ValueTotal:
    """The value basis over the rows the import keeps."""

    column: str  # the canonical value column (the case's basis)
    headers: tuple[str, ...]  # the file's columns that fill it, in the order they fill it
    total: float
    rows: int  # rows kept with a readable or an empty value
    empty: int  # of them, rows with no value (kept; they add nothing)
    unreadable: int  # rows whose value cannot be read: the import rejects them

    @property
    def label(self) -> str:
        return BY_NAME[self.column].label

    def sentence(self) -> str:
        """``Statistical value, USD: 15,431,906.12 over 1,140 rows; 12 rows empty``."""
        words = f"{self.label}: {self.total:,.2f} over {_rows(self.rows)}"
        if self.empty:
            words += f"; {_rows(self.empty)} empty"
        if self.unreadable:
            words += f"; {_rows(self.unreadable)} unreadable (rejected)"
        return words


@dataclass(frozen=True)
class RowsRead:
    """The sheet's rows as the import will keep them, as far as dates and values tell."""

    nonblank: int  # rows with any cell filled
    kept: int  # of them, rows with a readable date (and a readable value, if there is one)
    no_date: int  # rows without a readable date: title, note or total lines (rejected)
    value: ValueTotal | None  # None when no column fills the value basis
    dates_undecided: str = ""  # the sentence when slash dates need an order chosen


def rows_read(
    grid: Grid, plan: MappingPlan, *, value_column: str, date_order: str | None
) -> RowsRead:
    """Count the rows the import keeps and add up ``value_column`` over them."""
    table = grid.table
    width = table.num_columns
    nonblank = nonblank_mask(table)
    if not nonblank.all():  # as the import does: the decimal mark is judged without them
        table = table.filter(pa.array(nonblank))
    undecided = ""
    dated = np.ones(table.num_rows, dtype=bool)
    dates = [a for name in ("date", "release_date") for a in plan.for_column(name)
             if a.position < width]
    if dates:
        try:
            dated = _dated(table, dates, date_order, bool(grid.options.get("date1904")))
        except AmbiguousDates as exc:
            undecided = str(exc)
    value_parts = [a for a in plan.for_column(value_column) if a.position < width]
    kept = dated
    value: ValueTotal | None = None
    if value_parts:
        numbers, bad = _values(table, plan, value_parts)
        kept = dated & ~bad
        kept_values = numbers[kept]
        value = ValueTotal(
            column=value_column,
            headers=tuple(a.header for a in value_parts),
            total=float(np.nansum(kept_values)),
            rows=int(kept.sum()),
            empty=int(np.isnan(kept_values).sum()),
            unreadable=int((dated & bad).sum()),
        )
    return RowsRead(
        nonblank=table.num_rows,
        kept=int(kept.sum()),
        no_date=int((~dated).sum()),
        value=value,
        dates_undecided=undecided,
    )


def _dated(table: pa.Table, parts: list[Assignment], date_order: str | None,
           date1904: bool) -> np.ndarray:
    """Rows whose date the import can read: registration date, else the release date."""
    have = np.zeros(table.num_rows, dtype=bool)
    bad = np.zeros(table.num_rows, dtype=bool)
    for a in parts:
        parsed = parse_dates(_series(table.column(a.position)), date_order=date_order,
                             date1904=date1904, column=a.header)
        have |= parsed.values.notna().to_numpy()
        bad |= parsed.bad
    return have & ~bad


def _values(table: pa.Table, plan: MappingPlan,
            parts: list[Assignment]) -> tuple[np.ndarray, np.ndarray]:
    """The value column as floats (NaN where empty) and the rows whose value cannot be read."""
    numeric = [a.position for a in plan.assignments
               if BY_NAME[a.canonical].kind in (Kind.NUMBER, Kind.INTEGER)
               and a.position < table.num_columns]
    decimal = file_decimal([table.column(p) for p in numeric])
    values: np.ndarray | None = None
    bad = np.zeros(table.num_rows, dtype=bool)
    for a in parts:  # the first filled box wins, row by row
        parsed = parse_numbers(_series(table.column(a.position)), decimal=decimal)
        numbers = parsed.values.to_numpy(dtype=np.float64, na_value=np.nan) * a.factor
        values = numbers if values is None else np.where(np.isnan(values), numbers, values)
        bad |= parsed.bad
    assert values is not None
    return values, bad


def _series(column: pa.ChunkedArray) -> pd.Series:
    """A text column as a pandas string Series without copying (the parsers' input)."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return pd.Series(pd.arrays.ArrowStringArray(column))
    return column.to_pandas()


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"
