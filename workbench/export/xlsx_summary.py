"""The Excel summary for the desk: figures with their evidence, totals, replies, sources, chart.

Takes plain data only (:class:`SummaryData`: tables as DataFrames, text, PNG bytes) and writes
one workbook with openpyxl in write-only mode, so rows stream to disk instead of being held as
cell objects. Every text value is written as a text cell, also when it starts with ``=``: a
supplier called ``=HYPERLINK(...)`` stays a name. Tables longer than a sheet are split across
sheets (``Evidence 1 (2)``). The file is published atomically (:mod:`workbench.export.atomic`).
"""

from __future__ import annotations

import contextlib
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from workbench.errors import WorkbenchError
from workbench.labels import column_label
from workbench.store.durable import atomic_target

#: Rows a worksheet holds, header included (Excel's limit).
SHEET_ROWS = 1_048_576
MONEY_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
MAX_TEXT = 32_767  # characters in one cell
SHEET_NAME_CHARS = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_RESERVED_SHEET_NAMES = {"history"}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TITLE_FONT = Font(bold=True, size=14)
_NOTE_FONT = Font(italic=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_CANCEL_EVERY = 5_000  # rows between checks of the cancel callback

Progress = Callable[[str, float], None]
Cancelled = Callable[[], bool]


class ExportCancelled(WorkbenchError):
    """The reporter cancelled the export; nothing was written."""


@dataclass
class Table:
    """One table of the workbook, on a sheet of its own (or several, when it is long)."""

    title: str
    frame: pd.DataFrame
    money: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    note: str | None = None
    total_of: str | None = None  # a column whose sum is written in a total row below the data
    total_label: str = "Total"
    wrap: tuple[str, ...] = ()  # long-text columns, wrapped


@dataclass
class FigureEvidence:
    """A saved figure as it stands, with exactly the rows behind it."""

    name: str
    value: float
    measure: str  # "sum", "count" or "distinct"
    value_column: str | None
    definition: str
    rows: pd.DataFrame
    stated: str | None = None
    stated_range: tuple[float, float] | None = None
    sentence: str | None = None
    drift: list[str] = field(default_factory=list)


@dataclass
class SummaryData:
    """Everything the summary shows, gathered from a case by the services layer."""

    title: str
    exported_on: date
    value_column: str
    coverage: tuple[date | None, date | None]
    key_date: date | None
    caveats: list[str]
    figures: list[FigureEvidence]
    totals: list[Table]  # by origin country, by supplier, by year, before and after the key date
    record: list[Table]  # right of reply, annotations, sources
    timeline_png: bytes | None = None
    money_columns: tuple[str, ...] = ()


@dataclass
class _Planned:
    table: Table
    sheets: list[str]
    capacity: int


def write_summary(
    data: SummaryData,
    out: Path,
    *,
    row_limit: int = SHEET_ROWS,
    progress: Progress | None = None,
    cancel: Cancelled | None = None,
) -> dict[str, Any]:
    """Write the workbook to ``out`` atomically; returns its sheets and how figures were split.

    ``row_limit`` is the number of rows a sheet may hold (header and total rows included).
    """
    if row_limit < 6:
        raise ValueError("row_limit must leave room for a header, a note and a total row")
    say = progress or (lambda _message, _fraction: None)
    names = SheetNames()
    summary_name = names.take("Summary")
    evidence = [_evidence_table(i, f, data.money_columns)
                for i, f in enumerate(data.figures, start=1)]
    plans = [_plan(t, names, row_limit) for t in [*evidence, *data.totals, *data.record]]
    chart_name = names.take("Timeline") if data.timeline_png else None

    wb = Workbook(write_only=True)
    try:
        _write_workbook(wb, data, out, summary_name, evidence, plans, chart_name, row_limit,
                        say, cancel)
    except BaseException:
        _discard(wb)
        raise
    return {
        "path": Path(out).name,
        "sheets": [summary_name, *(s for p in plans for s in p.sheets),
                   *([chart_name] if chart_name else [])],
        "figures": [
            {"name": f.name, "value": round(f.value, 2), "rows": len(f.rows), "sheets": p.sheets}
            for f, p in zip(data.figures, plans, strict=False)
        ],
        "split": [{"table": p.table.title, "sheets": p.sheets} for p in plans if len(p.sheets) > 1],
    }


def _write_workbook(
    wb: Workbook, data: SummaryData, out: Path, summary_name: str, evidence: list[Table],
    plans: list[_Planned], chart_name: str | None, row_limit: int, say: Progress,
    cancel: Cancelled | None,
) -> None:
    _write_summary_sheet(_printable(wb.create_sheet(summary_name)), data,
                         plans[: len(evidence)], plans, chart_name, row_limit)
    total_rows = sum(len(p.table.frame) for p in plans) or 1
    done = 0
    for plan in plans:
        _check(cancel)
        say(f"Writing {plan.sheets[0]}", done / total_rows)
        _write_table(wb, plan, cancel)
        done += len(plan.table.frame)
    if chart_name and data.timeline_png:
        _write_chart(_printable(wb.create_sheet(chart_name)), data.timeline_png)
    _check(cancel)
    say("Saving the workbook", 1.0)
    with atomic_target(Path(out)) as temp:
        wb.save(temp)
        _check(cancel)


def _discard(wb: Workbook) -> None:
    """Close the half-written sheets of an abandoned workbook and remove their temp files."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):  # already saved, or what stopped the export
            ws.close()
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            Path(writer.out).unlink(missing_ok=True)


# -- sheet names -------------------------------------------------------------------------------


class SheetNames:
    """Valid, unique sheet names: at most 31 characters, none of ``[]:*?/\\``, no clash."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, wanted: str, suffix: str = "") -> str:
        """A free name like ``wanted`` + ``suffix`` (shortened, then numbered if taken)."""
        base = _BAD_SHEET_CHARS.sub("-", " ".join(str(wanted).split())).strip("'") or "Sheet"
        number = 1
        while True:
            tail = suffix if number == 1 else f"{suffix} ~{number}"
            name = base[: SHEET_NAME_CHARS - len(tail)].rstrip().rstrip("'") + tail
            key = name.casefold()
            if key not in self.taken and key not in _RESERVED_SHEET_NAMES:
                self.taken.add(key)
                return name
            number += 1


def _plan(table: Table, names: SheetNames, row_limit: int) -> _Planned:
    top = 2 if table.note else 1
    capacity = row_limit - top - 2  # room for a blank line and the total row
    parts = max(1, -(-len(table.frame) // capacity))
    sheets = [names.take(table.title, "" if i == 1 else f" ({i})") for i in range(1, parts + 1)]
    return _Planned(table, sheets, capacity)


# -- tables ------------------------------------------------------------------------------------


def _evidence_table(number: int, figure: FigureEvidence, money: Sequence[str]) -> Table:
    frame = figure.rows
    value = figure.value_column if figure.measure == "sum" else None
    unit = "rows" if figure.measure == "count" else "value"
    note = (f"Evidence for figure {number}, '{figure.name}': {figure.definition}. "
            f"{len(frame):,} rows; the total row sums them to the figure's {unit}.")
    return Table(
        title=f"Evidence {number}", frame=frame, note=note,
        money=tuple(c for c in frame.columns if c in money),
        total_of=value if value in frame.columns else None,
    )


def _printable(ws: Any) -> Any:
    """Print landscape, every column on the page's width (pages run down as needed)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _write_table(wb: Workbook, plan: _Planned, cancel: Cancelled | None) -> None:
    table, frame = plan.table, plan.table.frame
    columns = [str(c) for c in frame.columns]
    cells_of = _column_makers(table, frame)
    widths = _widths(table, frame)
    for part, name in enumerate(plan.sheets):
        ws = _printable(wb.create_sheet(name))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        top = 2 if table.note else 1  # the header's row
        ws.freeze_panes = f"A{top + 1}"  # before the first row: write-only sheets write it first
        if table.note:
            note = _text_cell(ws, table.note if part == 0 else
                              f"{table.note} (continued: part {part + 1} of {len(plan.sheets)})")
            note.font = _NOTE_FONT
            ws.append([note])
        ws.append([_header_cell(ws, c) for c in columns])
        start = part * plan.capacity
        stop = min(len(frame), start + plan.capacity)
        column_values = [make(ws, start, stop) for make in cells_of]
        heights = _row_heights(table, frame, widths, start, stop)
        for offset, row in enumerate(zip(*column_values, strict=True)):
            if offset % _CANCEL_EVERY == 0:
                _check(cancel)
            if heights is not None and heights[offset] > 1:  # write-only rows do not grow
                ws.row_dimensions[top + 1 + offset].height = 15 * int(heights[offset])
            ws.append(row)
        last = top + max(stop - start, 0)
        if columns:
            ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top)}"
        if part == len(plan.sheets) - 1:
            _append_total(ws, table, columns, len(plan.sheets))


def _row_heights(table: Table, frame: pd.DataFrame, widths: list[float], start: int,
                 stop: int) -> np.ndarray | None:
    """Lines each row needs for its wrapped columns (capped at 10), or None without any."""
    wrapped = [(frame.columns.get_loc(c), c) for c in table.wrap if c in frame]
    if not wrapped:
        return None
    lines = np.ones(stop - start, dtype=np.int64)
    for index, column in wrapped:
        chars = frame[column].iloc[start:stop].astype("string").str.len().fillna(0)
        need = np.ceil(chars.to_numpy(dtype="float64") / max(widths[index] - 2, 1))
        lines = np.maximum(lines, need.astype(np.int64))
    return np.minimum(lines, 10)


def _append_total(ws: WriteOnlyWorksheet, table: Table, columns: list[str], parts: int) -> None:
    frame = table.frame
    if table.total_of is None and not table.note:
        return
    rows = f"{len(frame):,} rows" + (f" on {parts} sheets" if parts > 1 else "")
    row: list[Any] = [None] * max(len(columns), 1)
    label = _text_cell(ws, f"{table.total_label} ({rows})")
    label.font = _HEADER_FONT
    row[0] = label
    if table.total_of is not None:
        total = float(np.nansum(frame[table.total_of].to_numpy(dtype="float64", na_value=np.nan)))
        cell = WriteOnlyCell(ws, value=round(total, 2))
        cell.number_format = MONEY_FORMAT if table.total_of in table.money else COUNT_FORMAT
        cell.font = _HEADER_FONT
        at = columns.index(table.total_of)
        row[at] = cell
        if at == 0:
            row = [cell, label]
    ws.append([])
    ws.append(row)


CellMaker = Callable[[WriteOnlyWorksheet, int, int], list[Any]]


def _column_makers(table: Table, frame: pd.DataFrame) -> list[CellMaker]:
    """Per column, a function giving the cells of rows ``start:stop`` (prepared once)."""
    makers: list[CellMaker] = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            days = column.to_numpy(dtype="datetime64[D]").astype(object)  # NaT -> None
            makers.append(_slicer(days))
        elif pd.api.types.is_bool_dtype(column):
            makers.append(_slicer(column.astype(object).where(column.notna(), None).to_numpy()))
        elif pd.api.types.is_numeric_dtype(column):
            numbers = column.to_numpy(dtype="float64", na_value=np.nan)
            whole = column.dtype.kind in "iu" or str(column.dtype) in ("Int64", "Int32", "UInt64")
            values = np.where(np.isnan(numbers), None, numbers.astype(object))
            if whole:
                values = np.array([None if v is None else int(v) for v in values], dtype=object)
            fmt = MONEY_FORMAT if name in table.money else (
                COUNT_FORMAT if name in table.counts else None)
            makers.append(_formatted(values, fmt) if fmt else _slicer(values))
        else:
            makers.append(_texts(_clean_text(column), wrap=name in table.wrap))
    if table.wrap:  # rows grow with their wrapped text: keep every cell at the top
        makers = [_top_aligned(make) for make in makers]
    return makers


def _top_aligned(make: CellMaker) -> CellMaker:
    def aligned(ws: WriteOnlyWorksheet, start: int, stop: int) -> list[Any]:
        cells = []
        for value in make(ws, start, stop):
            if value is not None and not isinstance(value, Cell):
                value = WriteOnlyCell(ws, value=value)
            if value is not None and not value.alignment.wrap_text:
                value.alignment = _TOP
            cells.append(value)
        return cells
    return aligned


def _slicer(values: np.ndarray) -> CellMaker:
    def make(_ws: WriteOnlyWorksheet, start: int, stop: int) -> list[Any]:
        return list(values[start:stop])
    return make


def _formatted(values: np.ndarray, number_format: str) -> CellMaker:
    def make(ws: WriteOnlyWorksheet, start: int, stop: int) -> list[Any]:
        cells: list[Any] = []
        for v in values[start:stop]:
            if v is None:
                cells.append(None)
                continue
            cell = WriteOnlyCell(ws, value=round(v, 2) if number_format == MONEY_FORMAT else v)
            cell.number_format = number_format
            cells.append(cell)
        return cells
    return make


def _texts(values: np.ndarray, *, wrap: bool) -> CellMaker:
    def make(ws: WriteOnlyWorksheet, start: int, stop: int) -> list[Any]:
        cells: list[Any] = []
        for v in values[start:stop]:
            if v is None:
                cells.append(None)
            elif wrap or v.startswith("="):
                cell = _text_cell(ws, v)
                if wrap:
                    cell.alignment = _WRAP
                cells.append(cell)
            else:
                cells.append(v)  # openpyxl writes any other string as a plain string cell
        return cells
    return make


def _clean_text(column: pd.Series) -> np.ndarray:
    """Text values as Python strings (None where blank), without characters XML cannot hold."""
    text = column.astype("string")
    bad = text.str.contains(ILLEGAL_CHARACTERS_RE.pattern, regex=True, na=False)
    if bad.any():
        text = text.mask(bad, text.str.replace(ILLEGAL_CHARACTERS_RE.pattern, "\ufffd", regex=True))
    long = text.str.len() > MAX_TEXT
    if long.fillna(False).any():
        text = text.mask(long.fillna(False), text.str.slice(0, MAX_TEXT))
    return text.astype(object).where(text.notna(), None).to_numpy()


def _text_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    """A cell that holds ``text`` as a string whatever it starts with (never a formula)."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(text))[:MAX_TEXT]
    cell = WriteOnlyCell(ws)
    cell._value = text  # set directly: the value setter turns a leading "=" into a formula
    cell.data_type = "s"
    return cell


def _header_cell(ws: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = _text_cell(ws, text)
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    return cell


def _widths(table: Table, frame: pd.DataFrame, sample: int = 300) -> list[float]:
    """Column widths from the header and the first rows: wide enough to read, never huge."""
    widths: list[float] = []
    head = frame.head(sample)
    for name in frame.columns:
        column = head[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            longest = 10
        elif name in table.money:
            longest = 16
        elif pd.api.types.is_numeric_dtype(column):
            longest = 12
        else:
            lengths = column.astype("string").str.len()
            longest = int(lengths.max()) if lengths.notna().any() else 8
        limit = 70 if name in table.wrap else 50
        widths.append(float(min(max(longest, len(str(name)), 6) + 2, limit)))
    return widths


def _check(cancel: Cancelled | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled("The export was cancelled; no file was written.")


# -- the Summary sheet -------------------------------------------------------------------------


def _write_summary_sheet(
    ws: WriteOnlyWorksheet,
    data: SummaryData,
    evidence: list[_Planned],
    plans: list[_Planned],
    chart_name: str | None,
    row_limit: int,
) -> None:
    widths = (34, 18, 26, 40, 10, 22, 70, 60)
    for letter, width in zip("ABCDEFGH", widths, strict=True):
        ws.column_dimensions[letter].width = width
    appended = 0

    def append(cells: list[Any], wrapped: dict[int, str] | None = None) -> None:
        """Append a row; wrapped cells (column index -> text) make it as tall as they need."""
        nonlocal appended
        appended += 1
        lines = max((math.ceil(len(t) / max(widths[i] - 2, 1)) for i, t in
                     (wrapped or {}).items()), default=1)
        if lines > 1:  # a write-only sheet does not grow rows by itself
            ws.row_dimensions[appended].height = 15 * lines
        ws.append(cells)

    title = _text_cell(ws, data.title or "Case summary")
    title.font = _TITLE_FONT
    append([title])

    def line(label: str, *values: Any, number_format: str | None = None) -> None:
        head = _text_cell(ws, label)
        head.font = _HEADER_FONT
        cells: list[Any] = [head]
        for v in values:
            if isinstance(v, str):
                cells.append(_text_cell(ws, v))
            elif v is None:
                cells.append(None)
            else:
                cell = WriteOnlyCell(ws, value=v)
                if number_format:
                    cell.number_format = number_format
                cells.append(cell)
        append(cells)

    line("Date of export", data.exported_on, number_format=DATE_FORMAT)
    start, end = data.coverage
    line("Coverage window (from, to)", start, end, number_format=DATE_FORMAT)
    line("Key date", data.key_date, number_format=DATE_FORMAT)
    line("Value basis", column_label(data.value_column))
    for i, caveat in enumerate(data.caveats or ["none recorded"]):
        line("Caveats" if i == 0 else "", caveat)
    append([])

    append([_header_cell(ws, h) for h in (
        "Figure", "Value", "Stated in the draft", "Drift", "Rows", "Evidence sheet",
        "Definition in plain words", "Sentence in the draft")])
    for figure, plan in zip(data.figures, evidence, strict=True):
        value = WriteOnlyCell(ws, value=round(figure.value, 2))
        value.number_format = MONEY_FORMAT if figure.measure == "sum" else COUNT_FORMAT
        rows = WriteOnlyCell(ws, value=len(figure.rows))
        rows.number_format = COUNT_FORMAT
        drift = "drift: " + "; ".join(figure.drift) if figure.drift else "no drift"
        cells = [_text_cell(ws, figure.name), value, _text_cell(ws, figure.stated or ""),
                 _text_cell(ws, drift), rows, _text_cell(ws, ", ".join(plan.sheets)),
                 _text_cell(ws, figure.definition), _text_cell(ws, figure.sentence or "")]
        for i, c in enumerate(cells):
            c.alignment = _WRAP if i in (0, 3, 6, 7) else _TOP
        append(cells, {0: figure.name, 3: drift, 6: figure.definition,
                       7: figure.sentence or ""})
    if not data.figures:
        append([_text_cell(ws, "No figures saved yet.")])
    append([])

    split = [p for p in plans if len(p.sheets) > 1]
    for p in split:
        note = _text_cell(ws, (
            f"'{p.table.title}' has {len(p.table.frame):,} rows, more than one sheet holds "
            f"({row_limit:,} rows with the header): it is split across {', '.join(p.sheets)}."))
        note.font = _NOTE_FONT
        append([note])
    if split:
        append([])
    contents = _text_cell(ws, "Sheets in this workbook")
    contents.font = _HEADER_FONT
    append([contents])
    listed = [(", ".join(p.sheets), p.table.note or p.table.title) for p in plans]
    if chart_name:
        listed.append((chart_name, "Timeline chart: value per period, by country of origin"))
    for sheets, about in listed:  # the description runs on over the empty cells to its right
        append([_text_cell(ws, sheets), _text_cell(ws, about)])


def _write_chart(ws: WriteOnlyWorksheet, png: bytes) -> None:
    caption = _text_cell(ws, "Value per period by country of origin, with the case's dated events")
    caption.font = _HEADER_FONT
    ws.append([caption])
    image = Image(io.BytesIO(png))
    image.anchor = "A3"
    ws.add_image(image)

