"""Full-text search over the case: notes, sources, annotations, companies, descriptions.

The index (``search_index``, FTS5) is derived: events are indexed in log order up to a mark kept
in ``meta``, company names and shipment descriptions whenever the imports change, and
:func:`rebuild_index` recreates it from scratch. Ranking is FTS5's bm25, titles weighing more.

A spreadsheet source is one entry for its title (ref ``source:<sha256>``) and one entry per
non-empty row (ref ``source:<sha256>/<row>/<sheet>``, no title, so the title's words do not
make every row a hit); a search lists at most ``ROWS_PER_SOURCE`` entries of one source and
says how many more matched.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from workbench.analysis.frame import shipments_frame
from workbench.analysis.versions import heads
from workbench.errors import WorkbenchError
from workbench.services.source_content import SourceContent, source_content
from workbench.store import events, files, shipments
from workbench.store.case import CaseFile

NOTE = "note.saved"
SOURCE = "source.added"
ANNOTATION = "annotation.added"
_EVENTS_MARK = "search_events_seq"
_IMPORTS_MARK = "search_imports"
_TITLE_WEIGHT = 3.0
#: Entries of one source a search lists at most (its title and its best rows).
ROWS_PER_SOURCE = 5
_SOURCE_REF = len("source:") + 64  # a row's ref continues with "/<row>/<sheet>"


@dataclass(frozen=True)
class Hit:
    """One place the words were found. A row of a spreadsheet source has ``sheet`` ("" for
    a csv) and ``row`` (as a spreadsheet program numbers it). For a source, ``matches``
    counts its rows that matched (a search lists ``ROWS_PER_SOURCE`` entries of a source at
    most, so some may not be listed)."""

    kind: str
    ref: str
    title: str
    snippet: str
    score: float
    sheet: str | None = None
    row: int | None = None
    matches: int = 1

    @property
    def source_sha256(self) -> str | None:
        """The source's SHA-256, for a hit in a source (its title or one of its rows)."""
        return self.ref[7:_SOURCE_REF] if self.kind == "source" else None

    @property
    def place(self) -> str:
        """Where in the source: "sheet Companies, row 4", "row 12", or ""."""
        if self.row is None:
            return ""
        return f"sheet {self.sheet}, row {self.row:,}" if self.sheet else f"row {self.row:,}"

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def row_ref(sha256: str, sheet: str, row: int) -> str:
    """The index ref of one row of a spreadsheet source."""
    return f"source:{sha256}/{row}/{sheet}"


def parse_row_ref(ref: str) -> tuple[str, str, int] | None:
    """(sha256, sheet, row) of a spreadsheet row's ref; None for any other ref."""
    if not ref.startswith("source:") or ref[_SOURCE_REF:_SOURCE_REF + 1] != "/":
        return None
    number, _, sheet = ref[_SOURCE_REF + 1:].partition("/")
    if not number.isdigit():
        return None
    return ref[7:_SOURCE_REF], sheet, int(number)


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def drop_ref(conn: sqlite3.Connection, ref: str) -> None:
    """Remove an entry from the index, with the rows of a spreadsheet source."""
    conn.execute(
        "DELETE FROM search_index WHERE ref = ? OR (kind = 'source' AND substr(ref, 1, ?) = ?)",
        (ref, len(ref) + 1, f"{ref}/"),
    )


def _put(conn: sqlite3.Connection, kind: str, ref: str, title: str, body: str) -> None:
    drop_ref(conn, ref)
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


def _put_source(conn: sqlite3.Connection, sha: str, title: str, content: SourceContent) -> None:
    ref = f"source:{sha}"
    if content.cells is None:
        _put(conn, "source", ref, title, content.text or "")
        return
    names = " ".join(s.name for s in content.sheets if s.name)
    _put(conn, "source", ref, title, names)
    conn.executemany(
        "INSERT INTO search_index(kind, ref, title, body) VALUES ('source', ?, '', ?)",
        ((row_ref(sha, r.sheet_name, r.row), r.text) for r in content.cells.rows),
    )


def _index_undo(conn: sqlite3.Connection, undo: events.Event,
                prepared: Mapping[str, SourceContent]) -> None:
    """After an undo (or a redo), index the changed event as it now stands."""
    log = events.read(conn)
    by_id = {e.id: e for e in log}
    target = by_id.get(str(undo.payload.get("event")))
    while target is not None and target.kind == events.UNDO:
        target = by_id.get(str(target.payload.get("event")))
    if target is None:
        return
    if target.kind != NOTE and target.id in events.undone_ids(log):
        drop_ref(conn, _ref(target))
    else:
        _index_event(conn, target, prepared)


