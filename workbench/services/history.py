"""The case's history: every event in clock order, with who, when and what changed in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from workbench.analysis.filters import Condition
from workbench.labels import column_label, event_label
from workbench.services.identity import FOLDER_CLOCK
from workbench.store import events
from workbench.store.case import CaseFile


def hlc_time(hlc: str) -> str:
    """The wall-clock part of a hybrid logical clock value as ISO 8601 UTC."""
    millis, _ = events.parse_hlc(hlc)
    moment = datetime.fromtimestamp(millis / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


#: A date written in a file's name: ``sanctions_2024-02.md``, ``letter-2024-06-05.pdf``.
_NAMED_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}(?:-\d{2})?)(?!\d)")


def described_date(payload: dict[str, Any]) -> str:
    """The date a case-folder event is about: a marker's date, a source's date obtained, else a
    date in the file's name (``YYYY-MM`` or ``YYYY-MM-DD``); "" when it names none."""
    for key in ("date", "obtained_on"):
        if isinstance(payload.get(key), str) and payload[key]:
            return str(payload[key])
    found = _NAMED_DATE.search(str(payload.get("origin") or payload.get("name") or ""))
    return found.group(1) if found else ""


def event_time(e: events.Event) -> str:
    """When an event happened: its clock, or for what the case folder brought (written at clock
    zero so every copy writes it alike) the date it describes."""
    return described_date(e.payload) if e.hlc == FOLDER_CLOCK else hlc_time(e.hlc)


def _names(p: dict[str, Any]) -> str:
    return ", ".join(str(n) for n in p.get("names", []))


def _clip(text: object, width: int = 120) -> str:
    flat = " ".join(str(text or "").split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _annotation(p: dict[str, Any]) -> str:
    about = p.get("company") or (f"figure '{p['figure']}'" if p.get("figure") else "") or "; ".join(
        Condition.from_json(c).describe() for c in p.get("where", [])
    )
    tags = f" [{', '.join(p['tags'])}]" if p.get("tags") else ""
    return f"annotation on {about}: '{_clip(p.get('text'))}'{tags}"


def _reply(verb: str) -> Callable[[dict[str, Any]], str]:
    def summary(p: dict[str, Any]) -> str:
        extra = [f"by {p.get('channel')} on {p.get('date')}"]
        if p.get("deadline"):
            extra.append(f"deadline {p.get('extension_until') or p['deadline']}")
        if p.get("outcome"):
            extra.append(str(p["outcome"]))
        text = p.get("text") or p.get("questions")
        quoted = f": '{_clip(text)}'" if text else ""
        return f"{verb} {p.get('company')} ({', '.join(extra)}){quoted}"

    return summary


def _value(field: object, value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,.2f}"
    return f"'{_clip(value, 60)}'" if value is not None else "(blank)"


def _chosen(p: dict[str, Any]) -> str:
    name = str(p.get("field"))
    label = column_label(name)
    source = p.get("source") if isinstance(p.get("source"), dict) else {}
    sheet = f" sheet {source.get('sheet')}" if source.get("sheet") else ""
    return (f"counted {label} {_value(name, p.get('value'))} from {source.get('file')}{sheet} "
            f"row {source.get('row')} in place of {_value(name, p.get('previous'))} for "
            f"{p.get('declaration_no')} item {p.get('item_no')}")


_SUMMARIES: dict[str, Callable[[dict[str, Any]], str]] = {
    "reply.request": _reply("asked"),
    "reply.attempt": _reply("tried to reach"),
    "reply.response": _reply("reply from"),
    "reply.declined": _reply("declined to comment:"),
    "note.saved": lambda p: f"note '{p.get('title')}' saved"
    + (" (confidential)" if p.get("confidential") else ""),
    "source.added": lambda p: f"source '{p.get('title')}' added ({p.get('name')})"
    + "".join(f"; {Condition.from_json(c).describe()}" for c in p.get("where") or ())
    + (" (confidential)" if p.get("confidential") else ""),
    "annotation.added": _annotation,
    "company.merged": lambda p: f"merged {_names(p)}",
    "company.split": lambda p: f"split off {_names(p)}",
    "company.renamed": lambda p: f"renamed {p.get('name')} to {p.get('display')}",
    "company.suggestion_rejected": lambda p: f"kept apart {_names(p)}",
    "event.undone": lambda p: ("redid " if p.get("kind") == "event.undone" else "undid ")
    + str(p.get("summary") or f"{event_label(str(p.get('kind'))).lower()} "
          f"{str(p.get('event'))[:12]}"),
    "import": lambda p: f"import of {p.get('file')}: {p.get('imported')} imported, "
    f"{p.get('duplicates')} duplicates, {p.get('rejected')} rejected"
    + (f", {p['discrepancies']} discrepancies" if p.get("discrepancies") else ""),
    "shipment.value_chosen": _chosen,
    "figure.saved": lambda p: f"figure '{p.get('name')}' saved: {p.get('value'):,.2f} "
    f"in {p.get('rows')} rows" + (f", stated '{p['stated']}'" if p.get("stated") else ""),
    "figure.removed": lambda p: f"figure '{p.get('name')}' removed",
    "timeline.marker_added": lambda p: f"timeline marker {p.get('date')}: {p.get('label')}",
    "sanctions.screened": lambda p: f"screened against {p.get('list')}: "
    f"{len(p.get('hits', []))} hits",
}


def summarise(kind: str, payload: dict[str, Any]) -> str:
    """What an event changed, in words that carry the changed text."""
    known = _SUMMARIES.get(kind)
    if known is not None:
        return known(payload)
    detail = payload.get("text") or payload.get("title") or payload.get("name") or ""
    who = f" ({payload['company']})" if payload.get("company") else ""
    return f"{event_label(kind)}{who}" + (f": '{_clip(detail)}'" if detail else "")


def _mentions(payload: dict[str, Any], wanted: set[str]) -> bool:
    values: list[object] = [payload.get("company"), payload.get("name"), payload.get("display")]
    for key in ("names", "companies"):
        values.extend(payload.get(key) or [])
    values.extend(h.get("case_name") for h in payload.get("hits") or [] if isinstance(h, dict))
    return any(isinstance(v, str) and v.casefold() in wanted for v in values)


def history(
    case: CaseFile, company: str | None = None, *, aliases: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """Every change in clock order; with ``company``, only those naming it (or ``aliases``)."""
    wanted = {n.casefold() for n in (company, *aliases) if n}
    log = events.read(case.conn)
    undone = events.undone_ids(log)
    return [
        {"id": e.id, "time": event_time(e), "author": e.author, "kind": e.kind,
         "summary": summarise(e.kind, e.payload), "undone": e.id in undone}
        for e in log
        if not wanted or _mentions(e.payload, wanted)
    ]


def event_json(e: events.Event) -> dict[str, object]:
    """One event as the command line prints it."""
    return {"id": e.id, "time": event_time(e), "author": e.author, "kind": e.kind,
            "summary": summarise(e.kind, e.payload), "payload": e.payload}
