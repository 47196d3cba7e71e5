"""The mapping as a reporter meets it: real files written here, imported through the service.

Each test feeds a layout that real vendor dumps have and checks what lands in the case and
what the report says, including the columns that must not be taken for what their header says.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.extracts import (
    FULL_GCODE_VARIANTS,
    sample_items,
    totals_by_origin,
    write_full_gcode_xlsx,
)
from workbench.analysis.query import run_query
from workbench.errors import NotShipments
from workbench.services.cases import case_info, load_shipments, new_case
from workbench.services.importing import ImportOptions, import_file


@pytest.fixture
def case(tmp_path: Path):
    c = new_case(tmp_path / "test.wbcase", "Test case")
    yield c
    c.close()


def _xlsx(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _csv(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("variant", sorted(FULL_GCODE_VARIANTS))
def test_full_gcode_dump_maps_every_box_and_totals_by_origin_to_the_cent(
    case, tmp_path: Path, variant: str
) -> None:
    items = sample_items()
    report = import_file(case, write_full_gcode_xlsx(tmp_path / "full.xlsx", items, variant))
    assert report.imported == len(items)
    assert report.rejected == 0
    chosen = {v: k for k, v in report.mapping.items()}
    assert {"origin_country", "description", "departure_country", "release_date", "date",
            "receiver", "receiver_tax_id", "sender_country", "gross_kg", "net_kg",
            "hs_code", "stat_value_usd", "declaration_no", "item_no"} <= set(chosen)
    frame = load_shipments(case)
    groups = run_query(frame, [], group_by="origin_country").groups
    assert {k: Decimal(f"{v:.2f}") for k, v in groups.items()} == totals_by_origin(items)
    assert frame["description"].notna().all()
    assert frame["receiver"].iloc[0] == 'ООО "АУРУС"'
    assert frame["receiver_tax_id"].iloc[0] == "7702402424"
    assert not report.findings[0].missing  # nothing of the story is missing


def test_release_date_stands_in_when_there_is_no_registration_date(case, tmp_path) -> None:
    path = _xlsx(tmp_path / "gd1.xlsx",
                 ["GD1 Дата выпуска", "G022 (Наименование отправителя)", "G46 (Стат. стоимость)"],
                 [[dt.datetime(2022, 3, 4), "BYT CO LTD", 100.5]])
    report = import_file(case, path)
    assert report.imported == 1
    assert load_shipments(case)["date"].iloc[0] == dt.datetime(2022, 3, 4)
    assert any("no registration date" in w and "GD1" in w for w in report.warnings)


def test_missing_origin_is_said_with_the_rows_it_costs(case, tmp_path) -> None:
    path = _xlsx(tmp_path / "no_origin.xlsx",
                 ["G022 (Наименование отправителя)", "G072 (Дата регистрации)",
                  "G33 (Код товара по ТН ВЭД)", "G31_1 (Описание)",
                  "G46 (Статистическая стоимость, USD.)"],
                 [["KYUNGKI", dt.datetime(2022, 3, 1), "8708299009", "ДЕТАЛЬ", 10.0]] * 3)
    report = import_file(case, path)
    assert ("origin country was not found: figures by origin will not include this file's "
            "3 rows.") in report.warnings
    assert report.as_json()["missing"] == ["origin_country"]
    info = case_info(case)
    assert info["files"][0]["missing"] == ["origin_country"]  # kept in the import record


def test_empty_value_rows_are_kept_counted_and_listed(case, tmp_path) -> None:
    rows = [["S", dt.datetime(2022, 3, 1), "KR", 10.0], ["S", dt.datetime(2022, 3, 2), "KR", None],
            ["S", dt.datetime(2022, 3, 3), "KR", None]]
    path = _xlsx(tmp_path / "v.xlsx", ["Shipper", "Shipment Date", "Country of Origin",
                                       "Shipment Value (USD)"], rows)
    report = import_file(case, path)
    assert report.imported == 3
    assert report.as_json()["empty_value"] == {
        "count": 2, "rows": [{"sheet": "Sheet", "row": 3}, {"sheet": "Sheet", "row": 4}]}
    assert any("2 rows were kept with an empty statistical value (USD) (rows 3, 4)" in w
               for w in report.warnings)


def test_receiver_tax_number_is_not_taken_for_its_name(case, tmp_path) -> None:
    rows = [["3905601620", 'ООО "АУРУС"', dt.datetime(2022, 3, 1), "BYT", 5.0]] * 25
    path = _xlsx(tmp_path / "r.xlsx", ["Получатель", "Получатель (наименование)", "Дата ДТ",
                                       "Отправитель", "Статистическая стоимость, USD"], rows)
    report = import_file(case, path)
    frame = load_shipments(case)
    assert frame["receiver"].iloc[0] == 'ООО "АУРУС"'
    assert frame["receiver_tax_id"].iloc[0] == "3905601620"
    assert any("'Получатель (наименование)' was chosen over 'Получатель'" in w
               and "10-digit numbers" in w for w in report.warnings)


def test_names_beat_addresses_supplier_codes_and_categories(case, tmp_path) -> None:
    headers = ["DECLARANT", "DECLARANT NAME", "SUPPLIER", "SUPPLIER NAME EN", "DESCRIPTION",
               "PRODUCT DESCRIPTION", "HS_CODE", "GROSS_WEIGHT_KG", "TOTAL_VALUE_USD",
               "IMP_DATE"]
    rows = [["г. Москва, ул. Тверская, д. 7", "ТАМОЖЕННЫЙ БРОКЕР ООО", "0",
             f"KYUNGKI INDUSTRIAL CO {i}", "OTHER", f"DOOR HINGE ASSEMBLY TYPE {i}",
             "8302100000", 12.5, 100.25, "2022-03-01"] for i in range(30)]
    report = import_file(case, _csv(tmp_path / "e.csv", headers, rows))
    chosen = {v: k for k, v in report.mapping.items()}
    assert chosen["declarant"] == "DECLARANT NAME"
    assert chosen["sender"] == "SUPPLIER NAME EN"
    assert chosen["description"] == "PRODUCT DESCRIPTION"
    assert (chosen["hs_code"], chosen["gross_kg"], chosen["stat_value_usd"]) == (
        "HS_CODE", "GROSS_WEIGHT_KG", "TOTAL_VALUE_USD")
    frame = load_shipments(case)
    assert frame["stat_value_usd"].sum() == pytest.approx(3007.5)
    said = " ".join(report.warnings)
    assert "holds addresses" in said
    assert "holds only 1 different values ('OTHER')" in said


def test_bill_of_lading_weight_in_pounds_is_converted(case, tmp_path) -> None:
    headers = ["ACTUAL_ARRIVAL_DATE", "SHIPPER_NAME", "CONSIGNEE_NAME", "WEIGHT", "WEIGHT_UNIT",
               "HARMONIZED_NUMBER"]
    rows = [["2023-01-05", "ACME", "AURUS", 1000, "LB", "870829"],
            ["2023-01-06", "ACME", "AURUS", 1000, "KG", "870829"],
            ["2023-01-07", "ACME", "AURUS", 1000, "K", "870829"]]
    report = import_file(case, _csv(tmp_path / "bol.csv", headers, rows))
    weights = load_shipments(case)["gross_kg"].tolist()
    assert weights == pytest.approx([453.59237, 1000.0, 1000.0])
    assert "The weight of 1 row was in another unit than kilograms ('WEIGHT_UNIT' names it " \
        "row by row): converted to kilograms." in report.warnings


def test_customs_value_in_drams_is_never_customs_value_rub(case, tmp_path) -> None:
    headers = ["Дата регистрации", "Отправитель", "Таможенная стоимость, драм",
               "CUSTOMS VALUE LC", "Статистическая стоимость, USD"]
    rows = [["01.03.2022", "ILPEA", "20401105", "20401105", "52000"]]
    report = import_file(case, _csv(tmp_path / "am.csv", headers, rows))
    frame = load_shipments(case)
    assert frame["customs_value_rub"].isna().all()
    assert frame["Таможенная стоимость, драм"].iloc[0] == "20401105"
    said = " ".join(report.warnings)
    assert "'Таможенная стоимость, драм' holds customs value in AMD, not RUB" in said
    assert "'CUSTOMS VALUE LC'" in said


def test_month_year_and_quarter_dates_keep_their_precision(case, tmp_path) -> None:
    headers = ["MONTHYEAR", "EXPORTER_NAME", "TOTALVALUEUSD"]
    rows = [["Oct 2025", "A", 1], ["Nov 2025", "B", 2], ["2025 Q4", "C", 3]]
    report = import_file(case, _csv(tmp_path / "short.csv", headers, rows))
    assert report.imported == 3
    frame = load_shipments(case)
    assert [d.date().isoformat() for d in frame["date"]] == ["2025-10-01", "2025-11-01",
                                                             "2025-10-01"]
    assert frame["date_precision"].tolist() == ["month", "month", "quarter"]
    assert any("The date of 3 rows is only a month, quarter or year" in w
               for w in report.warnings)


def test_values_in_thousands_are_multiplied(case, tmp_path) -> None:
    headers = ["DATE_OF_ISSUE", "EXPORTER_NAME", "STATISTICAL_VALUE_IN_1000_USD"]
    import_file(case, _csv(tmp_path / "uz.csv", headers, [["2024-05-01", "A", "46.53"]]))
    assert load_shipments(case)["stat_value_usd"].iloc[0] == pytest.approx(46530.0)


def test_a_manual_mapping_is_remembered_for_the_next_file_of_the_layout(case, tmp_path) -> None:
    headers = ["Дата ДТ", "Отправитель", "Страна", "Статистическая стоимость, USD"]
    first = _csv(tmp_path / "a.csv", headers, [["01.03.2022", "A", "KR", "1"]])
    second = _csv(tmp_path / "b.csv", headers, [["02.03.2022", "B", "CN", "2"]])
    report = import_file(case, first, ImportOptions(mapping={"Страна": "origin_country"}))
    assert "origin_country" not in report.as_json()["missing"]
    report = import_file(case, second)  # no mapping given: the recipe has it
    assert "origin_country" not in report.as_json()["missing"]
    assert load_shipments(case)["origin_country"].tolist() == ["KR", "CN"]


def test_a_sheet_without_a_date_says_what_is_missing_and_how_to_map_it(case, tmp_path) -> None:
    path = _csv(tmp_path / "registry.csv", ["Name", "Registration number", "Address"],
                [["KYUNGKI", "123", "Daegu"]])
    with pytest.raises(NotShipments, match=r"--map \"HEADER=date\"") as err:
        import_file(case, path)
    assert err.value.missing[0] == "date"
    assert case_info(case)["shipments"] == 0


def test_command_line_prints_the_warnings_and_json_names_the_missing(tmp_path) -> None:
    path = _xlsx(tmp_path / "no_origin.xlsx",
                 ["G022 (Наименование отправителя)", "G072 (Дата регистрации)",
                  "G46 (Статистическая стоимость, USD.)"],
                 [["KYUNGKI", dt.datetime(2022, 3, 1), 10.0]])
    target = tmp_path / "c.wbcase"
    run = [sys.executable, "-m", "workbench"]
    subprocess.run([*run, "new", str(target)], check=True, capture_output=True)
    out = subprocess.run([*run, "import", str(target), str(path)], capture_output=True,
                         text=True, check=True).stdout
    assert "origin country was not found: figures by origin will not include this file's 1 row" \
        in out
    data = json.loads(subprocess.run([*run, "import", str(target), str(path), "--json"],
                                     capture_output=True, text=True, check=True).stdout)
    assert data["duplicates"] == 1
    info = json.loads(subprocess.run([*run, "info", str(target), "--json"], capture_output=True,
                                     text=True, check=True).stdout)
    assert "origin_country" in info["files"][0]["missing"]


def test_figures_say_when_their_rows_are_dated_only_to_the_month(case, tmp_path) -> None:
    from workbench.analysis.filters import parse_where
    from workbench.services.figures import figure_reports, save_figure

    headers = ["MONTHYEAR", "EXPORTER_NAME", "TOTALVALUEUSD"]
    import_file(case, _csv(tmp_path / "short.csv", headers, [["Oct 2025", "A", 1],
                                                              ["Nov 2025", "B", 2]]))
    frame = load_shipments(case)
    save_figure(case, frame, "Since October", [parse_where("date>=2025-10-15")])
    (report,) = figure_reports(case, frame)
    assert report.rows == 1  # October's row is dated the 1st: outside the condition
    assert report.caveats == ["1 of its 1 row is dated only to the month; a date condition "
                              "may place such rows in the wrong period"]


def test_the_excel_summary_says_a_figure_has_rows_dated_to_the_month(case, tmp_path) -> None:
    from workbench.analysis.filters import parse_where
    from workbench.services.figures import save_figure
    from workbench.services.summary import export_summary

    headers = ["MONTHYEAR", "EXPORTER_NAME", "TOTALVALUEUSD"]
    import_file(case, _csv(tmp_path / "short.csv", headers, [["Oct 2025", "A", 1]]))
    save_figure(case, load_shipments(case), "All of 2025", [parse_where("date>=2025-01-01")])
    export_summary(case, tmp_path / "summary.xlsx")
    book = openpyxl.load_workbook(tmp_path / "summary.xlsx", read_only=True)
    cells = [str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c]
    assert any("1 of its 1 row is dated only to the month" in c for c in cells)
