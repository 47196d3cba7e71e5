"""Full-text search over the case: notes, sources, annotations, companies, descriptions.

The index (``search_index``, FTS5) is derived: events are indexed in log order up to a mark kept
in ``meta``, company names and shipment descriptions whenever the imports change, and
:func:`rebuild_index` recreates it from scratch. Ranking is FTS5's bm25, titles weighing more.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass

from workbench.analysis.frame import shipments_frame
from workbench.analysis.versions import heads
from workbench.errors import WorkbenchError
from workbench.ingest.documents import extract_text
from workbench.store import events, files, shipments
from workbench.store.case import CaseFile

NOTE = "note.saved"
SOURCE = "source.added"
ANNOTATION = "annotation.added"
_EVENTS_MARK = "search_events_seq"
_IMPORTS_MARK = "search_imports"
_TITLE_WEIGHT = 3.0


@dataclass(frozen=True)
class Hit:
    kind: str
    ref: str
    title: str
    snippet: str
    score: float

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _put(conn: sqlite3.Connection, kind: str, ref: str, title: str, body: str) -> None:
    conn.execute("DELETE FROM search_index WHERE ref = ?", (ref,))
    conn.execute(
        "INSERT INTO search_index(kind, ref, title, body) VALUES (?, ?, ?, ?)",
        (kind, ref, title, body),
    )


def _note_heads(conn: sqlite3.Connection, title: str) -> tuple[events.Event, ...]:
    """The note's current versions (two or more while a merge conflict stands)."""
    return heads([e for e in events.read_live(conn, NOTE) if e.payload.get("title") == title])


def _ref(e: events.Event) -> str:
    if e.kind == NOTE:
        return f"note:{e.payload.get('title')}"
    if e.kind == SOURCE:
        return f"source:{e.payload.get('sha256')}"
    return f"annotation:{e.id}" if e.kind == ANNOTATION else f"event:{e.id}"


def _index_undo(conn: sqlite3.Connection, undo: events.Event) -> None:
    """After an undo (or a redo), index the changed event as it now stands."""
    log = events.read(conn)
    by_id = {e.id: e for e in log}
    target = by_id.get(str(undo.payload.get("event")))
    while target is not None and target.kind == events.UNDO:
        target = by_id.get(str(target.payload.get("event")))
    if target is None:
        return
    if target.kind != NOTE and target.id in events.undone_ids(log):
        conn.execute("DELETE FROM search_index WHERE ref = ?", (_ref(target),))
    else:
        _index_event(conn, target)


def _index_event(conn: sqlite3.Connection, e: events.Event) -> None:
    p = e.payload
    if e.kind == events.UNDO:
        _index_undo(conn, e)
    elif e.kind == NOTE:
        current = _note_heads(conn, str(p.get("title")))
        if not current:
            conn.execute("DELETE FROM search_index WHERE ref = ?", (_ref(e),))
        else:
            _put(conn, "note", _ref(e), str(p.get("title")),
                 "\n".join(str(h.payload.get("text", "")) for h in current))
    elif e.kind == SOURCE:
        stored = files.find(conn, str(p.get("sha256")))
        text = extract_text(stored.name, files.read_bytes(conn, stored.id)) if stored else None
        _put(conn, "source", f"source:{p.get('sha256')}", str(p.get("title", "")), text or "")
    elif e.kind == ANNOTATION:
        tags = " ".join(str(t) for t in p.get("tags", []))
        title = str(p.get("company") or "annotation")
        _put(conn, "annotation", f"annotation:{e.id}", title, f"{p.get('text', '')}\n{tags}")
    elif isinstance(p.get("text"), str) and p["text"].strip():  # replies and other records
        title = str(p.get("company") or e.kind)
        _put(conn, e.kind, f"event:{e.id}", title, p["text"])


def _index_shipments(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_index WHERE kind IN ('company', 'description')")
    frame = shipments_frame(shipments.read(conn))
    for column, kind in (("sender", "company"), ("description", "description")):
        if column not in frame:
            continue
        values = sorted(v for v in frame[column].dropna().astype(str).unique() if v.strip())
        conn.executemany(
            "INSERT INTO search_index(kind, ref, title, body) VALUES (?, ?, ?, ?)",
            ((kind, f"{kind}:{v}", v if kind == "company" else v[:80],
              "" if kind == "company" else v) for v in values),
        )


def index_pending(conn: sqlite3.Connection, *, with_shipments: bool = False) -> None:
    """Index the events written since the last time, inside the caller's write transaction.

    Company names and descriptions (hundreds of thousands at a million shipments) are
    re-indexed only ``with_shipments``: by the search itself when the imports changed, so
    saving a note right after a large import or merge does not wait for them.
    """
    mark = int(_meta(conn, _EVENTS_MARK) or 0)
    rows = conn.execute("SELECT seq, id FROM events WHERE seq > ? ORDER BY seq", (mark,))
    pending = rows.fetchall()
    if pending:
        wanted = {eid for _, eid in pending}
        for e in events.read(conn):
            if e.id in wanted:
                _index_event(conn, e)
        _set_meta(conn, _EVENTS_MARK, str(pending[-1][0]))
    count, last = conn.execute("SELECT count(*), max(id) FROM imports").fetchone()
    signature = f"{count}:{last}"
    if with_shipments and _meta(conn, _IMPORTS_MARK) != signature:
        _index_shipments(conn)
        _set_meta(conn, _IMPORTS_MARK, signature)


def _is_stale(conn: sqlite3.Connection) -> bool:
    last_seq = conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0
    count, last = conn.execute("SELECT count(*), max(id) FROM imports").fetchone()
    return (int(_meta(conn, _EVENTS_MARK) or 0) < last_seq
            or _meta(conn, _IMPORTS_MARK) != f"{count}:{last}")


def refresh_index(case: CaseFile) -> None:
    """Index what the log and the imports added since the last refresh (no-op when current)."""
    if case.read_only or not _is_stale(case.conn):
        return
    with case.transaction() as conn:
        index_pending(conn, with_shipments=True)


def rebuild_index(case: CaseFile) -> None:
    """Drop the index and build it again from the events and shipments."""
    with case.transaction() as conn:
        conn.execute("DELETE FROM search_index")
        conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (_EVENTS_MARK, _IMPORTS_MARK))
        index_pending(conn, with_shipments=True)


def fts_query(text: str) -> str:
    """The words of ``text`` as an FTS5 query: every word, each also as a prefix."""
    words = re.findall(r"\w+", text)
    if not words:
        raise WorkbenchError("Give at least one word to search for.")
    return " ".join(f'"{w}"*' for w in words)


def search(case: CaseFile, text: str, limit: int = 50) -> list[Hit]:
    """Ranked hits for ``text`` (best first), each with a snippet around the words found."""
    query = fts_query(text)
    if limit < 1:
        raise WorkbenchError("The number of hits to show must be at least 1.")
    refresh_index(case)
    rows = case.conn.execute(
        "SELECT kind, ref, title, snippet(search_index, -1, '[', ']', '…', 12), "
        f"bm25(search_index, 0, 0, {_TITLE_WEIGHT}, 1.0) AS rank "
        "FROM search_index WHERE search_index MATCH ? ORDER BY rank LIMIT ?",
        (query, limit),
    ).fetchall()
    return [Hit(k, r, t, " ".join(s.split()), round(-score, 6)) for k, r, t, s, score in rows]
