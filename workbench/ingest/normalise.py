"""From a raw text grid to canonical, typed shipment rows with provenance and keys.

Every cell that cannot be read makes its row a reject with the source row and a reason; rows
whose every cell is blank are counted and passed over; nothing else is dropped.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import NotShipments
from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.countries import to_alpha2
from workbench.ingest.dates import parse_dates
from workbench.ingest.numbers import parse_numbers
from workbench.ingest.parsed import ParsedColumn
from workbench.ingest.readers import Grid

#: Fields that make up a row's content key when it has no declaration and item number.
CONTENT_FIELDS = (
    "date", "sender", "receiver", "hs_code", "description", "origin_country",
    "stat_value_usd", "invoice_value", "net_kg", "gross_kg", "quantity",
)


WORKERS = max(1, min(4, os.cpu_count() or 1))


@dataclass
class Batch:
    """One sheet's rows, ready to be stored."""

    table: pa.Table
    decl_keys: np.ndarray
    content_keys: np.ndarray
    rejects: list[tuple[int, str]] = field(default_factory=list)
    blank_rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)


def extra_names(headers: list[str], mapping: dict[int, str]) -> dict[int, str]:
    """Names for the columns no canonical field took: their header, made unique."""
    used = set(mapping.values())
    names: dict[int, str] = {}
    for pos, header in enumerate(headers):
        if pos in mapping:
            continue
        base = header.strip() or f"column {pos + 1}"
        name, n = base, 2
        while name in used:
            name, n = f"{base} ({n})", n + 1
        used.add(name)
        names[pos] = name
    return names


def normalise(
    grid: Grid,
    mapping: dict[int, str],
    *,
    sha256: str,
    file_name: str,
    date_order: str | None = None,
) -> Batch:
    """Parse and type the mapped columns; keep the others as text.

    Works on Arrow arrays throughout: pandas string methods cost seconds at a million rows.
    """
    if "date" not in mapping.values():
        where = f"sheet {grid.sheet!r} of {file_name}" if grid.sheet else file_name
        raise NotShipments(
            f"No date column was recognised in {where}; map it by hand.", missing=("date",)
        )
    table = _drop_blank_rows(grid)
    blank_rows = grid.table.num_rows - table.num_rows
    rows = grid.row_numbers[_nonblank_mask(grid.table)] if blank_rows else grid.row_numbers
    width = table.num_columns
    bad = np.zeros(table.num_rows, dtype=bool)
    reasons: dict[int, list[str]] = {}
    out: dict[str, pa.Array] = {}

    numeric = [p for p, n in mapping.items() if BY_NAME[n].kind in (Kind.NUMBER, Kind.INTEGER)]
    decimal = file_decimal([table.column(p) for p in numeric if p < width])
    def convert(pos: int, name: str) -> tuple[str, pa.Array, ParsedColumn | None]:
        column = BY_NAME[name]
        raw = table.column(pos)
        if column.kind is Kind.TEXT:
            return name, clean_text(raw, name), None
        parsed = _parse(column.kind, _series(raw), grid, date_order, grid.headers[pos], decimal)
        return name, _to_arrow(parsed.values, column.kind), parsed

    # Arrow kernels release the GIL, so columns convert side by side on the machine's cores.
    jobs = [(p, n) for p, n in sorted(mapping.items()) if p < width]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda job: convert(*job), jobs))
    for name, values, parsed in results:
        out[name] = values
        if parsed is not None and parsed.bad.any():
            bad |= parsed.bad
            label = BY_NAME[name].label
            for i, why in parsed.reasons.items():
                reasons.setdefault(i, []).append(f"{label}: {why}")

    missing_date = out["date"].is_null().to_numpy(zero_copy_only=False) & ~bad
    if missing_date.any():
        bad |= missing_date
        for i in np.flatnonzero(missing_date):
            reasons.setdefault(int(i), []).append("no date (a title, note or total line?)")

    for pos, name in extra_names(grid.headers, mapping).items():
        if pos < width and table.column(pos).null_count < table.num_rows:
            out[name] = clean_text(table.column(pos), name)

    keep = ~bad
    data = pa.table(out)
    if bad.any():
        data = data.filter(pa.array(keep))
    kept_rows = rows[keep]
    rejects = sorted((int(rows[i]), "; ".join(r)) for i, r in reasons.items())

    decl = declaration_keys(data)
    content = content_keys(data, only=decl == 0)
    n = data.num_rows
    data = data.append_column("source_file", _repeat(file_name, n))
    data = data.append_column("source_sha256", _repeat(sha256, n))
    data = data.append_column("source_sheet", _repeat(grid.sheet, n))
    data = data.append_column("source_row", pa.array(kept_rows, type=pa.int64()))
    names = {grid.headers[p]: n for p, n in mapping.items() if p < len(grid.headers)}
    return Batch(data, decl, content, rejects, blank_rows, names)


