"""Any spreadsheet as plain tables of text: for sources that are not customs extracts.

A company-registry excerpt, a price list or a sanctions list is kept as it is: every sheet,
every cell as text, each row with the number a spreadsheet program shows for it. Nothing is
mapped or typed. Workbooks are parsed only in the sandboxed child (``sandbox``), never in this
process; csv/tsv/txt tables are split here with the standard library, which cannot crash.

Reading is bounded: at most ``MAX_ROWS`` rows and ``MAX_CELLS`` cells of each sheet are kept
(``SheetTable.total_rows`` says how many the sheet has), and the text for the search index
(:func:`row_texts`) stops at ``INDEX_MAX_CELLS`` non-empty cells or ``INDEX_MAX_CHARS``
characters over the whole file, saying so.

Typical use::

    sheets = read_tables("registry.xlsx", data)   # None: not a table (a .txt of prose)
    index = row_texts(sheets)                     # (sheet, row, text) per non-empty row
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import ImportRefused
from workbench.ingest import encoding as enc
from workbench.ingest.readers import sheet_first_rows
from workbench.ingest.sandbox import read_sheets_isolated
from workbench.ingest.sniff import FileKind, sniff

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
TEXT_TABLE_SUFFIXES = frozenset({".csv", ".tsv"})
#: A .txt is a table only when its lines split into the same number of fields.
MAYBE_TABLE_SUFFIXES = frozenset({".txt"})
TABLE_SUFFIXES = WORKBOOK_SUFFIXES | TEXT_TABLE_SUFFIXES | MAYBE_TABLE_SUFFIXES

#: Rows of one sheet kept for the table view and the index.
MAX_ROWS = 100_000
#: Cells of one sheet kept (rows x columns); a very wide sheet keeps fewer rows.
MAX_CELLS = 5_000_000
#: Non-empty cells, and characters, of the whole file that go into the search index.
INDEX_MAX_CELLS = 1_000_000
INDEX_MAX_CHARS = 16_000_000
#: How long the sandboxed reader may take on a workbook kept as a source.
READ_SECONDS = 120.0

_DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_LINES = 50
_SEPARATOR = " | "
_RUNS = re.compile(r"(?: \| ){2,}")
_NUMBERISH = re.compile(r"^[\d\s.,:/+\-%()$€£₽]*$")
_HEADER_SCAN = 20


@dataclass(frozen=True)
class SheetTable:
    """One sheet (or a text file) as kept: string columns, and each row's number in the sheet.

    ``columns`` hold the first rows only (nulls for empty cells); ``total_rows`` counts every
    row the sheet has, so ``total_rows > len(row_numbers)`` means the sheet was cut.
    ``stopped`` is set when reading a text file ended early (a malformed line), in words.
    """

    name: str  # "" for a text file
    columns: tuple[pa.Array, ...]
    row_numbers: np.ndarray  # int64, 1-based
    total_rows: int
    stopped: str | None = None

    @property
    def kept_rows(self) -> int:
        return len(self.row_numbers)

    @property
    def cut(self) -> bool:
        return self.stopped is not None or self.total_rows > self.kept_rows

    def cells(self, row: int) -> list[str]:
        """The text of one kept row (by position), empty cells as ""."""
        return [c[row].as_py() or "" for c in self.columns]


@dataclass(frozen=True)
class RowText:
    sheet: int  # position of the sheet in the file
    sheet_name: str
    row: int  # the row's number in the sheet
    text: str  # the row's non-empty cells, joined by " | "


@dataclass(frozen=True)
class CellIndex:
    """The text of a file's rows for the search index, and whether it was cut short."""

    rows: list[RowText]
    cells: int  # non-empty cells indexed
    cut: bool  # some rows the file holds are not in ``rows``


def is_table_name(name: str) -> bool:
    """Whether a file of this name is read as a spreadsheet (a .txt: if its lines split)."""
    return Path(name).suffix.lower() in TABLE_SUFFIXES


