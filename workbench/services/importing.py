"""Importing spreadsheets into a case: one file, one transaction, one report.

The file is read and checked completely before the case is touched; then its bytes, its rows,
its rejects, the recipe and an ``import`` event are written in one transaction, so a refusal,
an error or a Cancel leaves the case exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.errors import ImportRefused, WorkbenchError
from workbench.ingest.columns import BY_NAME, best_matches
from workbench.ingest.dedupe import find_duplicates
from workbench.ingest.differences import Discrepancies
from workbench.ingest.normalise import Batch, normalise
from workbench.ingest.readers import Grid, header_key, read_text, read_workbook
from workbench.ingest.sandbox import ReadCancelled
from workbench.ingest.sniff import FileKind, refusal_for, sniff
from workbench.services.identity import current_author
from workbench.services.overlap import HeldRows, Offer, offered
from workbench.store import events, files, recipes, shipments
from workbench.store import offered as offered_rows
from workbench.store.case import CaseFile, utc_now

Progress = Callable[[str, float], None]


class ImportCancelled(WorkbenchError):
    """The reporter pressed Cancel; nothing was written."""


@dataclass
class ImportOptions:
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    date_order: str | None = None  # "DMY" or "MDY" for slash dates that could be either
    mapping: dict[str, str] = field(default_factory=dict)  # header -> canonical ("" = keep)


@dataclass
class ImportReport:
    file: str
    sha256: str
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    blank: int = 0
    rejects: list[dict[str, object]] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    options: dict[str, object] = field(default_factory=dict)
    #: Rows already held whose values differ (another vendor's rounding, codes, cut text).
    discrepancies: Discrepancies = field(default_factory=Discrepancies)

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "blank": self.blank,
            "rejects": self.rejects,
            "mapping": self.mapping,
            "sheets": self.sheets,
            "notes": self.notes,
            "options": self.options,
            "discrepancies": self.discrepancies.as_json(),
        }


def read_grids(
    path: Path,
    options: ImportOptions,
    known: frozenset[str] = frozenset(),
    kind: FileKind | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[list[Grid], list[str]]:
    """Read a file into grids, turning every reader failure into one sentence.

    ``known`` holds header cells mapped by hand before, so such a header row is found too.
    """
    kind = kind or sniff(path)
    known = known | {header_key(h) for h, name in options.mapping.items() if name}
    try:
        if kind is FileKind.TEXT:
            data = path.read_bytes()
            grid = read_text(
                path,
                data,
                encoding=options.encoding,
                delimiter=options.delimiter,
                header_row=options.header_row,
                known=known,
            )
            return [grid], []
        return read_workbook(
            path, kind, header_row=options.header_row, known=known, cancel=cancelled
        )
    except ReadCancelled as exc:
        raise ImportCancelled(str(exc)) from exc
    except WorkbenchError:
        raise
    except Exception as exc:  # the readers raise many types on damaged input
        raise refusal_for(exc, path) from exc


def column_mapping(
    grid: Grid, recipe: recipes.Recipe | None, override: dict[str, str]
) -> dict[int, str]:
    """Position -> canonical name: detected, then the saved recipe, then the reporter's choice."""
    detected = {pos: name for pos, (name, _score) in best_matches(grid.headers).items()}
    by_header = {h: pos for pos, h in enumerate(grid.headers)}
    chosen = dict(detected)
    for layer in (recipe.mapping if recipe else {}, override):
        for header, name in layer.items():
            pos = by_header.get(header)
            if pos is None:
                continue
            if name and name not in BY_NAME:
                raise ImportRefused(f"{name!r} is not a column Case Workbench knows.")
            chosen = {p: n for p, n in chosen.items() if n != name or p == pos}
            if name:
                chosen[pos] = name
            else:
                chosen.pop(pos, None)
    return chosen


