"""What an import would read, shown before anything is written: the preview of a file.

``preview_file`` reads the file through the importer's own path (:func:`read_grids`, then
:func:`plan_columns` with the case's saved recipe), so the header row, the columns and the
mapping it shows are the ones :func:`import_file` will use with the same options. It never
writes to the case.

Each sheet says, before anything is imported, what the import report would say after: every
column with its confidence and why, three sample values, the key columns of the story that
no column fills (each with the sentence the report uses and the unmapped columns that could
fill it, best content fit first), the mapping's notes and choices, and the total of the case's
value column over the rows the import keeps (:mod:`workbench.services.value_total`).

Typical use::

    preview = preview_file(case, path, ImportOptions(encoding="cp1251"))
    sheet = preview.sheets[0]
    sheet.header_row, sheet.mapping   # 3, {"G46 (Статистическая…)": "stat_value_usd", ...}
    [m.sentence for m in sheet.missing]   # ["origin country was not found: figures by …"]
    sheet.value_total.sentence()      # "Statistical value, USD: 15,431,906.12 over 1,140 rows"
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
import pyarrow.compute as pc

from workbench.errors import NotShipments
from workbench.ingest import columns as cols
from workbench.ingest.columns import BY_NAME
from workbench.ingest.content import fit, profile
from workbench.ingest.findings import KEY_COLUMNS, Missing
from workbench.ingest.mapping import Confidence, MappingPlan, Origin
from workbench.ingest.normalise import check_shipments
from workbench.ingest.readers import HEADER_SCAN_ROWS, Grid
from workbench.ingest.sniff import FileKind, sniff
from workbench.services.importing import ImportOptions, plan_columns, read_grids
from workbench.services.value_total import RowsRead, ValueTotal, rows_read
from workbench.store import recipes
from workbench.store.case import CaseFile

#: Data rows shown below the header.
PREVIEW_ROWS = 50
#: The highest header row the readers look at (they scan this many rows of each sheet).
MAX_HEADER_ROW = HEADER_SCAN_ROWS + 5
#: Bytes of a text file decoded again to show the title lines above its header.
_TEXT_HEAD_BYTES = 1 << 20
#: Sample values shown for each column.
SAMPLES = 3
#: Rows looked at first for a column's samples (the whole column only if they are blank).
_SAMPLE_HEAD = 400
#: The value basis when there is no case to ask.
DEFAULT_VALUE_COLUMN = "stat_value_usd"


class RowRole(StrEnum):
    TITLE = "title"  # above the header: titles, periods, blank lines; not imported
    HEADER = "header"
    DATA = "data"


class MappingOrigin(StrEnum):
    DETECTED = "detected"  # from the header's box code or words
    RECIPE = "recipe"  # from the mapping saved when a file of this layout was imported
    CHOSEN = "chosen"  # from the reporter's own mapping (ImportOptions.mapping)
    NONE = ""  # kept as an extra column under its own name


_ORIGINS = {Origin.DETECTED: MappingOrigin.DETECTED, Origin.RECIPE: MappingOrigin.RECIPE,
            Origin.CHOSEN: MappingOrigin.CHOSEN}


@dataclass(frozen=True)
class ColumnPreview:
    """One column of the file and the canonical column it will fill ("" = kept as is)."""

    position: int
    header: str
    canonical: str
    origin: MappingOrigin
    confidence: Confidence | None = None  # None for a column kept as an extra
    why: str = ""  # "G-code G46", "its words; but it holds …", "chosen by hand"
    samples: tuple[str, ...] = ()  # the first non-blank values, as the file has them


@dataclass(frozen=True)
class Offer:
    """A column of the sheet that could fill a missing key column."""

    position: int
    header: str
    fit: float  # how well its contents fit the field, 0 to 1
    why: str  # why it may not fit ("holds 'KYUNGKI' and the like, not countries"), or ""
    samples: tuple[str, ...] = ()


@dataclass(frozen=True)
class MissingColumn:
    """A key column of the story that no column of the sheet fills, and what to map to it."""

    column: str  # canonical name
    rows: int  # the rows of the sheet that figures relying on it will leave out
    sentence: str  # the import report's words: "origin country was not found: …"
    offers: tuple[Offer, ...] = ()  # unmapped columns, best content fit first
    refuses: bool = False  # without it the import refuses the sheet (the date)

    @property
    def label(self) -> str:
        return BY_NAME[self.column].label


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
    warnings: list[str] = field(default_factory=list)  # notes and choices of the mapping, …
    missing: list[MissingColumn] = field(default_factory=list)  # key columns not found
    value_column: str = DEFAULT_VALUE_COLUMN  # the case's value basis
    value_total: ValueTotal | None = None  # the value basis over the rows kept (None: no column)
    rows_kept: int = 0  # rows the import keeps, as far as dates and values tell
    no_date: int = 0  # rows without a readable date (title, note or total lines): rejected

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
    plan = plan_columns(grid, recipe, options.mapping)
    columns = _columns(grid, plan, options.mapping)
    above = _rows_above(grid)
    title = above[:-1]
    first_row = grid.header_row - len(title)
    data = grid.table.slice(0, rows)
    data_rows = [_cells(row.values()) for row in data.to_pylist()]
    saved_order = recipe.options.get("date_order") if recipe else None
    date_order = options.date_order or (str(saved_order) if saved_order else None)
    value_column = (case.meta("value_column") if case else None) or DEFAULT_VALUE_COLUMN
    read = rows_read(grid, plan, value_column=value_column, date_order=date_order)
    warnings = [*plan.notes, *(c.sentence() for c in plan.choices)]
    if read.dates_undecided:
        warnings.append(read.dates_undecided)
    if read.no_date:
        rows_have = "1 row has" if read.no_date == 1 else f"{read.no_date:,} rows have"
        warnings.append(f"{rows_have} no date the import can read (title, note or total "
                        "lines?): rejected, not added up.")
    missing = _missing(grid, plan, columns, value_column, read)
    if not any(m.refuses for m in missing):
        try:
            check_shipments(grid, plan, grid.file.name)
        except NotShipments as exc:
            warnings.append(str(exc))
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
        date_order=date_order,
        warnings=warnings,
        missing=missing,
        value_column=value_column,
        value_total=read.value,
        rows_kept=read.kept,
        no_date=read.no_date,
    )


def _columns(grid: Grid, plan: MappingPlan, override: dict[str, str]) -> list[ColumnPreview]:
    """Each column's canonical name, how sure the mapping is, and which layer decided it."""
    assigned = {a.position: a for a in plan.assignments}
    out = []
    for pos, header in enumerate(grid.headers):
        a = assigned.get(pos)
        name = a.canonical if a else ""
        detected = plan.detected.get(pos, "")
        if a is not None:
            origin = _ORIGINS[a.origin]
        elif detected:  # set aside by a layer: kept by hand, or its field given to another
            chosen = header in override or detected in override.values()
            origin = MappingOrigin.CHOSEN if chosen else MappingOrigin.RECIPE
        else:
            origin = MappingOrigin.NONE
        out.append(ColumnPreview(
            pos, header, name, origin,
            confidence=a.confidence if a else None,
            why=a.why if a else "",
            samples=_samples(grid.table, pos),
        ))
    return out


