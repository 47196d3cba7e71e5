"""The preview of an import: header row, title rows, mapping and its origin, refusals."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import openpyxl
import pytest

from tests.extracts import (
    GCODE_HEADERS,
    NUMBERED_HEADERS,
    VENDOR_HEADERS,
    sample_items,
    write_gcode_xlsx,
    write_numbered_csv,
    write_vendor_csv,
)
from tests.no_origin import no_origin_total, write_no_origin_xlsx
from workbench.errors import ImportRefused
from workbench.ingest.mapping import Confidence
from workbench.services.cases import load_shipments, new_case
from workbench.services.importing import ImportOptions, import_file
from workbench.services.preview import (
    PREVIEW_ROWS,
    MappingOrigin,
    RowRole,
    preview_file,
)

TOTAL_LINE = ["Итого:", "", "", "", "", "", "", "", "", "1 000,00", ""]
BAD_DATE = ["10702070/140618/0000009", "1", "31.02.2018", "X", "КИТАЙ", "КИТАЙ", "1", "d", "1",
            "abc", ""]


@pytest.fixture
def case(tmp_path: Path):
    c = new_case(tmp_path / "test.wbcase", "Test case")
    yield c
    c.close()


def _counts(path: Path) -> dict[str, int]:
    tables = ("files", "imports", "shipment_chunks", "events", "recipes", "rejects")
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_cp1251_csv_shows_title_rows_header_and_mapping(case, tmp_path: Path) -> None:
    path = write_numbered_csv(tmp_path / "numbered.csv", sample_items())
    preview = preview_file(case, path)
    assert (preview.encoding, preview.delimiter, preview.notes) == ("cp1251", ";", [])
    [sheet] = preview.sheets
    assert sheet.header_row == 3
    assert sheet.header_option == 3
    assert sheet.roles[:4] == [RowRole.TITLE, RowRole.TITLE, RowRole.HEADER, RowRole.DATA]
    assert sheet.rows[0] == ["Выгрузка ДТ за период"]
    assert sheet.rows[2] == NUMBERED_HEADERS
    assert sheet.row_numbers[:4] == [1, 2, 3, 4]
    assert sheet.rows[3][0] == "10702070/140618/0000001"
    assert sheet.data_rows == 12
    assert sheet.mapping["46 Статистическая стоимость"] == "stat_value_usd"
    assert sheet.mapping["072 Дата ДТ"] == "date"
    assert "Примечание поставщика данных" not in sheet.mapping
    assert {c.origin for c in sheet.columns if c.canonical} == {MappingOrigin.DETECTED}
    assert sheet.warnings == []


def test_workbook_sheets_show_their_title_rows(case, tmp_path: Path) -> None:
    path = write_gcode_xlsx(tmp_path / "gcode.xlsx", sample_items())
    preview = preview_file(case, path)
    assert [s.sheet for s in preview.sheets] == ["2018", "2022", "2023"]
    assert preview.encoding is None
    assert preview.delimiter is None
    first = preview.sheets[0]
    assert first.header_row == 3
    assert first.rows[0][0] == "Выгрузка таможенных деклараций (импорт)"
    assert first.rows[1][0] == "Период: 2018"
    assert first.rows[2] == GCODE_HEADERS
    assert first.roles.count(RowRole.TITLE) == 2
    assert first.mapping["G46 (Статистическая стоимость, USD.)"] == "stat_value_usd"
    assert first.row_numbers[3] == 4


def test_header_row_counts_the_rows_a_workbook_reader_drops(case, tmp_path: Path) -> None:
    """Leading empty rows: the sheet's row 5 is the third row the reader sees."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.cell(3, 1, "Выгрузка")
    ws.append(GCODE_HEADERS)
    ws.append(["10702070/140618/0000001", 1, "14.06.2018", "X", "KR", "KR", "0870829000", "d",
               1.5, 10.25])
    ws.append(GCODE_HEADERS)  # a second header-like row: choosing by hand must find it
    wb.save(tmp_path / "blank_top.xlsx")
    preview = preview_file(case, tmp_path / "blank_top.xlsx")
    sheet = preview.sheets[0]
    assert (sheet.header_row, sheet.header_option) == (4, 2)
    assert sheet.row_numbers[0] == 3
    chosen = preview_file(case, tmp_path / "blank_top.xlsx", ImportOptions(header_row=4))
    assert chosen.sheets[0].header_row == 6


