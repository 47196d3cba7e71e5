"""Small customs extracts in each vendor layout, written by the tests themselves.

Each writer takes the same list of :class:`Item` and produces the file a vendor would send, so
a test can import one set of shipments in several layouts and compare totals to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl

RU_COUNTRY = {"KR": "КОРЕЯ, РЕСПУБЛИКА", "CN": "КИТАЙ", "HK": "ГОНКОНГ", "IT": "ИТАЛИЯ",
              "DE": "ГЕРМАНИЯ", "IN": "ИНДИЯ", "TR": "ТУРЦИЯ"}
EN_COUNTRY = {"KR": "Korea, Republic of", "CN": "China", "HK": "Hong Kong", "IT": "Italy",
              "DE": "Germany", "IN": "India", "TR": "Turkey"}


@dataclass(frozen=True)
class Item:
    decl: str
    item: int
    date: dt.date
    sender: str
    origin: str
    trading: str
    hs: str
    description: str
    value: Decimal  # statistical value, USD
    net: Decimal = Decimal("10.5")


def sample_items() -> list[Item]:
    """Twelve items over three declarations and four countries, values with awkward cents."""
    rows = []
    specs = [
        ("10702070/140618/0000001", dt.date(2018, 6, 14), "KYUNGKI INDUSTRIAL CO., LTD", "KR",
         "KR"),
        ("10702070/020322/0000002", dt.date(2022, 3, 2), "BYT CO LTD", "KR", "CN"),
        ("10702070/051123/0000003", dt.date(2023, 11, 5), "INDUSTRIE ILPEA SPA", "IT", "IT"),
    ]
    values = ["1181.55", "0.01", "999999.99", "12.34", "250000.10", "7.77", "1234567.89",
              "0.99", "100.00", "333.33", "42.42", "58.58"]
    origins = ["KR", "KR", "CN", "KR", "KR", "HK", "KR", "KR", "IT", "IT", "DE", "IT"]
    for i, value in enumerate(values):
        decl, date, sender, _origin, trading = specs[i // 4]
        rows.append(Item(decl, i % 4 + 1, date, sender, origins[i], trading,
                         f"0{870829000 + i}", f"ДЕТАЛЬ КУЗОВА № {i}", Decimal(value)))
    return rows


def ru_number(value: Decimal) -> str:
    """``1 181,55``: space thousands, comma decimals."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


GCODE_HEADERS = ["ND (Номер декларации)", "G32 (Номер товара)", "G072 (Дата регистрации)",
                 "G022 (Наименование отправителя)", "G16 (Страна происхождения)",
                 "G11 (Торгующая страна)", "G33 (Код товара по ТН ВЭД)", "G312 (Описание товара)",
                 "G38 (Вес нетто, кг)", "G46 (Статистическая стоимость, USD.)"]


def write_gcode_xlsx(path: Path, items: list[Item], *, sheets_by_year: bool = True) -> Path:
    """G-code headers under two title lines, one sheet per year, real date cells."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(str(it.date.year) if sheets_by_year else "Data", []).append(it)
    for name, group in groups.items():
        ws = wb.create_sheet(name)
        ws.append(["Выгрузка таможенных деклараций (импорт)"])
        ws.append([f"Период: {name}"])
        ws.append(GCODE_HEADERS)
        for it in group:
            ws.append([it.decl, it.item, dt.datetime.combine(it.date, dt.time()), it.sender,
                       it.origin, it.trading, it.hs, it.description, float(it.net),
                       float(it.value)])
            ws.cell(ws.max_row, 3).number_format = "dd.mm.yyyy"
            ws.cell(ws.max_row, 7).data_type = "s"
    wb.save(path)
    return path


NUMBERED_HEADERS = ["ND  Номер  декларации на товары", "32 Номер товара", "072 Дата ДТ",
                    "022 Наименование/ФИО отправителя", "16 Страна происхождения",
                    "11 Торгующая страна", "33 Код товара по ТН ВЭД РФ", "31 Описание товара",
                    "38 Вес нетто, кг", "46 Статистическая стоимость",
                    "Примечание поставщика данных"]


def numbered_rows(items: list[Item]) -> list[list[str]]:
    return [[it.decl, str(it.item), it.date.strftime("%d.%m.%Y"), it.sender,
             RU_COUNTRY[it.origin], RU_COUNTRY[it.trading], it.hs, it.description,
             ru_number(it.net), ru_number(it.value), "проверено" if i % 3 == 0 else ""]
            for i, it in enumerate(items)]


def write_numbered_csv(
    path: Path, items: list[Item], *, encoding: str = "cp1251",
    extra_rows: list[list[str]] | None = None,
) -> Path:
    """``;``-separated, numbered Russian headers under a title line, comma decimals."""
    with path.open("w", encoding=encoding, newline="") as fh:
        fh.write("Выгрузка ДТ за период\r\n\r\n")
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(NUMBERED_HEADERS)
        writer.writerows(numbered_rows(items))
        writer.writerows(extra_rows or [])
    return path


VENDOR_HEADERS = ["Declaration Number", "Item No", "Shipment Date", "Shipper",
                  "Shipper Standardized Name", "Country of Origin", "HS Code",
                  "Product Description", "Shipment Value (USD)"]


def write_vendor_csv(path: Path, items: list[Item], *, date_style: str = "iso") -> Path:
    """An English vendor's re-export: UTF-8 with BOM, commas, ``1,181.55`` numbers."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        fh.write("Trade data export\nFilter: Consignee = AURUS\n\n")
        writer = csv.writer(fh, delimiter=",", lineterminator="\n")
        writer.writerow(VENDOR_HEADERS)
        for it in items:
            date = it.date.isoformat() if date_style == "iso" else (
                f"{it.date.month}/{it.date.day}/{it.date.year}")
            writer.writerow([it.decl, it.item, date, it.sender.title(), it.sender.upper(),
                             EN_COUNTRY[it.origin], it.hs, it.description, f"{it.value:,.2f}"])
    return path