def _nonblank_mask(table: pa.Table) -> np.ndarray:
    if table.num_columns == 0:
        return np.zeros(table.num_rows, dtype=bool)
    blank = None
    for col in table.columns:
        empty = pc.is_null(col)
        blank = empty if blank is None else pc.and_(blank, empty)
    return ~_np_bool(blank)


def _drop_blank_rows(grid: Grid) -> pa.Table:
    mask = _nonblank_mask(grid.table)
    return grid.table if mask.all() else grid.table.filter(pa.array(mask))


def _np_bool(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _repeat(value: str, n: int) -> pa.DictionaryArray:
    """A constant text column, stored once (dictionary-encoded)."""
    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, dtype=np.int32)), pa.array([value], type=pa.string())
    )


def _series(arr: pa.ChunkedArray) -> pd.Series:
    """An Arrow column as a pandas string Series without copying the text."""
    chunked = arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])
    if pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type):
        return pd.Series(pd.arrays.ArrowStringArray(chunked))
    return chunked.to_pandas()


def _to_arrow(values: pd.Series, kind: Kind) -> pa.Array:
    if kind is Kind.DATE:
        return pa.array(values.to_numpy(dtype="datetime64[ms]"), type=pa.timestamp("ms"))
    if kind is Kind.COUNTRY:
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            arr = pa.array(values.array)  # zero-copy through __arrow_array__
            arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
            return arr.cast(pa.string())
        return pa.array(values.astype(object).where(values.notna(), None), type=pa.string())
    if kind is Kind.INTEGER:
        return pa.array(values, type=pa.int64(), from_pandas=True)
    return pa.array(values.to_numpy(dtype=np.float64), type=pa.float64(), from_pandas=True)


_COMMA_DECIMAL = re.compile(r"^[-+]?[\d .\u00a0\u202f]*\d,\d{1,2}$")
_DOT_DECIMAL = re.compile(r"^[-+]?[\d ,\u00a0\u202f]*\d\.\d{1,2}$")


def file_decimal(columns: list[pa.ChunkedArray], sample: int = 2000) -> str | None:
    """The decimal mark the whole extract uses, when its number columns agree on one.

    A column of whole numbers such as ``1,285`` cannot tell by itself whether the comma groups
    thousands; the file's amounts (``51,271.86``) can.
    """
    comma = dot = 0
    for col in columns:
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        values = [v for v in col.slice(0, sample).to_pylist() if v is not None]
        comma += sum(1 for v in values if _COMMA_DECIMAL.match(v.strip()))
        dot += sum(1 for v in values if _DOT_DECIMAL.match(v.strip()))
    if comma and not dot:
        return ","
    if dot and not comma:
        return "."
    return None


def _parse(
    kind: Kind,
    raw: pd.Series,
    grid: Grid,
    date_order: str | None,
    header: str,
    decimal: str | None,
) -> ParsedColumn:
    if kind is Kind.DATE:
        return parse_dates(
            raw,
            date_order=date_order,
            date1904=bool(grid.options.get("date1904", False)),
            column=header,
        )
    if kind is Kind.COUNTRY:
        return to_alpha2(raw)
    parsed = parse_numbers(raw, decimal=decimal)
    if kind is Kind.INTEGER:
        values = parsed.values
        fractional = values.notna() & (values != values.round())
        if fractional.any():
            extra_bad = fractional.to_numpy() & ~parsed.bad
            reasons = dict(parsed.reasons)
            for i in np.flatnonzero(extra_bad):
                reasons[int(i)] = f"{raw.iloc[i]!r} is not a whole number"
            return type(parsed)(values.round().astype("Int64"), parsed.bad | extra_bad, reasons)
        return type(parsed)(values.round().astype("Int64"), parsed.bad, parsed.reasons)
    return parsed


