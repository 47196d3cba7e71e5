"""A spreadsheet source as read-only tables, from the bytes kept in the case.

The original path may be gone, and the copy in the case is the one its SHA-256 vouches for,
so the tables are always read from the stored file. Workbooks go through the sandboxed reader.

Typical use::

    tables = source_tables(case_path, sha256)
    for sheet in tables.sheets:
        sheet.name, sheet.kept_rows, sheet.total_rows
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.ingest.tables import (
    MAYBE_TABLE_SUFFIXES,
    TABLE_SUFFIXES,
    SheetTable,
    read_tables,
)
from workbench.services.notes import find_source
from workbench.services.source_content import index_note
from workbench.store import files
from workbench.store.case import CaseFile


@dataclass(frozen=True)
class SourceTables:
    """Every sheet of a spreadsheet source, as kept for viewing (see ``SheetTable``)."""

    sha256: str
    title: str
    name: str
    sheets: tuple[SheetTable, ...]
    index_note: str | None = None  # set when the search index covers only part of it

    def sheet_index(self, name: str) -> int | None:
        return next((i for i, s in enumerate(self.sheets) if s.name == name), None)


def is_spreadsheet_source(entry: Mapping[str, Any]) -> bool:
    """Whether a source (its event's payload) is shown as tables.

    A source whose cells were indexed says so (``table``); an older one, or one that could not
    be read when it was added, is judged by its file name (a .txt only when it was a table).
    """
    if isinstance(entry.get("table"), dict):
        return True
    suffix = Path(str(entry.get("name") or "")).suffix.lower()
    return suffix in TABLE_SUFFIXES and suffix not in MAYBE_TABLE_SUFFIXES


def source_tables(
    case_path: Path, sha256: str, *, cancel: Callable[[], bool] | None = None,
) -> SourceTables:
    """Read the stored file of the source with these bytes as tables.

    Raises :class:`WorkbenchError` with one sentence when the source is not in the case (it
    was purged), is not a table, or cannot be read.
    """
    case = CaseFile.open(Path(case_path), read_only=True)
    try:
        event = find_source(case, sha256)
        stored = files.find(case.conn, sha256)
        if event is None or stored is None:
            raise WorkbenchError("This source is no longer in the case (it was purged or "
                                 "undone).")
        data = files.read_bytes(case.conn, stored.id)
    finally:
        case.close()  # the sandboxed read may take a while: hold no connection meanwhile
    name = str(event.payload.get("name") or stored.name)
    title = str(event.payload.get("title") or name)
    sheets = read_tables(name, data, cancel=cancel)
    if sheets is None:
        raise WorkbenchError(f"{name} is a text document, not a table.")
    return SourceTables(sha256=sha256, title=title, name=name, sheets=tuple(sheets),
                        index_note=index_note(event.payload.get("table")))
