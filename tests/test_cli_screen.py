"""``workbench screen``: the sample case against its list, and one sentence for bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.app import build_parser, main

SAMPLE = Path(__file__).parent.parent / "sample_cases" / "aurus"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli_screen") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_screen_is_a_command() -> None:
    assert "screen" in build_parser().format_help()


def test_screen_sample_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "screen", folder, folder / "sources" / "sanctions_list.csv",
                         "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert (data["list"], data["entities"]) == ("sanctions_list.csv", 4)
    (hit,) = data["hits"]
    assert hit["listed_name"] == "Aurus LLC"
    assert hit["case_name"] == 'ООО "АУРУС"'
    assert "receiver" in hit["roles"]
    assert (hit["listed_on"], hit["lists"], hit["score"]) == ("2024-02-23", ["US OFAC SDN"], 100)
    assert (hit["shipments_before"], hit["value_before"]) == (2650, 34_186_352.74)
    assert (hit["shipments_after"], hit["value_after"]) == (0, 0)
    assert hit["last"] < hit["listed_on"]
    assert hit["reason"].startswith("same name after transliteration")


def test_screen_sample_text(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "screen", folder, folder / "sources" / "sanctions_list.csv")
    assert code == 0
    assert 'Aurus LLC (US OFAC SDN, listed 2024-02-23) ← ООО "АУРУС" as receiver' in out
    assert "2,650 shipments, all before the listing ($34,186,352.74), none after" in out
    assert all(name not in out for name in ("Tundra", "Polar", "Amber"))


def _one_sentence(code: int, out: str, err: str) -> str:
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.strip().endswith(".")
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["{folder}", "{folder}/case.toml"], "case.toml is not a sanctions list"),
        (["{folder}", "{folder}/spreadsheets/aurus_q4_2023_tradevendor.csv"],
         "is not a sanctions list"),
        (["{folder}", "{folder}/nothing.csv"], "nothing.csv does not exist"),
        (["{folder}", "{bad_jsonl}"], "Line 2 of bad.jsonl is not valid JSON"),
        (["{folder}", "{folder}/sources/sanctions_list.csv", "--threshold", "101"],
         "threshold must lie between 0 and 100"),
        (["{folder}/missing", "{folder}/sources/sanctions_list.csv"], "missing does not exist"),
        (["{folder}"], "arguments are required"),
    ],
)
def test_bad_input_is_one_sentence(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
    expected: str,
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n'
                   '{"id": "s", "schema": "Sanction", "properties": \n', encoding="utf-8")
    words = [a.format(folder=folder, bad_jsonl=bad) for a in args]
    err = _one_sentence(*run(capsys, "screen", *words))
    assert expected in err


def test_every_shipment_is_said_to_be_before_or_after_the_listing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.extracts import sample_items, write_numbered_csv

    case = tmp_path / "c.wbcase"
    assert main(["new", str(case)]) == 0
    assert main(["import", str(case), str(write_numbered_csv(tmp_path / "n.csv",
                                                             sample_items()))]) == 0
    listing = tmp_path / "list.csv"
    listing.write_text("name,list,listing_date\nBYT Co Ltd,Test list,2022-06-01\n",
                       encoding="utf-8")
    capsys.readouterr()
    assert main(["screen", str(case), str(listing), "--rows", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    rows = hit["rows"]
    assert len(rows) == hit["shipments"] == 4  # the four BYT items, all of 2022-03-02
    assert {r["listing"] for r in rows} == {"before"}
    assert all(r["source_file"] == "n.csv" for r in rows)
    assert all(r["source_row"] >= 4 for r in rows)
