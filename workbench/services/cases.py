"""Opening cases: a case file, or a case folder that builds and refreshes its own case file.

A case folder holds ``spreadsheets/``, ``notes/``, ``sources/`` and an optional ``case.toml``.
Its case file (``case.wbcase`` inside the folder) is built on first use; opening the folder
again imports only spreadsheets whose bytes the case has not seen.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from workbench.analysis.frame import shipments_frame
from workbench.errors import CaseFileError, WorkbenchError
from workbench.services.identity import writer
from workbench.services.importing import ImportReport, import_file, import_findings
from workbench.services.journal import import_journal
from workbench.services.notes import sync_folder_record
from workbench.store import events, files, shipments
from workbench.store.case import CASE_SUFFIX, CaseFile

FOLDER_CASE_NAME = "case" + CASE_SUFFIX
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv", ".txt"}


@dataclass
class CaseConfig:
    """What ``case.toml`` says about a case folder."""

    title: str
    key_date: str | None = None
    value_column: str | None = None
    coverage_start: str | None = None
    coverage_end: str | None = None
    caveats: list[str] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)


def read_config(folder: Path) -> CaseConfig:
    path = folder / "case.toml"
    if not path.exists():
        return CaseConfig(title=folder.name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"case.toml in {folder.name} cannot be read ({exc}).") from exc
    coverage = data.get("coverage", {})
    marks = [
        {k: str(v) for k, v in e.items() if k in ("date", "label", "kind")}
        for e in data.get("events", [])
        if isinstance(e, dict) and "date" in e and "label" in e
    ]
    return CaseConfig(
        title=str(data.get("title", folder.name)),
        key_date=_opt(data.get("key_date")),
        value_column=_opt(data.get("value_column")),
        coverage_start=_opt(coverage.get("start")),
        coverage_end=_opt(coverage.get("end")),
        caveats=[str(c) for c in coverage.get("caveats", data.get("caveats", []))],
        events=marks,
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def new_case(path: Path, title: str | None = None) -> CaseFile:
    path = Path(path)
    if path.suffix != CASE_SUFFIX:
        path = path.with_name(path.name + CASE_SUFFIX)
    return CaseFile.create(path, title=title or path.stem)


def resolve_case_path(path: Path) -> Path:
    """The case file for ``path``: itself, or the folder's ``case.wbcase``."""
    path = Path(path)
    return path / FOLDER_CASE_NAME if path.is_dir() else path


FolderProgress = Callable[[str], None]


def open_case(
    path: Path, *, read_only: bool = False, on_import: FolderProgress | None = None
) -> tuple[CaseFile, list[ImportReport]]:
    """Open a case file, or a case folder (building or refreshing its case file)."""
    path = Path(path)
    if not path.exists():
        raise CaseFileError(f"{path.name or path} does not exist.")
    if not path.is_dir():
        if read_only and _needs_upgrade(path):
            CaseFile.open(path).close()  # an older schema is migrated once, in place
        return CaseFile.open(path, read_only=read_only), []
    case_path = path / FOLDER_CASE_NAME
    config = read_config(path)
    case = (
        CaseFile.open(case_path)
        if case_path.exists()
        else CaseFile.create(case_path, title=config.title)
    )
    try:
        _apply_config(case, config)
        reports = sync_folder(case, path, on_import=on_import)
        sync_folder_record(case, path)
        if (path / "journal.jsonl").is_file():
            import_journal(case, path / "journal.jsonl")
    except BaseException:
        case.close()
        raise
    if read_only:
        case.close()
        case = CaseFile.open(case_path, read_only=True)
    return case, reports


def _needs_upgrade(path: Path) -> bool:
    """Whether a case file was written with an older schema (checked without writing)."""
    from workbench.store.schema import SCHEMA_VERSION

    try:
        probe = CaseFile.open(path, read_only=True)
    except CaseFileError as exc:
        return "needs an upgrade" in str(exc)
    try:
        return probe.schema_version < SCHEMA_VERSION
    finally:
        probe.close()


