"""A workbook without its origin column: what the preview and the import report must name.

G-coded sender, date, HS code and statistical value; the country of origin only in a column
headed ``Страна`` (which country: trading, departure, origin?), which nothing maps by itself.
Two shipments come without a statistical value, and a total line closes the sheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

from tests.extracts import RU_COUNTRY, Item

NO_ORIGIN_HEADERS = ["G022 (Наименование отправителя)", "G072 (Дата регистрации)",
                     "G33 (Код товара по ТН ВЭД)", "G46 (Статистическая стоимость, USD.)",
                     "Страна"]
#: Shipments kept without a value: (sender, date, HS code, country).
EMPTY_VALUE_ROWS = [("RAIN ELECTRONICS CO LIMITED", dt.date(2022, 5, 4), "8544429007", "HK"),
                    ("ENERTECH INTERNATIONAL INC", dt.date(2023, 2, 1), "8507600000", "KR")]


def write_no_origin_xlsx(path: Path, items: list[Item], *, sheet: str = "Импорт") -> Path:
    """A title line, the header, the items, two rows without a value, and a total line.

    Data rows start on the sheet's row 3; the rows without a value are the last two of them.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["Выгрузка ДТ (импорт), без страны происхождения"])
    ws.append(NO_ORIGIN_HEADERS)
    for it in items:
        ws.append([it.sender, dt.datetime.combine(it.date, dt.time()), it.hs, float(it.value),
                   RU_COUNTRY[it.origin]])
        ws.cell(ws.max_row, 2).number_format = "dd.mm.yyyy"
        ws.cell(ws.max_row, 3).data_type = "s"
    for sender, date, hs, country in EMPTY_VALUE_ROWS:
        ws.append([sender, dt.datetime.combine(date, dt.time()), hs, None, RU_COUNTRY[country]])
        ws.cell(ws.max_row, 2).number_format = "dd.mm.yyyy"
    ws.append(["Итого:", None, None, float(sum(it.value for it in items)), None])
    wb.save(path)
    return path


def no_origin_total(items: list[Item]) -> Decimal:
    return sum((it.value for it in items), Decimal(0))
