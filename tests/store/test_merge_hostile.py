"""A hostile or broken copy is refused (or made harmless) and the case is left as it was."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.services.merging import merge_case, snapshot_dir
from workbench.store import events, merge, schema
from workbench.store.case import CaseFile

Edit = Callable[[Path], None]


@pytest.fixture
def target(sample_case: Path, tmp_path: Path) -> Path:
    """This reporter's case file."""
    path = tmp_path / "mine" / "case.wbcase"
    path.parent.mkdir()
    shutil.copy(sample_case / "case.wbcase", path)
    return path


@pytest.fixture
def other(sample_case: Path, tmp_path: Path) -> Path:
    """A colleague's copy, to be spoiled by each test."""
    path = tmp_path / "theirs" / "other.wbcase"
    path.parent.mkdir()
    shutil.copy(sample_case / "case.wbcase", path)
    with CaseFile.open(path) as case, case.transaction() as conn:
        events.append(conn, kind="annotation.added", author="Lee", replica=case.replica_id,
                      payload={"text": "Seen by Lee", "company": "BYT CO LTD", "where": [],
                               "tags": []})
    return path


def _sql(*statements: str) -> Edit:
    def edit(path: Path) -> None:
        conn = sqlite3.connect(path)
        try:
            for statement in statements:
                conn.execute(statement)
            conn.commit()
        finally:
            conn.close()
    return edit


def _overwrite(edit: Callable[[bytes], bytes]) -> Edit:
    return lambda path: path.write_bytes(edit(path.read_bytes()))