def totals_by_origin(items: list[Item]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for it in items:
        out[it.origin] = out.get(it.origin, Decimal(0)) + it.value
    return out


#: The fuller box list of a G-code dump: origin by code (G34) and by name (G16), the goods
#: description as G31_1, departure by code (G15A), the release date (GD1) beside the
#: registration date, each with the words one vendor or another puts after the code.
FULL_GCODE_VARIANTS: dict[str, list[str]] = {
    "codes": ["ND (Номер декларации)", "G32 (Номер товара)", "G072 (Дата регистрации)",
              "GD1 (Дата выпуска)", "G022 (Наименование отправителя)",
              "G0231 (Код страны отправителя)", "G082 (Наименование получателя)",
              "G081 (ИНН получателя)", "G15A (Код страны отправления)",
              "G34 (Код страны происхождения)", "G16 (Страна происхождения)",
              "G11 (Торгующая страна)", "G33 (Код товара по ТН ВЭД)",
              "G31_1 (Наименование и характеристики товаров)", "G35 (Вес брутто, кг)",
              "G38 (Вес нетто, кг)", "G46 (Статистическая стоимость, USD.)"],
    "words": ["G_ND Регистрационный номер", "G32 Порядковый номер", "G072 Дата ДТ",
              "GD1 Дата выпуска товаров", "G022 Отправитель", "G0231 Страна отправителя",
              "G082 Получатель", "G081 ИНН", "G15A Страна отправления (код)",
              "G34 Страны происхождения товара", "G16 Наименование страны",
              "G11 Торгующая страна, код", "G33 ТН ВЭД", "G31_1 Описание, 256 символов",
              "G35 Брутто", "G38 Нетто", "G46 Стат. стоимость"],
}


def write_full_gcode_xlsx(path: Path, items: list[Item], variant: str = "codes") -> Path:
    """A G-code dump with the fuller box list; origin given by code in some rows only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ДТ"
    ws.append(["Выгрузка из базы ДТ"])
    ws.append(FULL_GCODE_VARIANTS[variant])
    for i, it in enumerate(items):
        day = dt.datetime.combine(it.date, dt.time())
        code = it.origin if i % 2 == 0 else None  # the other rows give only the name
        ws.append([it.decl, it.item, day, day + dt.timedelta(days=2), it.sender, it.trading,
                   'ООО "АУРУС"', "7702402424", it.trading, code, RU_COUNTRY[it.origin],
                   it.trading, it.hs, it.description, float(it.net) + 1, float(it.net),
                   float(it.value)])
        ws.cell(ws.max_row, 13).data_type = "s"
    wb.save(path)
    return path


def second_vendor_items(items: list[Item]) -> list[Item]:
    """The same items as another vendor re-exports them: some values rounded to the dollar,
    one origin re-coded (KR to CN), one value different, one description cut short."""
    import dataclasses

    other = list(items)
    other[0] = dataclasses.replace(other[0], value=Decimal("1182"))  # 1181.55 rounded
    other[4] = dataclasses.replace(other[4], value=Decimal("250000"), origin="CN")  # 250000.10
    other[6] = dataclasses.replace(other[6], value=Decimal("1200000.00"))  # 1234567.89
    other[9] = dataclasses.replace(other[9], description=other[9].description[:8])
    return other


# -- not an extract ---------------------------------------------------------------------------

REGISTRY = [
    ["Name", "Registration number", "Address", "Director"],
    ["ООО АУРУС", "1187746765432", "Москва, ул. Ленина 1", "Иванов Пётр"],
    ["Kyungki Industrial Co", "0012345678", "Seoul, Guro-gu", "Kim Sung-ho"],
    ["Rain Electronics", "0098765432", "Busan, Haeundae", "Park Min-ji"],
]


def write_registry(path: Path) -> Path:
    """A company-registry excerpt: a title line, a blank row, the table, a second sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Companies"
    ws.append(["Registry excerpt, obtained 2024-05-02"])
    ws.append([])
    for row in REGISTRY:
        ws.append(row)
    prices = wb.create_sheet("Price list")
    prices.append(["Part", "Price, USD"])
    prices.append(["Bumper bracket", 120.5])
    prices.append(["Headlamp unit", 980])
    wb.save(path)
    return path
