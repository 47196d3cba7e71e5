"""A case folder builds its case file on first use and never imports a file twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_numbered_csv
from workbench.app import main
from workbench.services.cases import FOLDER_CASE_NAME, open_case
from workbench.store import events

SAMPLE = Path(__file__).parent.parent.parent / "sample_cases" / "aurus"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cases") / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    return folder


def _query(capsys: pytest.CaptureFixture[str], folder: Path, *where: str) -> dict:
    args = ["query", str(folder), "--json"]
    for w in where:
        args += ["--where", w]
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_sample_case_reproduces_the_published_figures(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    total = _query(capsys, sample)["total"]
    korea = _query(capsys, sample, "origin_country=KR")["total"]
    since = _query(capsys, sample, "date>=2022-02-24")["total"]
    since_korea = _query(capsys, sample, "date>=2022-02-24", "origin_country=KR")["total"]
    assert 34_000_000 < total < 34_500_000  # "at least $34 million"
    assert 15_000_000 <= korea <= 15_500_000  # "almost $15.5 million"
    assert 15_500_000 <= since <= 16_000_000  # "almost $16 million"
    assert 4_800_000 <= since_korea <= 5_200_000  # "$5 million produced in South Korea"


def test_sample_case_is_built_once_with_every_layout(sample: Path) -> None:
    open_case(sample)[0].close()  # builds the case file unless an earlier test did
    case, reports = open_case(sample)
    try:
        assert reports == []  # opened again: nothing new to import
        rows = case.conn.execute(
            "SELECT f.name, sum(i.imported), sum(i.duplicates), sum(i.rejected) "
            "FROM imports i JOIN files f ON f.id = i.file_id GROUP BY f.name ORDER BY f.name"
        ).fetchall()
        markers = events.read(case.conn, "timeline.marker_added")
    finally:
        case.close()
    assert rows == [
        ("aurus_imports_2018-2021_gcodes.xlsx", 1272, 0, 0),
        ("aurus_imports_2022-2023_numbered.csv", 1378, 0, 1),  # the "Итого:" total line
        ("aurus_q4_2023_tradevendor.csv", 0, 150, 0),  # the overlapping vendor extract
    ]
    assert (sample / FOLDER_CASE_NAME).exists()
    assert {m.payload["date"] for m in markers} >= {"2022-02-24", "2018-05", "2024-02"}


def test_a_new_spreadsheet_in_the_folder_is_imported_once(
    sample: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "case"
    shutil.copytree(sample, folder)
    write_numbered_csv(folder / "spreadsheets" / "extra.csv", sample_items())
    case, reports = open_case(folder)
    case.close()
    assert [r.file for r in reports] == ["extra.csv"]
    assert reports[0].imported == 12
    case, reports = open_case(folder)
    case.close()
    assert reports == []
