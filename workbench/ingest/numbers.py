"""Reading amounts, weights and rates from raw cells, whichever way the extract wrote them."""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.ingest.parsed import (
    ParsedColumn,
    as_bool,
    clean_texts,
    distinct_values,
    expand,
    pick,
    quote,
)

# Currency marks that may stand before or after an amount (lower case) -> ISO 4217 code.
CURRENCY_MARKS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "долл.": "USD",
    "долл": "USD",
    "€": "EUR",
    "eur": "EUR",
    "евро": "EUR",
    "₽": "RUB",
    "rub": "RUB",
    "rur": "RUB",
    "руб.": "RUB",
    "руб": "RUB",
    "р.": "RUB",
    "£": "GBP",
    "gbp": "GBP",
    "cny": "CNY",
    "krw": "KRW",
    "₩": "KRW",
    "jpy": "JPY",
    "chf": "CHF",
    "kzt": "KZT",
    "₸": "KZT",
    "byn": "BYN",
}
_CURRENCIES = tuple(sorted(set(CURRENCY_MARKS.values())))

_SPACES = "\u00a0\u202f\u2009\u2007"  # no-break, narrow no-break, thin and figure space
_NUMBER_CHARS_ONLY = r"^[0-9.,+\- eE]*$"
# The digits of a number, with separators between them, stand for "9" in a cell's skeleton.
_BODY = r"[0-9][0-9,. ]*[0-9]|[0-9]"
_MARK = "|".join(re.escape(m) for m in sorted(CURRENCY_MARKS, key=len, reverse=True))
# A skeleton such as "-$ 9", "(9 USD)", "9 руб.": sign, mark, bracket, mark, number, mark...
_SKELETON = re.compile(
    rf"(?P<sign>[+-]?) *(?P<mark1>{_MARK})? *(?P<open>\(?) *(?P<mark2>{_MARK})? *"
    rf"(?P<sign2>[+-]?)(?P<lead>[.,]?)9(?P<trail>[.,]?) *(?P<mark3>{_MARK})? *"
    rf"(?P<close>\)?) *(?P<mark4>{_MARK})?",
    re.IGNORECASE,
)

_SIGN = r"^[+-]?"
_INTEGER = _SIGN + r"\d+$"
_ONE_SEPARATOR = _SIGN + r"(?:\d+[.,]\d*|[.,]\d+)$"
# Ambiguous on its own: 1-3 digits (no leading zero), one separator, exactly 3 digits.
_AMBIGUOUS = _SIGN + r"[1-9]\d{0,2}[.,]\d{3}$"
_SPACE_GROUPS = _SIGN + r"\d{1,3}(?: \d{3})+(?:[.,]\d+)?$"
_COMMA_GROUPS = _SIGN + r"\d{1,3}(?:,\d{3})+(?:\.\d+)?$"
_DOT_GROUPS = _SIGN + r"\d{1,3}(?:\.\d{3})+(?:,\d+)?$"
_EXPONENT = r"(?i)^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)e[+-]?\d+$"
_LONG_INTEGER = _SIGN + r"0*[1-9]\d{3,}$"

_NUMERIC_KINDS = ("integer", "floating", "mixed-integer-float", "decimal")


