"""The command line contract: exit codes, one-sentence errors, JSON on stdout."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx, write_numbered_csv
from workbench.app import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("new", "import", "info", "query"):
        assert command in done.stdout


def test_new_import_info_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = tmp_path / "c.wbcase"
    assert run(capsys, "new", case, "--title", "Parts")[0] == 0
    xlsx = write_gcode_xlsx(tmp_path / "g.xlsx", sample_items())
    code, out, err = run(capsys, "import", case, xlsx, "--json")
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert (report["imported"], report["duplicates"], report["rejected"]) == (12, 0, 0)
    assert report["mapping"]["G46 (Статистическая стоимость, USD.)"] == "stat_value_usd"

    code, out, _ = run(capsys, "info", case, "--json")
    info = json.loads(out)
    assert info["title"] == "Parts"
    assert info["shipments"] == 12
    assert (info["date_min"], info["date_max"]) == ("2018-06-14", "2023-11-05")
    assert info["files"][0]["name"] == "g.xlsx"

    code, out, _ = run(
        capsys, "query", case, "--where", "origin_country=KR", "--where", "date>=2022-02-24",
        "--group-by", "sender", "--json",
    )
    result = json.loads(out)
    assert result["rows"] == 3
    assert result["total"] == 1_484_568.98
    assert result["groups"] == {"BYT CO LTD": 1_484_568.98}


def test_overlap_counted_once_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "c.wbcase"
    run(capsys, "new", case)
    items = sample_items()
    run(capsys, "import", case, write_gcode_xlsx(tmp_path / "g.xlsx", items))
    code, out, _ = run(capsys, "import", case, write_numbered_csv(tmp_path / "n.csv", items),
                       "--json")
    assert code == 0
    assert (json.loads(out)["imported"], json.loads(out)["duplicates"]) == (0, 12)


@pytest.mark.parametrize(
    "args",
    [
        ["query", "{case}", "--where", "nonsense"],
        ["query", "{case}", "--where", "nope=1"],
        ["query", "{case}", "--value", "sender"],
        ["info", "{missing}"],
        ["import", "{case}", "{missing}"],
        ["frobnicate-nothing"],
        ["query"],
    ],
)
def test_bad_input_is_exit_2_and_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    case = tmp_path / "c.wbcase"
    run(capsys, "new", case)
    argv = [a.format(case=case, missing=tmp_path / "missing.xlsx") for a in args]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.rstrip().endswith(".")
    assert "Traceback" not in err


def test_info_and_query_open_a_case_of_an_older_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Read-only commands migrate an old case file once instead of refusing it."""
    import shutil

    old = tmp_path / "old.wbcase"
    shutil.copy(Path(__file__).parent / "data" / "schema_v1.wbcase", old)
    code, out, err = run(capsys, "info", old, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["shipments"] == 12
    code, out, _ = run(capsys, "query", old, "--json")
    assert json.loads(out)["total"] == 2_486_304.97
