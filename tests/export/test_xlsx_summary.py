"""The desk's Excel summary of the sample case: sheets, evidence sums, hostile text, splits."""

from __future__ import annotations

import argparse
import shutil
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.workbook.workbook import Workbook

from workbench.cli.common import Parser
from workbench.cli.export import cmd_export_xlsx, register
from workbench.export.xlsx_summary import (
    ExportCancelled,
    SheetNames,
    SummaryData,
    write_summary,
)
from workbench.services.cases import open_case
from workbench.services.importing import import_file
from workbench.services.notes import add_source, annotate
from workbench.services.summary import CONFIDENTIAL, export_summary, gather_summary

FIGURES = {
    "Total imports 2018-2023": 34_186_352.74,
    "Produced in South Korea": 15_431_906.12,
    "Imported since the invasion": 15_872_640.38,
    "South Korean-produced since the invasion": 5_034_218.47,
}
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2"]
CANARY_TITLE = "Deep Throat garage notes"
CANARY_FILE = "insider_ledger_canary.txt"
TODAY = date(2024, 6, 20)
HEADER = ("Declaration Number,Item No,Shipment Date,Shipper,Consignee,Country of Origin,"
          "Country of Export,HS Code,Product Description,Shipment Weight (KG),Quantity,"
          "Shipment Value (USD)")


@dataclass
class Exported:
    folder: Path
    path: Path
    result: dict[str, Any]
    data: SummaryData
    book: Workbook
    canary_sha: str


def _hostile_case(sample_case: Path, tmp: Path) -> tuple[Path, str]:
    """The sample case plus hostile spellings (dated before every figure), a hostile
    annotation and a confidential source."""
    folder = tmp / "aurus"
    shutil.copytree(sample_case, folder)
    extract = tmp / "hostile.csv"
    extract.write_text(
        HEADER + "\n"
        '99999999/010617/0000001,1,2017-06-01,"=HYPERLINK(""http://x"",""y"")",AURUS LLC,'
        'China,China,8542319000,@SUM(A1),1.5,2,"1,000.00"\n'
        '99999999/010617/0000001,2,2017-06-01,+1,AURUS LLC,China,China,8542319000,-2,1.5,2,'
        '"2,000.00"\n', encoding="utf-8")
    secret = tmp / CANARY_FILE
    secret.write_text("Ledger pages handed over in person.", encoding="utf-8")
    case, _ = open_case(folder)
    try:
        import_file(case, extract)
        annotate(case, HOSTILE[0], company="+1", tags=["-2"])
        annotate(case, HOSTILE[1], where=[{"column": "sender", "op": "=", "value": "-2"}])
        event = add_source(case, secret, title=CANARY_TITLE, confidential=True)
    finally:
        case.close()
    return folder, str(event.payload["sha256"])


@pytest.fixture(scope="module")
def exported(sample_case: Path, tmp_path_factory: pytest.TempPathFactory) -> Exported:
    tmp = tmp_path_factory.mktemp("summary")
    folder, sha = _hostile_case(sample_case, tmp)
    case, _ = open_case(folder / "case.wbcase", read_only=True)
    try:
        data = gather_summary(case, today=TODAY)
    finally:
        case.close()
    out = tmp / "summary.xlsx"
    result = write_summary(data, out)
    return Exported(folder, out, result, data, openpyxl.load_workbook(out), sha)


def _rows(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(values_only=True))


def test_every_sheet_is_there(exported: Exported) -> None:
    assert exported.book.sheetnames == [
        "Summary", "Evidence 1", "Evidence 2", "Evidence 3", "Evidence 4",
        "By origin country", "By supplier", "By year", "Before and after key date",
        "Right of reply", "Annotations", "Sources", "Timeline",
    ]
    assert exported.result["split"] == []
    assert len(exported.book["Timeline"]._images) == 1
    with zipfile.ZipFile(exported.path) as z:
        assert any(n.startswith("xl/media/") and n.endswith(".png") for n in z.namelist())


def test_summary_states_case_and_figures(exported: Exported) -> None:
    rows = _rows(exported.book, "Summary")
    assert rows[0][0].startswith("Aurus imports 2018-2023")
    by_label = {r[0]: r[1:] for r in rows if r[0]}
    assert by_label["Date of export"][0] == datetime(2024, 6, 20)
    assert by_label["Coverage window (from, to)"][:2] == (datetime(2018, 1, 1),
                                                          datetime(2023, 12, 31))
    assert by_label["Key date"][0] == datetime(2022, 2, 24)
    assert by_label["Value basis"][0] == "Statistical value, USD"
    assert "origin country is KR" in by_label["Produced in South Korea"][5]
    assert by_label["Caveats"][0] == "Customs data available for 2018 to 2023 only."
    for name, value in FIGURES.items():
        figure = by_label[name]
        assert figure[0] == pytest.approx(value, abs=0.005)
        assert figure[2] == "no drift"
        assert "sum of statistical value, USD over shipments where" in figure[5]
        assert "stat_value_usd" not in figure[5]
        assert "origin_country" not in figure[5]
    assert by_label["Produced in South Korea"][1] == "almost $15.5 million"


