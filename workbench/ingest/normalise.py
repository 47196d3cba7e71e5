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
from workbench.ingest import columns as cols
from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.countries import to_alpha2
from workbench.ingest.dates import PRECISIONS, parse_dates
from workbench.ingest.findings import (
    KEY_COLUMNS,
    KEY_LABELS,
    ROWS_LISTED,
    Missing,
    SheetFindings,
    rows_text,
)
from workbench.ingest.mapping import Assignment, Confidence, MappingPlan, Origin
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
    """One sheet's rows, ready to be stored, and what its import has to say."""

    table: pa.Table
    decl_keys: np.ndarray
    content_keys: np.ndarray
    rejects: list[tuple[int, str]] = field(default_factory=list)
    blank_rows: int = 0
    mapping: dict[str, str] = field(default_factory=dict)
    findings: SheetFindings = field(default_factory=SheetFindings)


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


#: Key columns without which a sheet is no customs extract at all (a date is needed too).
_SHIPMENT_COLUMNS = ("sender", "receiver", "hs_code", "description", "stat_value_usd",
                     "invoice_value", "customs_value_rub", "declaration_no", "net_kg",
                     "gross_kg")


def check_shipments(grid: Grid, plan: MappingPlan, file_name: str) -> None:
    """Refuse, in one sentence that says how to go on, a sheet that cannot give shipments."""
    where = f"sheet {grid.sheet!r} of {file_name}" if grid.sheet else file_name
    mapped = plan.mapped()
    how = ('map them by hand (workbench import --map "HEADER=date", or Map in the import '
           "dialog)")
    if "date" not in mapped and "release_date" not in mapped:
        others = [KEY_LABELS[c] for c in KEY_COLUMNS if c != "date" and c not in mapped]
        also = f" ({', '.join(others)} neither)" if others else ""
        raise NotShipments(
            f"No date column was recognised in {where}{also}; {how}.",
            missing=("date", *(c for c in KEY_COLUMNS if c != "date" and c not in mapped)),
        )
    if not mapped & set(_SHIPMENT_COLUMNS):
        raise NotShipments(
            f"{where[0].upper()}{where[1:]} does not look like a customs extract: only a date "
            f"was recognised (no sender, goods, HS code, weight or value); {how}.",
            missing=tuple(c for c in KEY_COLUMNS if c not in mapped),
        )


