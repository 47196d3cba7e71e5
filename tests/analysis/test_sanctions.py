"""Sanctions screening: the three list formats, matching, and the split at the listing date."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.analysis.sanctions import (
    FTM,
    OPENSANCTIONS,
    PLAIN,
    ListedEntity,
    case_companies,
    list_format,
    load_list,
    screen,
)
from workbench.errors import WorkbenchError
from workbench.services.cases import load_shipments, open_case

SAMPLE = Path(__file__).parent.parent.parent / "sample_cases" / "aurus"
OS_HEADER = ["id", "schema", "name", "aliases", "birth_date", "countries", "addresses",
             "identifiers", "sanctions", "phones", "emails", "dataset", "first_seen",
             "last_seen", "last_change"]


def _multi(*values: str) -> str:
    """Several values in one cell, joined the way OpenSanctions joins them."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="").writerow(sorted(values))
    return out.getvalue()


def write_opensanctions(path: Path) -> Path:
    rows = [
        {"id": "NK-aurus", "schema": "Company", "name": "Aurus LLC",
         "aliases": _multi('ООО "АУРУС"', "Aurus; Limousine Works"),
         "sanctions": _multi("RUSSIA-EO14024 - Designated - 2024-02-23"),
         "dataset": _multi("US OFAC Specially Designated Nationals (SDN) List"),
         "first_seen": "2024-02-24T06:00:00"},
        {"id": "NK-ship", "schema": "Vessel", "name": "AURUS STAR", "sanctions": "",
         "first_seen": "2023-01-01T00:00:00"},
        {"id": "NK-person", "schema": "Person", "name": "Ivan Testov", "sanctions": "",
         "dataset": "EU Financial Sanctions Files (FSF)", "first_seen": "2022-03-01T10:00:00"},
        {"id": "NK-two", "schema": "Company", "name": "Polar Lynx Shipping Ltd",
         "sanctions": _multi("UK-RUS - 2023-05-19", "RUSSIA-EO14024 - 2022-06-28 - 2025-01-01"),
         "dataset": "", "first_seen": "2022-07-01T00:00:00"},
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, OS_HEADER, dialect=csv.unix_dialect, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_ftm(path: Path) -> Path:
    lines = [
        {"id": "s-early", "schema": "Sanction",
         "properties": {"entity": ["c-aurus"], "authority": ["Office of Foreign Assets Control"],
                        "program": ["RUSSIA-EO14024"], "startDate": ["2024-02-23"]}},
        {"id": "addr-1", "schema": "Address", "properties": {"full": ["Moscow"]}},
        {"id": "c-aurus", "schema": "Company", "target": True, "datasets": ["us_ofac_sdn"],
         "first_seen": "2024-02-24T00:00:00",
         "properties": {"name": ["Aurus LLC", "ООО АУРУС"], "alias": ["AURUS MOTORS"]}},
        {"id": "s-late", "schema": "Sanction",
         "properties": {"entity": ["c-aurus"], "authority": ["Council of the EU"],
                        "listingDate": ["2024-06-24"]}},
        {"id": "p-owner", "schema": "Person", "target": False,
         "properties": {"name": ["Petr Ownerov"]}},
        {"id": "c-bare", "schema": "Organization", "datasets": ["some_list"],
         "first_seen": "2021-05-05T00:00:00", "properties": {"name": ["Nord Vektor Union"]}},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def frame(rows: list[tuple[str | None, str, str, float]]) -> pd.DataFrame:
    """Shipments of (date, sender, receiver, value); declarant and manufacturer empty."""
    return pd.DataFrame({
        "date": pd.to_datetime([r[0] for r in rows]).astype("datetime64[ms]"),
        "sender": pd.array([r[1] for r in rows], dtype="string"),
        "receiver": pd.array([r[2] for r in rows], dtype="string"),
        "declarant": pd.array([None] * len(rows), dtype="string"),
        "manufacturer": pd.array([None] * len(rows), dtype="string"),
        "stat_value_usd": [r[3] for r in rows],
    })


# -- reading ---------------------------------------------------------------------------------


def test_opensanctions_csv(tmp_path: Path) -> None:
    path = write_opensanctions(tmp_path / "targets.simple.csv")
    assert list_format(path) == OPENSANCTIONS
    listed = load_list(path)
    assert [e.name for e in listed] == ["Aurus LLC", "Ivan Testov", "Polar Lynx Shipping Ltd"]
    aurus, person, polar = listed
    assert aurus.aliases == ("Aurus; Limousine Works", 'ООО "АУРУС"')
    assert aurus.lists == ("US OFAC Specially Designated Nationals (SDN) List",)
    assert aurus.listed_on == dt.date(2024, 2, 23)  # from the sanctions text, not first_seen
    assert person.listed_on == dt.date(2022, 3, 1)  # no sanction text: first seen
    assert polar.listed_on == dt.date(2022, 6, 28)  # the earliest start, never the end date
    assert polar.lists == ("RUSSIA-EO14024", "UK-RUS")  # no dataset named: the programs
    assert (listed.total, listed.source_format) == (3, OPENSANCTIONS)


def test_ftm_joins_sanctions_given_before_or_after_their_entity(tmp_path: Path) -> None:
    path = write_ftm(tmp_path / "entities.ftm.json")
    assert list_format(path) == FTM
    for names in (None, ["ООО \"АУРУС\"", "Nord Vektor Union GmbH"]):
        listed = {e.id: e for e in load_list(path, names=names)}
        aurus = listed["c-aurus"]
        assert aurus.name == "Aurus LLC"
        assert set(aurus.aliases) == {"ООО АУРУС", "AURUS MOTORS"}
        assert aurus.lists == ("Office of Foreign Assets Control (RUSSIA-EO14024)",
                               "Council of the EU")
        assert aurus.listed_on == dt.date(2024, 2, 23)
        assert listed["c-bare"].listed_on == dt.date(2021, 5, 5)
        assert listed["c-bare"].lists == ("some_list",)
        assert "p-owner" not in listed  # not a target and no sanction of its own


def test_ftm_joins_an_early_sanction_to_an_escaped_id(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    lines = [  # json.dumps escapes the Cyrillic id: "\u0441..." in the file
        {"id": "s1", "schema": "Sanction",
         "properties": {"entity": ["сущность-1"], "program": ["RU"], "startDate": ["2023"]}},
        {"id": "сущность-1", "schema": "LegalEntity", "properties": {"name": ["АО Ромашка"]}},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    (entity,) = load_list(path, names=["ROMASHKA JSC"])
    assert (entity.lists, entity.listed_on) == (("RU",), dt.date(2023, 1, 1))


def test_plain_csv_with_other_headers(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("\ufeffEntity;Program;Date listed\r\n"
                    "Aurus LLC;US OFAC SDN;23.02.2024\r\n"
                    "Nameless Date Ltd;UK;\r\n\r\n", encoding="utf-8")
    assert list_format(path) == PLAIN
    listed = load_list(path)
    assert listed == [
        ListedEntity("line-2", "Aurus LLC", (), ("US OFAC SDN",), dt.date(2024, 2, 23), PLAIN),
        ListedEntity("line-3", "Nameless Date Ltd", (), ("UK",), None, PLAIN),
    ]


def test_prefilter_keeps_candidates_and_counts_all(tmp_path: Path) -> None:
    path = write_opensanctions(tmp_path / "targets.simple.csv")
    listed = load_list(path, names=['ООО "АУРУС"', "KYUNGKI INDUSTRIAL CO., LTD"])
    assert [e.name for e in listed] == ["Aurus LLC"]
    assert listed.total == 3


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("shipments.csv", "declaration_no,date,sender\n1,2020-01-01,X\n"),
        ("array.json", '[{"schema": "Company"}]\n'),
        ("notes.txt", "Aurus was sanctioned in February 2024.\n"),
        ("empty.csv", ""),
        ("other.jsonl", '{"name": "Aurus"}\n'),
    ],
)
def test_not_a_list(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(WorkbenchError, match=rf"^{name} is not a sanctions list .*date\)\.$"):
        load_list(path)


def test_binary_file_is_not_a_list(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    with pytest.raises(WorkbenchError, match="is not a sanctions list"):
        load_list(path)


def test_malformed_json_line_names_its_number(tmp_path: Path) -> None:
    path = write_ftm(tmp_path / "list.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, '{"id": "broken", "schema": "Company", ')
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"^Line 4 of list\.jsonl is not valid JSON"):
        load_list(path)


def test_bad_encoding_and_bad_date_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"name,list,listing_date\nA,B,2024-01-01\n"
                     + "ООО Ромашка,C,2024-01-01\n".encode("cp1251"))
    with pytest.raises(WorkbenchError, match=r"^Line 3 of list\.csv is not UTF-8 text"):
        load_list(path)
    path.write_text("name,list,listing_date\nA,B,2024-01-01\nC,D,soon\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=r"^Line 3 of list\.csv has 'soon' as listing date"):
        load_list(path)


# -- screening --------------------------------------------------------------------------------


def test_cyrillic_listed_name_matches_latin_case_name() -> None:
    listed = [ListedEntity("x", "ООО «Вектор Плюс»", (), ("RU list",), dt.date(2022, 3, 1),
                           PLAIN)]
    shipments = frame([
        ("2022-02-28", "VEKTOR PLYUS LLC", "ООО \"АУРУС\"", 100.0),
        ("2022-03-01", "VEKTOR PLYUS LLC", "ООО \"АУРУС\"", 20.5),  # the listing day: after
        ("2022-05-01", "VEKTOR PLYUS LLC", "ООО \"АУРУС\"", 1.25),
        (None, "VEKTOR PLYUS LLC", "ООО \"АУРУС\"", 7.0),
        ("2022-05-01", "OTHER CO", "ООО \"АУРУС\"", 1000.0),
    ])
    (hit,) = screen(shipments, listed).hits
    assert (hit.case_name, hit.roles, hit.score) == ("VEKTOR PLYUS LLC", ("sender",), 100.0)
    assert hit.reason.startswith("same name after transliteration")
    assert (hit.shipments_before, hit.value_before) == (1, 100.0)
    assert (hit.shipments_after, hit.value_after) == (2, 21.75)
    assert (hit.shipments, hit.value, hit.undated) == (4, 128.75, 1)
    assert (hit.first, hit.last) == (dt.date(2022, 2, 28), dt.date(2022, 5, 1))
    text = hit.describe()
    assert "1 before the listing ($100.00), 2 on or after it ($21.75); 1 undated" in text


def test_fuzzy_match_scores_below_100_and_respects_threshold() -> None:
    listed = [ListedEntity("p", "Polar Lynx Shipping Ltd", ("PLS",), ("UK",), None, PLAIN)]
    shipments = frame([("2023-01-01", "POLAR LYNX SHIPING LTD", "X", 5.0)])
    (hit,) = screen(shipments, listed).hits
    assert 90 <= hit.score < 100
    assert hit.reason.startswith("similar spelling")
    assert hit.shipments_before is None  # no listing date to compare with
    assert "the list gives no date" in hit.describe()
    assert screen(shipments, listed, threshold=100).hits == []
    with pytest.raises(WorkbenchError, match="threshold"):
        screen(shipments, listed, threshold=0)


def test_alias_match_is_reported_as_such() -> None:
    listed = [ListedEntity("a", "Aurus LLC", ("Limousine Works JSC",), ("US",),
                           dt.date(2024, 2, 23), PLAIN)]
    (hit,) = screen(frame([("2020-01-01", "LIMOUSINE WORKS", "Y", 1.0)]), listed).hits
    assert hit.matched_name == "Limousine Works JSC"
    assert hit.reason.endswith("(listed alias Limousine Works JSC)")
    assert hit.as_json()["listed_name"] == "Aurus LLC"


# -- the sample case ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    folder = tmp_path_factory.mktemp("screen") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    case, _ = open_case(folder, read_only=True)
    try:
        shipments = load_shipments(case)
    finally:
        case.close()
    return shipments, folder / "sources" / "sanctions_list.csv"


def test_sample_aurus_listed_after_every_shipment(sample: tuple[pd.DataFrame, Path]) -> None:
    shipments, list_file = sample
    listed = load_list(list_file, names=case_companies(shipments))
    result = screen(shipments, listed)
    assert (result.source, result.entities) == ("sanctions_list.csv", 4)
    (hit,) = result.hits  # no false hit for the unrelated names on the list
    assert hit.listed.name == "Aurus LLC"
    assert hit.case_name == 'ООО "АУРУС"'
    assert "receiver" in hit.roles
    assert hit.listed.listed_on == dt.date(2024, 2, 23)
    assert hit.score == 100
    assert (hit.shipments_before, hit.value_before) == (2650, 34_186_352.74)
    assert (hit.shipments_after, hit.value_after) == (0, 0.0)
    assert hit.last is not None
    assert hit.last < dt.date(2024, 2, 23)
    assert hit.describe().startswith(
        'Aurus LLC (US OFAC SDN, listed 2024-02-23) ← ООО "АУРУС" as receiver'
    )
    assert "2,650 shipments, all before the listing ($34,186,352.74), none after" in (
        hit.describe()
    )
    assert screen(shipments, load_list(list_file)).as_json() == result.as_json()