def test_mapping_layers_detected_recipe_chosen_match_the_import(case, tmp_path: Path) -> None:
    items = sample_items()
    first = write_vendor_csv(tmp_path / "v1.csv", items[:6])
    override = {"Shipper Standardized Name": "sender"}
    import_file(case, first, ImportOptions(mapping=override))

    second = write_vendor_csv(tmp_path / "v2.csv", items[6:])
    sheet = preview_file(case, second).sheets[0]
    origins = {c.header: c.origin for c in sheet.columns}
    assert sheet.mapping["Shipper Standardized Name"] == "sender"
    assert "Shipper" not in sheet.mapping
    assert origins["Shipper Standardized Name"] is MappingOrigin.RECIPE
    assert origins["HS Code"] is MappingOrigin.DETECTED

    chosen = {"Shipper": "sender", "HS Code": ""}
    options = ImportOptions(mapping=chosen)
    sheet = preview_file(case, second, options).sheets[0]
    origins = {c.header: c.origin for c in sheet.columns}
    assert sheet.mapping["Shipper"] == "sender"
    assert origins["Shipper"] is MappingOrigin.CHOSEN
    assert origins["HS Code"] is MappingOrigin.CHOSEN
    assert "HS Code" not in sheet.mapping
    report = import_file(case, second, options)
    assert report.mapping == sheet.mapping


def test_unmapped_date_is_missing_before_the_import(case, tmp_path: Path) -> None:
    path = write_vendor_csv(tmp_path / "v.csv", sample_items())
    sheet = preview_file(case, path, ImportOptions(mapping={"Shipment Date": ""})).sheets[0]
    assert "date" not in sheet.mapping.values()
    [date] = [m for m in sheet.missing if m.column == "date"]
    assert date.refuses
    assert date.sentence == ("date was not found: the import will refuse this sheet until a "
                             "column is mapped to Date")
    assert date.offers[0].header == "Shipment Date"  # the column set aside fits best
    assert date.offers[0].fit == 1.0
    assert set(VENDOR_HEADERS) == set(sheet.headers)


def test_wrong_encoding_is_a_sentence_or_visible_mojibake(case, tmp_path: Path) -> None:
    path = write_numbered_csv(tmp_path / "numbered.csv", sample_items())
    with pytest.raises(ImportRefused) as refused:
        preview_file(case, path, ImportOptions(encoding="utf-8"))
    sentence = str(refused.value)
    assert "numbered.csv" in sentence
    assert "\n" not in sentence
    assert sentence.endswith(".")
    with pytest.raises(ImportRefused, match="No recognisable customs columns"):
        preview_file(case, path, ImportOptions(encoding="koi8-r"))
    mojibake = preview_file(case, path, ImportOptions(encoding="koi8-r", header_row=3))
    header = mojibake.sheets[0].rows[2]
    assert header != NUMBERED_HEADERS
    assert "Номер" not in " ".join(header)
    assert mojibake.sheets[0].mapping == {}


def test_hostile_file_is_refused_with_one_sentence(case, tmp_path: Path) -> None:
    fake = tmp_path / "scan.xlsx"
    fake.write_bytes(b"%PDF-1.4\n" + b"0" * 4096)
    with pytest.raises(ImportRefused) as refused:
        preview_file(case, fake)
    assert "scan.xlsx" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_preview_writes_nothing_and_shows_at_most_the_first_rows(case, tmp_path: Path) -> None:
    extra = [[f"10702070/010124/{i:07d}", "1", "01.01.2024", "S", "КИТАЙ", "КИТАЙ", "1", "d",
              "1,00", "2,00", ""] for i in range(80)]
    path = write_numbered_csv(tmp_path / "n.csv", sample_items(), extra_rows=extra)
    before = _counts(case.path)
    sheet = preview_file(case, path).sheets[0]
    assert _counts(case.path) == before
    assert sheet.roles.count(RowRole.DATA) == PREVIEW_ROWS
    assert sheet.data_rows == 12 + 80