def test_each_evidence_sheet_sums_to_its_figure(exported: Exported) -> None:
    for number, (name, value) in enumerate(FIGURES.items(), start=1):
        ws = exported.book[f"Evidence {number}"]
        rows = _rows(exported.book, f"Evidence {number}")
        assert name in rows[0][0]
        header = list(rows[1])
        for column in ("source_file", "source_sha256", "source_sheet", "source_row"):
            assert column in header
        at = header.index("stat_value_usd")
        data = rows[2:-2]
        assert rows[-2] == (None,) * len(rows[-2]) or all(v is None for v in rows[-2])
        assert rows[-1][0].startswith("Total (")
        assert sum(r[at] for r in data) == pytest.approx(value, abs=0.01)
        assert rows[-1][at] == pytest.approx(value, abs=0.005)
        assert all(r[header.index("source_sha256")] for r in data)
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == f"A2:{openpyxl.utils.get_column_letter(len(header))}" \
                                     f"{len(data) + 2}"
        money = ws.cell(row=3, column=at + 1)
        assert money.number_format == "#,##0.00"
        when = ws.cell(row=3, column=header.index("date") + 1)
        assert when.is_date
        assert when.number_format == "yyyy-mm-dd"
        assert header[0] == "declaration_no"
        assert ws.cell(row=2, column=1).font.b


def test_totals(exported: Exported) -> None:
    book = exported.book
    origin = {r[0]: r for r in _rows(book, "By origin country")[2:] if r[0]}
    assert origin["KR"][3] == pytest.approx(15_431_906.12, abs=0.005)
    assert origin["KR"][1] == "South Korea (KR)"
    around = {r[0]: r[2] for r in _rows(book, "Before and after key date")[2:] if r[0]}
    assert around["From 2022-02-24 on"] == pytest.approx(15_872_640.38, abs=0.005)
    years = {r[0]: r[2] for r in _rows(book, "By year")[2:] if r[0]}
    assert sum(v for k, v in years.items() if "2018" <= k <= "2023") == pytest.approx(
        34_186_352.74, abs=0.01)
    assert years["2017"] == pytest.approx(3_000.0)
    suppliers = {r[0]: r for r in _rows(book, "By supplier")[2:] if r[0]}
    byt = suppliers["BYT CO LTD"]
    assert byt[1].splitlines() == ["BYT CO LTD (180 shipments)",
                                   "BYT CO., LTD. (152 shipments)",
                                   "B.Y.T. Co., Ltd (54 shipments)"]
    assert byt[4] == pytest.approx(3_861_610.02, abs=0.005)
    assert isinstance(byt[5], datetime)
    assert book["By supplier"].cell(row=3, column=5).number_format == "#,##0.00"


def test_reply_log_annotations_sources(exported: Exported) -> None:
    book = exported.book
    replies = _rows(book, "Right of reply")
    assert replies[1][:4] == ("Company", "Status", "Wording for print", "Entry")
    aurus = [r for r in replies[2:] if r[0] == "Aurus Motors"]
    assert aurus[0][3] == "status"
    assert aurus[0][2] == "did not respond to requests for comment"
    assert [r[3] for r in aurus[1:]].count("request") == 3
    assert [r[3] for r in aurus[1:]].count("attempt") == 2
    kyungki = [r for r in replies if r[0] == "Kyungki Industrial Co"]
    assert [r[3] for r in kyungki].count("reply") == 3
    assert isinstance(aurus[1][4], datetime)
    notes = [r[0] for r in _rows(book, "Annotations")[1:]]
    assert "South Korean-made parts after the invasion: the fourth figure of the draft." in notes
    sources = _rows(book, "Sources")
    titles = [r[0] for r in sources[2:]]
    assert "kyungki_statement" in titles
    assert titles.count(CONFIDENTIAL) == 1
    [secret] = [r for r in sources if r[0] == CONFIDENTIAL]
    assert all(v is None for v in secret[1:])


def test_confidential_source_is_not_named_anywhere(exported: Exported) -> None:
    with zipfile.ZipFile(exported.path) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    for canary in (CANARY_TITLE, CANARY_FILE, "insider_ledger", exported.canary_sha):
        assert canary.encode() not in blob


