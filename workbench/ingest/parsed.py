"""The result of parsing one raw column, and the factorize-parse-take plumbing the parsers share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


@dataclass(frozen=True)
class ParsedColumn:
    """Clean values of one column, plus which cells could not be read and why.

    ``values`` has the input's index, name and length; missing values are NaN/NaT/NA. ``bad``
    marks non-empty cells that could not be read (blank cells are missing, never bad).
    ``reasons`` maps the position of each bad cell to one short sentence.
    """

    values: pd.Series
    bad: np.ndarray
    reasons: dict[int, str]
    #: Dates only: per row, how precisely the cell gave its date (see ``dates.PRECISIONS``);
    #: None when every date is a day.
    precision: np.ndarray | None = None

    @property
    def bad_count(self) -> int:
        """Number of cells that could not be read."""
        return int(self.bad.sum())


@dataclass(frozen=True)
class Distinct:
    """The distinct non-missing values of a column, split into strings and everything else.

    Parsers work once per distinct value. (A long column of strings that mostly differ skips
    the hashing: then each non-missing row is its own "distinct" value.) ``codes`` gives, per
    row, the position of its value among the ``count`` distinct values (-1 for a missing cell).
    Strings sit at positions ``text_at`` and are held, in that order, in the arrow array
    ``texts``; other values (numbers, datetimes...) sit at ``other_at``.
    """

    codes: np.ndarray
    count: int
    text_at: np.ndarray
    texts: pa.Array
    other_at: np.ndarray
    others: np.ndarray


def distinct_values(s: pd.Series) -> Distinct:
    """Factorize ``s``: strings via arrow's dictionary encoding, other values via pandas."""
    if isinstance(s.dtype, pd.StringDtype):
        return _encode_strings(_large_strings(pa.array(s.array)))
    if s.dtype != object:  # categorical, boolean, datetime...: few distinct values, as a rule
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
        return _split(np.asarray(codes, dtype=np.intp), _objects(uniques))
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return _encode_text_objects(s.to_numpy(dtype=object))

    # Mixed cells (Excel readers): strings and the rest are factorized apart. Booleans go as
    # their text, which no parser accepts (as values, True and 1, False and 0 hash alike).
    cells = s.to_numpy(dtype=object)
    kind = np.fromiter((_KIND.get(type(v), 0) for v in cells), dtype=np.int8, count=len(cells))
    if (kind == _BOOL).any():
        cells = cells.copy()
        cells[kind == _BOOL] = [str(bool(v)) for v in cells[kind == _BOOL]]
    is_text = kind != 0
    is_other = ~is_text & ~pd.isna(cells)
    text_part = _encode_text_objects(cells[is_text])
    other_codes, other_uniques = pd.factorize(_compact(cells[is_other]), use_na_sentinel=True)
    codes = np.full(len(cells), -1, dtype=np.intp)
    codes[is_text] = text_part.codes
    codes[is_other] = np.asarray(other_codes, dtype=np.intp) + text_part.count
    return Distinct(
        codes=codes,
        count=text_part.count + len(other_uniques),
        text_at=text_part.text_at,
        texts=text_part.texts,
        other_at=np.arange(len(other_uniques)) + text_part.count,
        others=_objects(other_uniques),
    )


_TEXT, _BOOL = 1, 2
_KIND = {str: _TEXT, np.str_: _TEXT, bool: _BOOL, np.bool_: _BOOL}
_SAMPLE = 10_000


def _mostly_distinct(values: pa.Array | np.ndarray) -> bool:
    """Whether a long column's first values mostly differ (then hashing it is wasted work)."""
    if len(values) <= 5 * _SAMPLE:
        return False
    sample = values[:_SAMPLE]
    distinct = pc.count_distinct(sample).as_py() if isinstance(sample, pa.Array) else None
    if distinct is None:
        distinct = len(set(sample.tolist()))
    return distinct > 0.5 * _SAMPLE


def _encode_text_objects(cells: np.ndarray) -> Distinct:
    """Like :func:`_encode_strings`, for strings (and missing values) held as Python objects."""
    if _mostly_distinct(cells):
        return _encode_strings(pa.array(cells, type=pa.large_string(), from_pandas=True))
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    texts = pa.array(np.asarray(uniques, dtype=object), type=pa.large_string())
    return Distinct(
        codes=np.asarray(codes, dtype=np.intp),
        count=len(texts),
        text_at=np.arange(len(texts)),
        texts=texts,
        other_at=np.zeros(0, dtype=np.intp),
        others=np.zeros(0, dtype=object),
    )


def _large_strings(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous large_string array (pandas may hand over several chunks)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=arr.type)
    return arr if arr.type == pa.large_string() else arr.cast(pa.large_string())