def test_preview_without_a_case_uses_detection_only(tmp_path: Path) -> None:
    path = write_vendor_csv(tmp_path / "v.csv", sample_items())
    sheet = preview_file(None, path).sheets[0]
    assert sheet.mapping["Shipment Value (USD)"] == "stat_value_usd"
    assert sheet.header_row == 4
    assert sheet.title_rows == 3


@pytest.mark.slow
def test_preview_of_a_100k_row_csv_is_quick(tmp_path: Path) -> None:
    from bench.make_extract import synthetic_rows, write_csv

    path = tmp_path / "big.csv"
    write_csv(synthetic_rows(100_000), path)
    start = time.perf_counter()
    preview = preview_file(None, path)
    assert time.perf_counter() - start < 2.0
    assert preview.sheets[0].data_rows == 100_000


# -- what the preview says before the import, and that the import then says the same --------


def test_missing_origin_is_named_with_the_report_sentence(case, tmp_path: Path) -> None:
    items = sample_items()
    path = write_no_origin_xlsx(tmp_path / "no_origin.xlsx", items)
    sheet = preview_file(case, path).sheets[0]
    assert [m.column for m in sheet.missing] == ["origin_country", "description"]
    origin = sheet.missing[0]
    assert origin.sentence == ("origin country was not found: figures by origin will not "
                               "include this file's 14 rows")
    assert not origin.refuses
    assert [o.header for o in origin.offers][:1] == ["Страна"]  # the only unmapped column
    assert origin.offers[0].fit == 1.0
    assert origin.offers[0].samples == ("КОРЕЯ, РЕСПУБЛИКА", "КОРЕЯ, РЕСПУБЛИКА", "КИТАЙ")
    columns = {c.header: c for c in sheet.columns}
    value = columns["G46 (Статистическая стоимость, USD.)"]
    assert (value.canonical, value.confidence, value.why) == (
        "stat_value_usd", Confidence.HIGH, "G-code G46")
    assert value.samples == ("1181.55", "0.01", "999999.99")
    assert columns["G072 (Дата регистрации)"].samples[0] == "2018-06-14"
    assert columns["Страна"].confidence is None
    assert columns["Страна"].origin is MappingOrigin.NONE

    total = sheet.value_total
    assert total is not None
    assert round(total.total, 2) == float(no_origin_total(items)) == 2_486_304.97
    assert (total.rows, total.empty, total.unreadable) == (14, 2, 0)
    assert total.sentence() == ("Statistical value, USD: 2,486,304.97 over 14 rows; "
                                "2 rows empty")
    assert (sheet.rows_kept, sheet.no_date) == (14, 1)  # the total line is left out
    assert any(w.startswith("1 row has no date") for w in sheet.warnings)

    report = import_file(case, path)
    assert report.imported == sheet.rows_kept
    prefix = "Sheet 'Импорт': "
    assert [m.sentence + "." for m in sheet.missing] == [
        w.removeprefix(prefix) for w in report.warnings[:2]]
    [findings] = report.findings
    assert findings.empty_value_count == total.empty
    frame = load_shipments(case)
    assert round(float(frame["stat_value_usd"].sum()), 2) == round(total.total, 2)


