"""Saved figures: the sample's four, live values, drift after new data or a changed merge."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.analysis.filters import Condition
from workbench.app import main
from workbench.errors import WorkbenchError
from workbench.services import companies
from workbench.services.cases import load_shipments, open_case
from workbench.services.companies import company_book
from workbench.services.figures import (
    evidence_rows,
    figure_reports,
    remove_figure,
    save_figure,
)
from workbench.services.importing import import_file
from workbench.services.undo import undo

HEADER = ("Declaration Number,Item No,Shipment Date,Shipper,Shipper Standardized Name,Consignee,"
          "Country of Origin,Country of Export,HS Code,Product Description,"
          "Shipment Weight (KG),Quantity,Shipment Value (USD)\n")
#: The published ranges: at least $34m, almost $15.5m, almost $16m, $5m.
PUBLISHED = {
    "Total imports 2018-2023": (34e6, 35e6),
    "Produced in South Korea": (14.5e6, 15.5e6),
    "Imported since the invasion": (15e6, 16e6),
    "South Korean-produced since the invasion": (4.5e6, 5.5e6),
}


def _figures(folder: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict]:
    assert main(["figures", str(folder), "--json"]) == 0
    return {f["name"]: f for f in json.loads(capsys.readouterr().out)["figures"]}


@pytest.fixture
def folder(sample_case: Path, tmp_path: Path) -> Path:
    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    return own


def test_the_sample_carries_the_four_published_figures(sample_case: Path, capsys) -> None:
    figures = _figures(sample_case, capsys)
    assert list(figures) == list(PUBLISHED)
    for name, (low, high) in PUBLISHED.items():
        figure = figures[name]
        assert low <= figure["value"] <= high, name
        assert figure["drift"] is False
        assert figure["drift_reasons"] == []
        assert figure["value"] == figure["saved_value"]
    assert figures["Produced in South Korea"]["country_column"] == "origin_country"
    assert figures["Produced in South Korea"]["rows"] == 1140
    assert figures["Total imports 2018-2023"]["coverage"] == {"start": "2018-01-01",
                                                               "end": "2023-12-31"}
    assert "origin country is KR" in figures["Produced in South Korea"]["definition"]


def test_one_more_row_makes_the_affected_figures_drift(folder: Path, tmp_path: Path,
                                                       capsys) -> None:
    extra = tmp_path / "late_extract.csv"
    extra.write_text(HEADER + "10702070/150323/0000001,1,2023-03-15,BYT CO LTD,BYT CO LTD,"
                     "AURUS LLC,South Korea,South Korea,8708299009,CAR BODY PANEL,"
                     "120.5,10,\"12,345.67\"\n",
                     encoding="utf-8")
    assert main(["import", str(folder), str(extra), "--json"]) == 0
    capsys.readouterr()
    figures = _figures(folder, capsys)
    drifting = {name for name, f in figures.items() if f["drift"]}
    assert drifting == set(PUBLISHED)  # the row is Korean, after the invasion, in 2018-2023
    korean = figures["South Korean-produced since the invasion"]
    assert korean["value"] == pytest.approx(5_034_218.47 + 12_345.67)
    assert korean["drift_reasons"] == ["the value moved by +12,345.67 since it was saved "
                                       "(new data or a changed merge)"]


def test_a_stated_value_the_live_one_does_not_fit_is_drift(folder: Path) -> None:
    case, _ = open_case(folder)
    try:
        frame = load_shipments(case)
        save_figure(case, frame, "Korea", [Condition("origin_country", "=", "KR")],
                    stated="more than $20 million")
        [report] = [r for r in figure_reports(case, frame) if r.definition.name == "Korea"]
        assert report.drift == ["15,431,906.12 does not fit the draft's 'more than $20 "
                                "million' (20,000,000.00 to 22,000,000.00)"]
        with pytest.raises(WorkbenchError, match="No number"):
            save_figure(case, frame, "Bad", [], stated="a lot")
    finally:
        case.close()


def test_a_changed_merge_moves_a_company_figure(folder: Path) -> None:
    case, _ = open_case(folder)
    try:
        frame = load_shipments(case)
        book = company_book(case, frame)
        kyungki = next(c for c in book.companies if c.name.casefold().startswith("kyungki"))
        save_figure(case, frame, "Kyungki", [Condition("company", "=", kyungki.name)], book=book)
        spelling = sorted(kyungki.aliases, key=kyungki.aliases.get)[0]
        companies.split(case, [spelling])
        [report] = [r for r in figure_reports(case, frame, company_book(case, frame))
                    if r.definition.name == "Kyungki"]
        assert report.rows == kyungki.shipments - kyungki.aliases[spelling]
        assert report.drift
        rows = evidence_rows(frame, report)
        assert len(rows) == report.rows
        assert rows["stat_value_usd"].sum() == pytest.approx(report.value)
    finally:
        case.close()


def test_figures_are_events_removed_and_restored_by_undo(folder: Path) -> None:
    case, _ = open_case(folder)
    try:
        frame = load_shipments(case)
        removed = remove_figure(case, "Produced in South Korea")
        assert "Produced in South Korea" not in {r.definition.name
                                                 for r in figure_reports(case, frame)}
        undo(case, removed.id)
        assert len(figure_reports(case, frame)) == 4
        with pytest.raises(WorkbenchError, match="no figure"):
            remove_figure(case, "Nothing")
    finally:
        case.close()


def test_import_after_figures_counts_only_new_rows(folder: Path, tmp_path: Path) -> None:
    """Re-importing a file already in the case changes nothing: no drift."""
    case, _ = open_case(folder)
    try:
        import_file(case, folder / "spreadsheets" / "aurus_q4_2023_tradevendor.csv")
        frame = load_shipments(case)
        assert not any(r.drift for r in figure_reports(case, frame))
    finally:
        case.close()
