"""A spreadsheet that is not a customs extract, kept as a source: stored with its SHA-256,
every sheet's cells searchable by sheet and row, bounded, and gone for good when purged."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

from tests.extracts import REGISTRY, write_registry
from workbench.errors import NotShipments
from workbench.ingest import tables
from workbench.services.cases import new_case
from workbench.services.importing import import_file
from workbench.services.notes import add_source, purge_source, sources
from workbench.services.search import ROWS_PER_SOURCE, rebuild_index, search
from workbench.services.source_tables import source_tables
from workbench.services.undo import undo
from workbench.store import files
from workbench.store.case import CaseFile


@pytest.fixture
def case(tmp_path: Path):
    c = new_case(tmp_path / "case.wbcase", "Registry test")
    yield c
    c.close()


def index_refs(case: CaseFile, sha: str) -> list[str]:
    return [r for (r,) in case.conn.execute(
        "SELECT ref FROM search_index WHERE ref LIKE ?", (f"source:{sha}%",))]


def test_a_registry_excerpt_is_refused_as_shipments_and_kept_as_a_source(
        case: CaseFile, tmp_path: Path) -> None:
    path = write_registry(tmp_path / "registry.xlsx")
    with pytest.raises(NotShipments) as refused:
        import_file(case, path)
    assert "registry.xlsx" in str(refused.value)

    event = add_source(case, path)
    p = event.payload
    assert p["sha256"] == files.sha256_of(path)
    assert files.read_bytes(case.conn, files.find(case.conn, p["sha256"]).id) == path.read_bytes()
    assert p["table"] == {
        "sheets": [{"name": "Companies", "rows": 6, "columns": 4},
                   {"name": "Price list", "rows": 3, "columns": 2}],
        "indexed_rows": 8, "indexed_cells": 23, "index_cut": False}
    assert p["text_indexed"] is True

    [hit] = search(case, "Kim Sung")
    assert (hit.kind, hit.title, hit.sheet, hit.row) == ("source", "registry", "Companies", 5)
    assert hit.place == "sheet Companies, row 5"
    assert hit.source_sha256 == p["sha256"]
    assert "[Kim]" in hit.snippet
    [hit] = search(case, "Иванов")  # Cyrillic cells, found as typed
    assert (hit.sheet, hit.row) == ("Companies", 4)
    [hit] = search(case, "headlamp")  # the second sheet is searched too
    assert (hit.sheet, hit.row) == ("Price list", 3)


def test_text_tables_keep_record_numbers_and_encodings(case: CaseFile, tmp_path: Path) -> None:
    csv_path = tmp_path / "sanctions.csv"
    csv_path.write_bytes(
        "name;list;listing_date\n"
        '"ООО ""АУРУС""";US SDN;2024-02-23\n'
        '"Note spanning\ntwo lines";none;\n'
        "Kyungki;EU;2023-06-23\n".encode("cp1251"))
    tsv_path = tmp_path / "prices.tsv"
    tsv_path.write_text("part\tprice\nwiper motor\t45\n", encoding="utf-8")
    prose = tmp_path / "interview.txt"
    prose.write_text("We met at the port.\nHe said, quietly, that Kyungki paid.\n",
                     encoding="utf-8")
    for path in (csv_path, tsv_path, prose):
        add_source(case, path)

    [hit] = search(case, "Kyungki EU")
    assert (hit.sheet, hit.row) == ("", 4)  # the record number: a quoted newline is one row
    assert hit.place == "row 4"
    [hit] = search(case, "АУРУС")
    assert hit.row == 2
    [hit] = search(case, "wiper")
    assert hit.row == 2
    [hit] = search(case, "quietly")  # prose stays a document: one entry, no row
    assert (hit.title, hit.row) == ("interview", None)
    kept = {s["name"]: s for s in sources(case)}
    assert "table" not in kept["interview.txt"]
    assert kept["sanctions.csv"]["table"]["sheets"] == [{"name": "", "rows": 4, "columns": 3}]


