"""What an import would read, shown before anything is written: the preview of a file.

``preview_file`` reads the file through the importer's own path (:func:`read_grids`, then
:func:`column_mapping` with the case's saved recipe), so the header row, the columns and the
mapping it shows are the ones :func:`import_file` will use with the same options. It never
writes to the case.

Typical use::

    preview = preview_file(case, path, ImportOptions(encoding="cp1251"))
    sheet = preview.sheets[0]
    sheet.header_row, sheet.mapping   # 3, {"G46 (Статистическая…)": "stat_value_usd", ...}
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pyarrow as pa

from workbench.ingest.readers import HEADER_SCAN_ROWS, Grid
from workbench.ingest.sniff import FileKind, sniff
from workbench.services.importing import ImportOptions, column_mapping, read_grids
from workbench.store import recipes
from workbench.store.case import CaseFile

#: Data rows shown below the header.
PREVIEW_ROWS = 50
#: The highest header row the readers look at (they scan this many rows of each sheet).
MAX_HEADER_ROW = HEADER_SCAN_ROWS + 5
#: Bytes of a text file decoded again to show the title lines above its header.
_TEXT_HEAD_BYTES = 1 << 20


class RowRole(StrEnum):
    TITLE = "title"  # above the header: titles, periods, blank lines; not imported
    HEADER = "header"
    DATA = "data"


class MappingOrigin(StrEnum):
    DETECTED = "detected"  # from the header's box code or words
    RECIPE = "recipe"  # from the mapping saved when a file of this layout was imported
    CHOSEN = "chosen"  # from the reporter's own mapping (ImportOptions.mapping)
    NONE = ""  # kept as an extra column under its own name


@dataclass(frozen=True)
class ColumnPreview:
    """One column of the file and the canonical column it will fill ("" = kept as is)."""

    position: int
    header: str
    canonical: str
    origin: MappingOrigin


@dataclass
class SheetPreview:
    """The first rows of one sheet (or of a text file) as the import will read them."""

    sheet: str  # "" for a text file
    header_row: int  # 1-based row of the header in the source (the sheet's own row number)
    header_option: int  # the ImportOptions.header_row value that selects this header
    headers: list[str]
    columns: list[ColumnPreview]
    rows: list[list[str]]  # title rows, the header row, then the first data rows
    row_numbers: list[int]  # the source row of each of ``rows``
    roles: list[RowRole]
    data_rows: int  # rows below the header that the import will read
    ragged: int  # rows that could not be split into the header's columns (rejected)
    date_order: str | None  # the order for ambiguous slash dates, if one is set
    warnings: list[str] = field(default_factory=list)

    @property
    def mapping(self) -> dict[str, str]:
        """Header -> canonical name, for the columns that fill a canonical column."""
        return {c.header: c.canonical for c in self.columns if c.canonical}

    @property
    def title_rows(self) -> int:
        return self.roles.count(RowRole.TITLE)


@dataclass
class Preview:
    """A file as the import would read it with the given options."""

    file: str
    kind: FileKind
    sheets: list[SheetPreview]
    notes: list[str]  # sheets passed over, and why
    encoding: str | None = None  # text files: the encoding used (detected or chosen)
    delimiter: str | None = None  # text files: the delimiter used (detected or chosen)

    @property
    def is_text(self) -> bool:
        return self.kind is FileKind.TEXT


def preview_file(
    case: CaseFile | None,
    path: Path,
    options: ImportOptions | None = None,
    *,
    rows: int = PREVIEW_ROWS,
    cancelled: Callable[[], bool] | None = None,
) -> Preview:
    """Read ``path`` as :func:`import_file` would into ``case`` and describe the result.

    The saved recipes of ``case`` (none without a case) take part as they do in the import.
    Raises :class:`ImportRefused` with one sentence for a file the import would refuse, and
    :class:`ImportCancelled` when ``cancelled`` returns True while a workbook is read.
    """
    path = Path(path)
    options = options or ImportOptions()
    kind = sniff(path)
    known = recipes.known_headers(case.conn) if case is not None else frozenset()
    grids, notes = read_grids(path, options, known, kind, cancelled)
    sheets = [_sheet_preview(case, grid, options, rows) for grid in grids]
    first = grids[0].options
    return Preview(
        file=path.name,
        kind=kind,
        sheets=sheets,
        notes=list(notes),
        encoding=str(first["encoding"]) if kind is FileKind.TEXT else None,
        delimiter=str(first["delimiter"]) if kind is FileKind.TEXT else None,
    )


def _sheet_preview(
    case: CaseFile | None, grid: Grid, options: ImportOptions, rows: int
) -> SheetPreview:
    recipe = recipes.find(case.conn, recipes.signature(grid.headers)) if case else None
    columns = _columns(grid, recipe, options.mapping)
    above = _rows_above(grid)
    title = above[:-1]
    first_row = grid.header_row - len(title)
    data = grid.table.slice(0, rows)
    data_rows = [_cells(row.values()) for row in data.to_pylist()]
    saved_order = recipe.options.get("date_order") if recipe else None
    warnings = []
    if not any(c.canonical == "date" for c in columns):
        warnings.append("No column is mapped to Date: the import will refuse this sheet.")
    return SheetPreview(
        sheet=grid.sheet,
        header_row=grid.header_row,
        header_option=grid.header_row if _is_text(grid) or not above else len(above),
        headers=list(grid.headers),
        columns=columns,
        rows=[*title, list(grid.headers), *data_rows],
        row_numbers=[
            *range(first_row, grid.header_row + 1),
            *(int(n) for n in grid.row_numbers[: len(data_rows)]),
        ],
        roles=[RowRole.TITLE] * len(title) + [RowRole.HEADER] + [RowRole.DATA] * len(data_rows),
        data_rows=grid.table.num_rows,
        ragged=len(grid.ragged),
        date_order=options.date_order or (str(saved_order) if saved_order else None),
        warnings=warnings,
    )


def _columns(
    grid: Grid, recipe: recipes.Recipe | None, override: dict[str, str]
) -> list[ColumnPreview]:
    """Each column's canonical name and which layer of the mapping decided it."""
    detected = column_mapping(grid, None, {})
    saved = column_mapping(grid, recipe, {}) if recipe else detected
    final = column_mapping(grid, recipe, override)
    out = []
    for pos, header in enumerate(grid.headers):
        name = final.get(pos, "")
        if name != saved.get(pos, ""):
            origin = MappingOrigin.CHOSEN
        elif name != detected.get(pos, ""):
            origin = MappingOrigin.RECIPE
        else:
            origin = MappingOrigin.DETECTED if name else MappingOrigin.NONE
        out.append(ColumnPreview(pos, header, name, origin))
    return out


