"""Merging a colleague's copy into this case: a union of what both sides wrote, nothing lost.

The other copy is untrusted. It is opened read-only with ``trusted_schema`` off and refused
unless it carries the case file's application id, a schema this code knows, a clean
``integrity_check`` and only the tables and indexes a case file has (no triggers, no views).
Every event must hash to its id. What is added:

- events not yet present (a set union by content id), except those a purge removed;
- input files that sources need and this copy lacks;
- imports of files this copy has not imported, with only the shipments it does not hold yet
  (by the same declaration and content keys an import checks); their rows that copy a held
  shipment with other values, and the other copy's own offered copies, are compared again
  with the shipments held here and kept as offered copies where they differ.

A ``source.purged`` event names a source event and its file's SHA-256: after any merge both
are gone from the copy and stay gone, whichever copy brings the purged source back. Merging is
therefore commutative, associative and idempotent on events, files and the set of shipments.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from workbench.errors import WorkbenchError
from workbench.store import events, files, offered, schema, shipments
from workbench.store.case import utc_now

PURGED = "source.purged"
SOURCE = "source.added"
#: Objects a case file may hold (tables, their indexes, the full-text index's shadow tables).
_TABLES = {"meta", "files", "file_parts", "recipes", "imports", "shipment_chunks", "rejects",
           "events", "search_index", "offered_chunks"}
_SHADOW = ("search_index_",)
_INDEXES = {"rejects_by_import", "events_by_kind"}


class MergeError(WorkbenchError):
    """The other copy cannot be merged; the message says why in one sentence."""


@dataclass
class MergeReport:
    events: int = 0
    files: int = 0
    imports: int = 0
    shipments: int = 0
    duplicates: int = 0
    purged: int = 0
    skipped_purged: int = 0
    offered: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {"events": self.events, "files": self.files, "imports": self.imports,
                "shipments": self.shipments, "duplicate_shipments": self.duplicates,
                "offered_copies": self.offered,
                "purged": self.purged, "skipped_purged": self.skipped_purged,
                "kinds": dict(sorted(self.kinds.items()))}


# -- the untrusted copy ---------------------------------------------------------------------


def open_untrusted(path: Path, name: str | None = None) -> sqlite3.Connection:
    """Open another copy read-only after checking it is a sound case file and nothing more.

    ``name`` is how messages call it (the reporter's file, not a private copy of it).
    """
    name = name or Path(path).name
    try:
        with Path(path).open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise MergeError(f"{name} is not a case file.")
    except OSError as exc:
        raise MergeError(f"{name} cannot be read ({exc.strerror}).") from None
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True,
                           isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
            raise MergeError(f"{name} is not a Case Workbench case file.")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if not 1 <= version <= schema.SCHEMA_VERSION:
            raise MergeError(f"{name} has a schema this version does not know ({version}).")
        findings = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if findings != ["ok"]:
            raise MergeError(f"{name} is damaged ({findings[0]}); ask for a fresh copy.")
        _check_objects(conn, name)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise MergeError(f"{name} is damaged and cannot be read ({exc}).") from None
    except MergeError:
        conn.close()
        raise
    return conn


def _check_objects(conn: sqlite3.Connection, name: str) -> None:
    for kind, obj in conn.execute("SELECT type, name FROM sqlite_master"):
        if kind == "table" and (obj in _TABLES or obj.startswith(_SHADOW)):
            continue
        if kind == "index" and (obj in _INDEXES or obj.startswith("sqlite_autoindex_")):
            continue
        article = "an" if kind[:1] in "aeiou" else "a"
        raise MergeError(f"{name} holds {article} {kind} '{obj}' that a case file never has; "
                         "it was not merged.")


def verified_events(conn: sqlite3.Connection, name: str) -> list[events.Event]:
    """The other copy's events, each checked against its content id."""
    found = []
    try:
        rows = conn.execute("SELECT id, hlc, author, replica, kind, payload FROM events")
        for eid, hlc, author, replica, kind, payload in rows:
            found.append(check_event(eid, hlc, author, replica, kind, payload, name))
    except sqlite3.DatabaseError as exc:
        raise MergeError(f"{name} has an unreadable event table ({exc}).") from None
    return found


def check_event(eid: object, hlc: object, author: object, replica: object, kind: object,
                payload: object, name: str) -> events.Event:
    """An event from the other copy, refused unless its id is the hash of its content."""
    try:
        body = json.loads(str(payload))
        return events.foreign(eid, hlc, author, replica, kind, body)
    except events.ForeignEventError as exc:
        if exc.reason == "id":
            raise MergeError(f"{name} has an event ({str(eid)[:12]}) whose content does not "
                             "match its id; it was changed after it was written.") from None
        if exc.reason == "payload":
            raise MergeError(f"{name} has a {kind} event ({str(eid)[:12]}) that does not hold "
                             f"what that kind needs ({exc.detail}); nothing was merged.") from None
        raise MergeError(f"{name} has an event that cannot be read.") from None
    except (ValueError, TypeError):
        raise MergeError(f"{name} has an event that cannot be read.") from None


# -- merging ----------------------------------------------------------------------------------


def purges(log: Iterable[events.Event]) -> tuple[set[str], set[str]]:
    """Event ids and file hashes that purges removed (from any copy)."""
    ids: set[str] = set()
    shas: set[str] = set()
    for e in log:
        if e.kind == PURGED:
            ids.add(str(e.payload.get("event")))
            if e.payload.get("sha256"):
                shas.add(str(e.payload["sha256"]))
    return ids, shas


def apply_purges(conn: sqlite3.Connection) -> int:
    """Remove what the purges in the log name (inside the caller's transaction)."""
    ids, shas = purges(events.read(conn, PURGED))
    removed = 0
    for eid in ids:
        removed += conn.execute("DELETE FROM events WHERE id = ?", (eid,)).rowcount
    for sha in shas:
        row = conn.execute("SELECT id FROM files WHERE sha256 = ?", (sha,)).fetchone()
        used = row and conn.execute("SELECT 1 FROM imports WHERE file_id = ?", row).fetchone()
        if row and not used:
            conn.execute("DELETE FROM file_parts WHERE file_id = ?", row)
            conn.execute("DELETE FROM files WHERE id = ?", row)
            removed += 1
    if ids:
        conn.execute(f"DELETE FROM search_index WHERE ref IN ({','.join('?' * len(ids))})",
                     [f"event:{i}" for i in ids])
        for sha in shas:  # the source's entry and, for a spreadsheet, one per row
            ref = f"source:{sha}"
            conn.execute("DELETE FROM search_index WHERE ref = ? OR substr(ref, 1, ?) = ?",
                         (ref, len(ref) + 1, f"{ref}/"))
    return removed


def merge_events(conn: sqlite3.Connection, incoming: list[events.Event],
                 report: MergeReport) -> None:
    """Add the events this copy lacks, leaving out the purged (caller's transaction)."""
    local = events.read(conn)
    purged_ids, _ = purges([*local, *incoming])
    have = {e.id for e in local}
    for e in sorted(incoming, key=lambda e: (e.hlc, e.id)):
        if e.id in have:
            continue
        if e.id in purged_ids:
            report.skipped_purged += 1
            continue
        conn.execute(
            "INSERT INTO events(id, hlc, author, replica, kind, payload) VALUES (?, ?, ?, ?, ?, ?)",
            (e.id, e.hlc, e.author, e.replica, e.kind, events.canonical_json(e.payload)),
        )
        have.add(e.id)
        report.events += 1
        report.kinds[e.kind] = report.kinds.get(e.kind, 0) + 1
    report.purged += apply_purges(conn)


def _copy_file(dst: sqlite3.Connection, src: sqlite3.Connection, src_id: int) -> int:
    """Copy one stored file (its parts as they are) and return its id here."""
    sha, name, size, added = src.execute(
        "SELECT sha256, name, size, added_at FROM files WHERE id = ?", (src_id,)).fetchone()
    row = dst.execute("SELECT id FROM files WHERE sha256 = ?", (sha,)).fetchone()
    if row:
        return int(row[0])
    try:
        files.read_bytes(src, src_id)  # the bytes must be the file its hash names
    except (WorkbenchError, pa.ArrowInvalid, OSError, ValueError):
        raise MergeError(f"The other copy's file {name} does not match its SHA-256; "
                         "it was not merged.") from None
    cur = dst.execute("INSERT INTO files(sha256, name, size, added_at) VALUES (?, ?, ?, ?)",
                      (sha, name, size, added))
    new_id = int(cur.lastrowid or 0)
    for part_no, codec, data in src.execute(
            "SELECT part_no, codec, data FROM file_parts WHERE file_id = ? ORDER BY part_no",
            (src_id,)):
        dst.execute("INSERT INTO file_parts(file_id, part_no, codec, data) VALUES (?, ?, ?, ?)",
                    (new_id, part_no, codec, data))
    return new_id


def merge_source_files(dst: sqlite3.Connection, src: sqlite3.Connection,
                       report: MergeReport) -> None:
    """Files the sources in force need and this copy lacks (purged ones never)."""
    _, purged_shas = purges(events.read(dst, PURGED))
    wanted = {str(e.payload.get("sha256")) for e in events.read(dst, SOURCE)} - purged_shas
    for src_id, sha in src.execute("SELECT id, sha256 FROM files").fetchall():
        if sha in wanted and not dst.execute("SELECT 1 FROM files WHERE sha256 = ?",
                                             (sha,)).fetchone():
            _copy_file(dst, src, src_id)
            report.files += 1


#: (new decl keys, new content keys, known decl keys, known content keys) -> duplicate mask
Duplicates = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]
#: (this copy, rows, their declaration keys) -> (rows that differ from the shipments held here,
#: their keys, their masks of differing fields); raises MergeError on rows it cannot trust.
Offered = Callable[[sqlite3.Connection, pa.Table, np.ndarray],
                   tuple[pa.Table, np.ndarray, np.ndarray]]