def test_a_big_sheet_is_indexed_in_bounds_and_says_it_was_cut(
        case: CaseFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "INDEX_MAX_CELLS", 3_000)
    path = tmp_path / "list.csv"
    path.write_text("name,country\n" + "".join(f"Entity {i},RU\n" for i in range(50_000)),
                    encoding="utf-8")
    started = time.perf_counter()
    event = add_source(case, path)
    assert time.perf_counter() - started < 10
    table = event.payload["table"]
    assert table["index_cut"] is True
    assert table["indexed_cells"] <= 3_000
    assert table["indexed_rows"] == 1_500
    assert table["sheets"][0]["rows"] == 50_001
    assert search(case, "Entity 1498")[0].row == 1_500
    assert not any(h.row for h in search(case, "Entity 1500"))  # beyond the index


def test_view_rows_are_capped_and_the_total_known(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "MAX_ROWS", 1_000)
    data = ("id\n" + "".join(f"{i}\n" for i in range(5_000))).encode()
    [sheet] = tables.read_tables("ids.csv", data)
    assert (sheet.kept_rows, sheet.total_rows, sheet.cut) == (1_000, 5_001, True)
    index = tables.row_texts([sheet])
    assert index.cut
    assert len(index.rows) == 1_000


def test_a_hostile_workbook_is_kept_whole_but_indexed_by_title_only(
        case: CaseFile, tmp_path: Path) -> None:
    """Cells at A1 and XFD1048576 make the Rust readers abort: only the sandbox child dies."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Name"
    wb.active["XFD1048576"] = 1
    path = tmp_path / "corners.xlsx"
    wb.save(path)
    event = add_source(case, path, title="Odd registry")
    assert event.payload["text_indexed"] is False
    assert "corners.xlsx" in event.payload["unreadable"]
    assert files.find(case.conn, event.payload["sha256"]) is not None
    assert [h.title for h in search(case, "odd registry")] == ["Odd registry"]


def test_a_renamed_pdf_is_not_read_as_a_workbook(case: CaseFile, tmp_path: Path) -> None:
    path = tmp_path / "registry.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    event = add_source(case, path)
    assert event.payload["text_indexed"] is False
    assert "PDF" in event.payload["unreadable"]


def test_purge_and_undo_remove_every_row_from_the_index(case: CaseFile, tmp_path: Path) -> None:
    path = write_registry(tmp_path / "registry.xlsx")
    event = add_source(case, path)
    sha = event.payload["sha256"]
    assert len(index_refs(case, sha)) == 9  # the title entry and eight rows

    undone = undo(case, event.id)
    assert index_refs(case, sha) == []
    assert search(case, "Kim") == []
    undo(case, undone.id)  # redo: the rows come back
    assert [h.row for h in search(case, "Kim")] == [5]

    purge_source(case, event.id)
    assert index_refs(case, sha) == []
    assert search(case, "Kim") == []
    rebuild_index(case)
    assert search(case, "Kim") == []


def test_one_source_lists_a_few_rows_and_counts_the_rest(case: CaseFile, tmp_path: Path) -> None:
    path = tmp_path / "moscow.csv"
    path.write_text("name,city\n" + "".join(f"Firm {i},Moscow\n" for i in range(40)),
                    encoding="utf-8")
    add_source(case, path)
    hits = search(case, "Moscow")
    assert len(hits) == ROWS_PER_SOURCE
    assert {h.matches for h in hits} == {40}


def test_the_table_view_reads_the_copy_kept_in_the_case(case: CaseFile, tmp_path: Path) -> None:
    path = write_registry(tmp_path / "registry.xlsx")
    sha = add_source(case, path).payload["sha256"]
    path.unlink()  # the original is gone; the case's copy is what is shown
    shown = source_tables(case.path, sha)
    assert [s.name for s in shown.sheets] == ["Companies", "Price list"]
    companies = shown.sheets[0]
    assert companies.row_numbers.tolist() == [1, 2, 3, 4, 5, 6]
    assert companies.cells(4) == REGISTRY[2]
    assert tables.find_header(companies) == 2  # the row of column titles, below the title line


def test_a_spreadsheet_source_survives_a_rebuild_of_the_index(case: CaseFile,
                                                             tmp_path: Path) -> None:
    add_source(case, write_registry(tmp_path / "registry.xlsx"))
    case.conn.execute("DELETE FROM search_index")  # as a redacted copy starts
    rebuild_index(case)
    assert [(h.sheet, h.row) for h in search(case, "Park")] == [("Companies", 6)]


def test_the_rows_of_a_source_are_never_on_disk_outside_the_index(case: CaseFile,
                                                                 tmp_path: Path) -> None:
    """The cells live only in the derived index: the event carries counts, not cell text."""
    event = add_source(case, write_registry(tmp_path / "registry.xlsx"))
    text = str(event.payload)
    assert "Kim Sung-ho" not in text
    raw = sqlite3.connect(case.path)
    try:
        payloads = [p for (p,) in raw.execute("SELECT payload FROM events")]
    finally:
        raw.close()
    assert not any("Kim Sung-ho" in p for p in payloads)


# -- sharing and merging ---------------------------------------------------------------------

CELL_CANARY = "CANARY-CELL-6620"
SHEET_CANARY = "CANARY-SHEET-3381"
CSV_CANARY = "CANARY-ROW-8804"


def test_a_confidential_spreadsheet_source_leaves_no_byte_in_a_redacted_copy(
        case: CaseFile, tmp_path: Path) -> None:
    from workbench.services import sharing

    secret = openpyxl.Workbook()
    secret.active.title = SHEET_CANARY
    secret.active.append(["Name", "Paid"])
    secret.active.append([CELL_CANARY, "cash"])
    secret_path = tmp_path / "informant_ledger.xlsx"
    secret.save(secret_path)
    secret_csv = tmp_path / "informant_list.csv"
    secret_csv.write_text(f"name,role\n{CSV_CANARY},clerk\n", encoding="utf-8")
    add_source(case, secret_path, confidential=True)
    add_source(case, secret_csv, confidential=True)
    add_source(case, write_registry(tmp_path / "registry.xlsx"))  # not confidential

    whole, redacted = tmp_path / "whole.wbcase", tmp_path / "redacted.wbcase"
    sharing.share_case(case, whole)
    result = sharing.share_case(case, redacted, redact=True)
    assert result["redacted"]["sources"] == 2

    canaries = (CELL_CANARY, SHEET_CANARY, CSV_CANARY, "informant_ledger", "informant_list")
    plain = whole.read_bytes()
    assert CELL_CANARY.encode() in plain  # the check below is one that can fail
    assert CSV_CANARY.encode() in plain
    data = redacted.read_bytes()
    for canary in canaries:
        assert canary.encode() not in data, canary
        assert canary.lower().encode() not in data, canary
    assert secret_path.read_bytes()[:4096] not in data  # nor the workbook's own bytes
    with CaseFile.open(redacted, read_only=True) as copy:
        assert search(copy, "CANARY") == []
        assert [s["name"] for s in sources(copy)] == ["registry.xlsx"]
        assert [(h.sheet, h.row) for h in search(copy, "Kim")] == [("Companies", 5)]


def test_a_spreadsheet_source_from_a_colleague_is_searchable_after_a_merge(
        tmp_path: Path) -> None:
    from workbench.services.merging import merge_case

    mine = new_case(tmp_path / "mine.wbcase", "Mine")
    theirs = new_case(tmp_path / "theirs.wbcase", "Theirs")
    try:
        add_source(theirs, write_registry(tmp_path / "registry.xlsx"))
        theirs.close()
        merge_case(mine, tmp_path / "theirs.wbcase")
        assert [(h.title, h.sheet, h.row) for h in search(mine, "Kyungki")] == [
            ("registry", "Companies", 5)]
    finally:
        mine.close()


def test_a_late_byte_outside_utf8_reads_the_table_again_as_cp1251(case: CaseFile,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    ascii_part = "".join(f"firm {i};RU\n" for i in range(30_000)).encode("ascii")
    path.write_bytes(b"name;country\n" + ascii_part + "Иванов;RU\n".encode("cp1251"))
    add_source(case, path)
    assert [h.row for h in search(case, "Иванов")] == [30_002]
