"""Undo and redo of the analyst's record, as events.

Nothing is ever deleted: undoing a change appends an ``event.undone`` event that names it, and
redoing appends an undo of that undo. Every fold (notes, sources, annotations, replies, company
decisions, markers) reads only the events still in force (:func:`events.read_live`), so an undo
by one reporter travels with the log to every copy. Imports and sanctions screenings record what
happened to the data and are not undoable, nor is a purge (what it removed is gone).
"""

from __future__ import annotations

from workbench.errors import WorkbenchError
from workbench.services.history import summarise
from workbench.services.identity import current_author
from workbench.services.search import index_pending
from workbench.store import events
from workbench.store.case import CaseFile

NOT_UNDOABLE = frozenset({"import", "sanctions.screened", "source.purged"})


def _find(log: list[events.Event], event_id: str) -> events.Event:
    matches = [e for e in log if e.id == event_id or (len(event_id) >= 8
                                                       and e.id.startswith(event_id))]
    if not matches:
        raise WorkbenchError(f"There is no change {event_id[:12]} in this case.")
    if len(matches) > 1:
        raise WorkbenchError(f"{event_id} names more than one change; give more of its id.")
    return matches[0]


def undo(case: CaseFile, event_id: str) -> events.Event:
    """Undo one change (or, given an undo, redo what it undid); the undo is an event too."""
    log = events.read(case.conn)
    target = _find(log, event_id)
    if target.kind in NOT_UNDOABLE:
        raise WorkbenchError(f"That change ({target.kind}) records what happened to the data; "
                             "it cannot be undone.")
    if target.id in events.undone_ids(log):
        raise WorkbenchError("That change is already undone.")
    inner = target
    if target.kind == events.UNDO:
        inner = _find(log, str(target.payload.get("event")))
    payload = {"event": target.id, "kind": target.kind,
               "summary": summarise(inner.kind, inner.payload)}
    with case.transaction() as conn:
        event = events.append(conn, kind=events.UNDO, payload=payload,
                              author=current_author(), replica=case.replica_id)
        index_pending(conn)
    return event
