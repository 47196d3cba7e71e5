"""Companies: automatic groups, suggestions, and decisions that are events (and can be undone)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.app import main
from workbench.services import companies as co
from workbench.services.cases import load_shipments, open_case
from workbench.store import events

NAMED = {
    "kyungki": ["KYUNGKI INDUSTRIAL CO., LTD", "Kyungki Industrial Co", "KYUNGKI IND. CO LTD",
                "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД"],
    "byt": ["BYT CO LTD", "BYT CO., LTD.", "B.Y.T. Co., Ltd"],
    "enertech": ["ENERTECH INTERNATIONAL INC", "Enertech International, Inc.",
                 "ENERTECH INT'L INC"],
    "ilpea": ["INDUSTRIE ILPEA SPA", "Industrie Ilpea S.p.A.", "ILPEA INDUSTRIE SPA"],
    "rain": ["RAIN ELECTRONICS CO LIMITED", "Rain Electronics Co., Ltd",
             "RAIN ELECTRONICS (HK) LTD"],
}


@pytest.fixture
def folder(sample_case: Path, tmp_path: Path) -> Path:
    """A private copy of the built sample case: these tests write decisions."""
    copy = tmp_path / "aurus"
    shutil.copytree(sample_case, copy)
    return copy


def _book(folder: Path) -> co.CompanyBook:
    case, _ = open_case(folder)
    try:
        return co.company_book(case, load_shipments(case))
    finally:
        case.close()


def _linked(book: co.CompanyBook, names: list[str]) -> bool:
    """One company, or one company plus suggestions that each join it to the rest."""
    companies = {book.company_of[n] for n in names}
    if len(companies) == 1:
        return True
    main_company = max(companies, key=lambda c: book.companies[c].shipments)
    for other in companies - {main_company}:
        joined = any(
            {book.company_of[n] for n in s.names} >= {main_company, other}
            for s in book.suggestions
        )
        if not joined:
            return False
    return True


def test_each_named_supplier_is_one_company_or_a_suggestion_away(folder: Path) -> None:
    book = _book(folder)
    for supplier, spellings in NAMED.items():
        assert _linked(book, spellings), supplier


def test_no_two_named_suppliers_are_merged_automatically(folder: Path) -> None:
    book = _book(folder)
    owners = {s: {book.company_of[n] for n in names} for s, names in NAMED.items()}
    for a in owners:
        for b in owners:
            if a < b:
                assert not owners[a] & owners[b], (a, b)


def test_accepting_a_suggestion_survives_reopening_and_can_be_undone(folder: Path) -> None:
    book = _book(folder)
    assert book.suggestions, "the sample needs at least one suggestion"
    first = book.suggestions[0]
    case, _ = open_case(folder)
    try:
        decision = co.accept(case, book, 1)
    finally:
        case.close()
    merged = _book(folder)  # reopened
    assert len({merged.company_of[n] for n in first.names}) == 1
    assert first.id not in {s.id for s in merged.suggestions}

    case, _ = open_case(folder)
    try:
        logged = events.read(case.conn, co.MERGE)
        assert [e.id for e in logged] == [decision.id]
        assert logged[0].author
        co.undo_last(case)
        assert events.read(case.conn, co.UNDO)[0].payload["event"] == decision.id
    finally:
        case.close()
    undone = _book(folder)
    assert len({undone.company_of[n] for n in first.names}) > 1
    assert first.id in {s.id for s in undone.suggestions}


def test_reject_merge_split_rename(folder: Path) -> None:
    book = _book(folder)
    rejected = book.suggestions[0]
    case, _ = open_case(folder)
    try:
        co.reject(case, book, 1)
        co.merge(case, ["BYT CO LTD", "RAIN ELECTRONICS CO LIMITED"])  # a mistake, by hand
        co.split(case, ["RAIN ELECTRONICS CO LIMITED"])  # mended
        co.rename(case, "BYT CO LTD", "BYT Co., Ltd (South Korea)")
        book = co.company_book(case, load_shipments(case))
    finally:
        case.close()
    assert rejected.id not in {s.id for s in book.suggestions}
    byt = book.companies[book.company_of["BYT CO LTD"]]
    assert byt.name == "BYT Co., Ltd (South Korea)"
    assert "RAIN ELECTRONICS CO LIMITED" not in byt.aliases


def test_companies_command_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["companies", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["companies"][0]
    assert set(first) >= {"name", "aliases", "total", "shipments", "first", "last",
                          "reply_status", "sanctions"}
    assert round(sum(c["total"] for c in data["companies"]), 2) == 34_186_352.74
    assert all(set(s) >= {"names", "score", "reason"} for s in data["suggestions"])
    assert main(["companies", str(folder), "--accept", "1", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["decision"]["kind"] == co.MERGE
    assert len(after["suggestions"]) == len(data["suggestions"]) - 1
    assert main(["companies", str(folder), "--undo", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["suggestions"]) == len(data["suggestions"])
    assert main(["companies", str(folder), "--accept", "999"]) == 2
    assert "no suggestion 999" in capsys.readouterr().err


def test_screening_is_recorded_and_shown_on_the_company(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = folder / "sources" / "extra_list.csv"
    listing.write_text("name,list,listing_date\nBYT Co Ltd,EU test list,2023-05-01\n",
                       encoding="utf-8")
    assert main(["screen", str(folder), str(listing), "--json"]) == 0
    capsys.readouterr()
    book = _book(folder)
    byt = book.companies[book.company_of["BYT CO LTD"]]
    assert byt.sanctions
    assert byt.sanctions[0]["listed_name"] == "BYT Co Ltd"
    assert byt.sanctions[0]["listed_on"] == "2023-05-01"
    case, _ = open_case(folder)
    try:
        assert events.read(case.conn, co.SCREENED)[0].payload["list"] == "extra_list.csv"
    finally:
        case.close()