def read_tables(
    name: str, data: bytes, *, cancel: Callable[[], bool] | None = None,
    timeout: float = READ_SECONDS,
) -> list[SheetTable] | None:
    """Every sheet of the file as kept tables; None when the file is not a table.

    Raises :class:`ImportRefused` (one sentence) when a spreadsheet cannot be read: damaged,
    hostile, encrypted, too slow. Workbooks are written to a private temporary folder and
    parsed by the sandboxed child only.
    """
    suffix = Path(name).suffix.lower()
    folder = Path(tempfile.mkdtemp(prefix="workbench-table-"))
    try:
        path = folder / (Path(name).name or "source")
        path.write_bytes(data)
        path.chmod(0o600)
        kind = sniff(path)  # refuses renamed PDFs, zip bombs, encrypted files in one sentence
        if kind is not FileKind.TEXT:
            return _read_workbook(path, kind, cancel, timeout)
        if suffix in WORKBOOK_SUFFIXES:
            raise ImportRefused(f"{Path(name).name} is text, not the workbook its name says.")
        return _read_text(name, data, strict=suffix in MAYBE_TABLE_SUFFIXES)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _keep_limit(width: int) -> int:
    return max(1, min(MAX_ROWS, MAX_CELLS // max(width, 1)))


def _read_workbook(
    path: Path, kind: FileKind, cancel: Callable[[], bool] | None, timeout: float,
) -> list[SheetTable]:
    reads = read_sheets_isolated(path, cancel=cancel, timeout=timeout)
    # Chart sheets hold no table, and a sheet the reader failed on is passed over; when no
    # sheet could be read, the reader's own failure is the refusal.
    sheets = [(sheet.name, sheet.table) for sheet in reads if sheet.table is not None]
    failures = [sheet.error for sheet in reads if sheet.error is not None]
    if not sheets and failures:
        raise failures[0]
    first_rows = sheet_first_rows(path, kind, sheets)
    out = []
    for name, table in sheets:
        keep = min(table.num_rows, _keep_limit(table.num_columns))
        kept = table.slice(0, keep)
        columns = tuple(
            _as_string(kept.column(i).combine_chunks()) for i in range(kept.num_columns))
        start = first_rows.get(name, 1)
        out.append(SheetTable(name=name, columns=columns,
                              row_numbers=np.arange(start, start + keep, dtype=np.int64),
                              total_rows=table.num_rows))
    return out


def _as_string(array: pa.Array) -> pa.Array:
    return array if array.type == pa.string() else array.cast(pa.string())


# -- text tables ---------------------------------------------------------------------------


def _encoding(name: str, data: bytes) -> str | None:
    """The detected encoding, or None when detection cannot tell (then UTF-8 is tried)."""
    try:
        return enc.detect(data, name)
    except ImportRefused:
        return None


def _lines(data: bytes, encoding: str, errors: str) -> io.TextIOWrapper:
    """The text decoded as it is read (a whole decoded copy of a large file is not made)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors, newline="")


def choose_delimiter(lines: list[str], suffix: str) -> tuple[str, int, float]:
    """The delimiter that splits the sample lines most consistently: (delimiter, fields per
    line, share of the lines with that many fields)."""
    if suffix == ".tsv":
        candidates: tuple[str, ...] = ("\t",)
    else:
        candidates = _DELIMITERS
    best = (candidates[0], 1, 0.0)
    sample = [line for line in lines if line.strip()]
    if not sample:
        return best
    for delimiter in candidates:
        widths = [len(r) for r in csv.reader(sample, delimiter=delimiter)]
        width, count = Counter(widths).most_common(1)[0]
        share = count / len(widths)
        if width > 1 and (share, width) > (best[2], best[1]):
            best = (delimiter, width, share)
    return best


def _read_text(name: str, data: bytes, *, strict: bool) -> list[SheetTable] | None:
    """Split a text table, in its detected encoding; if a byte does not fit that encoding,
    read it again with replacement marks (UTF-8 files then as cp1251, as documents are)."""
    detected = _encoding(name, data)
    encoding = detected or "utf-8-sig"
    head = data[: 1 << 20].decode(encoding, errors="replace").lstrip("\ufeff")
    sample = head.splitlines()[:_SAMPLE_LINES]
    delimiter, width, share = choose_delimiter(sample, Path(name).suffix.lower())
    if strict and (width < 2 or share < 0.8 or len([h for h in sample if h.strip()]) < 2):
        return None  # a .txt of prose: indexed as text, not as a table
    try:
        return [_split(_lines(data, encoding, "strict"), delimiter)]
    except UnicodeDecodeError:
        fallback = "cp1251" if encoding.startswith("utf-8") else encoding
        return [_split(_lines(data, fallback, "replace"), delimiter)]


def _split(lines: io.TextIOWrapper, delimiter: str) -> SheetTable:
    """The first rows of a text table (within ``MAX_ROWS`` and ``MAX_CELLS``) and the count of
    all of them; a malformed line ends the reading, which ``stopped`` says."""
    reader = csv.reader(lines, delimiter=delimiter)
    rows: list[list[str]] = []
    cells = total = 0
    stopped = None
    keeping = True
    try:
        for row in reader:
            total += 1
            if keeping and len(rows) < MAX_ROWS and cells + len(row) <= MAX_CELLS:
                rows.append(row)
                cells += len(row)
            else:
                keeping = False  # cut here: later rows are only counted
    except csv.Error as exc:
        stopped = f"reading stopped at row {total + 1:,}: {exc}"
    if rows and rows[0] and rows[0][0].startswith("\ufeff"):
        rows[0][0] = rows[0][0][1:]
    width = max((len(r) for r in rows), default=0)
    columns = tuple(
        pa.array([(r[i] if i < len(r) and r[i] != "" else None) for r in rows], type=pa.string())
        for i in range(width)
    )
    return SheetTable(name="", columns=columns,
                      row_numbers=np.arange(1, len(rows) + 1, dtype=np.int64),
                      total_rows=total, stopped=stopped)


# -- the index and the column titles --------------------------------------------------------


def _row_strings(sheet: SheetTable) -> tuple[pa.Array, np.ndarray]:
    """Each kept row's non-empty cells joined, and the number of non-empty cells per row."""
    n = sheet.kept_rows
    if not sheet.columns or n == 0:
        return pa.array([""] * n, type=pa.string()), np.zeros(n, dtype=np.int64)
    trimmed = [pc.fill_null(pc.utf8_trim_whitespace(c), "") for c in sheet.columns]
    counts = np.zeros(n, dtype=np.int64)
    for column in trimmed:
        counts += np.asarray(pc.greater(pc.utf8_length(column), 0), dtype=np.int64)
    joined = trimmed[0] if len(trimmed) == 1 else pc.binary_join_element_wise(
        *trimmed, _SEPARATOR)
    joined = pc.replace_substring_regex(joined, _RUNS.pattern, _SEPARATOR)
    joined = pc.utf8_trim(joined, " |")
    return joined, counts


def row_texts(
    sheets: list[SheetTable], *, max_cells: int | None = None, max_chars: int | None = None,
) -> CellIndex:
    """The non-empty rows of every sheet as text, in order, until a bound is reached
    (``INDEX_MAX_CELLS`` and ``INDEX_MAX_CHARS`` unless given)."""
    max_cells = INDEX_MAX_CELLS if max_cells is None else max_cells
    max_chars = INDEX_MAX_CHARS if max_chars is None else max_chars
    rows: list[RowText] = []
    cells = chars = 0
    cut = any(s.cut for s in sheets)
    for position, sheet in enumerate(sheets):
        if cells >= max_cells or chars >= max_chars:
            cut = cut or sheet.kept_rows > 0
            continue
        joined, counts = _row_strings(sheet)
        lengths = np.asarray(pc.utf8_length(joined), dtype=np.int64)
        fits = ((np.cumsum(counts) + cells <= max_cells)
                & (np.cumsum(lengths) + chars <= max_chars))
        take = int(np.argmin(fits)) if not fits.all() else len(fits)
        if take < len(fits):
            cut = True
        keep = np.flatnonzero(counts[:take] > 0)
        texts = joined.take(pa.array(keep, type=pa.int64())).to_pylist()
        numbers = sheet.row_numbers[keep].tolist()
        rows.extend(RowText(position, sheet.name, int(r), str(t))
                    for r, t in zip(numbers, texts, strict=True))
        cells += int(counts[:take].sum())
        chars += int(lengths[:take].sum())
    return CellIndex(rows=rows, cells=cells, cut=cut)


def find_header(sheet: SheetTable) -> int | None:
    """The first of the top rows that reads as column titles: as wide as the widest of them
    (within a fifth), two cells at least, none of them a number, with a row below it."""
    top = min(sheet.kept_rows, _HEADER_SCAN)
    if top < 2:
        return None
    rows = [sheet.cells(i) for i in range(top)]
    widths = [sum(1 for c in r if c.strip()) for r in rows]
    widest = max(widths)
    if widest < 2:
        return None
    for i, (row, filled) in enumerate(zip(rows[:-1], widths[:-1], strict=True)):
        if filled >= max(2, 0.8 * widest) and not any(
                _NUMBERISH.match(c.strip()) for c in row if c.strip()):
            return i
    return None