def parse_numbers(s: pd.Series, *, decimal: str | None = None) -> ParsedColumn:
    """Read a column as float64.

    Accepted: numbers as such (Excel cells), and text such as ``1181.55``, ``1 181,55`` (space,
    U+00A0 or U+202F between groups of three), ``1,181.55``, ``1.181,55``, ``1181,55``, ``-12,5``,
    ``(12.50)`` (negative), ``1e3``, with a currency mark before or after (``$``, ``USD``,
    ``руб.``...). Blank cells are missing, not bad. Text that is no number is bad. If the column
    carries more than one currency, every value with a currency mark is bad.

    Decimal separator rule. A value of 1-3 digits (not starting with 0), one comma or dot, then
    exactly three digits (``1,181``, ``12.500``) is ambiguous on its own. The other values of the
    column decide how the ambiguous ones are read:

    * a comma is shown decimal by ``1,5``, ``1181,55``, ``0,181``, ``1 181,55``, ``1.181,55``,
      ``1.181.000`` or ``1,5e3``; a dot is shown decimal by the mirror forms (``1,181,000`` etc.);
    * if only one separator is shown decimal, ambiguous values use it as the decimal separator
      and the other as a thousands separator;
    * if neither is, but some number of four or more digits is written without a comma or dot
      between its thousands (``25000``, ``25 000``), the column does not group thousands with
      them, so an ambiguous separator is decimal;
    * otherwise (no evidence, or both separators shown decimal) ambiguous values are bad.

    ``decimal`` ("," or ".") overrides the rule for ambiguous values only.
    """
    if decimal not in (None, ",", "."):
        raise ValueError(f"decimal must be ',' or '.', not {decimal!r}")
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric or (s.dtype == object and pd.api.types.infer_dtype(s) in _NUMERIC_KINDS):
        values = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return ParsedColumn(
            values=pd.Series(values, index=s.index, name=s.name, copy=False),
            bad=np.zeros(len(s), dtype=bool),
            reasons={},
        )

    if isinstance(s.dtype, pd.StringDtype):
        fast = _plain_column(s, decimal)
        if fast is not None:
            return fast
    d = distinct_values(s)
    out = np.full(d.count, np.nan)
    bad = np.zeros(d.count, dtype=bool)
    reasons: dict[int, str] = {}
    if len(d.texts):
        t_out, t_bad, t_reasons = _read_texts(d.texts, decimal)
        out[d.text_at] = t_out
        bad[d.text_at] = t_bad
        reasons.update({int(d.text_at[i]): r for i, r in t_reasons.items()})
    if pd.api.types.infer_dtype(d.others, skipna=False) in _NUMERIC_KINDS:
        is_number = np.ones(len(d.others), dtype=bool)
    else:
        is_number = np.fromiter(
            (isinstance(v, numbers.Real) and not isinstance(v, bool | np.bool_) for v in d.others),
            dtype=bool,
            count=len(d.others),
        )
    out[d.other_at[is_number]] = d.others[is_number].astype(np.float64)
    for i, value in zip(d.other_at[~is_number], d.others[~is_number], strict=True):
        bad[i] = True
        reasons[int(i)] = f"{quote(value)} is not a number"
    return expand(s, d.codes, out, bad, reasons, np.nan, "float64")


