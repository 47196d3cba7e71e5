"""The case file's schema and its step-by-step migrations.

``user_version`` holds the schema version; each migration moves a file exactly one version up
inside the transaction that opens it, so an old case file is upgraded in place or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: ``PRAGMA application_id``: "WBCA" read as a big-endian integer. Identifies a case file.
APPLICATION_ID = 0x57424341
#: The schema this code writes. Files with a higher version are refused, lower ones migrated.
SCHEMA_VERSION = 4

_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- Every input file, kept whole so a figure can always be traced back to the bytes it came from.
CREATE TABLE files (
    id        INTEGER PRIMARY KEY,
    sha256    TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    added_at  TEXT NOT NULL
);
-- Parts are zstd-compressed (``codec``) unless compressing did not pay.
CREATE TABLE file_parts (
    file_id  INTEGER NOT NULL REFERENCES files(id),
    part_no  INTEGER NOT NULL,
    codec    TEXT NOT NULL,
    data     BLOB NOT NULL,
    PRIMARY KEY (file_id, part_no)
) WITHOUT ROWID;
-- Saved column mappings and options, found again by the layout's signature.
CREATE TABLE recipes (
    id         INTEGER PRIMARY KEY,
    signature  TEXT NOT NULL UNIQUE,
    mapping    TEXT NOT NULL,
    options    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    used_at    TEXT NOT NULL
);
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL REFERENCES files(id),
    sheet        TEXT NOT NULL,
    recipe_id    INTEGER REFERENCES recipes(id),
    imported_at  TEXT NOT NULL,
    rows_read    INTEGER NOT NULL,
    imported     INTEGER NOT NULL,
    duplicates   INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    mapping      TEXT NOT NULL
);
-- Shipments are immutable and stored by column: each chunk is an Arrow IPC stream of up to
-- CHUNK_ROWS rows with provenance columns, plus the rows' deduplication keys as raw uint64.
CREATE TABLE shipment_chunks (
    import_id     INTEGER NOT NULL REFERENCES imports(id),
    chunk_no      INTEGER NOT NULL,
    rows          INTEGER NOT NULL,
    decl_keys     BLOB NOT NULL,
    content_keys  BLOB NOT NULL,
    data          BLOB NOT NULL,
    PRIMARY KEY (import_id, chunk_no)
) WITHOUT ROWID;
CREATE TABLE rejects (
    import_id  INTEGER NOT NULL REFERENCES imports(id),
    row        INTEGER NOT NULL,
    reason     TEXT NOT NULL
);
CREATE INDEX rejects_by_import ON rejects(import_id);
-- The analyst's record: append-only events, the state on screen is a fold of them.
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    hlc      TEXT NOT NULL,
    author   TEXT NOT NULL,
    replica  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    payload  TEXT NOT NULL
);
CREATE INDEX events_by_kind ON events(kind, hlc);
"""

Migration = Callable[[sqlite3.Connection], None]


def _create_v1(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V1):
        conn.execute(statement)


def _split_statements(script: str) -> list[str]:
    """Split a schema script on ``;`` (the schema has no semicolons inside literals)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


#: Version 2: a full-text index over notes, sources, annotations, company names and shipment
#: descriptions. It is derived from the events and shipments and can always be rebuilt.
_V2 = """
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    body,
    tokenize = "unicode61 remove_diacritics 2"
);
"""


def _v1_to_v2(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V2):
        conn.execute(statement)


#: Version 3: each import keeps its report (columns not found, columns kept as extras, rows
#: with an empty value basis, values that look wrong, choices made between candidate columns),
#: as JSON, so the case can say later what a file did not give.
def _v2_to_v3(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE imports ADD COLUMN report TEXT NOT NULL DEFAULT '{}'")


#: Version 4: other extracts' copies of shipments the case holds whose values differ (another
#: vendor rounded, re-coded or cut them), kept beside the shipments they copy so both values
#: can be shown and the reporter can choose which counts. Same chunk layout as the shipments;
#: ``fields`` holds one ``uint32`` a row, bit ``i`` set where ``offered.COMPARED[i]`` differs.
_V4 = """
CREATE TABLE offered_chunks (
    import_id  INTEGER NOT NULL REFERENCES imports(id),
    chunk_no   INTEGER NOT NULL,
    rows       INTEGER NOT NULL,
    decl_keys  BLOB NOT NULL,
    fields     BLOB NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (import_id, chunk_no)
) WITHOUT ROWID;
"""


def _v3_to_v4(conn: sqlite3.Connection) -> None:
    for statement in _split_statements(_V4):
        conn.execute(statement)


#: ``MIGRATIONS[n]`` moves a file from version ``n`` to ``n + 1``.
MIGRATIONS: dict[int, Migration] = {0: _create_v1, 1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def migrate(conn: sqlite3.Connection, from_version: int) -> None:
    """Apply every migration from ``from_version`` up to :data:`SCHEMA_VERSION`.

    The caller holds a write transaction; ``user_version`` is set inside it.
    """
    for version in range(from_version, SCHEMA_VERSION):
        MIGRATIONS[version](conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
