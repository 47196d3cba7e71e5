"""The command line for overlapping extracts: import --json, discrepancies, choose-value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extracts import sample_items, second_vendor_items, write_gcode_xlsx, write_vendor_csv
from workbench.app import main


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "c.wbcase"
    run(capsys, "new", path)
    run(capsys, "import", path, write_gcode_xlsx(tmp_path / "a.xlsx", sample_items()))
    return path


def test_import_json_lists_the_discrepancies(case: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_vendor_csv(tmp_path / "b.csv", second_vendor_items(sample_items()))
    code, out, err = run(capsys, "import", case, csv, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["imported"], report["duplicates"]) == (0, 12)
    assert len(report["discrepancies"]) == 5
    first = report["discrepancies"][0]
    assert {k: first[k] for k in ("declaration_no", "item_no", "field", "kind", "held",
                                   "offered", "file", "row")} == {
        "declaration_no": "10702070/140618/0000001", "item_no": 1, "field": "stat_value_usd",
        "kind": "rounded", "held": 1181.55, "offered": 1182.0, "file": "b.csv", "row": 5}
    assert first["held_source"]["file"] == "a.xlsx"
    assert report["files"][0]["discrepancies"]["by_kind"]["rounded"] == 2
    code, out, _ = run(capsys, "import", case, csv)  # the same file again, as text
    assert "5 values differ from the shipments held in 4 duplicates" in out
    code, out, _ = run(capsys, "discrepancies", case, "--json")
    assert json.loads(out)["total"] == 5  # its rows are kept once


def test_discrepancies_then_choose_value_then_undo(case: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", case, write_vendor_csv(tmp_path / "b.csv",
                                                 second_vendor_items(sample_items())))
    code, out, _ = run(capsys, "discrepancies", case, "--json")
    listed = json.loads(out)
    assert code == 0
    assert (listed["total"], listed["shipments"], listed["chosen"]) == (5, 4, 0)
    different = next(d for d in listed["discrepancies"] if d["kind"] == "different")
    code, out, _ = run(capsys, "info", case, "--json")
    assert json.loads(out)["total"] == 2_486_304.97

    code, out, err = run(capsys, "choose-value", case, different["id"][:8], "--json")
    assert (code, err) == (0, "")
    chosen = json.loads(out)
    assert chosen["kind"] == "shipment.value_chosen"
    assert chosen["summary"].startswith("counted Statistical value, USD 1,200,000.00 from b.csv")
    code, out, _ = run(capsys, "info", case, "--json")
    assert json.loads(out)["total"] == 2_451_737.08
    code, out, _ = run(capsys, "discrepancies", case)
    assert "[offered value counts]" in out

    code, out, err = run(capsys, "choose-value", case, different["id"])
    assert (code, out) == (2, "")
    assert err.strip() == ("That value already counts for 10702070/020322/0000002 item 3 "
                           "(Statistical value, USD).")
    assert run(capsys, "undo", case, chosen["id"])[0] == 0
    code, out, _ = run(capsys, "info", case, "--json")
    assert json.loads(out)["total"] == 2_486_304.97


def test_choose_value_refuses_an_unknown_id_in_one_sentence(
        case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "choose-value", case, "abcdef123456")
    assert (code, out) == (2, "")
    assert err.strip() == ("There is no discrepancy abcdef123456 in this case; "
                           "'workbench discrepancies' lists them.")
    code, out, _ = run(capsys, "discrepancies", case)
    assert out.strip() == "No discrepancies: every extract agrees on the shipments they share."
