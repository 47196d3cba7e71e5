"""Notes, sources and annotations: the analyst's record, written as events.

A note is identified by its title; saving it again adds a new version. A source's bytes are kept
in the case's file store (with SHA-256) and its metadata in a ``source.added`` event. Every
change also updates the full-text index in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from workbench.analysis.filters import Condition
from workbench.analysis.versions import Field, fields
from workbench.errors import WorkbenchError
from workbench.services.identity import current_author, writer
from workbench.services.search import ANNOTATION, NOTE, SOURCE, index_pending
from workbench.services.source_content import source_content
from workbench.store import events, files
from workbench.store.case import CaseFile


def _record(case: CaseFile, kind: str, payload: dict[str, Any]) -> events.Event:
    with case.transaction() as conn:
        event = events.append(conn, kind=kind, payload=payload,
                              **writer(case.replica_id, payload))  # type: ignore[arg-type]
        index_pending(conn)
    return event


def _text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_note(
    case: CaseFile, title: str, text: str, *, confidential: bool = False,
    origin: str | None = None,
) -> events.Event:
    """Save a Markdown note (a new version when the title exists)."""
    title = " ".join(title.split())
    if not title:
        raise WorkbenchError("A note needs a title.")
    current = note_fields(case).get(title)
    payload: dict[str, Any] = {"title": title, "text": text, "sha256": _text_sha(text),
                               "confidential": bool(confidential),
                               "base": sorted(h.id for h in current.heads) if current else []}
    if origin:
        payload["origin"] = origin
    return _record(case, NOTE, payload)


def _iso_date(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise WorkbenchError(f"{value!r} is not a date like 2024-06-10 ({what}).") from None


def find_source(case: CaseFile, sha256: str, *, undone_too: bool = False) -> events.Event | None:
    """The source with these bytes still in force (or, with ``undone_too``, ever added)."""
    log = events.read(case.conn, SOURCE) if undone_too else events.read_live(case.conn, SOURCE)
    return next((e for e in log if e.payload.get("sha256") == sha256), None)


def add_source(
    case: CaseFile,
    path: Path,
    *,
    title: str | None = None,
    confidential: bool = False,
    companies: Sequence[str] = (),
    where: Sequence[dict[str, Any]] = (),
    obtained_by: str | None = None,
    obtained_on: str | None = None,
    reliability: str | None = None,
    origin: str | None = None,
    cancel: Callable[[], bool] | None = None,
) -> events.Event:
    """Keep a source file inside the case, with its metadata, and index its text.

    ``companies`` and ``where`` (filter conditions as JSON, all of which a shipment meets) say
    which companies and which shipments the source is about. A spreadsheet's cells are
    indexed row by row (every sheet, within bounds); its event says how many sheets and rows
    it has and whether the index was cut (``table``). ``cancel`` is checked while a workbook
    is read.
    """
    path = Path(path)
    conditions = [Condition.from_json(dict(c)).as_json() for c in where]
    if not path.is_file():
        raise WorkbenchError(f"{path.name or path} does not exist or is not a file.")
    sha = files.sha256_of(path)
    if find_source(case, sha) is not None:
        raise WorkbenchError(f"{path.name} is already a source of this case.")
    content = source_content(path.name, path.read_bytes(), cancel=cancel)
    payload: dict[str, Any] = {
        "sha256": sha,
        "name": path.name,
        "title": title or path.stem,
        "type": path.suffix.lower().lstrip(".") or "file",
        "size": path.stat().st_size,
        "confidential": bool(confidential),
        "companies": sorted({c.strip() for c in companies if c.strip()}),
        "where": conditions,
        "obtained_by": obtained_by,
        "obtained_on": _iso_date(obtained_on, "date obtained"),
        "reliability": reliability,
        "text_indexed": content.indexed,
    }
    table = content.record()
    if table is not None:
        payload["table"] = table
    if content.refusal:
        payload["unreadable"] = content.refusal
    if origin:
        payload["origin"] = origin
    with case.transaction() as conn:
        files.add(conn, path, sha)
        event = events.append(conn, kind=SOURCE, payload=payload,
                              **writer(case.replica_id, payload))  # type: ignore[arg-type]
        index_pending(conn, prepared={sha: content})
    return event


def annotate(
    case: CaseFile,
    text: str,
    *,
    company: str | None = None,
    where: Sequence[dict[str, Any]] | None = None,
    tags: Iterable[str] = (),
    figure: str | None = None,
) -> events.Event:
    """Annotate a company, the shipments a filter selects (a list of condition JSON), or a
    figure (named, with its conditions, so the note shows on the figure's rows too)."""
    if not text.strip():
        raise WorkbenchError("An annotation needs some text.")
    if not company and not where and not figure:
        raise WorkbenchError("Say what the annotation is about: a company, a filter or a figure.")
    conditions = [Condition.from_json(dict(c)).as_json() for c in where or ()]
    clean_tags = sorted({" ".join(t.split()) for t in tags if t.strip()})
    payload = {"text": text.strip(), "company": company or None, "where": conditions,
               "tags": clean_tags}
    if figure:
        payload["figure"] = figure
    return _record(case, ANNOTATION, payload)


# -- folds ---------------------------------------------------------------------------------


def note_fields(case: CaseFile) -> dict[str, Field]:
    """Every note's versions still in force, by title, with its heads."""
    return fields(events.read_live(case.conn, NOTE), lambda e: str(e.payload["title"]))


def notes(case: CaseFile) -> list[dict[str, Any]]:
    """The current version of every note, by title, with its author and clock.

    After a merge in which two copies edited the same note, ``conflict`` lists every head
    (id, author, clock, text) until a new version replaces them.
    """
    out = []
    for _title, f in sorted(note_fields(case).items()):
        e = f.current
        conflict = [{"id": h.id, "author": h.author, "hlc": h.hlc, "text": h.payload.get("text")}
                    for h in f.heads] if f.in_conflict else []
        out.append({**e.payload, "id": e.id, "author": e.author, "hlc": e.hlc,
                    "conflict": conflict})
    return out


def sources(case: CaseFile) -> list[dict[str, Any]]:
    """Sources in force, one per file: the same bytes added in two copies are one source."""
    seen: set[str] = set()
    out = []
    for e in events.read_live(case.conn, SOURCE):
        sha = str(e.payload.get("sha256"))
        if sha not in seen:
            seen.add(sha)
            out.append({**e.payload, "id": e.id, "author": e.author, "hlc": e.hlc})
    return out


def annotations(case: CaseFile, company: str | None = None) -> list[dict[str, Any]]:
    return [{**e.payload, "id": e.id, "author": e.author, "hlc": e.hlc}
            for e in events.read_live(case.conn, ANNOTATION)
            if company is None or e.payload.get("company") == company]


# -- the case folder -----------------------------------------------------------------------


def note_title(path: Path, text: str) -> str:
    """A Markdown note's first heading, else its file name."""
    for line in text.splitlines():
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip()
    return path.stem


def sync_folder_record(case: CaseFile, folder: Path) -> dict[str, int]:
    """Add the folder's ``notes/*.md`` and ``sources/*`` the case lacks; never twice."""
    added = {"notes": 0, "sources": 0}
    notes_dir, sources_dir = Path(folder) / "notes", Path(folder) / "sources"
    if notes_dir.is_dir():
        have = {(e.payload.get("title"), e.payload.get("sha256"))
                for e in events.read(case.conn, NOTE)}
        for path in sorted(notes_dir.glob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace")
            title = note_title(path, text)
            if (title, _text_sha(text)) not in have:
                save_note(case, title, text, origin=f"notes/{path.name}")
                added["notes"] += 1
    if sources_dir.is_dir():
        for path in sorted(sources_dir.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if find_source(case, files.sha256_of(path), undone_too=True) is None:
                add_source(case, path, origin=f"sources/{path.name}")
                added["sources"] += 1
    return added


def purge_source(case: CaseFile, event_id: str) -> events.Event:
    """Remove a source for good: its event and its file's bytes, here and in every copy this
    case is merged with later. The purge event keeps only the ids, never the title."""
    from workbench.store.merge import PURGED, apply_purges

    source = next((e for e in events.read(case.conn, SOURCE)
                   if e.id == event_id or (len(event_id) >= 8 and e.id.startswith(event_id))),
                  None)
    if source is None:
        raise WorkbenchError(f"There is no source {event_id[:12]} in this case.")
    with case.transaction() as conn:
        purge = events.append(conn, kind=PURGED,
                              payload={"event": source.id, "sha256": source.payload.get("sha256")},
                              author=current_author(), replica=case.replica_id)
        apply_purges(conn)
    return purge
