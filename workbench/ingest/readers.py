"""Reading a file into raw text grids: one per sheet, every cell as a string.

Every cell is read as text first so that nothing is coerced in silence: identifiers keep their
leading zeros, a stray word in a number column becomes a rejected row with a reason rather
than an empty value, and header detection sees the title lines as they are.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from workbench.errors import ImportRefused, NotShipments
from workbench.ingest import encoding as enc
from workbench.ingest import package
from workbench.ingest.columns import best_matches
from workbench.ingest.package import SheetKind
from workbench.ingest.sandbox import read_sheets_isolated
from workbench.ingest.sandbox_child import START_ROW_KEY
from workbench.ingest.sniff import FileKind, display_name, refusal_for, sheet_problem

HEADER_SCAN_ROWS = 40
DELIMITERS = (";", ",", "\t", "|")


@dataclass
class Grid:
    """One sheet (or one text file) as strings, with the header row found or given."""

    file: Path
    sheet: str
    header_row: int  # 1-based row number of the header in the source
    headers: list[str]
    table: pa.Table  # data rows below the header; columns "0", "1", ... all strings
    row_numbers: np.ndarray  # 1-based source row of each data row
    ragged: list[tuple[int, str]] = field(default_factory=list)  # rows that could not be split
    options: dict[str, object] = field(default_factory=dict)


# -- header detection -------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header cell as compared with saved recipes: trimmed, spaces folded, lower case."""
    return " ".join(str(text).split()).lower()


def header_score(cells: list[str], known: frozenset[str] = frozenset()) -> int:
    """How much a row looks like a header: the summed match scores of its cells.

    Cells named in ``known`` (headers the reporter mapped by hand before) count as strong.
    """
    matched = best_matches(cells)
    score = sum(s for _name, s in matched.values())
    return score + sum(
        3 for pos, c in enumerate(cells) if pos not in matched and c and header_key(c) in known
    )


def find_header(rows: list[list[str]], known: frozenset[str] = frozenset()) -> int | None:
    """Index of the row that best reads as a header (None when none reads as one)."""
    best, best_score = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = header_score([str(c) if c is not None else "" for c in row], known)
        if score > best_score:
            best, best_score = i, score
    # Two clearly recognised columns (or three weak ones) make a header.
    return best if best_score >= 6 else None


# -- text files ------------------------------------------------------------------------------


