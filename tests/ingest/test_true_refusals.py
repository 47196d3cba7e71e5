"""Files that used to be refused as damaged import, and a refusal says what is true.

Through ``import_file``, as the window and the command line use it. Every file is written here:
CSVs with old Mac line ends, real xlsx files rewritten the way some generators lay them out,
workbooks with chart sheets (intact and broken), .xlsb files built record by record
(``tests/xlsb.py``), and .xlsb files changed so that the spreadsheet reader panics on them.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from tests.extracts import (
    GCODE_HEADERS,
    Item,
    sample_items,
    totals_by_origin,
    write_gcode_xlsx,
    write_numbered_csv,
    write_vendor_csv,
)
from tests.ingest.test_package import relocate
from tests.xlsb import CELL_ISST, END_SHEET_DATA, WB_PROP, record, wide, write_xlsb
from workbench.analysis.query import run_query
from workbench.errors import ImportRefused
from workbench.ingest import sniff as sniff_module
from workbench.ingest.sniff import FileKind, sniff
from workbench.services.cases import load_shipments, new_case
from workbench.services.importing import import_file
from workbench.store.case import CaseFile


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    c = new_case(tmp_path / "test.wbcase", "Test case")
    yield c
    c.close()


def state(case: CaseFile) -> list[str]:
    """Everything the case file holds, as SQL."""
    return list(case.conn.iterdump())


def origin_totals(case: CaseFile) -> dict[str, Decimal]:
    result = run_query(load_shipments(case), [], group_by="origin_country")
    return {k: Decimal(f"{v:.2f}") for k, v in result.groups.items()}


def provenance(case: CaseFile) -> list[tuple[str, str, int, str]]:
    frame = load_shipments(case)
    return sorted(
        (str(d), str(s), int(r), str(t))
        for d, s, r, t in zip(
            frame["declaration_no"], frame["source_sheet"], frame["source_row"], frame["date"],
            strict=True,
        )
    )


def refused(case: CaseFile, path: Path) -> str:
    """The refusal ``import_file`` gives, after checking that it left the case as it was."""
    before = state(case)
    with pytest.raises(ImportRefused) as caught:
        import_file(case, path)
    assert state(case) == before
    message = str(caught.value)
    assert "\n" not in message
    assert message.endswith(".")
    assert path.name in message
    return message


# -- old Mac line ends ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("writer", "line_end"),
    [(write_numbered_csv, b"\r\n"), (write_vendor_csv, b"\n")],
    ids=["cp1251-semicolons", "utf8-commas"],
)
def test_a_csv_with_old_mac_line_ends_reads_as_rows(
    tmp_path: Path, writer: Callable[[Path, list[Item]], Path], line_end: bytes
) -> None:
    items = sample_items()
    usual = writer(tmp_path / "usual.csv", items)
    old_mac = tmp_path / "old_mac.csv"
    old_mac.write_bytes(usual.read_bytes().replace(line_end, b"\r"))
    assert b"\n" not in old_mac.read_bytes()
    assert sniff(old_mac) is FileKind.TEXT

    results = []
    for path in (usual, old_mac):
        c = new_case(tmp_path / f"{path.stem}.wbcase", path.stem)
        try:
            report = import_file(c, path)
            results.append((report.imported, report.rejected, origin_totals(c), provenance(c)))
        finally:
            c.close()
    assert results[0][0] == len(items)
    assert results[1] == results[0]  # same rows, totals and row numbers as the usual file
    assert results[1][2] == totals_by_origin(items)


def test_a_quoted_cell_spanning_lines_stays_one_cell_with_old_mac_line_ends(
    case: CaseFile, tmp_path: Path
) -> None:
    items = sample_items()
    text = write_vendor_csv(tmp_path / "v.csv", items).read_bytes().decode("utf-8-sig")
    first = items[0].description
    text = text.replace(first, f'"{first}\nсм. примечание"', 1)
    path = tmp_path / "cr.csv"
    path.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    report = import_file(case, path)
    assert (report.imported, report.rejected) == (len(items), 0)
    descriptions = set(load_shipments(case)["description"])
    assert f"{first}\nсм. примечание" in descriptions


# -- the workbook part elsewhere ----------------------------------------------------------------


@pytest.mark.parametrize("target", ["xl/workbook2.xml", "workbook.xml"])
def test_a_workbook_part_stored_elsewhere_imports_like_the_usual_layout(
    tmp_path: Path, target: str
) -> None:
    items = sample_items()
    usual = write_gcode_xlsx(tmp_path / "usual.xlsx", items)
    moved = tmp_path / "moved.xlsx"
    moved.write_bytes(relocate(usual.read_bytes(), target))
    with zipfile.ZipFile(moved) as zf:
        assert "xl/workbook.xml" not in zf.namelist()
    assert sniff(moved) is FileKind.XLSX

    results = []
    for path in (usual, moved):
        c = new_case(tmp_path / f"{path.stem}.wbcase", path.stem)
        try:
            report = import_file(c, path)
            results.append((report.imported, report.sheets, report.notes, provenance(c)))
            assert origin_totals(c) == totals_by_origin(items)
        finally:
            c.close()
    assert results[0][0] == len(items)
    assert results[1] == results[0]  # also the rows below the title lines: the XML was found


def test_part_names_with_backslashes_import_like_the_usual_layout(tmp_path: Path) -> None:
    """Some Windows tools store ``xl\\workbook.xml``; the reader opens such packages."""
    items = sample_items()
    usual = write_gcode_xlsx(tmp_path / "usual.xlsx", items)
    windows = tmp_path / "windows.xlsx"
    source = zipfile.ZipFile(usual)
    with zipfile.ZipFile(windows, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename.replace("/", "\\"), source.read(info))
    assert "xl\\workbook.xml" in zipfile.ZipFile(windows).namelist()
    assert sniff(windows) is FileKind.XLSX
    results = []
    for path in (usual, windows):
        c = new_case(tmp_path / f"{path.stem}.wbcase", path.stem)
        try:
            report = import_file(c, path)
            results.append((report.imported, report.sheets, provenance(c)))
        finally:
            c.close()
    assert results[0][0] == len(items)
    assert results[1] == results[0]


def test_two_workbook_parts_are_refused_rather_than_guessed(case: CaseFile, tmp_path: Path) -> None:
    data = relocate(write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()).read_bytes(),
                    "xl/workbook2.xml")
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a") as zf:  # a stale part where the reader would look
        zf.writestr("xl/workbook.xml", b'<workbook xmlns="x"><sheets/></workbook>')
    path = tmp_path / "two.xlsx"
    path.write_bytes(buffer.getvalue())
    message = refused(case, path)
    assert message == sniff_module.LAYOUT.format(name="two.xlsx")
    assert "damaged" not in message


# -- chart sheets and broken sheets ----------------------------------------------------------------


def gcode_rows(items: list[Item]) -> list[list[object]]:
    rows: list[list[object]] = [["Выгрузка таможенных деклараций (импорт)"], [], GCODE_HEADERS]
    rows += [[it.decl, it.item, it.date, it.sender, it.origin, it.trading, it.hs,
              it.description, float(it.net), float(it.value)] for it in items]
    return rows


def charted_workbook(path: Path, items: list[Item]) -> Path:
    """Two data sheets with a chart sheet between them, as Excel users make them."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = "2018"
    for row in gcode_rows(items[:4]):
        first.append(row)
    chart = BarChart()
    chart.add_data(Reference(first, min_col=10, min_row=3, max_row=7), titles_from_data=True)
    book.create_chartsheet("Chart").add_chart(chart)
    second = book.create_sheet("Later")
    for row in gcode_rows(items[4:]):
        second.append(row)
    book.save(path)
    return path


