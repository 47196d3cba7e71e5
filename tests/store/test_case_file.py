"""The case file: durable settings, identity checks, migrations, old files still open."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from workbench.errors import CaseFileError
from workbench.store import events, schema
from workbench.store.case import CaseFile

DATA = Path(__file__).parent.parent / "data"


def test_new_case_file_is_configured_for_durability(tmp_path: Path) -> None:
    case = CaseFile.create(tmp_path / "a.wbcase", title="A")
    conn = case.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert case.title == "A"
    assert len(case.replica_id) == 32
    case.close()


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    CaseFile.create(tmp_path / "a.wbcase", title="A").close()
    with pytest.raises(CaseFileError, match="already exists"):
        CaseFile.create(tmp_path / "a.wbcase", title="B")


def test_close_leaves_no_wal_behind(tmp_path: Path) -> None:
    case = CaseFile.create(tmp_path / "a.wbcase", title="A")
    case.close()
    wal = tmp_path / "a.wbcase-wal"
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a case file"),
        (b"PK\x03\x04 not sqlite at all", "not a case file"),
        (b"SQLite format 3\x00" + b"\xff" * 4000, "damaged"),
    ],
)
def test_open_refuses_what_is_not_a_case_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.wbcase"
    path.write_bytes(content)
    with pytest.raises(CaseFileError, match=message):
        CaseFile.open(path)
    assert path.read_bytes() == content  # never overwritten


def test_open_refuses_a_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(CaseFileError, match="not a case file"):
        CaseFile.open(path)


def test_open_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "a.wbcase"
    CaseFile.create(path, title="A").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(CaseFileError, match="newer version"):
        CaseFile.open(path)


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    case = CaseFile.create(tmp_path / "a.wbcase", title="A")
    def change_then_fail() -> None:
        with case.transaction():
            case.set_meta("title", "changed")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert case.title == "A"
    case.close()


def test_event_ids_are_content_stable_and_clock_never_runs_back(tmp_path: Path) -> None:
    case = CaseFile.create(tmp_path / "a.wbcase", title="A")
    with case.transaction() as conn:
        first = events.append(conn, kind="k", payload={"a": 1}, author="x", replica="r")
        conn.execute("UPDATE events SET hlc = ? WHERE id = ?", ("9999999999999.00000", first.id))
        second = events.append(conn, kind="k", payload={"a": 1}, author="x", replica="r")
    assert second.hlc == "9999999999999.00001"  # after the log's latest, whatever the wall clock
    assert first.id == events.event_id(first.hlc, "x", "r", "k", {"a": 1})
    assert first.id != second.id
    case.close()


def test_schema_v1_fixture_still_opens(tmp_path: Path) -> None:
    """A case file written by schema version 1 is kept in tests/data and must keep opening."""
    path = tmp_path / "v1.wbcase"
    shutil.copy(DATA / "schema_v1.wbcase", path)
    case = CaseFile.open(path)
    assert case.schema_version == schema.SCHEMA_VERSION
    assert case.integrity_errors() == []
    from workbench.services.cases import case_info

    info = case_info(case)
    assert info["shipments"] == 12
    assert info["total"] == 2_486_304.97
    case.close()


def test_schema_v2_fixture_still_opens(tmp_path: Path) -> None:
    """A case file written by schema version 2 (with the search index) must keep opening."""
    path = tmp_path / "v2.wbcase"
    shutil.copy(DATA / "schema_v2.wbcase", path)
    case = CaseFile.open(path)
    assert case.schema_version == schema.SCHEMA_VERSION
    assert case.integrity_errors() == []
    from workbench.services.cases import case_info

    assert case_info(case)["shipments"] == 12
    case.close()


def test_migration_from_v2_gives_old_imports_an_empty_report(tmp_path: Path) -> None:
    path = tmp_path / "v2.wbcase"
    shutil.copy(DATA / "schema_v2.wbcase", path)
    case = CaseFile.open(path)
    reports = [r[0] for r in case.conn.execute("SELECT report FROM imports")]
    assert reports
    assert set(reports) == {"{}"}
    case.close()


def test_migration_from_v1_adds_the_search_index(tmp_path: Path) -> None:
    path = tmp_path / "v1.wbcase"
    shutil.copy(DATA / "schema_v1.wbcase", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    case = CaseFile.open(path)
    assert case.schema_version == schema.SCHEMA_VERSION
    tables = {r[0] for r in case.conn.execute("SELECT name FROM sqlite_master")}
    assert "search_index" in tables
    from workbench.services.search import search

    hits = search(case, "кузова")  # the index of the old file's shipments builds on demand
    assert {h.kind for h in hits} == {"description"}
    assert {h.title for h in search(case, "byt")} == {"BYT CO LTD"}
    case.close()


def test_schema_v3_fixture_still_opens_and_keeps_other_extracts_values_after(
        tmp_path: Path) -> None:
    """A schema 3 case (before offered copies) opens, migrates, and takes an overlapping
    extract's other values from then on."""
    from tests.extracts import sample_items, second_vendor_items, write_vendor_csv
    from workbench.services.cases import case_info
    from workbench.services.discrepancies import list_discrepancies
    from workbench.services.importing import import_file

    path = tmp_path / "v3.wbcase"
    shutil.copy(DATA / "schema_v3.wbcase", path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    case = CaseFile.open(path)
    assert case.schema_version == schema.SCHEMA_VERSION
    assert case.integrity_errors() == []
    assert case_info(case)["shipments"] == 12
    assert list_discrepancies(case).items == []
    report = import_file(case, write_vendor_csv(tmp_path / "b.csv",
                                                second_vendor_items(sample_items())))
    assert (report.imported, report.discrepancies.total) == (0, 5)
    assert len(list_discrepancies(case).items) == 5
    assert case_info(case)["total"] == 2_486_304.97
    case.close()
