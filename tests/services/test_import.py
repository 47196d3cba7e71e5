"""Importing each vendor layout into a real case file: totals, rejects, overlaps, recipes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.extracts import (
    VENDOR_HEADERS,
    sample_items,
    totals_by_origin,
    write_gcode_xlsx,
    write_numbered_csv,
    write_vendor_csv,
)
from workbench.analysis.filters import parse_where
from workbench.analysis.query import run_query
from workbench.services.cases import load_shipments, new_case
from workbench.services.importing import ImportOptions, import_file
from workbench.store import events


@pytest.fixture
def case(tmp_path: Path):
    c = new_case(tmp_path / "test.wbcase", "Test case")
    yield c
    c.close()


def _origin_totals(case) -> dict[str, Decimal]:
    frame = load_shipments(case)
    result = run_query(frame, [], group_by="origin_country")
    return {k: Decimal(f"{v:.2f}") for k, v in result.groups.items()}


WRITERS = {
    "gcode.xlsx": write_gcode_xlsx,
    "numbered.csv": write_numbered_csv,
    "vendor.csv": write_vendor_csv,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_each_layout_gives_origin_totals_to_the_cent(case, tmp_path: Path, name: str) -> None:
    items = sample_items()
    path = WRITERS[name](tmp_path / name, items)
    report = import_file(case, path)
    assert report.imported == len(items)
    assert report.rejected == 0
    assert report.duplicates == 0
    assert _origin_totals(case) == totals_by_origin(items)


def test_identifiers_stay_text_and_provenance_points_at_the_row(case, tmp_path: Path) -> None:
    items = sample_items()
    import_file(case, write_gcode_xlsx(tmp_path / "g.xlsx", items))
    frame = load_shipments(case).sort_values(["source_sheet", "source_row"])
    first = frame.iloc[0]
    assert first["hs_code"] == items[0].hs  # leading zero kept
    assert first["hs_code"].startswith("0")
    assert first["declaration_no"] == items[0].decl
    # Two title lines, then the header on row 3: the first item is on row 4 of sheet "2018".
    where = (first["source_file"], first["source_sheet"], first["source_row"])
    assert where == ("g.xlsx", "2018", 4)
    assert set(frame["source_sheet"]) == {"2018", "2022", "2023"}
    assert len(first["source_sha256"]) == 64


def test_unknown_columns_are_kept(case, tmp_path: Path) -> None:
    import_file(case, write_numbered_csv(tmp_path / "n.csv", sample_items()))
    frame = load_shipments(case)
    assert "Примечание поставщика данных" in frame.columns
    assert (frame["Примечание поставщика данных"] == "проверено").sum() == 4


def test_vendor_standardised_name_is_kept_beside_the_raw_one(case, tmp_path: Path) -> None:
    import_file(case, write_vendor_csv(tmp_path / "v.csv", sample_items()))
    frame = load_shipments(case)
    assert "Shipper Standardized Name" in frame.columns
    assert frame["sender"].iloc[0] == "Kyungki Industrial Co., Ltd"


def test_overlapping_second_extract_is_counted_once(case, tmp_path: Path) -> None:
    items = sample_items()
    import_file(case, write_numbered_csv(tmp_path / "n.csv", items))
    # A second vendor re-exports the last declaration's items, in another layout.
    report = import_file(case, write_vendor_csv(tmp_path / "v.csv", items[8:]))
    assert (report.imported, report.duplicates) == (0, 4)
    assert _origin_totals(case) == totals_by_origin(items)


def test_reimporting_the_same_file_adds_nothing(case, tmp_path: Path) -> None:
    path = write_gcode_xlsx(tmp_path / "g.xlsx", sample_items())
    import_file(case, path)
    again = import_file(case, path)
    assert (again.imported, again.duplicates) == (0, 12)
    assert len(load_shipments(case)) == 12


def test_rows_without_declaration_match_by_content_as_a_multiset(case, tmp_path: Path) -> None:
    header = "Shipment Date;Shipper;Country of Origin;HS Code;Shipment Value (USD)\n"
    line = "2020-01-02;ACME;CN;8708290000;10.00\n"
    first = tmp_path / "a.csv"
    first.write_text(header + line * 2, encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text(header + line * 3, encoding="utf-8")
    assert import_file(case, first).imported == 2  # two identical lines: two shipments
    report = import_file(case, second)
    assert (report.imported, report.duplicates) == (1, 2)


def test_unreadable_rows_are_rejected_with_file_sheet_row_and_reason(
    case, tmp_path: Path
) -> None:
    items = sample_items()
    bad = [
        ["10702070/010123/0000009", "1", "31.02.2023", "X", "КИТАЙ", "КИТАЙ", "8708", "d",
         "1", "5,00", ""],
        ["10702070/010123/0000009", "2", "01.01.2023", "X", "НАРНИЯ", "КИТАЙ", "8708", "d",
         "1", "н/д", ""],
        ["Итого:", "", "", "", "", "", "", "", "", "9 999 999,99", ""],
    ]
    path = write_numbered_csv(tmp_path / "n.csv", items, extra_rows=bad)
    report = import_file(case, path)
    assert report.imported == len(items)
    assert report.rejected == 3
    rows = {r["row"]: r["reason"] for r in report.rejects}
    # Title, blank line, header: the data starts on row 4, so the bad rows are 16, 17, 18.
    assert sorted(rows) == [16, 17, 18]
    assert "Date" in rows[16]
    assert "НАРНИЯ" in rows[17]
    assert "н/д" in rows[17]
    assert "no date" in rows[18]
    assert all(r["file"] == "n.csv" and r["sheet"] == "" for r in report.rejects)
    assert _origin_totals(case) == totals_by_origin(items)  # the total line is not counted


def test_ragged_row_is_rejected_not_dropped(case, tmp_path: Path) -> None:
    path = write_numbered_csv(tmp_path / "n.csv", sample_items(), extra_rows=[["only", "two"]])
    report = import_file(case, path)
    assert report.rejected == 1
    assert report.rejects[0]["row"] == 16
    assert "fields" in str(report.rejects[0]["reason"])


@pytest.mark.parametrize("encoding", ["cp1251", "utf-8", "utf-8-sig", "utf-16"])
def test_text_encodings_are_read_without_mojibake(case, tmp_path: Path, encoding: str) -> None:
    items = sample_items()
    report = import_file(case, write_numbered_csv(tmp_path / "n.csv", items, encoding=encoding))
    assert report.imported == len(items)
    frame = load_shipments(case)
    assert frame["description"].iloc[0] == items[0].description


def test_recipe_is_saved_and_reused_for_the_next_file_of_the_layout(
    case, tmp_path: Path
) -> None:
    items = sample_items()
    odd = tmp_path / "odd.csv"
    odd.write_text(
        "Дата;Поставщик;Сумма, долл.\n01.02.2020;ACME;10,50\n", encoding="utf-8"
    )
    mapping = {"Поставщик": "sender", "Сумма, долл.": "stat_value_usd"}
    first = import_file(case, odd, ImportOptions(mapping=mapping))
    assert first.mapping["Поставщик"] == "sender"
    odd2 = tmp_path / "odd2.csv"
    odd2.write_text("Дата;Поставщик;Сумма, долл.\n03.02.2020;BETA;1 000,25\n", encoding="utf-8")
    second = import_file(case, odd2)  # no mapping given: the recipe supplies it
    assert second.mapping == first.mapping
    frame = load_shipments(case)
    assert round(frame["stat_value_usd"].sum(), 2) == 1010.75
    assert items  # the layout helpers are unaffected


def test_us_slash_dates_read_month_first_when_the_column_says_so(case, tmp_path: Path) -> None:
    items = sample_items()
    path = write_vendor_csv(tmp_path / "v.csv", items, date_style="us")
    import_file(case, path)
    frame = load_shipments(case)
    assert frame["date"].min().date() == items[0].date  # 6/14/2018: 14 cannot be a month


def test_ambiguous_slash_dates_ask_for_the_order(case, tmp_path: Path) -> None:
    from workbench.errors import WorkbenchError

    path = tmp_path / "amb.csv"
    path.write_text(",".join(VENDOR_HEADERS[:4]) + "\nD1,1,03/04/2022,ACME\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="order"):
        import_file(case, path)
    report = import_file(case, path, ImportOptions(date_order="MDY"))
    assert report.imported == 1
    assert load_shipments(case)["date"].iloc[0].strftime("%Y-%m-%d") == "2022-03-04"


def test_every_import_is_an_event_in_the_log(case, tmp_path: Path) -> None:
    import_file(case, write_numbered_csv(tmp_path / "n.csv", sample_items()))
    logged = events.read(case.conn, "import")
    assert len(logged) == 1
    assert logged[0].payload["imported"] == 12
    assert logged[0].payload["file"] == "n.csv"


def test_the_input_file_is_kept_with_its_hash(case, tmp_path: Path) -> None:
    from workbench.store import files

    path = write_numbered_csv(tmp_path / "n.csv", sample_items())
    report = import_file(case, path)
    stored = files.find(case.conn, report.sha256)
    assert stored is not None
    assert files.read_bytes(case.conn, stored.id) == path.read_bytes()


def test_filter_by_country_column_choice_matters(case, tmp_path: Path) -> None:
    items = sample_items()
    import_file(case, write_gcode_xlsx(tmp_path / "g.xlsx", items))
    frame = load_shipments(case)
    produced = run_query(frame, [parse_where("origin_country=KR")])
    traded = run_query(frame, [parse_where("trading_country=KR")])
    assert round(produced.total, 2) == float(sum(i.value for i in items if i.origin == "KR"))
    assert round(traded.total, 2) == float(sum(i.value for i in items if i.trading == "KR"))
    assert produced.total != traded.total


@pytest.mark.parametrize("cancel_at", ["Checking the file", "Prepared", "Writing to the case"])
def test_cancel_at_any_step_leaves_the_case_unchanged(
    case, tmp_path: Path, cancel_at: str
) -> None:
    from workbench.services.importing import ImportCancelled

    seen: list[str] = []

    def progress(message: str, _fraction: float) -> None:
        seen.append(message)

    with pytest.raises(ImportCancelled):
        import_file(
            case,
            write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()),
            progress=progress,
            cancelled=lambda: any(m.startswith(cancel_at) for m in seen),
        )
    assert case.conn.execute("SELECT count(*) FROM files").fetchone()[0] == 0
    assert case.conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert len(load_shipments(case)) == 0
    assert import_file(case, tmp_path / "g.xlsx").imported == 12  # and it can be done again


def _write_title_rows_then_items(rows: list[list[object]], items) -> list[list[object]]:
    from tests.extracts import GCODE_HEADERS

    body = [[it.decl, it.item, it.date.strftime("%d.%m.%Y"), it.sender, it.origin, it.trading,
             it.hs, it.description, float(it.net), float(it.value)] for it in items]
    return [*rows, GCODE_HEADERS, *body]


def test_legacy_xls_is_read_with_its_row_numbers(case, tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    items = sample_items()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Импорт")
    grid = _write_title_rows_then_items([["Выгрузка ДТ"], []], items)
    for r, row in enumerate(grid, start=2):  # two empty rows above the title
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(tmp_path / "old.xls"))
    report = import_file(case, tmp_path / "old.xls")
    assert (report.imported, report.rejected) == (12, 0)
    frame = load_shipments(case).sort_values("source_row")
    # Rows 1-2 empty, title on 3, blank 4, header 5: the first item is on row 6.
    assert int(frame["source_row"].iloc[0]) == 6
    assert _origin_totals(case) == totals_by_origin(items)


def test_ods_is_read(case, tmp_path: Path) -> None:
    pytest.importorskip("odf")
    import pandas as pd

    items = sample_items()
    grid = _write_title_rows_then_items([["Выгрузка ДТ"]], items)
    width = max(len(r) for r in grid)
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in grid])
    frame.to_excel(tmp_path / "extract.ods", engine="odf", header=False, index=False)
    report = import_file(case, tmp_path / "extract.ods")
    assert (report.imported, report.rejected) == (12, 0)
    assert int(load_shipments(case)["source_row"].min()) == 3
    assert _origin_totals(case) == totals_by_origin(items)


def test_mac_1904_workbook_dates_and_serials(case, tmp_path: Path) -> None:
    """Date cells and bare serial numbers of a 1904-system workbook land on the right day."""
    import datetime as dt

    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["G072 (Дата регистрации)", "G022 (Наименование отправителя)",
               "G46 (Статистическая стоимость, USD.)"])
    ws.append([dt.datetime(2022, 2, 24), "A", 1.0])
    ws.cell(2, 1).number_format = "dd.mm.yyyy"
    # Serial 43,422 is 2022-11-19 in the 1904 system (2018-11-18 in the 1900 system).
    ws.append([43_422, "B", 2.0])
    wb.save(tmp_path / "mac.xlsx")
    import_file(case, tmp_path / "mac.xlsx")
    dates = load_shipments(case).sort_values("sender")["date"].dt.strftime("%Y-%m-%d")
    assert list(dates) == ["2022-02-24", "2022-11-19"]


def test_excel_unicode_text_export_utf16_with_tabs(case, tmp_path: Path) -> None:
    """Excel's "Unicode text" is UTF-16 with tabs between fields."""
    from tests.extracts import NUMBERED_HEADERS, numbered_rows

    items = sample_items()
    lines = ["\t".join(NUMBERED_HEADERS)] + ["\t".join(r) for r in numbered_rows(items)]
    path = tmp_path / "unicode.txt"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-16")
    report = import_file(case, path)
    assert report.options == {"encoding": "utf-16", "delimiter": "\t"}
    assert report.imported == len(items)
    assert _origin_totals(case) == totals_by_origin(items)