def rewrite(path: Path, change: Callable[[str, bytes], bytes | None]) -> Path:
    """The package at ``path`` with each part replaced by ``change`` (None leaves it out)."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                zf.writestr(name, data)
    return path


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


CHART_DAMAGE: dict[str, Callable[[str, bytes], bytes | None]] = {
    "intact": lambda _n, d: d,
    "chart sheet missing": lambda n, d: None if n.startswith("xl/chartsheets/sheet") else d,
    "chart sheet cut short": lambda n, d: _half(d) if n.startswith("xl/chartsheets/sheet") else d,
    "drawing cut short": lambda n, d: _half(d) if n.startswith("xl/drawings/drawing") else d,
    "chart missing": lambda n, d: None if n.startswith("xl/charts/") else d,
}


@pytest.mark.parametrize("damage", sorted(CHART_DAMAGE))
def test_a_chart_sheet_is_passed_over_with_a_note_and_the_data_sheets_import(
    case: CaseFile, tmp_path: Path, damage: str
) -> None:
    items = sample_items()
    path = rewrite(charted_workbook(tmp_path / "charted.xlsx", items), CHART_DAMAGE[damage])
    report = import_file(case, path)
    assert report.imported == len(items)
    assert report.sheets == ["2018", "Later"]
    assert report.notes == ["sheet 'Chart' is a chart, not a table"]
    assert origin_totals(case) == totals_by_origin(items)


def test_a_damaged_worksheet_beside_good_ones_is_skipped_and_named(
    case: CaseFile, tmp_path: Path
) -> None:
    items = sample_items()
    path = write_gcode_xlsx(tmp_path / "years.xlsx", items)  # sheets 2018, 2022, 2023
    rewrite(path, lambda n, d: _half(d) if n == "xl/worksheets/sheet2.xml" else d)
    report = import_file(case, path)
    assert report.sheets == ["2018", "2023"]
    assert report.imported == 8
    assert report.notes == [
        "sheet '2022' is damaged and could not be read (ask the sender for a fresh copy)"
    ]


def test_a_workbook_whose_only_sheet_is_damaged_is_still_called_damaged(
    case: CaseFile, tmp_path: Path
) -> None:
    path = write_gcode_xlsx(tmp_path / "one.xlsx", sample_items(), sheets_by_year=False)
    rewrite(path, lambda n, d: _half(d) if n == "xl/worksheets/sheet1.xml" else d)
    assert refused(case, path) == sniff_module.DAMAGED.format(name="one.xlsx")


# -- .xlsb ----------------------------------------------------------------------------------------


def test_an_xlsb_imports_like_the_same_xlsx(tmp_path: Path) -> None:
    items = sample_items()
    xlsx = write_gcode_xlsx(tmp_path / "same.xlsx", items)
    by_year: dict[str, list[Item]] = {}
    for it in items:
        by_year.setdefault(str(it.date.year), []).append(it)
    xlsb = write_xlsb(tmp_path / "same.xlsb", {y: gcode_rows(g) for y, g in by_year.items()})
    assert sniff(xlsb) is FileKind.XLSB
    results = []
    for path in (xlsx, xlsb):
        c = new_case(tmp_path / f"{path.suffix[1:]}.wbcase", path.name)
        try:
            report = import_file(c, path)
            results.append((report.imported, report.rejected, report.sheets, provenance(c)))
            assert origin_totals(c) == totals_by_origin(items)
        finally:
            c.close()
    assert results[0][0] == len(items)
    assert results[1] == results[0]  # the same dates, sheets and source rows


def test_an_xlsb_chart_sheet_is_passed_over_with_a_note(case: CaseFile, tmp_path: Path) -> None:
    items = sample_items()
    path = write_xlsb(tmp_path / "charts.xlsb", {"Data": gcode_rows(items)}, charts=["Chart"])
    report = import_file(case, path)
    assert report.imported == len(items)
    assert report.notes == ["sheet 'Chart' is a chart, not a table"]


# -- reader panics -------------------------------------------------------------------------------


def _no_book_properties(part: bytes) -> bytes:
    """The workbook's properties record with its fields gone (the reader indexes into it)."""
    whole = record(WB_PROP, struct.pack("<II", 0, 0) + wide(""))
    assert whole in part
    return part.replace(whole, record(WB_PROP))


