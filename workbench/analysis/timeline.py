"""Value per period, stacked by country or supplier: the numbers behind the timeline chart.

Sums are taken with ``np.bincount`` on integer codes (period x stack key), so a million rows
cost a few tens of milliseconds. The codes of a stack column are computed once per frame and
reused while that frame is alive (shipments are immutable once loaded).
"""

from __future__ import annotations

import weakref
from typing import Literal

import numpy as np
import pandas as pd

from workbench.analysis.filters import Condition

Period = Literal["M", "Q"]
StackBy = Literal["origin_country", "sender"]

#: Months in one period.
PERIOD_MONTHS: dict[str, int] = {"M": 1, "Q": 3}
#: The column of all stack keys beyond the ``top`` largest.
OTHER = "Other"
#: The stack key of rows without a value in the stack column.
BLANK = "(blank)"
DATE_COLUMN = "date"
#: Key of the timeline's own condition in the view state.
CONDITION_KEY = "timeline"

NO_DATE = np.iinfo(np.int32).min
_DAY_RANGE_LIMIT = 200_000  # beyond this many days a lookup table stops paying
#: Per-frame arrays (month numbers, stack codes) keyed by (id(frame), column, what); an entry
#: holds a weak reference to its frame and is valid while the frame holds the same column array.
_cache: dict[tuple[int, str, str], tuple[weakref.ref[pd.DataFrame], np.ndarray, object]] = {}


def timeline_series(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    value: str = "stat_value_usd",
    period: Period = "M",
    stack_by: StackBy = "origin_country",
    top: int = 6,
) -> pd.DataFrame:
    """Sum of ``value`` per period and stack key over the frame positions ``rows``.

    The index holds every period start from the first to the last period with rows (gaps are
    zeros); the columns are the ``top`` keys with the largest totals, largest first, then
    ``Other`` for the rest. ``attrs`` records ``period``, ``value``, ``stack_by`` and ``rows``.
    """
    if period not in PERIOD_MONTHS:
        raise ValueError(f"period must be one of {sorted(PERIOD_MONTHS)}, not {period!r}")
    rows = np.asarray(rows, dtype=np.int64)
    months = _month_numbers(frame)[rows]
    if len(months) and months.min() == NO_DATE:
        dated = months != NO_DATE
        rows, months = rows[dated], months[dated]
    codes, keys = _stack_codes(frame, stack_by)
    key_codes = codes[rows]
    if (key_codes < 0).any():
        key_codes = np.where(key_codes < 0, len(keys), key_codes)
        keys = np.append(keys.astype(object), BLANK)
    weights = frame[value].to_numpy(dtype="float64", na_value=np.nan)[rows]
    blank_values = np.isnan(weights)
    if blank_values.any():
        weights[blank_values] = 0.0
    attrs = {"period": period, "value": value, "stack_by": stack_by, "rows": len(rows)}
    if len(rows) == 0:
        empty = pd.DataFrame(index=pd.DatetimeIndex([], name="period"), dtype="float64")
        empty.attrs.update(attrs)
        return empty

    periods = months.astype(np.int64) // PERIOD_MONTHS[period]
    first = int(periods.min())
    n_periods = int(periods.max()) - first + 1
    n_keys = len(keys)
    flat = (periods - first) * n_keys + key_codes
    grid = np.bincount(flat, weights=weights, minlength=n_periods * n_keys)
    grid = grid.reshape(n_periods, n_keys)

    present = np.bincount(key_codes, minlength=n_keys) > 0
    totals = np.where(present, grid.sum(axis=0), -np.inf)
    order = np.lexsort((keys.astype(str), -totals))  # largest total first, ties by name
    order = order[present[order]]
    kept, rest = order[:top], order[top:]
    data = {str(keys[k]): grid[:, k] for k in kept}
    if len(rest):
        data[OTHER] = grid[:, rest].sum(axis=1)
    start_month = first * PERIOD_MONTHS[period]
    index = pd.DatetimeIndex(
        (np.arange(n_periods) * PERIOD_MONTHS[period] + start_month).astype("datetime64[M]")
        .astype("datetime64[ns]"),
        name="period",
    )
    result = pd.DataFrame(data, index=index)
    result.attrs.update(attrs)
    return result