def _missing(grid: Grid, plan: MappingPlan, columns: list[ColumnPreview], value_column: str,
             read: RowsRead) -> list[MissingColumn]:
    """The key columns no column fills, with the report's sentence and what could fill them."""
    mapped = plan.mapped()
    wanted = [c for c in KEY_COLUMNS if c not in mapped]
    if "date" in wanted and "release_date" in mapped:
        wanted.remove("date")  # the release date stands in, and the import says so
    if value_column not in mapped:
        wanted.append(value_column)
    free = [c for c in columns if not c.canonical]
    out = []
    for name in wanted:
        if name == "date":
            sentence = ("date was not found: the import will refuse this sheet until a column "
                        "is mapped to Date")
        else:
            consequence = KEY_COLUMNS.get(name, "totals")
            sentence = Missing(name, read.kept, consequence).sentence()
        out.append(MissingColumn(name, read.kept, sentence, _offers(grid, plan, free, name),
                                 refuses=name == "date"))
    return out


def _offers(grid: Grid, plan: MappingPlan, free: list[ColumnPreview],
            canonical: str) -> tuple[Offer, ...]:
    """The unmapped columns that could fill ``canonical``, best content fit first."""
    column = BY_NAME[canonical]
    ranked = []
    for c in free:
        if c.position >= grid.table.num_columns:
            continue
        p = plan.profiles.get(c.position) or profile(grid.table.column(c.position))
        if p.filled == 0 and not c.samples:
            continue  # an empty column fills nothing
        content = fit(p, canonical)
        score = cols.score(c.header, column) if c.header else 0
        ranked.append((-content.score, -score, c.position,
                       Offer(c.position, c.header, content.score, content.why, c.samples)))
    return tuple(offer for *_key, offer in sorted(ranked, key=lambda r: r[:3]))


def _samples(table: pa.Table, position: int) -> tuple[str, ...]:
    """The column's first non-blank values (trimmed), as the file has them."""
    if position >= table.num_columns:
        return ()
    column = table.column(position)
    found = _first_filled(column.slice(0, _SAMPLE_HEAD))
    if len(found) < SAMPLES and column.length() > _SAMPLE_HEAD:
        found = _first_filled(column)
    return tuple(found)


def _first_filled(column: pa.ChunkedArray) -> list[str]:
    text = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
    trimmed = pc.utf8_trim_whitespace(text)
    filled = pc.filter(trimmed, pc.fill_null(pc.not_equal(trimmed, ""), False))
    # A workbook's date cell reads as "2018-06-14 00:00:00"; the import keeps the day only.
    return [str(v).removesuffix(" 00:00:00") for v in filled.slice(0, SAMPLES).to_pylist()]


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