def merge_imports(dst: sqlite3.Connection, src: sqlite3.Connection, report: MergeReport,
                  find_duplicates: Duplicates, find_offered: Offered | None = None) -> None:
    """Imports of files (and sheets) this copy has not imported, new shipments only.

    ``find_duplicates`` is the importer's own test, so a merge and an import agree;
    ``find_offered`` its comparison with the shipments held (offered copies are not kept
    without it).
    """
    done = set(dst.execute(
        "SELECT f.sha256, i.sheet FROM imports i JOIN files f ON f.id = i.file_id").fetchall())
    known_decl, known_content = shipments.keys(dst)
    has_report = any(row[1] == "report" for row in src.execute("PRAGMA table_info(imports)"))
    incoming = src.execute(
        "SELECT i.id, i.file_id, f.sha256, i.sheet, i.imported_at, i.rows_read, i.rejected,"
        f" i.mapping, {'i.report' if has_report else chr(39) * 2} FROM imports i"
        " JOIN files f ON f.id = i.file_id ORDER BY i.id").fetchall()
    for (src_import, src_file, sha, sheet, imported_at, rows_read, rejected, mapping,
         import_report) in incoming:
        if (sha, sheet) in done:
            continue
        table, decl, content = _import_rows(src, src_import)
        dup = find_duplicates(decl, content, known_decl, known_content)
        keep = ~dup
        new_file = not dst.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha,)).fetchone()
        file_id = _copy_file(dst, src, src_file)
        cur = dst.execute(
            "INSERT INTO imports(file_id, sheet, recipe_id, imported_at, rows_read, imported,"
            " duplicates, rejected, mapping, report) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)",
            (file_id, sheet, imported_at, rows_read, int(keep.sum()), int(dup.sum()),
             rejected, mapping, _checked_report(import_report)))
        import_id = int(cur.lastrowid or 0)
        report.files += int(new_file)
        if table is not None and keep.all():  # nothing held already: the chunks as they are
            dst.executemany(
                "INSERT INTO shipment_chunks(import_id, chunk_no, rows, decl_keys, content_keys,"
                " data) VALUES (?, ?, ?, ?, ?, ?)",
                ((import_id, *chunk) for chunk in src.execute(
                    "SELECT chunk_no, rows, decl_keys, content_keys, data FROM shipment_chunks"
                    " WHERE import_id = ? ORDER BY chunk_no", (src_import,))))
        elif table is not None and keep.any():
            shipments.write(dst, import_id, table.filter(pa.array(keep)), decl[keep],
                            content[keep])
        if find_offered is not None:
            report.offered += _merge_offered(dst, src, src_import, import_id, find_offered,
                                             table, decl, dup)
        dst.executemany(
            "INSERT INTO rejects(import_id, row, reason) VALUES (?, ?, ?)",
            [(import_id, r, why) for r, why in src.execute(
                "SELECT row, reason FROM rejects WHERE import_id = ?", (src_import,))])
        known_decl = np.concatenate([known_decl, decl[keep]])
        known_content = np.concatenate([known_content, content[keep]])
        done.add((sha, sheet))
        report.imports += 1
        report.shipments += int(keep.sum())
        report.duplicates += int(dup.sum())