def normalise(
    grid: Grid,
    plan: MappingPlan | dict[int, str],
    *,
    sha256: str,
    file_name: str,
    date_order: str | None = None,
    value_column: str = "stat_value_usd",
) -> Batch:
    """Parse and type the mapped columns; keep the others as text; say what is missing.

    Works on Arrow arrays throughout: pandas string methods cost seconds at a million rows.
    """
    if not isinstance(plan, MappingPlan):
        plan = plan_from_positions(grid.headers, plan)
    check_shipments(grid, plan, file_name)
    table = _drop_blank_rows(grid)
    blank_rows = grid.table.num_rows - table.num_rows
    rows = grid.row_numbers[nonblank_mask(grid.table)] if blank_rows else grid.row_numbers
    width = table.num_columns
    bad = np.zeros(table.num_rows, dtype=bool)
    reasons: dict[int, list[str]] = {}
    findings = SheetFindings(sheet=grid.sheet, value_column=value_column)
    findings.warnings += plan.notes
    findings.choices += [c.sentence() for c in plan.choices]
    mapping = {a.position: a.canonical for a in plan.assignments if a.position < width}

    numeric = [p for p, n in mapping.items() if BY_NAME[n].kind in (Kind.NUMBER, Kind.INTEGER)]
    decimal = file_decimal([table.column(p) for p in numeric])

    def convert(a: Assignment) -> tuple[Assignment, pa.Array, ParsedColumn | None]:
        column = BY_NAME[a.canonical]
        raw = table.column(a.position)
        if column.kind is Kind.TEXT:
            return a, clean_text(raw, a.canonical), None
        parsed = _parse(column.kind, _series(raw), grid, date_order, a.header, decimal)
        return a, _to_arrow(parsed.values, column.kind), parsed

    # Arrow kernels release the GIL, so columns convert side by side on the machine's cores.
    jobs = sorted((a for a in plan.assignments if a.position < width),
                  key=lambda a: (a.position, a.rank))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(convert, jobs))
    converted: dict[str, list[tuple[Assignment, pa.Array, ParsedColumn | None]]] = {}
    for a, values, parsed in results:
        converted.setdefault(a.canonical, []).append((a, values, parsed))
        if parsed is not None and parsed.bad.any():
            bad |= parsed.bad
            label = BY_NAME[a.canonical].label
            for i, why in parsed.reasons.items():
                reasons.setdefault(i, []).append(f"{label}: {why}")
            findings.warnings += _bad_share_warning(a, parsed, table.num_rows)

    out: dict[str, pa.Array] = {}
    precision: np.ndarray | None = None
    for name, parts in converted.items():
        parts.sort(key=lambda part: part[0].rank)
        values = _scaled(parts[0][1], parts[0][0].factor)
        for a, more, _parsed in parts[1:]:  # two boxes of one field: the first filled wins
            values = pc.coalesce(values, _scaled(more, a.factor))
        out[name] = values
        if BY_NAME[name].kind is Kind.DATE:
            found = [p.precision for _a, _v, p in parts if p is not None]
            if name == "date" and found and found[0] is not None:
                precision = found[0]
    _apply_weight_units(out, table, plan, findings)
    _fill_date_from_release(out, findings, plan)
    if precision is not None and "date" in out:
        labels = pa.array(np.array(PRECISIONS, dtype=object)[precision], type=pa.string())
        coarse = int((precision > 0).sum())
        out["date_precision"] = pc.if_else(pa.array(precision > 0), labels,
                                           pa.scalar(None, pa.string()))
        findings.warnings.append(
            f"The date of {rows_text(coarse)} is only a month, quarter or year: each is dated to "
            "the first day of its period, and figures that filter on dates say so.")

    missing_date = out["date"].is_null().to_numpy(zero_copy_only=False) & ~bad
    if missing_date.any():
        bad |= missing_date
        for i in np.flatnonzero(missing_date):
            reasons.setdefault(int(i), []).append("no date (a title, note or total line?)")

    extras = extra_names(grid.headers, {a.position: a.canonical for a in plan.assignments})
    for pos, name in extras.items():
        if pos < width and table.column(pos).null_count < table.num_rows:
            out[name] = clean_text(table.column(pos), name)
            findings.extras.append(grid.headers[pos] or name)

    keep = ~bad
    data = pa.table(out)
    if bad.any():
        data = data.filter(pa.array(keep))
    kept_rows = rows[keep]
    rejects = sorted((int(rows[i]), "; ".join(r)) for i, r in reasons.items())
    _note_missing(findings, data, kept_rows, plan, value_column)

    decl = declaration_keys(data)
    content = content_keys(data, only=decl == 0)
    n = data.num_rows
    data = data.append_column("source_file", _repeat(file_name, n))
    data = data.append_column("source_sha256", _repeat(sha256, n))
    data = data.append_column("source_sheet", _repeat(grid.sheet, n))
    data = data.append_column("source_row", pa.array(kept_rows, type=pa.int64()))
    names = {grid.headers[a.position]: a.canonical for a in plan.assignments
             if a.position < len(grid.headers)}
    return Batch(data, decl, content, rejects, blank_rows, names, findings)


def plan_from_positions(headers: list[str], mapping: dict[int, str]) -> MappingPlan:
    """A plan for a mapping given as positions (every column chosen outright)."""
    return MappingPlan([
        Assignment(pos, headers[pos] if pos < len(headers) else "", name, Confidence.HIGH,
                   "chosen by hand", Origin.CHOSEN)
        for pos, name in sorted(mapping.items())
    ])


def _scaled(values: pa.Array, factor: float) -> pa.Array:
    return values if factor == 1.0 else pc.multiply(values, pa.scalar(factor))