def clean_text(raw: pa.ChunkedArray | pa.Array, name: str) -> pa.Array:
    """Trimmed text, blank as missing; identifiers without their spaces (and HS dots)."""
    text = pc.utf8_trim_whitespace(raw)
    if name == "declaration_no":
        text = pc.ascii_upper(pc.replace_substring(text, " ", ""))
    elif name in ("hs_code", "receiver_tax_id"):
        text = pc.replace_substring(pc.replace_substring(text, " ", ""), ".", "")
    empty = pc.equal(text, "")
    if pc.any(empty).as_py():
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


# -- keys ------------------------------------------------------------------------------------

_MIX = np.uint64(0x9E3779B97F4A7C15)


def _hash_text(arr: pa.Array) -> np.ndarray:
    """A stable 64-bit hash of each string: SipHash (pandas' fixed key) of its UTF-8 bytes.

    Repeated values (declaration numbers, names) are hashed once through a dictionary.
    """
    encoded = pc.dictionary_encode(pc.fill_null(arr, ""))
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    uniques = encoded.dictionary.to_numpy(zero_copy_only=False)
    hashed = pd.util.hash_array(uniques.astype(object), categorize=False)
    return hashed[encoded.indices.to_numpy(zero_copy_only=False)]


def _mix(h: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Fold one column's hashes into the running row hash (order matters)."""
    with np.errstate(over="ignore"):
        h = (h ^ x) * _MIX
        return h ^ (h >> np.uint64(29))


def _column_hash(data: pa.Table, name: str) -> np.ndarray:
    arr = data.column(name).combine_chunks()
    kind = BY_NAME[name].kind
    if kind in (Kind.NUMBER, Kind.INTEGER):
        values = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
        cents = np.where(np.isnan(values), -(2**62), np.round(values * 100)).astype(np.int64)
        return cents.view(np.uint64) * _MIX
    if kind is Kind.DATE:
        days = arr.cast(pa.int64()).fill_null(-(2**62)).to_numpy(zero_copy_only=False)
        return days.astype(np.int64).view(np.uint64) * _MIX
    return _hash_text(pc.utf8_upper(arr))


def _finish(keys: np.ndarray) -> np.ndarray:
    keys = keys.astype(np.uint64)
    keys[keys == 0] = 1  # 0 means "no key"
    return keys


def declaration_keys(data: pa.Table) -> np.ndarray:
    """Declaration number and item number; 0 where either is missing."""
    names = data.column_names
    if "declaration_no" not in names or "item_no" not in names:
        return np.zeros(data.num_rows, dtype=np.uint64)
    decl = data.column("declaration_no").combine_chunks()
    item = data.column("item_no").combine_chunks()
    present = ~_np_bool(pc.or_(pc.is_null(decl), pc.is_null(item)))
    items = item.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype(np.uint64)
    keys = _finish(_mix(_hash_text(decl), items * _MIX + np.uint64(1)))
    keys[~present] = 0
    return keys


def content_keys(data: pa.Table, only: np.ndarray | None = None) -> np.ndarray:
    """What a row says, independent of where it came from: its identity when nothing else is.

    Computed for the rows in ``only`` (rows with no declaration key); 0 elsewhere.
    """
    keys = np.zeros(data.num_rows, dtype=np.uint64)
    rows = np.ones(data.num_rows, dtype=bool) if only is None else only
    if not rows.any():
        return keys
    subset = data if rows.all() else data.filter(pa.array(rows))
    h = np.full(subset.num_rows, np.uint64(0xC0FFEE), dtype=np.uint64)
    for name in CONTENT_FIELDS:
        x = _column_hash(subset, name) if name in subset.column_names else np.zeros(
            subset.num_rows, dtype=np.uint64
        )
        h = _mix(h, x)
    keys[rows] = _finish(h)
    return keys