def _rows_above(grid: Grid) -> list[list[str]]:
    """The source rows from the first one to the header, both included ([] if unknown).

    A text file's rows are split again from its head with the encoding and delimiter the
    reader used. A workbook grid's table is a zero-copy slice of the sheet below the header,
    so the rows above it are still in the buffers of each column's first chunk; they are
    rebuilt from there and checked against the header, which is the last of them.
    """
    above = _text_rows_above(grid) if _is_text(grid) else _sliced_rows_above(grid.table)
    if not above or [c.strip() for c in above[-1]] != grid.headers:
        return []
    return above


def _text_rows_above(grid: Grid) -> list[list[str]]:
    with grid.file.open("rb") as fh:
        head = fh.read(_TEXT_HEAD_BYTES)
        final = not fh.read(1)
    try:
        decoder = codecs.getincrementaldecoder(str(grid.options["encoding"]))("strict")
        text = decoder.decode(head, final=final)
    except (LookupError, UnicodeDecodeError):
        return []
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=str(grid.options["delimiter"]))
    out: list[list[str]] = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= grid.header_row:
                break
    except csv.Error:
        return []
    return out if len(out) == grid.header_row else []


def _sliced_rows_above(table: pa.Table) -> list[list[str]]:
    columns: list[list[object]] = []
    for column in table.columns:
        if column.num_chunks == 0:
            return []
        chunk = column.chunk(0)
        if chunk.offset == 0 or (columns and chunk.offset != len(columns[0])):
            return []
        try:
            whole = pa.Array.from_buffers(chunk.type, chunk.offset, chunk.buffers(), offset=0)
        except (pa.ArrowException, ValueError, TypeError):  # a layout not rebuilt this way
            return []
        columns.append(whole.to_pylist())
    if not columns:
        return []
    return [_cells(cells) for cells in zip(*columns, strict=True)]


def _is_text(grid: Grid) -> bool:
    return "delimiter" in grid.options


def _cells(values: Iterable[object]) -> list[str]:
    return ["" if v is None else str(v) for v in values]