def _apply_config(case: CaseFile, config: CaseConfig) -> None:
    """Store case.toml's settings and add its dated events that the log lacks."""
    settings = {
        "title": config.title,
        "key_date": config.key_date,
        "value_column": config.value_column,
        "coverage_start": config.coverage_start,
        "coverage_end": config.coverage_end,
        "caveats": json.dumps(config.caveats, ensure_ascii=False),
    }
    present = {
        (e.payload.get("date"), e.payload.get("label"))
        for e in events.read(case.conn, "timeline.marker_added")
    }
    changed = {k: v for k, v in settings.items() if v is not None and case.meta(k) != v}
    new_marks = [m for m in config.events if (m["date"], m["label"]) not in present]
    if not changed and not new_marks:
        return
    with case.transaction() as conn:
        for key, value in changed.items():
            case.set_meta(key, value)
        for mark in new_marks:
            payload = {**mark, "origin": "case.toml"}
            events.append(conn, kind="timeline.marker_added", payload=payload,
                          **writer(case.replica_id, payload))  # type: ignore[arg-type]


def folder_spreadsheets(folder: Path) -> list[Path]:
    sheets = folder / "spreadsheets"
    base = sheets if sheets.is_dir() else folder
    return sorted(
        p for p in base.iterdir()
        if p.is_file() and p.suffix.lower() in SPREADSHEET_SUFFIXES and not p.name.startswith(".")
    )


def sync_folder(
    case: CaseFile, folder: Path, *, on_import: FolderProgress | None = None
) -> list[ImportReport]:
    """Import the folder's spreadsheets whose bytes the case does not hold yet."""
    reports = []
    for path in folder_spreadsheets(folder):
        if files.find(case.conn, files.sha256_of(path)) is not None:
            continue
        if on_import is not None:
            on_import(path.name)
        try:
            reports.append(import_file(case, path))
        except WorkbenchError as exc:
            raise WorkbenchError(
                f"{path.name} in the case folder could not be imported: {exc}"
            ) from exc
    return reports


def load_shipments(case: CaseFile) -> pd.DataFrame:
    """The shipments as every figure counts them: held values, or the values chosen instead."""
    from workbench.services.discrepancies import counted_frame

    return counted_frame(case, shipments_frame(shipments.read(case.conn)))


def value_column(case: CaseFile) -> str:
    return case.meta("value_column") or "stat_value_usd"


def case_info(case: CaseFile) -> dict[str, object]:
    """What ``workbench info`` shows: title, size, date range, files, coverage."""
    frame = load_shipments(case)
    dates = frame["date"].dropna()
    per_file = {
        row[0]: (row[1], row[2], row[3])
        for row in case.conn.execute(
            "SELECT file_id, sum(imported), sum(duplicates), sum(rejected) FROM imports "
            "GROUP BY file_id"
        )
    }
    findings = import_findings(case)
    file_list = []
    for f in files.all_files(case.conn):
        imported, dups, rejected = per_file.get(f.id, (0, 0, 0))
        said = findings.get(f.id, [])
        file_list.append(
            {"name": f.name, "sha256": f.sha256, "size": f.size, "added_at": f.added_at,
             "imported": imported, "duplicates": dups, "rejected": rejected,
             "missing": sorted({m.column for s in said for m in s.missing}),
             "warnings": [w for s in said for w in s.sentences(len(said) > 1)]}
        )
    value = value_column(case)
    total = float(frame[value].sum()) if value in frame else 0.0
    return {
        "title": case.title,
        "path": case.path.name,
        "schema_version": case.schema_version,
        "shipments": shipments.count(case.conn),
        "date_min": dates.min().date().isoformat() if len(dates) else None,
        "date_max": dates.max().date().isoformat() if len(dates) else None,
        "value_column": value,
        "total": round(total, 2),
        "coverage": {
            "start": case.meta("coverage_start"),
            "end": case.meta("coverage_end"),
            "caveats": json.loads(case.meta("caveats") or "[]"),
        },
        "key_date": case.meta("key_date"),
        "files": file_list,
        "rejected": sum(f["rejected"] for f in file_list),
        "events": int(case.conn.execute("SELECT count(*) FROM events").fetchone()[0]),
    }


def timeline_markers(case: CaseFile) -> list[dict[str, str]]:
    """The case's dated events (invasion, sanctions...) in date order, for the timeline."""
    marks = [
        {k: str(v) for k, v in e.payload.items() if k in ("date", "label", "kind")}
        for e in events.read_live(case.conn, "timeline.marker_added")
    ]
    return sorted(marks, key=lambda m: m["date"])


def case_settings(case: CaseFile) -> dict[str, object]:
    """Title, value column, key date, coverage window and caveats of a case."""
    return {
        "title": case.title,
        "value_column": value_column(case),
        "key_date": case.meta("key_date"),
        "coverage_start": case.meta("coverage_start"),
        "coverage_end": case.meta("coverage_end"),
        "caveats": tuple(json.loads(case.meta("caveats") or "[]")),
    }