# Whole columns in one unambiguous spelling, read without the per-value analysis below.
_PLAIN = {
    None: (r"^[+-]?\d+(?:\.\d+)?$", ()),
    ",": ("^[+-]?(?:\\d{1,3}(?:[ \u00a0\u202f]\\d{3})+|\\d+)(?:,\\d+)?$",
          (" ", "\u00a0", "\u202f")),
    ".": (r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", (",",)),
}


def _plain_column(s: pd.Series, decimal: str | None) -> ParsedColumn | None:
    """The fast path: every non-blank cell is a plain number in the column's one convention.

    Returns None (read the long way) as soon as one cell is anything else.
    """
    arr = pa.array(s.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    text = pc.utf8_trim_whitespace(arr)
    pattern, groups = _PLAIN[decimal]
    matched = pc.sum(pc.match_substring_regex(text, pattern)).as_py() or 0
    empty = pc.equal(text, "")
    n_empty = pc.sum(empty).as_py() or 0
    if matched + n_empty + text.null_count != len(text):
        return None
    if n_empty:
        text = pc.if_else(pc.fill_null(empty, False), pa.scalar(None, text.type), text)
    for sep in groups:
        text = pc.replace_substring(text, sep, "")
    if decimal == ",":
        text = pc.replace_substring(text, ",", ".")
    values = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    if not np.isfinite(values[~np.isnan(values)]).all():
        return None  # 1e999 and the like get their reasons the long way
    return ParsedColumn(
        values=pd.Series(values, index=s.index, name=s.name, copy=False),
        bad=np.zeros(len(s), dtype=bool),
        reasons={},
    )


def _read_texts(
    raw: pa.Array, decimal: str | None
) -> tuple[np.ndarray, np.ndarray, dict[int, str]]:
    """Values, bad mask and reasons (by position) for distinct non-null strings."""
    t = clean_texts(raw)
    n = len(t)
    blank = as_bool(pc.equal(pc.utf8_length(t), 0))
    # Currency marks, brackets and odd spaces are dealt with only where odd characters occur.
    odd = ~as_bool(pc.match_substring_regex(t, _NUMBER_CHARS_ONLY))
    currency = np.full(n, -1, dtype=np.int16)  # index into _CURRENCIES, -1 for none
    if odd.any():
        sub, currency[odd] = _strip_decorations(t.filter(pa.array(odd)))
        t = pc.replace_with_mask(t, pa.array(odd), sub)

    has_comma = as_bool(pc.match_substring(t, ","))
    has_dot = as_bool(pc.match_substring(t, "."))
    integer = _match(t, _INTEGER)
    one_sep = _match(t, _ONE_SEPARATOR)
    ambiguous = _match(t, _AMBIGUOUS, where=one_sep)
    single = one_sep & ~ambiguous
    rest = ~(integer | one_sep | blank)
    space_groups = _match(t, _SPACE_GROUPS, where=rest)
    rest &= ~space_groups
    comma_groups = _match(t, _COMMA_GROUPS, where=rest)
    dot_groups = _match(t, _DOT_GROUPS, where=rest)
    exponent = _match(t, _EXPONENT, where=rest & ~comma_groups & ~dot_groups)

    comma_shown = ((single | space_groups | exponent) & has_comma) | dot_groups
    dot_shown = ((single | space_groups | exponent) & has_dot) | comma_groups
    amb_comma = ambiguous & has_comma
    amb_dot = ambiguous & has_dot
    comma_is_decimal, dot_is_decimal, why = _decide(
        decimal,
        bool(comma_shown.any()),
        bool(dot_shown.any()),
        lambda: bool(space_groups.any() or _match(t, _LONG_INTEGER, where=integer).any()),
    )

    readable = integer | single | space_groups | comma_groups | dot_groups | exponent
    use_comma_reading = comma_shown.copy()
    if comma_is_decimal is not None:
        readable |= amb_comma
        use_comma_reading |= amb_comma & comma_is_decimal
    if dot_is_decimal is not None:
        readable |= amb_dot
        use_comma_reading |= amb_dot & (not dot_is_decimal)

    values = np.full(n, np.nan)
    if readable.any():
        # Two canonical spellings: comma as decimal (drop spaces and dots), or dot as decimal.
        picked = pc.replace_substring(t.filter(pa.array(readable)), " ", "")
        picked = _canonical(picked, use_comma_reading[readable])
        values[readable] = pc.cast(picked, pa.float64()).to_numpy(zero_copy_only=False)
    huge = readable & ~np.isfinite(values)  # 1e999
    readable &= ~huge
    values[huge] = np.nan

    bad = ~readable & ~blank
    reasons: dict[int, str] = {}
    at = np.flatnonzero(bad)
    kinds = zip(ambiguous[at].tolist(), huge[at].tolist(), strict=True)
    for i, cell, text, (is_ambiguous, is_huge) in zip(
        at.tolist(), pick(raw, at), pick(t, at), kinds, strict=True
    ):
        if is_ambiguous:
            reasons[i] = _ambiguous_reason(cell, text, why)
        elif is_huge:
            reasons[i] = f"{quote(cell)} is too large a number"
        else:
            reasons[i] = f"{quote(cell)} is not a number"
    _flag_mixed_currencies(raw, currency, readable, values, bad, reasons)
    return values, bad, reasons


def _canonical(t: pa.Array, comma_decimal: np.ndarray) -> pa.Array:
    """Float spellings: where ``comma_decimal``, drop dots and make the comma a dot; elsewhere
    drop commas."""

    def by_comma() -> pa.Array:
        return pc.replace_substring(pc.replace_substring(t, ".", ""), ",", ".")

    def by_dot() -> pa.Array:
        return pc.replace_substring(t, ",", "")

    if comma_decimal.all():
        return by_comma()
    if not comma_decimal.any():
        return by_dot()
    return pc.if_else(pa.array(comma_decimal), by_comma(), by_dot())


def _match(t: pa.Array, pattern: str, where: np.ndarray | None = None) -> np.ndarray:
    """Which strings match ``pattern``; only those in ``where`` are tested (others False)."""
    if where is None or where.all():
        return as_bool(pc.match_substring_regex(t, pattern))
    out = np.zeros(len(t), dtype=bool)
    if where.any():
        out[where] = as_bool(pc.match_substring_regex(t.filter(pa.array(where)), pattern))
    return out


def _strip_decorations(t: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Strip currency marks and brackets; return the bare numbers and each one's currency.

    Each string's skeleton (its number replaced by "9") is read once per distinct skeleton, so
    the work in Python does not grow with the number of rows. Unreadable strings are returned
    unchanged (they then read as no number); currency is an index into ``_CURRENCIES``, or -1
    where no mark was found.
    """
    if pc.any(pc.match_substring_regex(t, f"[{_SPACES}\u2212]")).as_py():
        for space in _SPACES:
            t = pc.replace_substring(t, space, " ")
        t = pc.replace_substring(t, "\u2212", "-")  # minus sign
    encoded = pc.dictionary_encode(pc.replace_substring_regex(t, _BODY, "9"))
    skeleton_of = encoded.indices.to_numpy(zero_copy_only=False)
    currency_of = np.full(len(encoded.dictionary), -1, dtype=np.int16)
    for k, skeleton in enumerate(encoded.dictionary.to_pylist()):
        decoration = _read_skeleton(skeleton)
        if decoration is None:
            continue
        prefix, suffix, cut_before, cut_after, currency_of[k] = decoration
        if not (prefix or suffix or cut_before or cut_after):
            continue
        rows = skeleton_of == k
        mask = pa.array(rows)
        body = pc.utf8_slice_codeunits(
            t.filter(mask), cut_before, -cut_after if cut_after else None
        )
        rebuilt = pc.binary_join_element_wise(_text(prefix), body, _text(suffix), _text(""))
        t = pc.replace_with_mask(t, mask, rebuilt)
    return t, currency_of[skeleton_of]


def _read_skeleton(skeleton: str) -> tuple[str, str, int, int, int] | None:
    """For a readable skeleton: text to put before and after the number, how many characters
    to cut before and after it, and the currency; None if the skeleton is no decorated number."""
    m = _SKELETON.fullmatch(skeleton)
    if m is None or bool(m["open"]) != bool(m["close"]) or (m["sign"] and m["sign2"]):
        return None
    marks = {CURRENCY_MARKS[m[g].lower()] for g in ("mark1", "mark2", "mark3", "mark4") if m[g]}
    if len(marks) > 1:
        return None
    sign = m["sign"] or m["sign2"]
    if m["open"]:
        if sign:
            return None
        sign = "-"
    nine = skeleton.index("9")
    return (
        sign + m["lead"],
        m["trail"],
        nine,
        len(skeleton) - nine - 1,
        _CURRENCIES.index(marks.pop()) if marks else -1,
    )


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _decide(
    decimal: str | None, comma_shown: bool, dot_shown: bool, ungrouped: Callable[[], bool]
) -> tuple[bool | None, bool | None, str]:
    """How ambiguous values read: (comma is decimal, dot is decimal), None if undecided."""
    if decimal is not None:
        return decimal == ",", decimal == ".", ""
    if comma_shown and dot_shown:
        return None, None, "the column uses both decimal commas and decimal dots"
    if comma_shown:
        return True, False, ""
    if dot_shown:
        return False, True, ""
    if ungrouped():
        return True, True, ""
    return None, None, "no other value in the column tells which"


def _ambiguous_reason(cell: str, text: str, why: str) -> str:
    sep = "," if "," in text else "."
    return f"{quote(cell)} could be {text.replace(sep, '')} or {text.replace(sep, '.')}: {why}"


def _flag_mixed_currencies(
    raw: pa.Array,
    currency: np.ndarray,
    readable: np.ndarray,
    values: np.ndarray,
    bad: np.ndarray,
    reasons: dict[int, str],
) -> None:
    """If readable values carry different currencies, make each value with a mark bad."""
    marked = np.flatnonzero(readable & (currency >= 0))
    distinct = np.unique(currency[marked])
    if len(distinct) < 2:
        return
    listed = ", ".join(_CURRENCIES[c] for c in distinct)
    for i, cell in zip(marked, pick(raw, marked), strict=True):
        values[i] = np.nan
        bad[i] = True
        code = _CURRENCIES[currency[i]]
        reasons[int(i)] = f"{quote(cell)} is in {code}, but the column mixes {listed}"