def read_text(
    path: Path,
    data: bytes,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
) -> Grid:
    """Read a csv/tsv/txt extract: decode, find delimiter and header, split with Arrow."""
    chosen = encoding or enc.detect(data, path.name)
    text = enc.decode(data, chosen, path.name)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _unix_line_ends(text)
    head_lines = _first_lines(text, HEADER_SCAN_ROWS + 5)
    delim, head_rows = _choose_delimiter(head_lines, delimiter, known)
    index = header_row - 1 if header_row else find_header(head_rows, known)
    if index is None:
        raise _no_columns(path)
    headers = [h.strip() for h in head_rows[index]]
    names = [str(i) for i in range(len(headers))]
    ragged: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        ragged.append(
            (number, f"has {row.actual_columns} fields where the header has {len(headers)}")
        )
        return "skip"

    utf8 = text.encode("utf-8")
    table = pacsv.read_csv(
        io.BytesIO(utf8),
        read_options=pacsv.ReadOptions(
            skip_rows=index + 1, column_names=names, use_threads=False, block_size=1 << 20
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delim,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    bad_rows = np.array(sorted(r for r, _ in ragged), dtype=np.int64)
    row_numbers = _surviving_rows(index + 2, table.num_rows, bad_rows)
    return Grid(
        file=path,
        sheet="",
        header_row=index + 1,
        headers=headers,
        table=table,
        row_numbers=row_numbers,
        ragged=ragged,
        options={"encoding": chosen, "delimiter": delim},
    )


#: How much of a text is looked at to tell its line ends.
_LINE_END_SCAN = 64 * 1024


def _unix_line_ends(text: str) -> str:
    """``text`` with old Mac line ends (a bare CR) turned into LF; other texts as they are.

    Only a text whose start has CRs and no LF at all is changed, in one pass: there, a CR is
    the line end, also inside a quoted cell that spans lines.
    """
    head = text[:_LINE_END_SCAN]
    if "\r" in head and "\n" not in head:
        return text.replace("\r", "\n")
    return text


def _surviving_rows(first: int, count: int, skipped: np.ndarray) -> np.ndarray:
    """Row numbers of the rows Arrow kept, given the numbers of the rows it skipped."""
    total = count + len(skipped)
    numbers = np.arange(first, first + total, dtype=np.int64)
    if len(skipped):
        numbers = numbers[~np.isin(numbers, skipped)]
    return numbers


def _first_lines(text: str, n: int) -> str:
    end = 0
    for _ in range(n):
        nxt = text.find("\n", end)
        if nxt < 0:
            return text
        end = nxt + 1
    return text[:end]


def _choose_delimiter(
    head: str, given: str | None, known: frozenset[str]
) -> tuple[str, list[list[str]]]:
    """The delimiter whose split of the first lines yields the most header-like row."""
    candidates = (given,) if given else DELIMITERS
    best: tuple[int, int, str, list[list[str]]] | None = None
    for delim in candidates:
        rows = list(csv.reader(io.StringIO(head), delimiter=delim))
        score = max((header_score(r, known) for r in rows[:HEADER_SCAN_ROWS]), default=0)
        widths = [len(r) for r in rows if len(r) > 1]
        consistency = max((widths.count(w) for w in set(widths)), default=0)
        key = (score, consistency, delim, rows)
        if best is None or key[:2] > best[:2]:
            best = key
    assert best is not None
    return best[2], best[3]


def _no_columns(path: Path, sheet: str = "") -> NotShipments:
    """Readable, but no header of an extract: it can be kept as a source instead."""
    where = f"sheet {sheet!r} of {path.name}" if sheet else path.name
    return NotShipments(
        f"No recognisable customs columns (date, sender, goods, value) were found in {where}; "
        'give the header row and map the columns by hand (workbench import --header-row N '
        '--map "HEADER=date" ..., or the import dialog).',
        missing=("date", "sender", "origin_country", "hs_code", "description"),
    )


# -- workbooks -------------------------------------------------------------------------------


def read_workbook(
    path: Path,
    kind: FileKind,
    *,
    header_row: int | None = None,
    known: frozenset[str] = frozenset(),
    cancel: Callable[[], bool] | None = None,
) -> tuple[list[Grid], list[str]]:
    """Every sheet with a recognisable header, and notes on the sheets passed over.

    The workbook is parsed in a child process (``sandbox``): a hostile file that makes the
    Rust readers abort or hang costs the child, not the reporter's window. A chart sheet, or
    a sheet the reader fails on beside good ones, is passed over with a note saying why; when
    no sheet could be read because the reader failed on them, the first failure is the refusal.
    """
    info = _xlsx_info(path) if kind is FileKind.XLSX else {}
    grids: list[Grid] = []
    skipped: list[str] = []
    failures: list[BaseException] = []
    for sheet in read_sheets_isolated(path, cancel=cancel):
        name, table = sheet.name, sheet.table
        if sheet.kind is not SheetKind.WORKSHEET:
            skipped.append(f"sheet {name!r} is {_NOT_TABLES[sheet.kind]}, not a table")
            continue
        if table is None:
            error = sheet.error or RuntimeError("the reader failed on this sheet")
            failures.append(error)
            skipped.append(f"sheet {name!r} {sheet_problem(error, path)}")
            continue
        if table.num_rows == 0:
            skipped.append(f"sheet {name!r} is empty")
            continue
        first_row = _first_row(table, info, name)  # before renaming drops the metadata
        table = table.rename_columns([str(i) for i in range(table.num_columns)])
        head = table.slice(0, HEADER_SCAN_ROWS + 5).to_pylist()
        head_rows = [[row[k] or "" for k in table.column_names] for row in head]
        index = header_row - 1 if header_row else find_header(head_rows, known)
        if index is None:
            skipped.append(f"sheet {name!r} has no recognisable columns")
            continue
        data = table.slice(index + 1)
        grids.append(
            Grid(
                file=path,
                sheet=name,
                header_row=first_row + index,
                headers=[str(h).strip() for h in head_rows[index]],
                table=data,
                row_numbers=np.arange(
                    first_row + index + 1, first_row + index + 1 + data.num_rows, dtype=np.int64
                ),
                options={"date1904": bool(info.get("date1904", False))},
            )
        )
    if not grids:
        if failures:
            raise refusal_for(failures[0], path)
        if not any("has no recognisable columns" in s for s in skipped):
            raise ImportRefused(NO_DATA.format(name=display_name(path)))
        raise _no_columns(path)
    return grids, skipped


NO_DATA = "{name} has no data in any sheet; check that it is the file you meant to import."
_NOT_TABLES = {
    SheetKind.CHART: "a chart",
    SheetKind.DIALOG: "a dialog sheet",
    SheetKind.MACRO: "a macro sheet",
}


def sheet_first_rows(
    path: Path, kind: FileKind, sheets: list[tuple[str, pa.Table]]
) -> dict[str, int]:
    """Each sheet's first row number as a spreadsheet program shows it (fastexcel drops
    leading empty rows), for tables read with :func:`read_sheets_isolated`."""
    info = _xlsx_info(path) if kind is FileKind.XLSX else {}
    return {name: _first_row(table, info, name) for name, table in sheets}


# The first <row r="N"> whose cells hold a value (<v>, inline <is> or <t>) before </row>.
_ROW_WITH_VALUE = re.compile(
    rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"[^>]*>'
    rb"(?:(?!</(?:\w+:)?row>).)*?<(?:\w+:)?(?:v|is|t)\b",
    re.S,
)


def _xlsx_info(path: Path) -> dict[str, object]:
    """The 1904 date flag and, per sheet, the first row holding a value (read from the XML).

    The workbook part is the one the package's relationships name, wherever it is stored.
    """
    first_rows: dict[str, int] = {}
    with zipfile.ZipFile(path) as zf:
        main = package.main_part(zf) or "xl/workbook.xml"
        date1904 = package.date1904(zf, main)
        for sheet in package.sheets(zf, main):
            if sheet.kind is not SheetKind.WORKSHEET or sheet.part is None:
                continue
            with zf.open(sheet.part) as fh:
                head = fh.read(1 << 20)
            match = _ROW_WITH_VALUE.search(head)
            if match:
                first_rows[sheet.name] = int(match.group(1))
    return {"date1904": date1904, "first_rows": first_rows}


def _first_row(table: pa.Table, info: dict[str, object], sheet: str) -> int:
    """The source row of the table's first row: fastexcel drops leading empty rows."""
    first_rows = info.get("first_rows")
    if isinstance(first_rows, dict) and sheet in first_rows:
        return int(first_rows[sheet])
    meta = table.schema.metadata or {}
    value = meta.get(START_ROW_KEY.encode())
    return int(value) if value else 1
