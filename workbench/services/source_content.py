"""What a source's bytes hold for the search index: a document's text or a spreadsheet's cells.

A spreadsheet (xlsx, xls, ods, csv, tsv, or a .txt whose lines split into fields) is read as
tables, every sheet, through the sandboxed reader for workbooks; its rows go into the index one
entry each, so a hit names the sheet and the row. Anything else is a document
(``ingest.documents``). Both are bounded; :class:`SourceContent` says what was left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.errors import ImportRefused
from workbench.ingest.documents import extract_text
from workbench.ingest.tables import (
    INDEX_MAX_CELLS,
    CellIndex,
    SheetTable,
    is_table_name,
    read_tables,
    row_texts,
)


@dataclass(frozen=True)
class SourceContent:
    """A source's searchable content: ``text`` for a document, ``cells`` for a spreadsheet.

    ``sheets`` describes a spreadsheet's sheets as kept; ``refusal`` says, in one sentence,
    why a spreadsheet could not be read (then only its title is searchable).
    """

    text: str | None = None
    cells: CellIndex | None = None
    sheets: tuple[SheetTable, ...] = ()
    refusal: str | None = None

    @property
    def indexed(self) -> bool:
        return self.text is not None or self.cells is not None

    def record(self) -> dict[str, Any] | None:
        """A spreadsheet's shape and how much of it is searchable, for the source's event."""
        if self.cells is None:
            return None
        return {
            "sheets": [{"name": s.name, "rows": s.total_rows,
                        "columns": len(s.columns)} for s in self.sheets],
            "indexed_rows": len(self.cells.rows),
            "indexed_cells": self.cells.cells,
            "index_cut": self.cells.cut,
        }


def source_content(
    name: str, data: bytes, *, cancel: Callable[[], bool] | None = None,
) -> SourceContent:
    """Read a source's bytes for the index; never raises on a bad file (title only then)."""
    if is_table_name(name):
        try:
            sheets = read_tables(name, data, cancel=cancel)
        except ImportRefused as exc:
            return SourceContent(refusal=str(exc))
        if sheets is not None:
            return SourceContent(cells=row_texts(sheets), sheets=tuple(sheets))
    return SourceContent(text=extract_text(name, data))


def index_note(table: dict[str, Any] | None) -> str | None:
    """The sentence a reporter reads when a spreadsheet's index was cut, else None."""
    if not isinstance(table, dict) or not table.get("index_cut"):
        return None
    rows = sum(int(s.get("rows", 0)) for s in table.get("sheets", [])
               if isinstance(s, dict) and isinstance(s.get("rows", 0), int))
    indexed = table.get("indexed_rows")
    indexed = indexed if isinstance(indexed, int) else 0
    return (f"Search covers the first {indexed:,} non-empty rows of {rows:,} "
            f"(at most {INDEX_MAX_CELLS:,} cells are indexed); the whole file is kept.")
