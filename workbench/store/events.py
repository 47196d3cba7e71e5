"""The append-only event log: the analyst's record and the case's audit trail.

An event's id is the SHA-256 of its canonical content, so the same event copied between case
files keeps its id and merging copies is a set union. Events are ordered by a hybrid logical
clock (wall-clock milliseconds, then a counter), which never runs backwards within a case even
when the laptop's clock does.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from typing import Any

from workbench.store import payloads

UNDO = "event.undone"


@dataclass(frozen=True)
class Event:
    id: str
    hlc: str
    author: str
    replica: str
    kind: str
    payload: dict[str, Any]


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces: the same content always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_id(hlc: str, author: str, replica: str, kind: str, payload: dict[str, Any]) -> str:
    body = canonical_json(
        {"hlc": hlc, "author": author, "replica": replica, "kind": kind, "payload": payload}
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def format_hlc(millis: int, counter: int) -> str:
    """Fixed-width text form, so text order is clock order."""
    return f"{millis:013d}.{counter:05d}"


def parse_hlc(text: str) -> tuple[int, int]:
    millis, counter = text.split(".")
    return int(millis), int(counter)


def next_hlc(conn: sqlite3.Connection, wall_millis: int | None = None) -> str:
    """The clock value for a new event: after every event already in the log."""
    wall = int(time.time() * 1000) if wall_millis is None else wall_millis
    row = conn.execute("SELECT max(hlc) FROM events").fetchone()
    if row[0] is None:
        return format_hlc(wall, 0)
    last_millis, last_counter = parse_hlc(row[0])
    if wall > last_millis:
        return format_hlc(wall, 0)
    return format_hlc(last_millis, last_counter + 1)


def append(
    conn: sqlite3.Connection,
    *,
    kind: str,
    payload: dict[str, Any],
    author: str,
    replica: str,
    hlc: str | None = None,
) -> Event:
    """Append one event inside the caller's transaction and return it.

    ``hlc`` is given only for events every copy must write identically (see the case folder).
    A payload its kind does not allow (:mod:`workbench.store.payloads`) raises ``ValueError``.
    """
    wrong = payloads.problem(kind, payload)
    if wrong:
        raise ValueError(f"A {kind} event cannot be written: {wrong}.")
    hlc = next_hlc(conn) if hlc is None else hlc
    eid = event_id(hlc, author, replica, kind, payload)
    conn.execute(
        "INSERT OR IGNORE INTO events(id, hlc, author, replica, kind, payload)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (eid, hlc, author, replica, kind, canonical_json(payload)),
    )
    return Event(eid, hlc, author, replica, kind, payload)


class ForeignEventError(ValueError):
    """An event from another copy or a journal that cannot be taken in (``reason`` says why;
    for "payload", ``detail`` says what is wrong with it)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def foreign(eid: object, hlc: object, author: object, replica: object, kind: object,
            payload: object) -> Event:
    """An event from elsewhere, taken in only if well formed and its id hashes its content.

    Raises :class:`ForeignEventError` with ``reason`` "type" (a field of the wrong type),
    "clock" (a malformed clock value), "id" (changed after it was written) or "payload" (a
    payload its kind does not allow).
    """
    if not all(isinstance(v, str) for v in (eid, hlc, author, replica, kind)) \
            or not isinstance(payload, dict):
        raise ForeignEventError("type")
    try:
        parse_hlc(str(hlc))
    except ValueError:
        raise ForeignEventError("clock") from None
    if event_id(str(hlc), str(author), str(replica), str(kind), payload) != eid:
        raise ForeignEventError("id")
    wrong = payloads.problem(str(kind), payload)
    if wrong:
        raise ForeignEventError("payload", wrong)
    return Event(str(eid), str(hlc), str(author), str(replica), str(kind), payload)


def read(conn: sqlite3.Connection, kind: str | None = None) -> list[Event]:
    """Events in clock order (ties broken by id, so every copy sees the same order)."""
    sql = "SELECT id, hlc, author, replica, kind, payload FROM events"
    args: tuple[str, ...] = ()
    if kind is not None:
        sql += " WHERE kind = ?"
        args = (kind,)
    rows = conn.execute(sql + " ORDER BY hlc, id", args).fetchall()
    return [Event(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]


def undone_ids(log: list[Event]) -> set[str]:
    """Ids of the events an undo cancels; an undo that is itself undone cancels nothing.

    ``log`` must be in clock order. Walking it backwards, the latest word wins: undo, redo
    (an undo of the undo), undo again...
    """
    undone: set[str] = set()
    for e in reversed(log):
        if e.kind == UNDO and e.id not in undone:
            undone.add(str(e.payload.get("event")))
    return undone


def live(log: list[Event]) -> list[Event]:
    """The events still in force: neither undone nor undos themselves."""
    undone = undone_ids(log)
    return [e for e in log if e.kind != UNDO and e.id not in undone]


def read_live(conn: sqlite3.Connection, kinds: tuple[str, ...] | str | None = None) -> list[Event]:
    """Events of ``kinds`` (all when None) that are still in force, in clock order."""
    wanted = (kinds,) if isinstance(kinds, str) else kinds
    return [e for e in live(read(conn)) if wanted is None or e.kind in wanted]