def _month_numbers(frame: pd.DataFrame) -> np.ndarray:
    """Months since 1970-01 of every row's date (``NO_DATE`` without one), cached per frame."""
    cached = _cached(frame, DATE_COLUMN, "months")
    if cached is not None:
        return cached
    values = frame[DATE_COLUMN].to_numpy()
    if values.dtype.kind != "M":
        values = pd.to_datetime(pd.Series(values), errors="coerce").to_numpy()
    has_date = ~np.isnat(values)
    months = np.full(len(values), NO_DATE, dtype=np.int32)
    if has_date.any():
        dated = values if has_date.all() else values[has_date]
        unit, count = np.datetime_data(dated.dtype)
        days = dated.view(np.int64) // int(np.timedelta64(1, "D") / np.timedelta64(count, unit))
        low, high = int(days.min()), int(days.max())
        if high - low > _DAY_RANGE_LIMIT:
            found = dated.astype("datetime64[M]").view(np.int64)
        else:
            # A day-to-month lookup table is much faster than a datetime cast.
            table = np.arange(low, high + 1).astype("datetime64[D]").astype("datetime64[M]")
            found = table.view(np.int64)[days - low]
        months[has_date] = found
    _store(frame, DATE_COLUMN, "months", months)
    return months


def _stack_codes(frame: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (-1 for blanks) and keys of ``frame[column]``, cached per frame."""
    codes = _cached(frame, column, "codes")
    keys = _cached(frame, column, "keys")
    if codes is not None and keys is not None:
        return codes, keys
    found, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    codes = np.asarray(found, dtype=np.int32)
    keys = np.asarray(uniques, dtype=object)
    _store(frame, column, "codes", codes)
    _store(frame, column, "keys", keys)
    return codes, keys


def _column_token(frame: pd.DataFrame, column: str) -> object:
    """Something that changes when ``frame[column]`` is replaced: its buffer or its array."""
    values = frame[column]
    if isinstance(values.dtype, np.dtype):
        return (values.to_numpy().__array_interface__["data"][0], len(values))
    return values.array


def _cached(frame: pd.DataFrame, column: str, what: str) -> np.ndarray | None:
    entry = _cache.get((id(frame), column, what))
    if entry is None or entry[0]() is not frame:
        return None
    token, held = _column_token(frame, column), entry[2]
    same = token == held if isinstance(token, tuple) else token is held
    return entry[1] if same else None


def _store(frame: pd.DataFrame, column: str, what: str, array: np.ndarray) -> None:
    for stale in [k for k, v in _cache.items() if v[0]() is None]:
        del _cache[stale]
    _cache[(id(frame), column, what)] = (weakref.ref(frame), array, _column_token(frame, column))


# -- periods and the timeline's condition -----------------------------------------------------


def period_start(moment: pd.Timestamp, period: Period) -> pd.Timestamp:
    """The first day of the period that holds ``moment``."""
    months = PERIOD_MONTHS[period]
    month0 = (moment.month - 1) // months * months + 1
    return pd.Timestamp(year=moment.year, month=month0, day=1)


def period_end(start: pd.Timestamp, period: Period) -> pd.Timestamp:
    """The last day (inclusive) of the period starting at ``start``."""
    return start + pd.DateOffset(months=PERIOD_MONTHS[period]) - pd.Timedelta(days=1)


def whole_periods(
    low: pd.Timestamp, high: pd.Timestamp, period: Period
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The span from ``low`` to ``high`` widened to whole periods: (first day, last day)."""
    low, high = min(low, high), max(low, high)
    return period_start(low, period), period_end(period_start(high, period), period)


def span_condition(first_day: pd.Timestamp, last_day: pd.Timestamp) -> Condition:
    """The filter for the dates from ``first_day`` to ``last_day``, both included."""
    return Condition(
        DATE_COLUMN, "between", [first_day.strftime("%Y-%m-%d"), last_day.strftime("%Y-%m-%d")]
    )


def condition_span(condition: Condition | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The (first day, last day) of a ``date between`` condition, else None."""
    if condition is None or condition.column != DATE_COLUMN or condition.op != "between":
        return None
    try:
        low, high = (pd.Timestamp(str(v)) for v in condition.value)
    except (TypeError, ValueError):
        return None
    return low, high
