"""Importing spreadsheets into a case: one file, one transaction, one report.

The file is read and checked completely before the case is touched; then its bytes, its rows,
its rejects, the recipe and an ``import`` event are written in one transaction, so a refusal,
an error or a Cancel leaves the case exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.errors import ImportRefused, WorkbenchError
from workbench.ingest.columns import BY_NAME
from workbench.ingest.dedupe import find_duplicates
from workbench.ingest.differences import Discrepancies
from workbench.ingest.findings import SheetFindings
from workbench.ingest.mapping import Assignment, Confidence, MappingPlan, Origin, plan_mapping
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
    findings: list[SheetFindings] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Everything the import has to say beyond its counts, as sentences, sheet by sheet."""
        several = len(self.findings) > 1
        return [sentence for f in self.findings for sentence in f.sentences(several)]
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
            "warnings": self.warnings,
            "missing": sorted({m.column for f in self.findings for m in f.missing}),
            "extras": [h for f in self.findings for h in f.extras],
            "empty_value": {
                "count": sum(f.empty_value_count for f in self.findings),
                "rows": [{"sheet": f.sheet, "row": r}
                         for f in self.findings for r in f.empty_value_rows],
            },
            "findings": [f.as_json() for f in self.findings],
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


def plan_columns(
    grid: Grid, recipe: recipes.Recipe | None, override: dict[str, str]
) -> MappingPlan:
    """The sheet's mapping: detected from headers and contents, then the saved recipe, then
    the reporter's own choices (``override``: header -> canonical, "" to keep as extra)."""
    plan = plan_mapping(grid.headers, grid.table)
    plan.detected = plan.positions()
    by_header = {h: pos for pos, h in enumerate(grid.headers)}
    # Recipes saved before they held only the reporter's choices map every header, "" for
    # those not recognised then: those blanks must not undo what is recognised now.
    manual_recipe = bool(recipe and recipe.options.get("layer") == "manual")
    for origin, layer in ((Origin.RECIPE, recipe.mapping if recipe else {}),
                          (Origin.CHOSEN, override)):
        for header, name in layer.items():
            pos = by_header.get(header)
            if pos is None or (origin is Origin.RECIPE and not name and not manual_recipe):
                continue
            if name and name not in BY_NAME:
                raise ImportRefused(f"{name!r} is not a column Case Workbench knows.")
            current = [a for a in plan.assignments if a.position == pos]
            if current and current[0].canonical == name:
                continue  # the layer agrees with what was detected
            kept = [a for a in plan.assignments
                    if a.position != pos and (a.canonical != name or not name)]
            if name:
                why = "chosen by hand" if origin is Origin.CHOSEN else "saved from an earlier file"
                kept.append(Assignment(pos, header, name, Confidence.HIGH, why, origin))
            plan.assignments = kept
    return plan


def manual_choices(headers: list[str], plan: MappingPlan) -> dict[str, str]:
    """What the reporter (now or for an earlier file) mapped otherwise than detection did:
    the recipe remembered for the next file of this layout."""
    final = plan.positions()
    return {h: final.get(p, "") for p, h in enumerate(headers)
            if h and final.get(p, "") != plan.detected.get(p, "")}


def column_mapping(
    grid: Grid, recipe: recipes.Recipe | None, override: dict[str, str]
) -> dict[int, str]:
    """Position -> canonical name (see :func:`plan_columns`)."""
    return plan_columns(grid, recipe, override).positions()


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
    basis = case.meta("value_column") or "stat_value_usd"
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
        plan = plan_columns(grid, recipe, options.mapping)
        batch = normalise(
            grid, plan, sha256=sha, file_name=path.name, date_order=date_order,
            value_column=basis,
        )
        dup = find_duplicates(batch.decl_keys, batch.content_keys, known_decl, known_content)
        known_decl = np.concatenate([known_decl, batch.decl_keys[~dup]])
        known_content = np.concatenate([known_content, batch.content_keys[~dup]])
        held.add(batch.table, np.where(dup, np.uint64(0), batch.decl_keys))
        offer = offered(held, batch.table, batch.decl_keys, dup)
        saved = manual_choices(grid.headers, plan)
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
                " duplicates, rejected, mapping, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    _json(batch.findings.as_json()),
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
            report.findings.append(batch.findings)
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


def import_findings(case: CaseFile) -> dict[int, list[SheetFindings]]:
    """What each stored file's imports had to say (file id -> findings per sheet)."""
    out: dict[int, list[SheetFindings]] = {}
    for file_id, text in case.conn.execute("SELECT file_id, report FROM imports ORDER BY id"):
        try:
            data = json.loads(text or "{}")
        except ValueError:
            data = {}
        if data:
            out.setdefault(int(file_id), []).append(SheetFindings.from_json(data))
    return out


def _digest_and_pack(path: Path) -> tuple[str, list[tuple[str, bytes]]]:
    return files.sha256_of(path), files.pack(path)


def _recipe_options(grid: Grid) -> dict[str, object]:
    kept = {k: v for k, v in grid.options.items() if k in ("encoding", "delimiter", "date_order")}
    return {**kept, "layer": "manual"}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)
