"""Reading dates from raw cells: real dates, Excel serial numbers, and text in several orders."""

from __future__ import annotations

import dataclasses
import datetime as dt
import numbers
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import WorkbenchError
from workbench.ingest.parsed import (
    ParsedColumn,
    as_bool,
    clean_texts,
    distinct_values,
    expand,
    pick,
    quote,
)

DATE_DTYPE = "datetime64[ns]"
EARLIEST = np.datetime64("1990-01-01", "D")
LATEST = np.datetime64("2100-12-31", "D")
DATE_ORDERS = ("DMY", "MDY")

_NAT = np.datetime64("NaT", "D")
_EPOCH_1900 = np.datetime64("1899-12-30", "D")  # serial 61 and later: 1900-03-01 onwards
_EPOCH_1904 = np.datetime64("1904-01-01", "D")  # serial 0
_LAST_SERIAL = 2958465  # 9999-12-31, the last day Excel knows
_TWO_DIGIT_PIVOT = 90  # "dd.mm.yy": 00-89 are 2000-2089, 90-99 are 1990-1999

_TIME = r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?$"
_SERIAL = r"^\d+(?:\.\d+)?$"
_DOTTED = r"^\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4})$"  # dd.mm.yyyy, d.m.yyyy, dd.mm.yy
_YEAR_FIRST = r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$"  # 2023-10-05, 2023/10/05
_SLASHED = r"^\d{1,2}[/-]\d{1,2}[/-](?:\d{2}|\d{4})$"  # a/b/yyyy: order decided per column
_SHORT_YEAR = r"^\d{1,2}[-./]\d{1,2}[-./]\d{2}$"

#: How precisely a cell gives its date: the day, or only the month, quarter or year (the date
#: is then the period's first day).
PRECISIONS = ("day", "month", "quarter", "year")
DAY, MONTH, QUARTER, YEAR = range(4)

_MONTHS = {
    **{m: i for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(
        ("янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"), 1)},
}
_MONTH_WORD = r"([a-zа-я]{3,9})\.?"
_PERIOD_FORMS: tuple[tuple[re.Pattern[str], int, str], ...] = tuple(
    (re.compile(pattern), precision, order) for pattern, precision, order in (
        (rf"^{_MONTH_WORD}[\s,'-]*(\d{{4}}|\d{{2}})(?:\s*г\.?)?$", MONTH, "word-year"),
        (rf"^(\d{{4}})[\s,-]*{_MONTH_WORD}$", MONTH, "year-word"),
        (r"^(\d{1,2})[./-](\d{4})$", MONTH, "month-year"),
        (r"^(\d{4})[./-](\d{1,2})$", MONTH, "year-month"),
        (r"^(?:q|кв\.?|квартал)\s*([1-4])[\s,/-]*(\d{4})$", QUARTER, "quarter-year"),
        (r"^([1-4]|i{1,3}|iv)\s*(?:q|-?й|-?ой)?\s*(?:кв\.?|квартал|q)[\s,/-]*(\d{4})(?:\s*г\.?)?$",
         QUARTER, "quarter-year"),
        (r"^(\d{4})[\s,/-]*(?:q|кв\.?\s*|квартал\s*)([1-4])$", QUARTER, "year-quarter"),
        (r"^(\d{4})[\s,/-]*([1-4])\s*(?:q|кв\.?|квартал)$", QUARTER, "year-quarter"),
        (r"^(\d{4})(?:\s*г(?:од)?\.?)?$", YEAR, "year"),
    )
)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class AmbiguousDates(WorkbenchError):
    """Every slash date in a column reads both day-first and month-first."""