def _merge_offered(dst: sqlite3.Connection, src: sqlite3.Connection, src_import: int,
                   import_id: int, find_offered: Offered, table: pa.Table | None,
                   decl: np.ndarray, dup: np.ndarray) -> int:
    """Keep, as offered copies of this import, its rows (and the other copy's offered copies)
    that copy a shipment held here with other values; returns how many."""
    parts, keys = [], []
    repeats = np.flatnonzero(dup & (decl != 0))
    if table is not None and len(repeats):
        parts.append(table.take(pa.array(repeats)))
        keys.append(decl[repeats])
    theirs, their_keys = _offered_rows(src, src_import)
    if theirs is not None:
        parts.append(theirs)
        keys.append(their_keys)
    if not parts:
        return 0
    try:
        rows = pa.concat_tables(parts, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise MergeError("The other copy's offered rows do not fit its shipments.") from None
    kept, kept_keys, masks = find_offered(dst, rows, np.concatenate(keys))
    offered.write(dst, import_id, kept, kept_keys, masks)
    return kept.num_rows


def _offered_rows(src: sqlite3.Connection, import_id: int) -> tuple[pa.Table | None, np.ndarray]:
    """The other copy's offered copies of one import, checked against their keys' count."""
    if not src.execute("SELECT 1 FROM sqlite_master WHERE name = 'offered_chunks'").fetchone():
        return None, np.empty(0, dtype=np.uint64)
    tables, keys = [], []
    try:
        for data, d, f, rows in src.execute(
                "SELECT data, decl_keys, fields, rows FROM offered_chunks WHERE import_id = ?"
                " ORDER BY chunk_no", (import_id,)):
            with pa.ipc.open_stream(data) as reader:
                part = reader.read_all()
            part_keys = np.frombuffer(d, "<u8")
            if not part.num_rows == rows == len(part_keys) == len(np.frombuffer(f, "<u4")):
                raise MergeError("The other copy's offered rows do not match their keys.")
            tables.append(part)
            keys.append(part_keys)
    except (pa.ArrowInvalid, OSError, ValueError, TypeError) as exc:
        raise MergeError(f"The other copy's offered rows cannot be read ({exc}).") from None
    if not tables:
        return None, np.empty(0, dtype=np.uint64)
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise MergeError("The other copy's offered rows do not fit together.") from None
    return table, np.concatenate(keys).astype(np.uint64)


#: The largest import report taken from another copy; a larger one is dropped, not trusted.
_REPORT_LIMIT = 1 << 20


def _checked_report(text: object) -> str:
    """Another copy's import report as JSON text of one object, or ``{}`` when it is not one."""
    if not isinstance(text, str) or not text or len(text) > _REPORT_LIMIT:
        return "{}"
    try:
        value = json.loads(text)
    except ValueError:
        return "{}"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else "{}"


def _import_rows(src: sqlite3.Connection, import_id: int,
                 ) -> tuple[pa.Table | None, np.ndarray, np.ndarray]:
    tables, decl, content = [], [], []
    try:
        for data, d, c, rows in src.execute(
                "SELECT data, decl_keys, content_keys, rows FROM shipment_chunks"
                " WHERE import_id = ? ORDER BY chunk_no", (import_id,)):
            with pa.ipc.open_stream(data) as reader:
                part = reader.read_all()
            keys_d, keys_c = np.frombuffer(d, "<u8"), np.frombuffer(c, "<u8")
            if not part.num_rows == rows == len(keys_d) == len(keys_c):
                raise MergeError("The other copy's shipments do not match their keys.")
            tables.append(part)
            decl.append(keys_d)
            content.append(keys_c)
    except (pa.ArrowInvalid, OSError, ValueError) as exc:
        raise MergeError(f"The other copy's shipments cannot be read ({exc}).") from None
    if not tables:
        empty = np.empty(0, dtype=np.uint64)
        return None, empty, empty
    table = pa.concat_tables(tables, promote_options="permissive")
    return (table, np.concatenate(decl).astype(np.uint64),
            np.concatenate(content).astype(np.uint64))


def note_merge(conn: sqlite3.Connection, source: str) -> None:
    """Remember when this copy last took in another (for the window's status)."""
    conn.execute("INSERT INTO meta(key, value) VALUES ('last_merge', ?) ON CONFLICT(key) DO "
                 "UPDATE SET value = excluded.value", (f"{utc_now()} {source}",))