def _string_beyond_the_table(part: bytes) -> bytes:
    """A cell pointing at shared string number 999 of a table of a few dozen."""
    end = record(END_SHEET_DATA)
    cell = record(CELL_ISST, struct.pack("<III", 12, 0, 999))
    return part.replace(end, cell + end)


def panics_in_process(path: Path) -> bool:
    """Whether fastexcel panics on ``path`` (tried in a throwaway interpreter)."""
    code = textwrap.dedent(
        """
        import sys, fastexcel
        try:
            reader = fastexcel.read_excel(open(sys.argv[1], "rb").read())
            for name in reader.sheet_names:
                reader.load_sheet(name, header_row=None, dtypes="string").to_arrow()
        except BaseException as exc:
            sys.exit(7 if type(exc).__name__ == "PanicException" else 1)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, timeout=60, check=False
    )
    return done.returncode == 7


def panicking_book(path: Path) -> Path:
    return write_xlsb(path, {"Data": gcode_rows(sample_items())},
                      damage={"xl/workbook.bin": _no_book_properties})


def test_a_reader_panic_on_the_whole_file_is_one_plain_sentence(
    case: CaseFile, tmp_path: Path
) -> None:
    path = panicking_book(tmp_path / "panics.xlsb")
    assert sniff(path) is FileKind.XLSB
    if panics_in_process(path):
        message = refused(case, path)
        assert message == (
            "panics.xlsb could not be read by the spreadsheet reader (it stopped on an internal "
            "error); open it in a spreadsheet program, save it as .xlsx and import that."
        )
    else:  # a fixed reader: an import or a plain refusal are both fine
        try:
            import_file(case, path)
        except ImportRefused as exc:
            message = str(exc)
        else:
            message = ""
        assert "\n" not in message


def test_a_reader_panic_on_one_sheet_skips_only_that_sheet(
    case: CaseFile, tmp_path: Path
) -> None:
    items = sample_items()
    path = write_xlsb(
        tmp_path / "one_bad.xlsb",
        {"Bad": gcode_rows(items[:4]), "Good": gcode_rows(items[4:])},
        damage={"xl/worksheets/sheet1.bin": _string_beyond_the_table},
    )
    report = import_file(case, path)
    if panics_in_process(path):
        assert report.sheets == ["Good"]
        assert report.imported == len(items) - 4
        assert report.notes == [
            "sheet 'Bad' could not be read: the spreadsheet reader stopped on an internal error "
            "(re-saving the file as .xlsx in a spreadsheet program may help)"
        ]
    else:
        assert "Good" in report.sheets