def _index_event(conn: sqlite3.Connection, e: events.Event,
                 prepared: Mapping[str, SourceContent]) -> None:
    p = e.payload
    if e.kind == events.UNDO:
        _index_undo(conn, e, prepared)
    elif e.kind == NOTE:
        current = _note_heads(conn, str(p.get("title")))
        if not current:
            conn.execute("DELETE FROM search_index WHERE ref = ?", (_ref(e),))
        else:
            _put(conn, "note", _ref(e), str(p.get("title")),
                 "\n".join(str(h.payload.get("text", "")) for h in current))
    elif e.kind == SOURCE:
        sha = str(p.get("sha256"))
        content = prepared.get(sha)
        if content is None:
            stored = files.find(conn, sha)
            content = (source_content(stored.name, files.read_bytes(conn, stored.id))
                       if stored else SourceContent())
        _put_source(conn, sha, str(p.get("title", "")), content)
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


def index_pending(conn: sqlite3.Connection, *, with_shipments: bool = False,
                  prepared: Mapping[str, SourceContent] | None = None) -> None:
    """Index the events written since the last time, inside the caller's write transaction.

    Company names and descriptions (hundreds of thousands at a million shipments) are
    re-indexed only ``with_shipments``: by the search itself when the imports changed, so
    saving a note right after a large import or merge does not wait for them. ``prepared``
    holds sources' content already read (by SHA-256), so a new source is not read twice.
    """
    prepared = prepared or {}
    mark = int(_meta(conn, _EVENTS_MARK) or 0)
    rows = conn.execute("SELECT seq, id FROM events WHERE seq > ? ORDER BY seq", (mark,))
    pending = rows.fetchall()
    if pending:
        wanted = {eid for _, eid in pending}
        for e in events.read(conn):
            if e.id in wanted:
                _index_event(conn, e, prepared)
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


_HITS = (
    "WITH m AS (SELECT rowid AS rid, kind, ref, title, "
    f"bm25(search_index, 0, 0, {_TITLE_WEIGHT}, 1.0) AS rank "
    "FROM search_index WHERE search_index MATCH ?), "
    "g AS (SELECT *, CASE WHEN kind = 'source' THEN substr(ref, 1, "
    f"{_SOURCE_REF}) ELSE ref END AS grp FROM m), "
    "r AS (SELECT *, row_number() OVER (PARTITION BY grp ORDER BY rank, rid) AS n, "
    f"sum(CASE WHEN kind = 'source' AND length(ref) > {_SOURCE_REF} THEN 1 ELSE 0 END) "
    "OVER (PARTITION BY grp) AS source_rows FROM g) "
    "SELECT rid, kind, ref, title, rank, source_rows FROM r WHERE n <= ? "
    "ORDER BY rank, rid LIMIT ?"
)


def search(case: CaseFile, text: str, limit: int = 50) -> list[Hit]:
    """Ranked hits for ``text`` (best first), each with a snippet around the words found.

    A source lists at most ``ROWS_PER_SOURCE`` entries; each says how many of its rows matched
    (:func:`unlisted_rows` counts those not listed).
    """
    query = fts_query(text)
    if limit < 1:
        raise WorkbenchError("The number of hits to show must be at least 1.")
    refresh_index(case)
    conn = case.conn
    rows = conn.execute(_HITS, (query, ROWS_PER_SOURCE, limit)).fetchall()
    if not rows:
        return []
    ids = [r[0] for r in rows]
    snippets = dict(conn.execute(
        "SELECT rowid, snippet(search_index, -1, '[', ']', '…', 12) FROM search_index "
        f"WHERE search_index MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
        (query, *ids)).fetchall())
    titles = _source_titles(conn) if any(parse_row_ref(r[2]) for r in rows) else {}
    hits = []
    for rid, kind, ref, title, score, source_rows in rows:
        where = parse_row_ref(ref) if kind == "source" else None
        sheet, row = (where[1], where[2]) if where else (None, None)
        if where:
            title = titles.get(where[0], title)
        hits.append(Hit(kind, ref, title, " ".join(str(snippets.get(rid, "")).split()),
                        round(-score, 6), sheet, row,
                        int(source_rows) if kind == "source" else 1))
    return hits


def unlisted_rows(hits: list[Hit]) -> dict[str, int]:
    """Per source (SHA-256), how many of its matching rows the hits do not list."""
    listed: dict[str, int] = {}
    matched: dict[str, int] = {}
    for h in hits:
        sha = h.source_sha256
        if sha is not None:
            listed[sha] = listed.get(sha, 0) + (h.row is not None)
            matched[sha] = h.matches
    return {sha: matched[sha] - n for sha, n in listed.items() if matched[sha] > n}


def _source_titles(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(e.payload.get("sha256")): str(e.payload.get("title", ""))
            for e in events.read_live(conn, SOURCE)}
