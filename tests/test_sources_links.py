"""Sources linked to shipments by filter conditions, from the service and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.analysis.filters import Condition, FilterError, apply
from workbench.analysis.frame import shipments_frame
from workbench.app import main
from workbench.services import notes
from workbench.services.cases import new_case
from workbench.services.history import history
from workbench.services.importing import import_file
from workbench.store import shipments
from workbench.store.case import CaseFile


@pytest.fixture
def case_path(tmp_path: Path) -> Path:
    path = tmp_path / "c.wbcase"
    made = new_case(path, "Parts")
    import_file(made, write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()))
    made.close()
    return path


def _doc(tmp_path: Path, name: str = "invoice.txt") -> Path:
    path = tmp_path / name
    path.write_text("Invoice for body parts shipped via Hong Kong.", encoding="utf-8")
    return path


def test_source_where_selects_its_shipments(case_path: Path, tmp_path: Path) -> None:
    case = CaseFile.open(case_path)
    try:
        where = [{"column": "origin_country", "op": "=", "value": "HK"}]
        added = notes.add_source(case, _doc(tmp_path), companies=["BYT CO LTD"], where=where)
        assert added.payload["where"] == where
        (kept,) = notes.sources(case)
        frame = shipments_frame(shipments.read(case.conn))
        mask = apply(frame, [Condition.from_json(c) for c in kept["where"]])
        assert mask.sum() == 1
        assert frame.loc[mask, "origin_country"].tolist() == ["HK"]
        summary = history(case)[-1]["summary"]
        assert summary == "source 'invoice' added (invoice.txt); origin country is HK"
        with pytest.raises(FilterError, match="operator"):
            notes.add_source(case, _doc(tmp_path, "b.txt"),
                             where=[{"column": "origin_country", "op": "~", "value": "K"}])
        assert len(notes.sources(case)) == 1
    finally:
        case.close()


def test_source_without_where_links_no_shipments(case_path: Path, tmp_path: Path) -> None:
    case = CaseFile.open(case_path)
    try:
        assert notes.add_source(case, _doc(tmp_path)).payload["where"] == []
        assert history(case)[-1]["summary"] == "source 'invoice' added (invoice.txt)"
    finally:
        case.close()


def test_cli_source_where(
    case_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["source", str(case_path), str(_doc(tmp_path)), "--company", "BYT CO LTD",
            "--where", "origin_country=KR,CN", "--where", "date>=2022-01-01",
            "--json"]
    assert main(args) == 0
    payload = json.loads(capsys.readouterr().out)["payload"]
    assert payload["companies"] == ["BYT CO LTD"]
    assert payload["where"] == [
        {"column": "origin_country", "op": "in", "value": ["KR", "CN"]},
        {"column": "date", "op": ">=", "value": "2022-01-01"},
    ]
    assert main(["source", str(case_path), str(_doc(tmp_path, "b.txt")),
                 "--where", "no operator"]) == 2
    assert "not a condition" in capsys.readouterr().err