def _bad_share_warning(a: Assignment, parsed: ParsedColumn, rows: int) -> list[str]:
    """A warning when many cells of a column could not be read as its kind."""
    filled = int(parsed.values.notna().sum()) + parsed.bad_count
    if not filled or parsed.bad_count < max(3, 0.2 * filled):
        return []
    label = BY_NAME[a.canonical].label.lower()
    example = next(iter(parsed.reasons.values()), "")
    return [f"'{a.header}' ({label}): {parsed.bad_count:,} of {filled:,} filled cells could not "
            f"be read ({example}); those rows were rejected."]


def _apply_weight_units(out: dict[str, pa.Array], table: pa.Table, plan: MappingPlan,
                        findings: SheetFindings) -> None:
    """Weights whose unit column says LB, T or G are converted to kilograms row by row."""
    units = plan.weight_units
    if units is None or units.position >= table.num_columns:
        return
    raw = pc.utf8_lower(pc.utf8_trim_whitespace(table.column(units.position))).combine_chunks()
    dictionary = pc.dictionary_encode(raw)
    words = [("" if w is None else str(w)).strip(". ") for w in dictionary.dictionary.to_pylist()]
    factors = np.array([cols.WEIGHT_UNITS.get(w, np.nan) if w else 1.0 for w in words])
    indices = dictionary.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    per_row = np.where(indices >= 0, factors[np.maximum(indices, 0)] if len(factors) else 1.0,
                       1.0)
    unknown = np.isnan(per_row)
    converted = int(((per_row != 1.0) & ~unknown).sum())
    for name in units.applies_to:
        if name in out:
            values = out[name].to_numpy(zero_copy_only=False).astype(np.float64)
            scaled = values * np.nan_to_num(per_row, nan=1.0)
            out[name] = pa.array(scaled, type=pa.float64(), from_pandas=True)
    if converted:
        findings.warnings.append(
            f"The weight of {rows_text(converted)} was in another unit than kilograms "
            f"('{units.header}' names it row by row): converted to kilograms.")
    if unknown.any():
        odd = sorted({w for w, f in zip(words, factors, strict=True) if np.isnan(f)})
        findings.warnings.append(
            f"The weight unit of {rows_text(int(unknown.sum()))} is not one this version knows "
            f"({', '.join(repr(w) for w in odd[:5])}): the weight is kept as written.")


def _fill_date_from_release(out: dict[str, pa.Array], findings: SheetFindings,
                            plan: MappingPlan) -> None:
    """No registration date: the release date stands in, and the report says so."""
    release = out.get("release_date")
    if release is None:
        return
    header = plan.for_column("release_date")[0].header
    if "date" not in out:
        out["date"] = release
        findings.warnings.append(
            f"There is no registration date: the release date ('{header}') is used as the date.")
        return
    blanks = int(pc.sum(pc.and_(out["date"].is_null(), release.is_valid())).as_py() or 0)
    if blanks:
        out["date"] = pc.coalesce(out["date"], release)
        findings.warnings.append(
            f"The release date ('{header}') stands in for the registration date in "
            f"{rows_text(blanks)} where it is blank.")


def _note_missing(findings: SheetFindings, data: pa.Table, kept_rows: np.ndarray,
                  plan: MappingPlan, value_column: str) -> None:
    """Key columns not found, and rows kept with an empty value basis."""
    n = data.num_rows
    mapped = plan.mapped() | set(data.column_names)
    for column, consequence in KEY_COLUMNS.items():
        if column not in mapped:
            findings.missing.append(Missing(column, n, consequence))
    if value_column not in mapped:
        findings.missing.append(Missing(value_column, n, "totals"))
        return
    empty = data.column(value_column).is_null().to_numpy(zero_copy_only=False)
    if empty.any():
        findings.empty_value_count = int(empty.sum())
        findings.empty_value_rows = [int(r) for r in kept_rows[empty][:ROWS_LISTED]]


def nonblank_mask(table: pa.Table) -> np.ndarray:
    """Rows with at least one filled cell (wholly blank rows are passed over)."""
    if table.num_columns == 0:
        return np.zeros(table.num_rows, dtype=bool)
    blank = None
    for col in table.columns:
        empty = pc.is_null(col)
        blank = empty if blank is None else pc.and_(blank, empty)
    return ~_np_bool(blank)


def _drop_blank_rows(grid: Grid) -> pa.Table:
    mask = nonblank_mask(grid.table)
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