def parse_dates(
    s: pd.Series,
    *,
    date_order: str | None = None,
    date1904: bool = False,
    column: str = "",
) -> ParsedColumn:
    """Read a column as dates (datetime64[ns] at midnight; a time of day is dropped).

    Accepted: real dates and datetimes; Excel serial numbers, as numbers or numeric text (1900
    system, or 1904 when ``date1904``); ``dd.mm.yyyy``, ``d.m.yyyy``, ``dd.mm.yy`` (00-89 are
    20xx, 90-99 are 19xx); ``yyyy-mm-dd`` with an optional time; ``a/b/yyyy`` (also with ``-``
    or a two-digit year). Slash dates are read per column: some first number above 12 means
    day/month, some second number above 12 means month/day; if both occur, ``date_order`` or
    else the order more rows support wins and each date that only reads the other way is bad.
    If no slash date tells (and some differ when read the other way), ``date_order`` ("DMY" or
    "MDY") must be given, or :class:`AmbiguousDates` is raised.

    Dates before 1990-01-01 or after 2100-12-31 are bad, as is text that is no date. Blank
    cells are missing, not bad. ``column`` names the column in messages (default: ``s.name``).
    """
    if date_order not in (None, *DATE_ORDERS):
        raise ValueError(f"date_order must be one of {DATE_ORDERS} or None, not {date_order!r}")
    name = column or ("" if s.name is None else str(s.name))

    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        wall = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        days = wall.to_numpy().astype("datetime64[D]")  # from any unit, without overflow
        return _finish(s, *_factorize_days(days), system_hint=True)
    if pd.api.types.is_bool_dtype(s.dtype):
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        reasons = {i: f"{quote(v)} is not a date" for i, v in enumerate(uniques)}
        days = np.full(len(uniques), _NAT)
        return _finish(s, codes, days, np.ones(len(uniques), dtype=bool), reasons)
    if pd.api.types.is_numeric_dtype(s.dtype):
        codes, uniques = pd.factorize(s.to_numpy(dtype=np.float64, na_value=np.nan))
        days = excel_serial_days(uniques, date1904=date1904)
        bad = np.isnat(days)
        reasons = {int(i): _bad_serial(uniques[i]) for i in np.flatnonzero(bad)}
        return _finish(s, np.asarray(codes), days, bad, reasons, system_hint=True)

    d = distinct_values(s)
    days = np.full(d.count, _NAT)
    bad = np.zeros(d.count, dtype=bool)
    reasons: dict[int, str] = {}
    hinted = np.zeros(d.count, dtype=bool)  # values where "wrong date system?" is a fair hint
    precision = np.zeros(d.count, dtype=np.int8)
    if len(d.texts):
        rows = np.bincount(d.codes[d.codes >= 0], minlength=d.count)[d.text_at]
        t_days, t_bad, t_reasons, t_serial, t_precision = _read_texts(
            d.texts, rows, date_order=date_order, date1904=date1904, column=name
        )
        days[d.text_at] = t_days
        bad[d.text_at] = t_bad
        hinted[d.text_at] = t_serial
        precision[d.text_at] = t_precision
        reasons.update({int(d.text_at[i]): r for i, r in t_reasons.items()})
    for i, value in zip(d.other_at, d.others, strict=True):
        day, reason = _read_object(value, date1904)
        days[i], hinted[i] = day, True
        if reason:
            bad[i], reasons[int(i)] = True, reason
    parsed = _finish(s, d.codes, days, bad, reasons, system_hint=hinted)
    if not precision.any():
        return parsed
    row_precision = np.append(precision, DAY)[d.codes]  # code -1 (blank) picks DAY
    row_precision[parsed.bad] = DAY
    return dataclasses.replace(parsed, precision=row_precision)


def excel_serial_days(serials: np.ndarray, *, date1904: bool = False) -> np.ndarray:
    """Excel serial numbers to days (datetime64[D]); a fraction (the time) is dropped.

    1900 system: serial 1 is 1900-01-01, 59 is 1900-02-28, 60 is Excel's non-existent
    1900-02-29 (NaT) and 61 is 1900-03-01. 1904 system: serial 0 is 1904-01-01, so the same
    serial lands 1,462 days later. NaT for NaN, negative serials, 0 in the 1900 system, and
    serials past 9999-12-31. No plausibility check.
    """
    whole = np.floor(np.asarray(serials, dtype=np.float64))
    lowest = 0 if date1904 else 1
    valid = np.isfinite(whole) & (whole >= lowest) & (whole <= _LAST_SERIAL)
    if not date1904:
        valid &= whole != 60
    n = np.where(valid, whole, 0).astype(np.int64)
    # 1900 system: serials up to 59 count from 1899-12-31; from 61 on, Excel's phantom
    # 1900-02-29 (serial 60) is skipped.
    days = _EPOCH_1904 + n if date1904 else _EPOCH_1900 + n + (n < 60).astype(np.int64)
    return np.where(valid, days, _NAT).astype("datetime64[D]")