def test_hostile_text_stays_text(exported: Exported) -> None:
    found: dict[str, list[str]] = {h: [] for h in HOSTILE}
    for ws in exported.book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if cell.value in found:
                    assert cell.data_type == "s"
                    found[cell.value].append(ws.title)
    assert "By supplier" in found['=HYPERLINK("http://x","y")']
    assert "Annotations" in found['=HYPERLINK("http://x","y")']
    assert "By supplier" in found["+1"]
    assert all(found.values())
    with zipfile.ZipFile(exported.path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name)
                assert b"<f>" not in xml
                assert b"<f " not in xml


def _small(data: SummaryData) -> SummaryData:
    """The summary of the last figure only (358 rows), to keep the tests fast."""
    return replace(data, figures=data.figures[-1:], totals=data.totals[:1], record=[],
                   timeline_png=None)


def test_long_tables_are_split_and_the_summary_says_so(exported: Exported,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "split.xlsx"
    result = write_summary(_small(exported.data), out, row_limit=150)
    book = openpyxl.load_workbook(out)
    parts = ["Evidence 1", "Evidence 1 (2)", "Evidence 1 (3)"]
    assert [s for s in book.sheetnames if s.startswith("Evidence 1")] == parts
    assert {"table": "Evidence 1", "sheets": parts} in result["split"]
    header = list(_rows(book, "Evidence 1")[1])
    at = header.index("stat_value_usd")
    total = 0.0
    rows_seen = 0
    for i, name in enumerate(parts):
        ws = book[name]
        assert ws.max_row <= 150
        rows = _rows(book, name)
        data = rows[2:] if i < len(parts) - 1 else rows[2:-2]
        assert list(rows[1]) == header
        assert ws.freeze_panes == "A3"
        total += sum(r[at] for r in data)
        rows_seen += len(data)
    assert rows_seen == 358
    assert total == pytest.approx(FIGURES["South Korean-produced since the invasion"], abs=0.01)
    summary = " ".join(str(v) for r in _rows(book, "Summary") for v in r if v)
    assert "split across Evidence 1, Evidence 1 (2), Evidence 1 (3)" in summary


def test_cancel_leaves_an_existing_file_untouched(exported: Exported, tmp_path: Path) -> None:
    out = tmp_path / "desk.xlsx"
    out.write_bytes(b"the previous summary")
    calls = iter(range(1_000_000))
    with pytest.raises(ExportCancelled):
        write_summary(_small(exported.data), out, cancel=lambda: next(calls) > 2)
    assert out.read_bytes() == b"the previous summary"
    # Cancelled at the last moment, once the workbook is saved to its temp file.
    stop = {"now": False}

    def late(message: str, fraction: float) -> None:
        stop["now"] = fraction >= 1.0

    with pytest.raises(ExportCancelled):
        write_summary(_small(exported.data), out, progress=late, cancel=lambda: stop["now"])
    assert out.read_bytes() == b"the previous summary"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["desk.xlsx"]


def test_service_and_command(exported: Exported, tmp_path: Path) -> None:
    case, _ = open_case(exported.folder / "case.wbcase", read_only=True)
    try:
        with pytest.raises(ExportCancelled):
            export_summary(case, tmp_path / "never.xlsx", cancel=lambda: True)
    finally:
        case.close()
    assert list(tmp_path.iterdir()) == []

    parser = Parser(prog="workbench")
    register(parser.add_subparsers(dest="command", parser_class=Parser))
    args = parser.parse_args(["export-xlsx", str(exported.folder / "case.wbcase"),
                              str(tmp_path / "cli.xlsx"), "--json"])
    assert isinstance(args, argparse.Namespace)
    assert cmd_export_xlsx(args) == 0
    assert openpyxl.load_workbook(tmp_path / "cli.xlsx", read_only=True).sheetnames[0] == "Summary"


def test_sheet_names_are_valid_and_unique() -> None:
    names = SheetNames()
    taken = [names.take("A/B:C*D?[E]\\F"), names.take("a-b-c-d--e--f"),
             names.take("x" * 40, " (2)"), names.take("x" * 40, " (2)"), names.take("History")]
    assert taken[0] == "A-B-C-D--E--F"
    assert taken[1] != taken[0]
    assert taken[1].casefold() != taken[0].casefold()
    assert all(len(n) <= 31 for n in taken)
    assert taken[2].endswith(" (2)")
    assert taken[3] != taken[2]
    assert taken[4].casefold() != "history"
    assert len({n.casefold() for n in taken}) == len(taken)