def _corrupt_events_page(path: Path) -> None:
    """Spoil the header of a page in the middle of the events table."""
    conn = sqlite3.connect(path)
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = [r[0] for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'events' ORDER BY pageno")]
    finally:
        conn.close()
    page = pages[len(pages) // 2]
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * 64)


def _rewrite_one_event(payload: Callable[[str], str]) -> Edit:
    """Change the stored payload of the newest annotation, leaving its id as it was."""
    def edit(path: Path) -> None:
        conn = sqlite3.connect(path)
        try:
            eid, text = conn.execute(
                "SELECT id, payload FROM events WHERE kind = 'annotation.added'"
                " ORDER BY hlc DESC LIMIT 1").fetchone()
            conn.execute("UPDATE events SET payload = ? WHERE id = ?", (payload(text), eid))
            conn.commit()
        finally:
            conn.close()
    return edit


def _edited_text(payload: str) -> str:
    body = json.loads(payload)
    body["text"] = "Seen by somebody else"
    return events.canonical_json(body)


HOSTILE: dict[str, tuple[Edit, str]] = {
    "trigger": (_sql("CREATE TRIGGER wipe AFTER INSERT ON events BEGIN DELETE FROM meta; END"),
                "holds a trigger 'wipe'"),
    "view": (_sql("CREATE VIEW newest AS SELECT * FROM events"), "holds a view 'newest'"),
    "view with a function": (_sql("CREATE VIEW probe AS SELECT load_extension('evil')"),
                             "holds a view 'probe'"),
    "trigger with a function": (
        _sql("CREATE TRIGGER probe AFTER INSERT ON meta BEGIN SELECT load_extension('x'); END"),
        "holds a trigger 'probe'"),
    "table": (_sql("CREATE TABLE stash(x)"), "holds a table 'stash'"),
    "index": (_sql("CREATE INDEX by_author ON events(author)"),
              "index 'by_author' that a case file never has"),
    "application id": (_sql("PRAGMA application_id = 1234"),
                       "is not a Case Workbench case file"),
    "newer schema": (_sql(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}"),
                     "a schema this version does not know"),
    "no schema version": (_sql("PRAGMA user_version = 0"), "a schema this version does not know"),
    "corrupted page": (_corrupt_events_page, "is damaged"),
    "truncated": (_overwrite(lambda data: data[: len(data) // 2]), "is damaged"),
    "header only": (_overwrite(lambda data: data[:100]), "is damaged"),
    "empty": (_overwrite(lambda data: b""), "is not a case file"),
    "not sqlite": (_overwrite(lambda data: b"PK\x03\x04" + os.urandom(4000)),
                   "is not a case file"),
    "text": (_overwrite(lambda data: b"Dear colleague, here is my copy.\n"), "is not a case file"),
    "edited payload": (_rewrite_one_event(_edited_text), "does not match its id"),
    "payload not json": (_rewrite_one_event(lambda payload: payload[:-7]),
                         "has an event that cannot be read"),
    "payload not an object": (_rewrite_one_event(lambda payload: "[1, 2]"),
                              "has an event that cannot be read"),
    "bad clock": (_sql("UPDATE events SET hlc = 'yesterday' WHERE rowid = 1"),
                  "has an event that cannot be read"),
    "id not text": (_sql("UPDATE events SET id = x'00' WHERE rowid = 1"),
                    "has an event that cannot be read"),
}


def _assert_refused(target: Path, other: Path, match: str) -> str:
    """Merge ``other`` into ``target`` expecting a refusal; the target must not change."""
    before = target.read_bytes()
    with CaseFile.open(target) as case, pytest.raises(WorkbenchError, match=match) as refused:
        merge_case(case, other)
    message = str(refused.value)
    assert message.endswith(".")
    assert "\n" not in message
    assert "Traceback" not in message
    assert target.read_bytes() == before
    folder = snapshot_dir(target)
    assert not folder.exists() or not any(folder.iterdir()), "a refusal left a snapshot"
    return message


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_copy_is_refused_in_one_sentence(target: Path, other: Path, name: str) -> None:
    edit, match = HOSTILE[name]
    edit(other)
    _assert_refused(target, other, match)


def test_the_unspoiled_copy_merges(target: Path, other: Path) -> None:
    with CaseFile.open(target) as case:
        assert merge_case(case, other)["events"] == 1


def test_a_tampered_journal_line_is_refused(target: Path, other: Path) -> None:
    with CaseFile.open(other, read_only=True) as case:
        lines = [json.dumps({"id": e.id, "hlc": e.hlc, "author": e.author, "replica": e.replica,
                             "kind": e.kind, "payload": e.payload}) for e in events.read(case.conn)]
    journal = other.with_name("journal.jsonl")
    lines[-1] = lines[-1].replace("Seen by Lee", "Seen by nobody")
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _assert_refused(target, journal, "does not match its id")
    assert message.startswith(f"Line {len(lines)} of journal.jsonl")


def test_a_journal_line_that_is_not_json_is_refused(target: Path, tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    journal.write_text('{"id": "abc", "hlc": \n', encoding="utf-8")
    _assert_refused(target, journal, "Line 1 of journal.jsonl is not valid JSON")


def test_a_case_is_not_merged_with_itself(target: Path) -> None:
    alias = target.parent / "sub"
    alias.mkdir()
    link = target.parent / "link.wbcase"
    link.symlink_to(target)
    for same in (target, alias / ".." / target.name, link):
        _assert_refused(target, same, "cannot be merged with itself")


def test_trusted_schema_off_neutralises_a_function_in_the_schema(target: Path,
                                                                 other: Path) -> None:
    """A generated column calling a function is let in, never evaluated, never copied."""
    conn = sqlite3.connect(other)
    conn.create_function("leak", 1, lambda value: value, deterministic=True)
    conn.execute("ALTER TABLE events ADD COLUMN echo GENERATED ALWAYS AS (leak(payload)) VIRTUAL")
    conn.commit()
    conn.close()

    src = merge.open_untrusted(other)
    try:
        assert src.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    finally:
        src.close()
    calls: list[object] = []
    probe = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
    try:  # the same order as for an untrusted copy: the pragma before the schema is read
        probe.execute("PRAGMA trusted_schema = OFF")
        probe.create_function("leak", 1, lambda value: calls.append(value) or value,
                              deterministic=True)
        with pytest.raises(sqlite3.DatabaseError, match="unsafe use of leak"):
            probe.execute("SELECT echo FROM events").fetchall()
    finally:
        probe.close()
    assert calls == []
    with CaseFile.open(target) as case:
        assert merge_case(case, other)["events"] == 1
        columns = [r[1] for r in case.conn.execute("PRAGMA table_info(events)")]
        assert "echo" not in columns
        assert case.integrity_errors() == []


def _new_import_in(other: Path, spoil: str) -> None:
    """Make the other copy's first import look new to the target, then spoil its shipments."""
    _sql("UPDATE files SET sha256 = 'ff' || substr(sha256, 3)"
         " WHERE id = (SELECT file_id FROM imports ORDER BY id LIMIT 1)",
         f"UPDATE shipment_chunks SET {spoil} WHERE import_id = (SELECT min(id) FROM imports)",
         )(other)


def test_unreadable_shipments_are_refused_and_the_case_is_unchanged(target: Path,
                                                                     other: Path) -> None:
    _new_import_in(other, "data = x'00112233445566778899'")
    before = target.read_bytes()
    with CaseFile.open(target) as case, pytest.raises(WorkbenchError,
                                                      match="shipments cannot be read"):
        merge_case(case, other)
    assert target.read_bytes() == before


def test_unreadable_shipments_leave_no_snapshot(target: Path, other: Path) -> None:
    _new_import_in(other, "data = x'00112233445566778899'")
    _assert_refused(target, other, "shipments cannot be read")


def test_shipment_keys_of_a_wrong_length_are_refused(target: Path, other: Path) -> None:
    _new_import_in(other, "decl_keys = x'001122'")
    _assert_refused(target, other, "shipments")


def test_a_stored_file_that_does_not_match_its_hash_is_refused(target: Path,
                                                               other: Path) -> None:
    _sql("UPDATE files SET sha256 = 'ff' || substr(sha256, 3)"
         " WHERE id = (SELECT file_id FROM imports ORDER BY id LIMIT 1)")(other)
    _assert_refused(target, other, "SHA-256")