def _compact(cells: np.ndarray) -> np.ndarray:
    """Non-string cells as float64 or datetime64 when they all are such, for fast hashing."""
    kind = pd.api.types.infer_dtype(cells, skipna=False)
    if kind in ("integer", "floating", "mixed-integer-float"):
        return cells.astype(np.float64)
    if kind in ("datetime", "datetime64"):
        try:
            return np.asarray(pd.DatetimeIndex(cells))
        except (TypeError, ValueError):  # e.g. mixed time zones
            return cells
    return cells


def _objects(uniques: np.ndarray | pd.Index) -> np.ndarray:
    """Uniques as Python objects (Timestamps, not nanosecond integers, for datetimes)."""
    return np.asarray(pd.Index(uniques), dtype=object)


def _split(codes: np.ndarray, uniques: np.ndarray) -> Distinct:
    """Sort already factorized values into strings and the rest."""
    is_text = np.fromiter((isinstance(v, str) for v in uniques), dtype=bool, count=len(uniques))
    return Distinct(
        codes=codes,
        count=len(uniques),
        text_at=np.flatnonzero(is_text),
        texts=pa.array(uniques[is_text].tolist(), type=pa.large_string()),
        other_at=np.flatnonzero(~is_text),
        others=uniques[~is_text],
    )


def _encode_strings(arr: pa.Array) -> Distinct:
    """Dictionary-encode strings; a long column whose values mostly differ is used as it is."""
    if _mostly_distinct(arr):
        valid = np.asarray(pc.is_valid(arr), dtype=bool)
        codes = np.full(len(arr), -1, dtype=np.intp)
        codes[valid] = np.arange(int(valid.sum()))
        texts = arr.filter(pa.array(valid))
    else:
        encoded = pc.dictionary_encode(arr)
        codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.intp)
        texts = encoded.dictionary
    return Distinct(
        codes=codes,
        count=len(texts),
        text_at=np.arange(len(texts)),
        texts=texts,
        other_at=np.zeros(0, dtype=np.intp),
        others=np.zeros(0, dtype=object),
    )


def expand(
    s: pd.Series,
    codes: np.ndarray,
    values: np.ndarray,
    bad: np.ndarray,
    reasons: dict[int, str],
    missing: object,
    dtype: object,
) -> ParsedColumn:
    """Spread per-distinct-value results back over the rows of ``s``.

    ``values`` and ``bad`` are indexed like the distinct values; ``reasons`` maps a distinct
    value's position to its reason; ``missing`` fills rows whose code is -1 (blank input).
    A :class:`pandas.StringDtype` result is built in arrow (``values`` then holds str or None).
    """
    if isinstance(dtype, pd.StringDtype):
        picks = pa.array(codes, mask=codes < 0)
        taken = pa.array(values.tolist(), type=pa.large_string()).take(picks)
        data: object = pd.array(taken, dtype=dtype)
    else:
        filled = np.empty(len(values) + 1, dtype=values.dtype)
        filled[:-1] = values
        filled[-1] = missing
        data = filled[codes].astype(dtype, copy=False)  # code -1 picks the missing slot
    row_bad = np.append(bad, False)[codes]
    positions = np.flatnonzero(row_bad)
    row_reasons = {
        int(p): reasons[int(c)] for p, c in zip(positions, codes[positions], strict=True)
    }
    series = pd.Series(data, index=s.index, name=s.name, copy=False)
    return ParsedColumn(values=series, bad=row_bad, reasons=row_reasons)


def clean_texts(texts: pa.Array) -> pa.Array:
    """Strings with zero-width characters removed and surrounding whitespace trimmed.

    Whitespace includes no-break spaces (U+00A0, U+202F); a blank cell becomes ``""``.
    """
    invisible = r"[\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]"
    if pc.any(pc.match_substring_regex(texts, invisible)).as_py():
        texts = pc.replace_substring_regex(texts, invisible, "")
    texts = pc.utf8_trim_whitespace(texts)
    # Database dumps write an empty cell as NULL or #N/A: blank, not an unreadable value.
    empty = pc.is_in(texts, value_set=_EMPTY_TOKENS)
    if pc.any(empty).as_py():
        texts = pc.if_else(empty, pa.scalar("", texts.type), texts)
    return texts


_EMPTY_TOKENS = pa.array([form for token in ("NULL", "#N/A", "N/A", "NaN", "None")
                          for form in {token, token.upper(), token.lower()}])


def pick(arr: pa.Array, at: np.ndarray) -> list:
    """The Python values of ``arr`` at positions ``at``."""
    return arr.take(pa.array(at, type=pa.int64())).to_pylist()


def as_bool(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An arrow boolean array as numpy, with nulls read as False."""
    return np.asarray(pc.fill_null(mask, False), dtype=bool)


def quote(raw: object, limit: int = 40) -> str:
    """A raw cell as it goes into a reason: quoted, trimmed, and cut if very long.

    A whole float shows as Excel shows it (``999``, not ``999.0``).
    """
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{text}'"
