"""Conflicts left by merges: the same field changed in two copies from the same version.

A conflict lists every value with who wrote it and when; it stands until someone keeps one
of them (or writes a new one), which is a new version replacing all the heads.
"""

from __future__ import annotations

from typing import Any

from workbench.analysis.versions import Field
from workbench.errors import WorkbenchError
from workbench.services.companies import active_decisions, rename_fields
from workbench.services.discrepancies import choice_fields
from workbench.services.figures import FIGURE, definition_of, figure_fields
from workbench.services.history import hlc_time, summarise
from workbench.services.identity import current_author
from workbench.services.notes import note_fields
from workbench.services.search import index_pending
from workbench.store import events
from workbench.store.case import CaseFile

NOTE_TEXT, COMPANY_NAME, FIGURE_DEFINITION = "note text", "company name", "figure"
COUNTED_VALUE = "counted value"


def _value(kind: str, e: events.Event) -> str:
    if kind == NOTE_TEXT:
        return str(e.payload.get("text", ""))
    if kind == COMPANY_NAME:
        return str(e.payload.get("display", ""))
    if kind == COUNTED_VALUE:
        return summarise(e.kind, e.payload)
    if e.kind != FIGURE:
        return "(removed)"
    stated = f", stated '{e.payload['stated']}'" if e.payload.get("stated") else ""
    return definition_of(e.payload).describe() + stated


def _all_fields(case: CaseFile) -> list[tuple[str, Field]]:
    found = [(NOTE_TEXT, f) for f in note_fields(case).values()]
    found += [(COMPANY_NAME, f) for f in rename_fields(active_decisions(case)).values()]
    found += [(FIGURE_DEFINITION, f) for f in figure_fields(case).values()]
    found += [(COUNTED_VALUE, f) for f in choice_fields(case).values()]
    return found


def conflicts(case: CaseFile) -> list[dict[str, Any]]:
    """Every field in conflict, with each value, its author and time (JSON-ready)."""
    return [
        {"kind": kind, "key": f.key,
         "values": [{"id": h.id, "author": h.author, "time": hlc_time(h.hlc),
                     "value": _value(kind, h)} for h in f.heads]}
        for kind, f in _all_fields(case) if f.in_conflict
    ]


def resolve(case: CaseFile, keep: str) -> events.Event:
    """Keep one value of a conflict (by its event id): a new version replacing every head."""
    for _kind, f in _all_fields(case):
        chosen = next((h for h in f.heads if h.id == keep or
                       (len(keep) >= 8 and h.id.startswith(keep))), None)
        if chosen is None or not f.in_conflict:
            continue
        payload = {**chosen.payload, "base": sorted(h.id for h in f.heads)}
        with case.transaction() as conn:
            kept = events.append(conn, kind=chosen.kind, payload=payload,
                                 author=current_author(), replica=case.replica_id)
            index_pending(conn)
            return kept
    raise WorkbenchError(f"{keep[:12]} is not one of the values of a conflict in this case.")