def test_a_column_mapped_by_hand_is_kept_for_the_next_file(case, tmp_path: Path) -> None:
    items = sample_items()
    first = write_no_origin_xlsx(tmp_path / "first.xlsx", items[:6])
    options = ImportOptions(mapping={"Страна": "origin_country"})
    sheet = preview_file(case, first, options).sheets[0]
    assert "origin_country" not in [m.column for m in sheet.missing]
    chosen = {c.header: c for c in sheet.columns}["Страна"]
    assert (chosen.canonical, chosen.origin, chosen.why) == (
        "origin_country", MappingOrigin.CHOSEN, "chosen by hand")
    report = import_file(case, first, options)
    assert not any("origin country" in w for w in report.warnings)

    second = write_no_origin_xlsx(tmp_path / "second.xlsx", items[6:])
    sheet = preview_file(case, second).sheets[0]
    saved = {c.header: c for c in sheet.columns}["Страна"]
    assert (saved.canonical, saved.origin) == ("origin_country", MappingOrigin.RECIPE)
    assert [m.column for m in sheet.missing] == ["description"]
    report = import_file(case, second)
    assert not any("origin country" in w for w in report.warnings)
    assert report.duplicates == 2  # the two rows without a value are in both files
    frame = load_shipments(case)
    expected = [it.origin for it in items[:6]] + ["HK", "KR"] + [it.origin for it in items[6:]]
    assert frame["origin_country"].tolist() == expected


def test_value_total_reads_as_the_import_reads(case, tmp_path: Path) -> None:
    """Comma decimals with space thousands; a total line and a bad date are not added."""
    items = sample_items()
    path = write_numbered_csv(tmp_path / "n.csv", items, extra_rows=[TOTAL_LINE, BAD_DATE])
    sheet = preview_file(case, path).sheets[0]
    assert sheet.value_total is not None
    assert round(sheet.value_total.total, 2) == float(sum(it.value for it in items))
    assert (sheet.rows_kept, sheet.no_date) == (12, 2)
    assert sheet.missing == []
    report = import_file(case, path)
    assert report.imported == sheet.rows_kept


def test_value_total_applies_the_column_factor_and_counts_unreadable_values(
    tmp_path: Path,
) -> None:
    path = tmp_path / "thousands.csv"
    path.write_text(
        "Date,Shipper,HS Code,Country of Origin,Product Description,"
        "Statistical value USD (thousands)\n"
        "2022-03-01,ACME,8708299000,KR,Brake parts,\"1,5\"\n"
        "2022-03-02,ACME,8708299000,KR,Brake parts,2\n"
        "2022-03-03,ACME,8708299000,KR,Brake parts,lots\n"
        "2022-03-04,ACME,8708299000,KR,Brake parts,\n",
        encoding="utf-8",
    )
    sheet = preview_file(None, path).sheets[0]
    total = sheet.value_total
    assert total is not None
    assert total.total == 3500.0
    assert (total.rows, total.empty, total.unreadable) == (3, 1, 1)
    assert total.sentence().endswith("over 3 rows; 1 row empty; 1 row unreadable (rejected)")
    assert "is in thousands: multiplied by 1,000" in " ".join(sheet.warnings)


def test_no_value_column_is_missing_and_has_no_total(case, tmp_path: Path) -> None:
    path = write_vendor_csv(tmp_path / "v.csv", sample_items())
    options = ImportOptions(mapping={"Shipment Value (USD)": ""})
    sheet = preview_file(case, path, options).sheets[0]
    assert sheet.value_total is None
    [missing] = sheet.missing
    assert missing.column == "stat_value_usd"
    assert missing.sentence == ("statistical value (USD) was not found: totals will not include "
                                "this file's 12 rows")
    assert missing.offers[0].header == "Shipment Value (USD)"


def test_dates_that_need_an_order_are_said_before_the_import(tmp_path: Path) -> None:
    path = tmp_path / "slash.csv"
    path.write_text("Date,Shipper,HS Code,Shipment Value (USD)\n"
                    "03/04/2022,ACME,8708299000,10\n05/06/2022,ACME,8708299000,20\n",
                    encoding="utf-8")
    sheet = preview_file(None, path).sheets[0]
    assert sheet.warnings == [
        "The dates in column 'Date' could be day/month or month/day (for example "
        "'03/04/2022'), so choose the date order for this column."]
    chosen = preview_file(None, path, ImportOptions(date_order="DMY")).sheets[0]
    assert chosen.warnings == []
    assert chosen.value_total is not None
    assert chosen.value_total.total == 30.0
