"""The command line offers to keep a spreadsheet that is not an extract as a source."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx, write_registry
from workbench.app import main


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "c.wbcase"
    assert run(capsys, "new", path)[0] == 0
    return path


def test_the_refusal_says_how_to_keep_the_file_as_a_source(
        case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    registry = write_registry(tmp_path / "company registry.xlsx")
    before = run(capsys, "info", case, "--json")[1]
    code, out, err = run(capsys, "import", case, registry)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert ("No recognisable customs columns (date, sender, goods, value) were found in "
            "company registry.xlsx") in err
    command = err.split("`")[1]
    assert command == "workbench source c.wbcase 'company registry.xlsx'"
    assert str(tmp_path) not in err  # no paths of the machine in the sentence
    assert "--as-source" in err
    assert run(capsys, "info", case, "--json")[1] == before  # nothing was kept

    code, out, err = run(capsys, *shlex.split(command)[1:], "--json")  # the command works
    assert (code, err) == (0, "")
    table = json.loads(out)["payload"]["table"]
    assert [s["name"] for s in table["sheets"]] == ["Companies", "Price list"]


def test_import_as_source_keeps_what_is_not_an_extract(
        case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extract = write_gcode_xlsx(tmp_path / "g.xlsx", sample_items())
    registry = write_registry(tmp_path / "registry.xlsx")
    code, out, err = run(capsys, "import", case, extract, registry, "--as-source", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["imported"] > 0
    [kept] = data["sources"]
    assert (kept["name"], kept["title"]) == ("registry.xlsx", "registry")
    assert kept["table"]["index_cut"] is False

    code, out, _ = run(capsys, "import", case, registry, "--as-source")
    assert code == 0
    assert "kept as source 'registry'" in out
    assert "(it already was)" in out

    code, out, _ = run(capsys, "search", case, "Kyungki Seoul", "--json")
    [hit] = json.loads(out)["hits"]
    assert (hit["kind"], hit["sheet"], hit["row"]) == ("source", "Companies", 5)
    code, out, _ = run(capsys, "search", case, "Kyungki Seoul")
    assert "registry — sheet Companies, row 5" in out


def test_source_accepts_a_csv_table_and_says_what_it_holds(
        case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prices = tmp_path / "prices.csv"
    prices.write_text("part;price\nwiper motor;45\nheadlamp;980\n", encoding="utf-8")
    code, out, err = run(capsys, "source", case, prices)
    assert (code, err) == (0, "")
    assert "a spreadsheet of 1 sheet and 3 rows, its cells searchable" in out