def import_file(
    case: CaseFile,
    path: Path,
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import one spreadsheet into ``case``; raises :class:`ImportRefused` on a bad file."""
    options = options or ImportOptions()
    path = Path(path)

    def step(message: str, fraction: float) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled("The import was cancelled; the case is unchanged.")
        if progress is not None:
            progress(message, fraction)

    step(f"Reading {path.name}", 0.0)
    kind = sniff(path)
    with ThreadPoolExecutor(max_workers=1) as background:
        # Hashing and compressing the file for the case runs beside the parsing.
        packing = background.submit(_digest_and_pack, path)
        try:
            grids, notes = read_grids(
                path, options, recipes.known_headers(case.conn), kind, cancelled
            )
            step("Checking the file", 0.35)
        except BaseException:
            packing.cancel()
            raise
        sha, parts = packing.result()
    report = ImportReport(file=path.name, sha256=sha, notes=notes)
    known_decl, known_content = shipments.keys(case.conn)
    held = HeldRows(case.conn, known_decl, case.path)
    prepared: list[
        tuple[Grid, Batch, np.ndarray, str, dict[str, str], list[tuple[int, bytes]], Offer]
    ] = []
    for i, grid in enumerate(grids):
        sig = recipes.signature(grid.headers)
        recipe = recipes.find(case.conn, sig)
        date_order = options.date_order or (
            str(recipe.options.get("date_order")) if recipe and recipe.options.get("date_order")
            else None
        )
        mapping = column_mapping(grid, recipe, options.mapping)
        batch = normalise(
            grid, mapping, sha256=sha, file_name=path.name, date_order=date_order
        )
        dup = find_duplicates(batch.decl_keys, batch.content_keys, known_decl, known_content)
        known_decl = np.concatenate([known_decl, batch.decl_keys[~dup]])
        known_content = np.concatenate([known_content, batch.content_keys[~dup]])
        held.add(batch.table, np.where(dup, np.uint64(0), batch.decl_keys))
        offer = offered(held, batch.table, batch.decl_keys, dup)
        saved = {h: "" for h in grid.headers if h}
        saved.update({grid.headers[p]: n for p, n in mapping.items()})
        if date_order:
            grid.options["date_order"] = date_order
        chunks = shipments.serialise(batch.table.filter(~dup))
        prepared.append((grid, batch, dup, sig, saved, chunks, offer))
        step(f"Prepared {grid.sheet or path.name}", 0.35 + 0.35 * (i + 1) / len(grids))

    step("Writing to the case", 0.7)
    author = current_author()
    seen_sheets = offered_rows.sheets_imported(case.conn, sha)
    with case.transaction() as conn:
        stored = files.add(conn, path, sha, parts)
        for grid, batch, dup, sig, saved, chunks, offer in prepared:
            recipe_id = recipes.save(conn, sig, saved, _recipe_options(grid))
            keep = ~dup
            cur = conn.execute(
                "INSERT INTO imports(file_id, sheet, recipe_id, imported_at, rows_read, imported,"
                " duplicates, rejected, mapping) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    stored.id,
                    grid.sheet,
                    recipe_id,
                    utc_now(),
                    len(dup) + len(batch.rejects) + len(grid.ragged),
                    int(keep.sum()),
                    int(dup.sum()),
                    len(batch.rejects) + len(grid.ragged),
                    _json(batch.mapping),
                ),
            )
            import_id = int(cur.lastrowid or 0)
            shipments.write(
                conn, import_id, chunks, batch.decl_keys[keep], batch.content_keys[keep]
            )
            if grid.sheet not in seen_sheets:
                offered_rows.write(conn, import_id, offer.rows, offer.keys, offer.masks)
            report.discrepancies.extend(offer.discrepancies)
            all_rejects = sorted(grid.ragged + batch.rejects)
            conn.executemany(
                "INSERT INTO rejects(import_id, row, reason) VALUES (?, ?, ?)",
                [(import_id, row, reason) for row, reason in all_rejects],
            )
            report.imported += int(keep.sum())
            report.duplicates += int(dup.sum())
            report.rejected += len(all_rejects)
            report.blank += batch.blank_rows
            report.mapping.update(batch.mapping)
            report.sheets.append(grid.sheet)
            report.rejects.extend(
                {"file": path.name, "sheet": grid.sheet, "row": row, "reason": reason}
                for row, reason in all_rejects
            )
            report.options.update(
                {k: v for k, v in grid.options.items() if k in ("encoding", "delimiter")}
            )
        events.append(
            conn,
            kind="import",
            payload={
                "file": path.name,
                "sha256": sha,
                "sheets": report.sheets,
                "imported": report.imported,
                "duplicates": report.duplicates,
                "rejected": report.rejected,
                "discrepancies": report.discrepancies.total,
            },
            author=author,
            replica=case.replica_id,
        )
        step("Committing", 0.95)
    if progress is not None:
        progress("Done", 1.0)
    return report


def _digest_and_pack(path: Path) -> tuple[str, list[tuple[str, bytes]]]:
    return files.sha256_of(path), files.pack(path)


def _recipe_options(grid: Grid) -> dict[str, object]:
    return {k: v for k, v in grid.options.items() if k in ("encoding", "delimiter", "date_order")}


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