def _factorize_days(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    codes, uniques = pd.factorize(days.view(np.int64))  # NaT is the int64 minimum
    uniques = np.asarray(uniques).view("datetime64[D]")
    missing = np.isnat(uniques)
    codes = np.where(missing[codes], -1, codes) if missing.any() else codes
    return np.asarray(codes), uniques, np.zeros(len(uniques), dtype=bool), {}


def _finish(
    s: pd.Series,
    codes: np.ndarray,
    days: np.ndarray,
    bad: np.ndarray,
    reasons: dict[int, str],
    system_hint: bool | np.ndarray = False,
) -> ParsedColumn:
    """Flag implausible dates, then spread the per-distinct days over the rows as datetimes."""
    days = days.astype("datetime64[D]")
    implausible = ~np.isnat(days) & ((days < EARLIEST) | (days > LATEST))
    hint = np.broadcast_to(np.asarray(system_hint, dtype=bool), days.shape)
    for i in np.flatnonzero(implausible):
        tail = " (wrong date system?)" if hint[i] else ""
        reasons[int(i)] = f"date {days[i]} is outside 1990-2100{tail}"
    bad = bad | implausible
    days = np.where(bad, _NAT, days)
    values = days.astype(DATE_DTYPE)
    return expand(s, codes, values, bad, reasons, np.datetime64("NaT", "ns"), DATE_DTYPE)


def _bad_serial(serial: float) -> str:
    return f"{quote(float(serial))} is not a day number Excel knows"


def _read_object(value: object, date1904: bool) -> tuple[np.datetime64, str]:
    """A non-text cell as a day, and a reason when it cannot be one."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        wall = value.replace(tzinfo=None)
        return np.datetime64(wall.date(), "D"), ""
    if isinstance(value, dt.date):
        return np.datetime64(value, "D"), ""
    if isinstance(value, np.datetime64):
        day = value.astype("datetime64[D]")
        return day, ("" if not np.isnat(day) else f"{quote(value)} is not a date")
    if isinstance(value, dt.time):
        return _NAT, f"{quote(value)} is a time of day, not a date"
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        day = excel_serial_days(np.array([float(value)]), date1904=date1904)[0]
        return day, ("" if not np.isnat(day) else _bad_serial(float(value)))
    return _NAT, f"{quote(value)} is not a date"


def _read_texts(
    raw: pa.Array,
    rows: np.ndarray,
    *,
    date_order: str | None,
    date1904: bool,
    column: str,
) -> tuple[np.ndarray, np.ndarray, dict[int, str], np.ndarray]:
    """Days, bad mask, reasons and serial mask for distinct strings (``rows``: their counts)."""
    t = clean_texts(raw)
    n = len(t)
    blank = as_bool(pc.equal(pc.utf8_length(t), 0))
    t = pc.replace_substring_regex(t, _TIME, "")
    days = np.full(n, _NAT)
    reasons: dict[int, str] = {}

    serial = _match(t, _SERIAL)
    if serial.any():
        serials = pc.cast(t.filter(pa.array(serial)), pa.float64()).to_numpy(zero_copy_only=False)
        days[serial] = excel_serial_days(serials, date1904=date1904)
        unknown = np.isnat(days[serial])
        for i, number in zip(np.flatnonzero(serial)[unknown], serials[unknown], strict=True):
            reasons[int(i)] = _bad_serial(number)

    dotted = _match(t, _DOTTED)
    year_first = _match(t, _YEAR_FIRST)
    slashed = _match(t, _SLASHED)
    short_year = _match(t, _SHORT_YEAR)
    if dotted.any():
        day, month, year = _parts(t, dotted)
        days[dotted] = _make_days(year, month, day, short_year[dotted])
    if year_first.any():
        year, month, day = _parts(t, year_first)
        days[year_first] = _make_days(year, month, day, short_year[year_first])
    if slashed.any():
        a, b, year = _parts(t, slashed)
        order = _slash_order(raw, slashed, a, b, rows[slashed], date_order, column)
        first, second = (a, b) if order == "DMY" else (b, a)
        days[slashed] = _make_days(year, second, first, short_year[slashed])
        # The same text read the other way round:
        other = _make_days(year, first, second, short_year[slashed])
        wrong_way = np.zeros(n, dtype=bool)
        wrong_way[slashed] = np.isnat(days[slashed]) & ~np.isnat(other)
        way = "day/month" if order == "DMY" else "month/day"
        at = np.flatnonzero(wrong_way)
        for i, cell in zip(at, pick(raw, at), strict=True):
            reasons[int(i)] = f"{quote(cell)} does not fit this column's {way} order"

    precision = np.zeros(n, dtype=np.int8)
    periods = (np.isnat(days) | _match(t, r"^\d{4}$")) & ~blank
    if periods.any():
        at = np.flatnonzero(periods)
        for i, cell in zip(at, pick(t, at), strict=True):
            day, level = read_period(cell)
            if level:
                days[i], precision[i] = day, level
                reasons.pop(int(i), None)

    bad = np.isnat(days) & ~blank
    at = np.array([i for i in np.flatnonzero(bad) if int(i) not in reasons], dtype=np.intp)
    for i, cell in zip(at, pick(raw, at), strict=True):
        parsed = dotted[i] or year_first[i] or slashed[i]
        what = "a valid date" if parsed else "a date"
        reasons[int(i)] = f"{quote(cell)} is not {what}"
    return days, bad, reasons, serial, precision


def read_period(text: str) -> tuple[np.datetime64, int]:
    """A month, quarter or year (``Oct 2025``, ``10.2025``, ``2025 Q3``, ``III кв. 2025``,
    ``2025``) as its first day and its precision; ``(NaT, DAY)`` when the text is none of these.
    """
    cell = " ".join(text.lower().replace("ё", "е").split())
    for pattern, level, order in _PERIOD_FORMS:
        match = pattern.match(cell)
        if not match:
            continue
        a, b = match.group(1), match.group(2) if level != YEAR else ""
        if order == "word-year":
            month, year = _month_number(a), _full_year(b)
        elif order == "year-word":
            year, month = int(a), _month_number(b)
        elif order == "month-year":
            month, year = int(a), int(b)
        elif order == "year-month":
            year, month = int(a), int(b)
        elif order == "quarter-year":
            month, year = 3 * (_ROMAN.get(a) or int(a)) - 2, int(b)
        elif order == "year-quarter":
            year, month = int(a), 3 * int(b) - 2
        else:
            year, month = int(a), 1
        if not 1 <= month <= 12:
            continue
        day = np.datetime64(f"{year:04d}-{month:02d}-01", "D")
        if EARLIEST <= day <= LATEST:
            return day, level
    return _NAT, DAY


def _month_number(word: str) -> int:
    for stem in (word[:4], word[:3], word[:2]):
        if stem in _MONTHS:
            return _MONTHS[stem]
    return 0


def _full_year(text: str) -> int:
    year = int(text)
    return year if len(text) == 4 else (2000 + year if year < _TWO_DIGIT_PIVOT else 1900 + year)


def _match(t: pa.Array, pattern: str) -> np.ndarray:
    return as_bool(pc.match_substring_regex(t, pattern))


def _parts(t: pa.Array, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three numbers of the date strings at ``mask`` (already checked to be digits)."""
    split = pc.split_pattern_regex(t.filter(pa.array(mask)), r"[-./]")
    first, second, third = (
        pc.cast(pc.list_element(split, k), pa.int64()).to_numpy(zero_copy_only=False)
        for k in range(3)
    )
    return first, second, third


def _make_days(
    year: np.ndarray, month: np.ndarray, day: np.ndarray, short_year: np.ndarray
) -> np.ndarray:
    """Days from numbers, NaT where no such date exists; two-digit years get a century."""
    century = np.where(year < _TWO_DIGIT_PIVOT, 2000, 1900)
    year = np.where(short_year, century + year, year)
    ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    out = months.astype("datetime64[D]") + np.where(ok, day - 1, 0)
    ok &= out.astype("datetime64[M]") == months  # 31.02 spills into March
    return np.where(ok, out, _NAT)


def _slash_order(
    raw: pa.Array,
    slashed: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    rows: np.ndarray,
    date_order: str | None,
    column: str,
) -> str:
    """Day/month ("DMY") or month/day ("MDY") for the slash dates of a column."""
    if date_order is not None:
        return date_order
    day_first = (a > 12) & (a <= 31) & (b <= 12)
    month_first = (b > 12) & (b <= 31) & (a <= 12)
    dmy_rows, mdy_rows = int(rows[day_first].sum()), int(rows[month_first].sum())
    if dmy_rows > mdy_rows:
        return "DMY"
    if mdy_rows > dmy_rows:
        return "MDY"
    # No evidence (or a tie): harmless only if every date reads the same both ways.
    differs = (a != b) & (a >= 1) & (a <= 12) & (b >= 1) & (b <= 12)
    where = f"column '{column}'" if column else "this column"
    if dmy_rows == 0:
        if not differs.any():
            return "DMY"
        example = _example(raw, slashed, differs)
        raise AmbiguousDates(
            f"The dates in {where} could be day/month or month/day (for example {example}), "
            "so choose the date order for this column."
        )
    raise AmbiguousDates(
        f"The dates in {where} are as often day/month ({_example(raw, slashed, day_first)}) "
        f"as month/day ({_example(raw, slashed, month_first)}), "
        "so choose the date order for this column."
    )


def _example(raw: pa.Array, slashed: np.ndarray, among: np.ndarray) -> str:
    """The first slash date (as typed) where ``among``, a mask over the slash dates, is set."""
    first = np.flatnonzero(slashed)[np.flatnonzero(among)[:1]]
    return quote(pick(raw, first)[0])
