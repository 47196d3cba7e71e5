"""Generate the synthetic Aurus sample case spreadsheets.

Run from the repository root::

    python sample_cases/make_aurus.py

The rows are invented; only four published totals (Reuters, June 2024) are real, and the
generator scales the statistical values so that those totals hold to the cent on the union of
the three files (deduplicated by declaration number + item number). It writes three vendor
layouts into ``sample_cases/aurus/spreadsheets/``, reads them back, and fails loudly if a total,
a row count or the overlap between the files is not what it should be. The output is
byte-for-byte reproducible: same seed, same files.
"""

from __future__ import annotations

import csv
import io
import math
import random
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from itertools import pairwise
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

SEED = 20240619
CASE_DIR = Path(__file__).resolve().parent / "aurus"
OUT_DIR = CASE_DIR / "spreadsheets"
XLSX_NAME = "aurus_imports_2018-2021_gcodes.xlsx"
NUMBERED_NAME = "aurus_imports_2022-2023_numbered.csv"
VENDOR_NAME = "aurus_q4_2023_tradevendor.csv"

START = date(2018, 1, 1)
END = date(2023, 12, 31)
KEY_DATE = date(2022, 2, 24)
Q4_START = date(2023, 10, 1)
FIXED_STAMP = (2024, 5, 21, 9, 0, 0)  # zip entry times and workbook metadata, for reproducibility

RECEIVER = 'ООО "АУРУС"'
RECEIVER_EN = "AURUS LLC"
RECEIVER_TAX_ID = "7714464620"  # synthetic: fails the INN checksum on purpose

# Published figures, split into the four disjoint cells (origin KR or not, before or after the
# key date). Amounts are in cents so the sums are exact.
TARGET_KR_PRE = 10_397_687_65
TARGET_KR_POST = 5_034_218_47
TARGET_OTHER_PRE = 7_916_024_71
TARGET_OTHER_POST = 10_838_421_91

RANGES = {  # published wording -> (low, high) in USD
    "total 2018-2023": (34_000_000, 34_500_000),
    "origin KR": (15_000_000, 15_500_000),
    "since 2022-02-24": (15_500_000, 16_000_000),
    "since 2022-02-24, origin KR": (4_800_000, 5_200_000),
}
ROWS_MIN, ROWS_MAX = 2000, 3000

COUNTRY_RU = {
    "KR": "КОРЕЯ, РЕСПУБЛИКА",
    "CN": "КИТАЙ",
    "HK": "ГОНКОНГ",
    "IN": "ИНДИЯ",
    "TR": "ТУРЦИЯ",
    "IT": "ИТАЛИЯ",
    "DE": "ГЕРМАНИЯ",
    "JP": "ЯПОНИЯ",
    "TW": "ТАЙВАНЬ (КИТАЙ)",
    "CZ": "ЧЕХИЯ",
    "AT": "АВСТРИЯ",
}
COUNTRY_EN_ORIGIN = {  # the vendor's origin column uses ISO-style names
    "KR": "Korea, Republic of",
    "CN": "China",
    "HK": "Hong Kong",
    "IN": "India",
    "TR": "Turkey",
    "IT": "Italy",
    "DE": "Germany",
    "JP": "Japan",
    "TW": "Taiwan",
    "CZ": "Czech Republic",
    "AT": "Austria",
}
COUNTRY_EN_EXPORT = {**COUNTRY_EN_ORIGIN, "KR": "South Korea"}  # ...and its export column does not

# --------------------------------------------------------------------------------------------
# Exchange rates: a smooth synthetic approximation of the real curves, RUB per unit of currency.
# --------------------------------------------------------------------------------------------

USD_RUB = [
    ("2018-01-01", 57.0),
    ("2018-04-15", 61.8),
    ("2018-08-20", 67.5),
    ("2018-12-31", 69.5),
    ("2019-04-01", 65.0),
    ("2019-08-01", 64.0),
    ("2019-12-31", 61.9),
    ("2020-03-01", 66.9),
    ("2020-04-01", 77.7),
    ("2020-07-01", 70.4),
    ("2020-10-30", 79.3),
    ("2020-12-31", 73.9),
    ("2021-04-01", 75.7),
    ("2021-08-01", 73.2),
    ("2021-10-30", 70.9),
    ("2021-12-31", 74.3),
    ("2022-02-22", 78.9),
    ("2022-03-10", 120.4),
    ("2022-04-15", 80.6),
    ("2022-06-30", 51.2),
    ("2022-10-01", 57.4),
    ("2022-12-31", 70.3),
    ("2023-04-01", 81.5),
    ("2023-08-15", 101.0),
    ("2023-10-10", 100.4),
    ("2023-12-31", 89.7),
]
EUR_USD = [
    ("2018-01-01", 1.20),
    ("2018-07-01", 1.16),
    ("2019-06-01", 1.13),
    ("2019-12-31", 1.11),
    ("2020-04-01", 1.09),
    ("2020-12-31", 1.22),
    ("2021-11-30", 1.13),
    ("2022-03-01", 1.11),
    ("2022-09-30", 0.98),
    ("2023-01-31", 1.08),
    ("2023-07-15", 1.12),
    ("2023-10-01", 1.05),
    ("2023-12-31", 1.10),
]
USD_KRW = [
    ("2018-01-01", 1070.0),
    ("2018-10-15", 1132.0),
    ("2019-08-15", 1215.0),
    ("2020-03-20", 1245.0),
    ("2020-12-31", 1088.0),
    ("2021-10-15", 1185.0),
    ("2022-06-30", 1298.0),
    ("2022-10-20", 1430.0),
    ("2023-01-31", 1232.0),
    ("2023-05-01", 1338.0),
    ("2023-12-31", 1290.0),
]
USD_CNY = [
    ("2018-01-01", 6.50),
    ("2018-10-31", 6.96),
    ("2019-09-01", 7.15),
    ("2020-05-31", 7.13),
    ("2021-01-31", 6.46),
    ("2021-12-31", 6.37),
    ("2022-05-31", 6.68),
    ("2022-10-31", 7.29),
    ("2023-01-15", 6.72),
    ("2023-09-01", 7.30),
    ("2023-12-31", 7.10),
]


def _interpolate(points: Sequence[tuple[str, float]], day: date) -> float:
    """Linear interpolation over (iso date, value) anchors, with a small daily wobble."""
    anchors = [(date.fromisoformat(d), v) for d, v in points]
    value = anchors[-1][1]
    for (d0, v0), (d1, v1) in pairwise(anchors):
        if d0 <= day <= d1:
            value = v0 + (v1 - v0) * (day - d0).days / max((d1 - d0).days, 1)
            break
    return value * (1 + 0.006 * math.sin(day.toordinal() / 3.7))


def rub_per_unit(currency: str, day: date) -> float:
    """RUB per one unit of ``currency`` on ``day`` (synthetic curve, box 23 style)."""
    usd = _interpolate(USD_RUB, day)
    if currency == "USD":
        return round(usd, 4)
    if currency == "EUR":
        return round(usd * _interpolate(EUR_USD, day), 4)
    if currency == "KRW":
        return round(usd / _interpolate(USD_KRW, day), 6)
    if currency == "CNY":
        return round(usd / _interpolate(USD_CNY, day), 4)
    raise ValueError(f"no rate for {currency}")


# --------------------------------------------------------------------------------------------
# Goods: commodity code, description template and value profile per category.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A kind of goods: its lines (HS code, description template) and value profile."""

    lines: tuple[tuple[str, str], ...]
    median_usd: float  # median statistical value of one item
    usd_per_kg: float
    unit_price: float  # median USD per supplementary unit
    unit: str  # supplementary unit; "" when the code has none


NOT_MILITARY = "НЕ ВОЕННОГО НАЗНАЧЕНИЯ"
NOT_SCRAP = "НЕ ЛОМ ЭЛЕКТРООБОРУДОВАНИЯ"
NO_CRYPTO = "НЕ СОДЕРЖИТ ШИФРОВАЛЬНЫХ (КРИПТОГРАФИЧЕСКИХ) СРЕДСТВ"
ASSEMBLY = "ДЛЯ ПРОМЫШЛЕННОЙ СБОРКИ МОТОРНЫХ ТРАНСПОРТНЫХ СРЕДСТВ"

CATEGORIES: dict[str, Category] = {
    "welding": Category(
        (
            (
                "8515210000",
                "МАШИНА ДЛЯ КОНТАКТНОЙ ТОЧЕЧНОЙ СВАРКИ МЕТАЛЛОВ, АВТОМАТИЧЕСКАЯ, С "
                "ТРАНСФОРМАТОРОМ СРЕДНЕЙ ЧАСТОТЫ, МОДЕЛЬ {model}, ДЛЯ ЛИНИИ СВАРКИ КУЗОВОВ, "
                + NOT_MILITARY,
            ),
            (
                "8515210000",
                "КЛЕЩИ СВАРОЧНЫЕ СЕРВОПРИВОДНЫЕ ДЛЯ ПРОМЫШЛЕННОГО РОБОТА, ДЛЯ "
                "КОНТАКТНОЙ СВАРКИ, МОДЕЛЬ {model}",
            ),
            (
                "8515310000",
                "АППАРАТ ДЛЯ ДУГОВОЙ СВАРКИ В СРЕДЕ ЗАЩИТНОГО ГАЗА, АВТОМАТИЧЕСКИЙ, "
                "МОДЕЛЬ {model}, " + NOT_MILITARY,
            ),
            (
                "8515900000",
                "ЧАСТИ СВАРОЧНЫХ МАШИН: КОЛПАЧКИ ЭЛЕКТРОДНЫЕ ИЗ МЕДНОГО СПЛАВА, "
                "ЭЛЕКТРОДОДЕРЖАТЕЛИ, АРТ. {art}",
            ),
            ("8515900000", "ШКАФ УПРАВЛЕНИЯ СВАРКОЙ - ЧАСТЬ МАШИНЫ КОНТАКТНОЙ СВАРКИ, АРТ. {art}"),
        ),
        median_usd=38_000,
        usd_per_kg=28,
        unit_price=9_000,
        unit="ШТ",
    ),
    "plant": Category(
        (
            (
                "8428399000",
                "КОНВЕЙЕР ЦЕПНОЙ ПОДВЕСНОЙ ДЛЯ ПЕРЕМЕЩЕНИЯ КУЗОВОВ НА ЛИНИИ СБОРКИ, "
                "В РАЗОБРАННОМ ВИДЕ ДЛЯ УДОБСТВА ТРАНСПОРТИРОВКИ, МОДЕЛЬ {model}",
            ),
            (
                "8479899708",
                "КОНДУКТОР СБОРОЧНО-СВАРОЧНЫЙ ДЛЯ ФИКСАЦИИ ДЕТАЛЕЙ КУЗОВА, С "
                "ПНЕВМОПРИВОДОМ, АРТ. {art}",
            ),
            (
                "8479500000",
                "РОБОТ ПРОМЫШЛЕННЫЙ ШЕСТИОСЕВОЙ ДЛЯ СВАРОЧНОЙ ЯЧЕЙКИ, МОДЕЛЬ {model}, "
                + NOT_MILITARY,
            ),
            (
                "8466940000",
                "ЧАСТИ И ПРИНАДЛЕЖНОСТИ К ПРЕССОВОМУ ОБОРУДОВАНИЮ: ПЛИТЫ "
                "ПОДШТАМПОВЫЕ, НАПРАВЛЯЮЩИЕ, АРТ. {art}",
            ),
        ),
        median_usd=45_000,
        usd_per_kg=14,
        unit_price=20_000,
        unit="ШТ",
    ),
    "controllers": Category(
        (
            (
                "8537109100",
                "КОНТРОЛЛЕР ПРОГРАММИРУЕМЫЙ С ПАМЯТЬЮ ДЛЯ УПРАВЛЕНИЯ СВАРОЧНОЙ "
                "ЛИНИЕЙ, НАПРЯЖЕНИЕ 24 В, МОДЕЛЬ {model}, " + NO_CRYPTO,
            ),
            (
                "8537109100",
                "КОНТРОЛЛЕР ПРОГРАММИРУЕМЫЙ С ПАМЯТЬЮ ДЛЯ УПРАВЛЕНИЯ КОНВЕЙЕРОМ "
                "СБОРОЧНОЙ ЛИНИИ, МОДЕЛЬ {model}, " + NO_CRYPTO,
            ),
            (
                "8537109100",
                "КОНТРОЛЛЕР ПРОГРАММИРУЕМЫЙ ЛОГИЧЕСКИЙ (ПЛК) ДЛЯ ОКРАСОЧНОЙ КАМЕРЫ, "
                "МОДЕЛЬ {model}, " + NOT_MILITARY,
            ),
            (
                "8537109800",
                "БЛОК УПРАВЛЕНИЯ ЭЛЕКТРОННЫЙ КУЗОВНОЙ ЭЛЕКТРОНИКОЙ ЛЕГКОВОГО "
                "АВТОМОБИЛЯ, НАПРЯЖЕНИЕ 12 В, АРТ. {art}, " + NO_CRYPTO,
            ),
            ("8537109800", "БЛОК УПРАВЛЕНИЯ СИДЕНЬЯМИ С ПАМЯТЬЮ ПОЛОЖЕНИЙ, 12 В, АРТ. {art}"),
        ),
        median_usd=9_000,
        usd_per_kg=260,
        unit_price=900,
        unit="ШТ",
    ),
    "body": Category(
        (
            (
                "8708299009",
                "ЧАСТИ КУЗОВА ЛЕГКОВОГО АВТОМОБИЛЯ " + ASSEMBLY + ", ИЗ СТАЛИ, "
                "ШТАМПОВАННЫЕ: ПАНЕЛЬ КРЫШИ, АРТ. {art}",
            ),
            (
                "8708299009",
                "ЧАСТИ КУЗОВА ЛЕГКОВОГО АВТОМОБИЛЯ " + ASSEMBLY + ": ДВЕРЬ ПЕРЕДНЯЯ "
                "ЛЕВАЯ В СБОРЕ БЕЗ ОБИВКИ И СТЕКОЛ, АРТ. {art}",
            ),
            (
                "8708299009",
                "ЧАСТИ КУЗОВА ЛЕГКОВОГО АВТОМОБИЛЯ: КРЫЛО ПЕРЕДНЕЕ ПРАВОЕ; "
                "УСИЛИТЕЛЬ ПОРОГА, ИЗ ОЦИНКОВАННОЙ СТАЛИ, АРТ. {art}",
            ),
            (
                "8708299009",
                "ЧАСТИ КУЗОВА ЛЕГКОВОГО АВТОМОБИЛЯ: ПАНЕЛЬ ПОЛА ЗАДНЯЯ, ЛОНЖЕРОН "
                "ПЕРЕДНИЙ, СТОЙКА КУЗОВА ЦЕНТРАЛЬНАЯ, АРТ. {art}",
            ),
            (
                "8708299009",
                "ПАНЕЛЬ БОКОВИНЫ НАРУЖНАЯ ИЗ АЛЮМИНИЕВОГО СПЛАВА, ДЛЯ ЛЕГКОВОГО "
                'АВТОМОБИЛЯ МАРКИ "AURUS", АРТ. {art}',
            ),
            (
                "8708109009",
                "БАМПЕР ПЕРЕДНИЙ В СБОРЕ С КРОНШТЕЙНАМИ, ДЛЯ ЛЕГКОВОГО АВТОМОБИЛЯ, АРТ. {art}",
            ),
            (
                "8708999709",
                "КРЫШКА БАГАЖНИКА, КАПОТ - ЧАСТИ КУЗОВА ЛЕГКОВОГО АВТОМОБИЛЯ, "
                "НЕОКРАШЕННЫЕ, АРТ. {art}",
            ),
        ),
        median_usd=11_000,
        usd_per_kg=11,
        unit_price=380,
        unit="ШТ",
    ),
    "sensors": Category(
        (
            (
                "9026208000",
                "ДАТЧИК ДАВЛЕНИЯ МАСЛА ДЛЯ ДВИГАТЕЛЯ ЛЕГКОВОГО АВТОМОБИЛЯ, "
                "ЭЛЕКТРИЧЕСКИЙ, " + NOT_SCRAP + ", АРТ. {art}",
            ),
            ("9025198000", "ДАТЧИК ТЕМПЕРАТУРЫ ОХЛАЖДАЮЩЕЙ ЖИДКОСТИ, ЭЛЕКТРИЧЕСКИЙ, АРТ. {art}"),
            (
                "9031809800",
                "ДАТЧИК ПОЛОЖЕНИЯ КОЛЕНЧАТОГО ВАЛА; ДАТЧИК УГЛА ПОВОРОТА РУЛЕВОГО "
                "КОЛЕСА, ДЛЯ ЛЕГКОВЫХ АВТОМОБИЛЕЙ, АРТ. {art}",
            ),
            ("9031809800", "ДАТЧИК ПАРКОВКИ УЛЬТРАЗВУКОВОЙ, " + NOT_MILITARY + ", АРТ. {art}"),
            ("9031809800", "ДАТЧИК ДОЖДЯ И СВЕТА ДЛЯ УСТАНОВКИ НА ВЕТРОВОЕ СТЕКЛО, АРТ. {art}"),
            ("9026208000", "ДАТЧИК ДАВЛЕНИЯ В ШИНАХ (TPMS), " + NOT_SCRAP + ", АРТ. {art}"),
        ),
        median_usd=5_500,
        usd_per_kg=190,
        unit_price=45,
        unit="ШТ",
    ),
    "switches": Category(
        (
            (
                "8536508000",
                "ПЕРЕКЛЮЧАТЕЛЬ ПОДРУЛЕВОЙ КОМБИНИРОВАННЫЙ, НА НАПРЯЖЕНИЕ 12 В, "
                "ДЛЯ ЛЕГКОВОГО АВТОМОБИЛЯ, АРТ. {art}",
            ),
            (
                "8536508000",
                "БЛОК КНОПОК УПРАВЛЕНИЯ СТЕКЛОПОДЪЕМНИКАМИ, НА НАПРЯЖЕНИЕ 12 В, АРТ. {art}",
            ),
            ("8536508000", "ВЫКЛЮЧАТЕЛЬ КОНЦЕВОЙ ДВЕРИ, НА НАПРЯЖЕНИЕ НЕ БОЛЕЕ 60 В, АРТ. {art}"),
            (
                "8536490000",
                "РЕЛЕ ЭЛЕКТРОМАГНИТНОЕ НА НАПРЯЖЕНИЕ 12 В, ДЛЯ ЛЕГКОВЫХ АВТОМОБИЛЕЙ, АРТ. {art}",
            ),
            ("8536699008", "СОЕДИНИТЕЛИ ЭЛЕКТРИЧЕСКИЕ (РАЗЪЕМЫ) ДЛЯ ЖГУТОВ ПРОВОДОВ, АРТ. {art}"),
        ),
        median_usd=3_200,
        usd_per_kg=85,
        unit_price=14,
        unit="ШТ",
    ),
    "batteries": Category(
        (
            (
                "8507600000",
                "БАТАРЕЯ АККУМУЛЯТОРНАЯ ЛИТИЙ-ИОННАЯ ДЛЯ ГИБРИДНОЙ СИЛОВОЙ "
                "УСТАНОВКИ ЛЕГКОВОГО АВТОМОБИЛЯ, НАПРЯЖЕНИЕ 48 В, МОДЕЛЬ {model}",
            ),
            (
                "8507600000",
                "МОДУЛЬ АККУМУЛЯТОРНЫЙ ЛИТИЙ-ИОННЫЙ, НОМИНАЛЬНОЕ НАПРЯЖЕНИЕ 44,4 В, "
                "ЕМКОСТЬ 60 АЧ, АРТ. {art}",
            ),
            ("8507108000", "БАТАРЕЯ АККУМУЛЯТОРНАЯ СВИНЦОВАЯ СТАРТЕРНАЯ 12 В, 95 АЧ, АРТ. {art}"),
            ("8507908000", "ЧАСТИ АККУМУЛЯТОРОВ: ШИНЫ СОЕДИНИТЕЛЬНЫЕ, КОРПУСА МОДУЛЕЙ, АРТ. {art}"),
        ),
        median_usd=16_000,
        usd_per_kg=32,
        unit_price=700,
        unit="ШТ",
    ),
    "plastics": Category(
        (
            (
                "3926300000",
                "ДЕТАЛИ ОТДЕЛКИ САЛОНА ИЗ ПЛАСТМАССЫ ДЛЯ ЛЕГКОВЫХ АВТОМОБИЛЕЙ: "
                "НАКЛАДКИ СТОЕК, ОБЛИЦОВКА ДВЕРЕЙ, АРТ. {art}",
            ),
            ("3926909709", "УПЛОТНИТЕЛЬ МАГНИТНЫЙ ИЗ ПВХ С МАГНИТНОЙ ВСТАВКОЙ, АРТ. {art}"),
            (
                "3916909000",
                "ПРОФИЛЬ ЭКСТРУДИРОВАННЫЙ ИЗ ТЕРМОПЛАСТИЧНОГО ЭЛАСТОМЕРА, "
                "УПЛОТНИТЕЛЬНЫЙ, В БУХТАХ, АРТ. {art}",
            ),
            ("3917329900", "ТРУБКИ ГИБКИЕ ИЗ ПЛАСТМАССЫ, НЕАРМИРОВАННЫЕ, БЕЗ ФИТИНГОВ, АРТ. {art}"),
            (
                "4016999708",
                "УПЛОТНИТЕЛИ ДВЕРНЫХ ПРОЕМОВ ИЗ ВУЛКАНИЗОВАННОЙ НЕПОРИСТОЙ РЕЗИНЫ, "
                "ДЛЯ МОТОРНЫХ ТРАНСПОРТНЫХ СРЕДСТВ, АРТ. {art}",
            ),
            ("4016930005", "ПРОКЛАДКИ ИЗ ВУЛКАНИЗОВАННОЙ РЕЗИНЫ, АРТ. {art}"),
        ),
        median_usd=4_200,
        usd_per_kg=14,
        unit_price=0,
        unit="",
    ),
    "electronics": Category(
        (
            (
                "8544300009",
                "ЖГУТ ПРОВОДОВ В СБОРЕ ДЛЯ ЛЕГКОВОГО АВТОМОБИЛЯ, С СОЕДИНИТЕЛЯМИ, "
                "НА НАПРЯЖЕНИЕ 12 В, АРТ. {art}",
            ),
            (
                "8542319000",
                "СХЕМЫ ИНТЕГРАЛЬНЫЕ ЭЛЕКТРОННЫЕ: МИКРОКОНТРОЛЛЕРЫ 32-РАЗРЯДНЫЕ, "
                "АРТ. {art}, " + NO_CRYPTO,
            ),
            ("8504408800", "ПРЕОБРАЗОВАТЕЛЬ НАПРЯЖЕНИЯ СТАТИЧЕСКИЙ (DC-DC), 12 В, АРТ. {art}"),
            (
                "8531200000",
                "ПАНЕЛЬ ИНДИКАЦИИ С ЖИДКОКРИСТАЛЛИЧЕСКИМ ДИСПЛЕЕМ ДЛЯ ПРИБОРНОЙ "
                "ПАНЕЛИ ЛЕГКОВОГО АВТОМОБИЛЯ, АРТ. {art}",
            ),
            (
                "8512209000",
                "ФАРЫ СВЕТОДИОДНЫЕ ГОЛОВНОГО СВЕТА, В КОМПЛЕКТЕ С БЛОКОМ УПРАВЛЕНИЯ, АРТ. {art}",
            ),
        ),
        median_usd=6_500,
        usd_per_kg=120,
        unit_price=60,
        unit="ШТ",
    ),
    "mechanical": Category(
        (
            (
                "7318158900",
                "БОЛТЫ ИЗ СТАЛИ С ШЕСТИГРАННОЙ ГОЛОВКОЙ, КЛАСС ПРОЧНОСТИ 10.9, АРТ. {art}",
            ),
            ("7318169900", "ГАЙКИ ИЗ СТАЛИ САМОКОНТРЯЩИЕСЯ, АРТ. {art}"),
            ("8482102009", "ПОДШИПНИКИ ШАРИКОВЫЕ РАДИАЛЬНЫЕ ОДНОРЯДНЫЕ, АРТ. {art}"),
            (
                "8483409000",
                "ШЕСТЕРНИ ЦИЛИНДРИЧЕСКИЕ ИЗ ЛЕГИРОВАННОЙ СТАЛИ ДЛЯ РЕДУКТОРА, АРТ. {art}",
            ),
            (
                "8708809900",
                "РЫЧАГ ПОДВЕСКИ ПЕРЕДНИЙ КОВАНЫЙ ИЗ АЛЮМИНИЕВОГО СПЛАВА, "
                + ASSEMBLY
                + ", АРТ. {art}",
            ),
            ("8714109000", "ЧАСТИ МОТОЦИКЛОВ: РАМА ЗАДНЯЯ (ПОДРАМНИК), ВИЛКА ПЕРЕДНЯЯ, АРТ. {art}"),
        ),
        median_usd=3_800,
        usd_per_kg=6,
        unit_price=0,
        unit="",
    ),
    "forgings": Category(
        (
            ("8708507000", "ПОЛУОСЬ ЗАДНЯЯ КОВАНАЯ, " + ASSEMBLY + ", АРТ. {art}"),
            ("8708809900", "КУЛАК ПОВОРОТНЫЙ КОВАНЫЙ ИЗ СТАЛИ, АРТ. {art}"),
            ("7326191000", "ПОКОВКИ ИЗ СТАЛИ, ОТКРЫТОЙ ШТАМПОВКИ, ЗАГОТОВКИ ФЛАНЦЕВ, АРТ. {art}"),
            ("8482200009", "ПОДШИПНИКИ РОЛИКОВЫЕ КОНИЧЕСКИЕ СТУПИЧНЫЕ, АРТ. {art}"),
        ),
        median_usd=7_500,
        usd_per_kg=7,
        unit_price=120,
        unit="ШТ",
    ),
    "interior": Category(
        (
            (
                "4107129900",
                "КОЖА НАТУРАЛЬНАЯ ИЗ ШКУР КРУПНОГО РОГАТОГО СКОТА, ВЫДЕЛАННАЯ, "
                "ДЛЯ ОБИВКИ САЛОНА, ЦВЕТ ЧЕРНЫЙ, АРТ. {art}",
            ),
            (
                "9401990009",
                "ЧАСТИ СИДЕНИЙ ЛЕГКОВОГО АВТОМОБИЛЯ: ЧЕХЛЫ ОБИВОЧНЫЕ ИЗ КОЖИ, АРТ. {art}",
            ),
            (
                "5903209000",
                "ТКАНЬ С ПОЛИУРЕТАНОВЫМ ПОКРЫТИЕМ ДЛЯ ОТДЕЛКИ ПОТОЛКА, В РУЛОНАХ, АРТ. {art}",
            ),
        ),
        median_usd=14_000,
        usd_per_kg=38,
        unit_price=55,
        unit="М2",
    ),
    "metrology": Category(
        (
            (
                "9031499000",
                "МАШИНА КООРДИНАТНО-ИЗМЕРИТЕЛЬНАЯ ОПТИЧЕСКАЯ ДЛЯ КОНТРОЛЯ "
                "ГЕОМЕТРИИ КУЗОВА, МОДЕЛЬ {model}, " + NOT_MILITARY,
            ),
            (
                "9031809800",
                "СТЕНД КОНТРОЛЬНЫЙ ДЛЯ ПРОВЕРКИ ЗАЗОРОВ И ПЕРЕПАДОВ ПАНЕЛЕЙ КУЗОВА, МОДЕЛЬ {model}",
            ),
            (
                "8424899000",
                "УСТАНОВКА ДЛЯ НАНЕСЕНИЯ ЛАКОКРАСОЧНЫХ ПОКРЫТИЙ НА КУЗОВА, "
                "АВТОМАТИЧЕСКАЯ, В РАЗОБРАННОМ ВИДЕ, МОДЕЛЬ {model}",
            ),
        ),
        median_usd=60_000,
        usd_per_kg=45,
        unit_price=30_000,
        unit="ШТ",
    ),
    "tooling": Category(
        (
            ("8207300000", "ШТАМПЫ ДЛЯ ХОЛОДНОЙ ЛИСТОВОЙ ШТАМПОВКИ ДЕТАЛЕЙ КУЗОВА, АРТ. {art}"),
            ("8480710000", "ФОРМЫ ДЛЯ ЛИТЬЯ ПОД ДАВЛЕНИЕМ ДЕТАЛЕЙ ИЗ ПЛАСТМАССЫ, АРТ. {art}"),
        ),
        median_usd=48_000,
        usd_per_kg=11,
        unit_price=40_000,
        unit="ШТ",
    ),
}

# --------------------------------------------------------------------------------------------
# Suppliers (box 2). Only the five named ones are real company names; their rows are invented.
# --------------------------------------------------------------------------------------------

Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Supplier:
    """A foreign sender with its spellings, goods, routes and activity profile."""

    key: str
    spellings: Weighted  # how declarants wrote the name in box 2
    standardized: str  # the English vendor's "Shipper Standardized Name"
    country: str  # sender country, also the trading country (box 11)
    address: str  # box 2 address, led by the alpha-2 sender country
    categories: Weighted
    origins: Weighted  # per item, box 16/34
    currencies_pre: Weighted
    currencies_post: Weighted
    departures_pre: Weighted  # box 15
    departures_post: Weighted
    weight_pre: float  # relative number of declarations before the key date
    weight_post: float
    items: tuple[int, int]  # items per declaration, min and max
    active: tuple[str, str] = ("2018-01-01", "2023-12-31")
    trademark: str = "ОТСУТСТВУЕТ"
    art_prefix: str = "A"
    trader: bool = False  # names the real manufacturer in box 31_11
    standardized_variants: dict[str, str] = field(default_factory=dict)


def _s(*pairs: tuple[str, float]) -> Weighted:
    """Weighted options, written compactly."""
    return tuple(pairs)


KR_ONLY = _s(("KR", 1.0))
USD_ONLY = _s(("USD", 1.0))

NAMED_SUPPLIERS = [
    Supplier(
        key="kyungki",
        spellings=_s(
            ("KYUNGKI INDUSTRIAL CO., LTD", 5),
            ("Kyungki Industrial Co", 2),
            ("КЕНГКИ ИНДАСТРИАЛ КО., ЛТД", 2),
            ("KYUNGKI IND. CO LTD", 1),
        ),
        standardized="KYUNGKI INDUSTRIAL CO LTD",
        country="KR",
        address="KR, GYEONGGI-DO, ANSAN-SI, DANWON-GU, SANDAN-RO 214",
        categories=_s(("welding", 6), ("plant", 3), ("controllers", 1.5)),
        origins=_s(("KR", 0.93), ("JP", 0.07)),
        currencies_pre=_s(("USD", 0.7), ("KRW", 0.3)),
        currencies_post=_s(("USD", 0.5), ("KRW", 0.5)),
        departures_pre=KR_ONLY,
        departures_post=_s(("KR", 0.5), ("CN", 0.5)),
        weight_pre=5.5,
        weight_post=1.1,
        items=(1, 5),
        trademark="KYUNGKI",
        art_prefix="KI-",
    ),
    Supplier(
        key="byt",
        spellings=_s(("BYT CO LTD", 5), ("BYT CO., LTD.", 3), ("B.Y.T. Co., Ltd", 1.5)),
        standardized="BYT CO LTD",
        country="KR",
        address="KR, GYEONGSANGNAM-DO, CHANGWON-SI, SEONGSAN-GU, WOONGNAM-RO 77",
        categories=_s(("body", 1.0)),
        origins=KR_ONLY,
        currencies_pre=USD_ONLY,
        currencies_post=_s(("USD", 0.6), ("KRW", 0.4)),
        departures_pre=KR_ONLY,
        departures_post=_s(("KR", 0.6), ("CN", 0.4)),
        weight_pre=5.0,
        weight_post=2.2,
        items=(3, 12),
        trademark="AURUS",
        art_prefix="BY",
    ),
    Supplier(
        key="enertech",
        spellings=_s(
            ("ENERTECH INTERNATIONAL INC", 4),
            ("Enertech International, Inc.", 2),
            ("ENERTECH INT'L INC", 1.5),
        ),
        standardized="ENERTECH INTERNATIONAL INC",
        country="KR",
        address="KR, CHUNGCHEONGBUK-DO, CHEONGJU-SI, OCHANG-EUP, GAGOK-GIL 31",
        categories=_s(("batteries", 1.0)),
        origins=_s(("KR", 0.95), ("CN", 0.05)),
        currencies_pre=USD_ONLY,
        currencies_post=_s(("USD", 0.7), ("KRW", 0.3)),
        departures_pre=KR_ONLY,
        departures_post=_s(("KR", 0.7), ("CN", 0.3)),
        weight_pre=2.0,
        weight_post=1.0,
        items=(1, 4),
        active=("2019-03-01", "2023-12-31"),
        trademark="ENERTECH",
        art_prefix="ET",
        standardized_variants={"ENERTECH INT'L INC": "ENERTECH INTL INC"},
    ),
    Supplier(
        key="ilpea",
        spellings=_s(
            ("INDUSTRIE ILPEA SPA", 4), ("Industrie Ilpea S.p.A.", 2), ("ILPEA INDUSTRIE SPA", 1.5)
        ),
        standardized="INDUSTRIE ILPEA SPA",
        country="IT",
        address="IT, 21020 MALGESSO (VA), VIA G. MAZZINI 1",
        categories=_s(("plastics", 1.0)),
        origins=_s(("IT", 1.0)),
        currencies_pre=_s(("EUR", 1.0)),
        currencies_post=_s(("EUR", 1.0)),
        departures_pre=_s(("IT", 1.0)),
        departures_post=_s(("IT", 1.0)),
        weight_pre=3.5,
        weight_post=0.0,
        items=(2, 9),
        active=("2018-01-01", "2022-02-23"),
        trademark="ILPEA",
        art_prefix="IP",
    ),
    Supplier(
        key="rain",
        spellings=_s(
            ("RAIN ELECTRONICS CO LIMITED", 4),
            ("Rain Electronics Co., Ltd", 2),
            ("RAIN ELECTRONICS (HK) LTD", 2),
        ),
        standardized="RAIN ELECTRONICS CO LTD",
        country="HK",
        address="HK, KOWLOON, MONG KOK, RM 1705, 17/F, 88 LANTERN LANE (FICTITIOUS)",
        categories=_s(("sensors", 3), ("switches", 3), ("electronics", 2), ("controllers", 1)),
        origins=_s(("KR", 0.40), ("CN", 0.45), ("TW", 0.10), ("JP", 0.05)),
        currencies_pre=USD_ONLY,
        currencies_post=_s(("USD", 0.6), ("CNY", 0.4)),
        departures_pre=_s(("HK", 1.0)),
        departures_post=_s(("HK", 0.4), ("CN", 0.6)),
        weight_pre=1.0,
        weight_post=4.0,
        items=(3, 10),
        active=("2020-09-01", "2023-12-31"),
        art_prefix="RE",
        trader=True,
        standardized_variants={"RAIN ELECTRONICS (HK) LTD": "RAIN ELECTRONICS HK LTD"},
    ),
]


def _other(
    key: str,
    name: str,
    alt: str | None,
    country: str,
    address: str,
    categories: Weighted,
    origins: Weighted,
    currencies: Weighted,
    weights: tuple[float, float],
    items: tuple[int, int],
    active: tuple[str, str] = ("2018-01-01", "2023-12-31"),
    departures_post: Weighted | None = None,
    trader: bool = False,
    currencies_post: Weighted | None = None,
) -> Supplier:
    """Build an invented supplier: one main spelling plus an optional minor variant."""
    spellings = _s((name, 4.0), (alt, 1.0)) if alt else _s((name, 1.0))
    own = _s((country, 1.0))
    return Supplier(
        key=key,
        spellings=spellings,
        standardized=re.sub(r"\s+", " ", re.sub(r"[.,]", " ", name.upper())).strip(),
        country=country,
        address=address,
        categories=categories,
        origins=origins,
        currencies_pre=currencies,
        currencies_post=currencies_post or currencies,
        departures_pre=own,
        departures_post=departures_post or own,
        weight_pre=weights[0],
        weight_post=weights[1],
        items=items,
        active=active,
        art_prefix=key[:2].upper(),
        trader=trader,
    )


KR_CUR = _s(("USD", 0.6), ("KRW", 0.4))
CN_CUR = _s(("USD", 0.6), ("CNY", 0.4))
CN_CUR_POST = _s(("USD", 0.3), ("CNY", 0.7))
EUR_ONLY = _s(("EUR", 1.0))
VIA_CN = _s(("KR", 0.5), ("CN", 0.5))
HK_OR_CN = _s(("HK", 0.5), ("CN", 0.5))
EU_END = ("2018-01-01", "2022-02-23")

OTHER_SUPPLIERS = [
    # South Korea: so that the Korean total is not only the named five
    _other(
        "geumsan",
        "GEUMSAN CONTROLS CO., LTD",
        "GEUMSAN CONTROLS CO LTD",
        "KR",
        "KR, GYEONGGI-DO, HWASEONG-SI, PALTAN-MYEON, JEONGMUNSONGSAN-RO 45",
        _s(("controllers", 2), ("sensors", 1)),
        KR_ONLY,
        KR_CUR,
        (2.0, 0.7),
        (2, 8),
        departures_post=VIA_CN,
    ),
    _other(
        "namwon",
        "NAMWON PRESS TECH CO., LTD",
        None,
        "KR",
        "KR, ULSAN, BUK-GU, HYOMUN-DONG, YEOMPO-RO 1180",
        _s(("body", 1), ("tooling", 0.3)),
        KR_ONLY,
        KR_CUR,
        (1.8, 0.6),
        (3, 12),
        departures_post=VIA_CN,
    ),
    _other(
        "cheongryu",
        "CHEONGRYU MOTION CO LTD",
        "CHEONGRYU MOTION CO., LTD.",
        "KR",
        "KR, INCHEON, NAMDONG-GU, NAMDONG-DAERO 215",
        _s(("switches", 2), ("sensors", 1)),
        KR_ONLY,
        KR_CUR,
        (1.5, 0.6),
        (3, 10),
        departures_post=VIA_CN,
    ),
    _other(
        "hyeonjin",
        "HYEONJIN AUTO ELECTRIC CO., LTD",
        None,
        "KR",
        "KR, DAEGU, DALSEO-GU, SEONGSEOGONGDAN-RO 88",
        _s(("electronics", 2), ("switches", 1)),
        KR_ONLY,
        KR_CUR,
        (1.0, 0.6),
        (2, 9),
        departures_post=VIA_CN,
    ),
    # China: manufacturers, and two traders that resell Korean-made goods after 2022
    _other(
        "qianfeng",
        "NINGBO QIANFENG AUTO PARTS CO., LTD",
        "NINGBO QIANFENG AUTO PARTS CO LTD",
        "CN",
        "CN, ZHEJIANG, NINGBO, BEILUN DISTRICT, XINGYE ROAD 16",
        _s(("body", 1), ("mechanical", 1)),
        _s(("CN", 1.0)),
        CN_CUR,
        (1.2, 3.0),
        (3, 12),
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "lanxin",
        "SHENZHEN LANXIN ELECTRONIC TECHNOLOGY CO., LTD",
        None,
        "CN",
        "CN, GUANGDONG, SHENZHEN, BAO'AN DISTRICT, FUYONG STREET, HUAFENG RD 7",
        _s(("electronics", 2), ("switches", 1)),
        _s(("CN", 1.0)),
        CN_CUR,
        (1.0, 3.0),
        (3, 12),
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "yueming",
        "GUANGZHOU YUEMING TRADING CO., LTD",
        "GUANGZHOU YUEMING TRADING CO LTD",
        "CN",
        "CN, GUANGDONG, GUANGZHOU, TIANHE DISTRICT, HUAXIA ROAD 28, ROOM 2306",
        _s(("sensors", 2), ("controllers", 1.5), ("switches", 1)),
        _s(("KR", 0.6), ("CN", 0.3), ("JP", 0.1)),
        CN_CUR,
        (0.0, 3.5),
        (3, 12),
        active=("2022-03-01", "2023-12-31"),
        trader=True,
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "beijiang",
        "HARBIN BEIJIANG IMPORT AND EXPORT CO., LTD",
        None,
        "CN",
        "CN, HEILONGJIANG, HARBIN, DAOLI DISTRICT, ZHONGYANG STREET 112",
        _s(("batteries", 1), ("controllers", 1), ("body", 1)),
        _s(("KR", 0.55), ("CN", 0.45)),
        CN_CUR,
        (0.0, 2.5),
        (2, 10),
        active=("2022-05-01", "2023-12-31"),
        trader=True,
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "baihe",
        "SUZHOU BAIHE PRECISION MACHINERY CO., LTD",
        None,
        "CN",
        "CN, JIANGSU, SUZHOU, WUZHONG DISTRICT, DONGWU NORTH ROAD 99",
        _s(("plant", 1), ("tooling", 1), ("welding", 0.6)),
        _s(("CN", 1.0)),
        CN_CUR,
        (0.6, 2.2),
        (1, 4),
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "hairun",
        "QINGDAO HAIRUN RUBBER PRODUCTS CO., LTD",
        "QINGDAO HAIRUN RUBBER PRODUCTS CO LTD",
        "CN",
        "CN, SHANDONG, QINGDAO, HUANGDAO DISTRICT, JIANGSHAN ROAD 560",
        _s(("plastics", 1)),
        _s(("CN", 1.0)),
        CN_CUR,
        (0.4, 2.8),
        (3, 12),
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "tianshun",
        "WUHU TIANSHUN FASTENERS CO LTD",
        None,
        "CN",
        "CN, ANHUI, WUHU, JIUJIANG DISTRICT, CHANGCHUN ROAD 3",
        _s(("mechanical", 1)),
        _s(("CN", 1.0)),
        CN_CUR,
        (0.5, 2.0),
        (4, 14),
        currencies_post=CN_CUR_POST,
    ),
    _other(
        "jinlong",
        "CHONGQING JINLONG MOTORCYCLE FITTINGS CO., LTD",
        None,
        "CN",
        "CN, CHONGQING, BANAN DISTRICT, JIEFANG ROAD 41",
        _s(("mechanical", 2), ("electronics", 0.5)),
        _s(("CN", 1.0)),
        CN_CUR,
        (0.3, 1.2),
        (3, 10),
        active=("2019-06-01", "2023-12-31"),
        currencies_post=CN_CUR_POST,
    ),
    # Hong Kong: trading companies
    _other(
        "goldenharbour",
        "GOLDEN HARBOUR SUPPLY CHAIN LIMITED",
        "GOLDEN HARBOUR SUPPLY CHAIN LTD",
        "HK",
        "HK, KWUN TONG, HOI BUN ROAD 6, UNIT 1012, 10/F",
        _s(("electronics", 2), ("sensors", 1)),
        _s(("CN", 0.5), ("KR", 0.3), ("TW", 0.2)),
        USD_ONLY,
        (0.2, 2.5),
        (3, 12),
        departures_post=HK_OR_CN,
        trader=True,
    ),
    _other(
        "brightstar",
        "KOWLOON BRIGHTSTAR TRADING LIMITED",
        None,
        "HK",
        "HK, TSIM SHA TSUI, CARNARVON ROAD 23, FLAT C, 8/F",
        _s(("switches", 1), ("controllers", 1)),
        _s(("KR", 0.5), ("JP", 0.2), ("CN", 0.3)),
        USD_ONLY,
        (0.3, 2.0),
        (2, 10),
        departures_post=HK_OR_CN,
        trader=True,
    ),
    _other(
        "victoriapeak",
        "VICTORIA PEAK COMPONENTS LIMITED",
        None,
        "HK",
        "HK, SHEUNG WAN, BONHAM STRAND 118, RM 402",
        _s(("electronics", 1), ("sensors", 1)),
        _s(("CN", 0.5), ("TW", 0.3), ("HK", 0.2)),
        USD_ONLY,
        (0.0, 1.5),
        (2, 8),
        active=("2022-04-01", "2023-12-31"),
        departures_post=HK_OR_CN,
        trader=True,
    ),
    _other(
        "tsingyi",
        "TSING YI INDUSTRIAL SOURCING LIMITED",
        None,
        "HK",
        "HK, NEW TERRITORIES, TSING YI, CHEUNG FAI ROAD 30, BLOCK B, 5/F",
        _s(("plant", 1), ("welding", 0.5)),
        _s(("CN", 0.7), ("KR", 0.3)),
        USD_ONLY,
        (0.2, 1.0),
        (1, 5),
        departures_post=HK_OR_CN,
        trader=True,
    ),
    # India
    _other(
        "axleform",
        "PUNE AXLEFORM INDUSTRIES PVT LTD",
        "PUNE AXLEFORM INDUSTRIES PRIVATE LIMITED",
        "IN",
        "IN, MAHARASHTRA, PUNE, CHAKAN MIDC PHASE II, PLOT A-41",
        _s(("forgings", 1)),
        _s(("IN", 1.0)),
        USD_ONLY,
        (0.8, 2.5),
        (2, 8),
    ),
    _other(
        "srivari",
        "CHENNAI SRIVARI FORGINGS PVT LTD",
        None,
        "IN",
        "IN, TAMIL NADU, CHENNAI, AMBATTUR INDUSTRIAL ESTATE, SIDCO 12",
        _s(("forgings", 1), ("mechanical", 0.5)),
        _s(("IN", 1.0)),
        USD_ONLY,
        (0.5, 1.8),
        (2, 8),
    ),
    _other(
        "autolec",
        "GURUGRAM AUTOLEC COMPONENTS PVT LTD",
        None,
        "IN",
        "IN, HARYANA, GURUGRAM, UDYOG VIHAR PHASE IV, PLOT 210",
        _s(("electronics", 1), ("switches", 1)),
        _s(("IN", 1.0)),
        USD_ONLY,
        (0.3, 1.6),
        (3, 10),
    ),
    _other(
        "bearingworks",
        "RAJKOT BEARINGWORKS PVT LTD",
        None,
        "IN",
        "IN, GUJARAT, RAJKOT, AJI GIDC, SHED 57",
        _s(("mechanical", 1)),
        _s(("IN", 1.0)),
        USD_ONLY,
        (0.3, 1.2),
        (2, 7),
    ),
    # Turkey
    _other(
        "kardelen",
        "BURSA KARDELEN OTOMOTIV SANAYI VE TICARET A.S.",
        "KARDELEN OTOMOTIV SAN. VE TIC. A.S.",
        "TR",
        "TR, BURSA, NILUFER, ORGANIZE SANAYI BOLGESI, MAVI CAD. 14",
        _s(("body", 1), ("interior", 0.6)),
        _s(("TR", 1.0)),
        _s(("EUR", 0.6), ("USD", 0.4)),
        (0.6, 2.2),
        (2, 9),
    ),
    _other(
        "egeli",
        "IZMIR EGELI KABLO SANAYI A.S.",
        None,
        "TR",
        "TR, IZMIR, CIGLI, ATATURK ORGANIZE SANAYI BOLGESI, 10003 SOK. 8",
        _s(("electronics", 1)),
        _s(("TR", 1.0)),
        _s(("EUR", 0.5), ("USD", 0.5)),
        (0.4, 1.8),
        (2, 8),
    ),
    _other(
        "deripan",
        "KOCAELI DERIPAN DERI SANAYI LTD STI",
        None,
        "TR",
        "TR, KOCAELI, GEBZE, DERI ORGANIZE SANAYI BOLGESI, 5. CAD. 21",
        _s(("interior", 1)),
        _s(("TR", 0.8), ("IT", 0.2)),
        _s(("EUR", 1.0)),
        (0.5, 1.8),
        (1, 5),
    ),
    # Italy (EU suppliers stop before the key date)
    _other(
        "torinostampi",
        "TORINO CARROZZERIA STAMPI SRL",
        "TORINO CARROZZERIA STAMPI S.R.L.",
        "IT",
        "IT, 10040 RIVALTA DI TORINO (TO), STRADA DEL DROSSO 12",
        _s(("tooling", 1), ("body", 0.5)),
        _s(("IT", 1.0)),
        EUR_ONLY,
        (1.2, 0.0),
        (1, 4),
        active=EU_END,
    ),
    _other(
        "valbrembo",
        "OFFICINE MECCANICHE VALBREMBO SPA",
        None,
        "IT",
        "IT, 24030 VALBREMBO (BG), VIA DELL'ARTIGIANATO 9",
        _s(("plant", 1), ("mechanical", 0.4)),
        _s(("IT", 0.9), ("AT", 0.1)),
        EUR_ONLY,
        (0.7, 0.0),
        (1, 5),
        active=EU_END,
    ),
    _other(
        "lunigiana",
        "CONCERIA LUNIGIANA SRL",
        None,
        "IT",
        "IT, 56029 SANTA CROCE SULL'ARNO (PI), VIA DEL BOSCO 33",
        _s(("interior", 1)),
        _s(("IT", 1.0)),
        EUR_ONLY,
        (1.2, 0.0),
        (1, 4),
        active=EU_END,
    ),
    # Germany
    _other(
        "messtechnik",
        "STUTTGARTER MESSTECHNIK GMBH",
        "STUTTGARTER MESSTECHNIK G.M.B.H.",
        "DE",
        "DE, 70565 STUTTGART, HAUPTSTRASSE 140",
        _s(("metrology", 1)),
        _s(("DE", 0.85), ("CZ", 0.15)),
        EUR_ONLY,
        (0.8, 0.0),
        (1, 3),
        active=EU_END,
    ),
    _other(
        "rheintal",
        "RHEINTAL SCHWEISSTECHNIK GMBH",
        None,
        "DE",
        "DE, 79576 WEIL AM RHEIN, INDUSTRIESTRASSE 21",
        _s(("welding", 1)),
        _s(("DE", 1.0)),
        EUR_ONLY,
        (0.6, 0.0),
        (1, 4),
        active=EU_END,
    ),
    _other(
        "allgaeu",
        "ALLGAEU LACKIERANLAGEN GMBH",
        None,
        "DE",
        "DE, 87437 KEMPTEN, DIESELSTRASSE 5",
        _s(("metrology", 1)),
        _s(("DE", 1.0)),
        EUR_ONLY,
        (0.4, 0.0),
        (1, 3),
        active=EU_END,
    ),
]

SUPPLIERS = NAMED_SUPPLIERS + OTHER_SUPPLIERS

# Manufacturers named in box 31_11 when a trader resells goods made elsewhere.
MAKERS = {
    "KR": [
        "GEUMSAN CONTROLS CO., LTD",
        "CHEONGRYU MOTION CO LTD",
        "HYEONJIN AUTO ELECTRIC CO., LTD",
        "DAESEONG PRECISION ELECTRIC CO., LTD",
        "НЕИЗВЕСТЕН",
    ],
    "CN": [
        "SHENZHEN LANXIN ELECTRONIC TECHNOLOGY CO., LTD",
        "DONGGUAN HUIXIN SENSOR CO., LTD",
        "НЕИЗВЕСТЕН",
    ],
    "JP": ["НЕИЗВЕСТЕН"],
    "TW": ["TAOYUAN JINGHE ELECTRONICS CORP.", "НЕИЗВЕСТЕН"],
    "HK": ["НЕИЗВЕСТЕН"],
}

# Customs posts and brokers (invented broker names).
OFFICE_FAR_EAST = "10702070"
OFFICE_MOSCOW = "10129060"
OFFICE_BALTIC = "10216170"
OFFICE_KAZAN = "10404083"
BROKERS = {
    OFFICE_FAR_EAST: 'ООО "ТБ ОКЕАН-ДЕКЛАРАНТ"',
    OFFICE_BALTIC: 'ООО "БАЛТИЙСКАЯ ДЕКЛАРАНТСКАЯ СЛУЖБА"',
    OFFICE_MOSCOW: 'ООО "ТАМОЖЕННЫЙ ПРЕДСТАВИТЕЛЬ СТРОГИНО"',
    OFFICE_KAZAN: 'ООО "КАМА-ТАМОЖНЯ-СЕРВИС"',
}
VENDOR_NOTES = _s(
    ("", 30),
    ("ДТ скорректирована (КДТ)", 2),
    ("данные уточнены поставщиком", 1),
    ("выпуск до подачи ДТ", 1),
    ("стоимость пересчитана по курсу ЦБ", 1),
)

# Declarations per period (start, end, count); the two boundary days are forced below.
PERIODS = [
    ("2018-01-09", "2018-12-28", 40),
    ("2019-01-09", "2019-12-30", 58),
    ("2020-01-09", "2020-12-30", 62),
    ("2021-01-11", "2021-12-30", 82),
    ("2022-01-10", "2022-02-22", 18),
    ("2022-02-24", "2022-12-30", 90),
    ("2023-01-09", "2023-12-29", 112),
]

# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One goods item of one declaration, in canonical terms."""

    declaration_no: str
    item_no: int
    day: date
    supplier: Supplier
    sender: str
    departure_country: str
    declarant: str
    currency: str
    origin_country: str
    hs_code: str
    description: str
    manufacturer: str
    trademark: str
    vendor_note: str
    stat_cents: int = 0
    net_kg: float = 0.0
    gross_kg: float = 0.0
    quantity: int | None = None
    unit: str = ""
    invoice_value: float = 0.0
    exchange_rate: float = 0.0
    customs_value_rub: float = 0.0
    raw_value: float = 0.0
    category: str = ""

    @property
    def key(self) -> tuple[str, int]:
        """The deduplication key: declaration number and item number."""
        return self.declaration_no, self.item_no

    @property
    def stat_value_usd(self) -> float:
        """Statistical value in USD (box 46)."""
        return self.stat_cents / 100

    @property
    def trading_country(self) -> str:
        """Trading country (box 11): the seller's country."""
        return self.supplier.country


def pick(rng: random.Random, options: Weighted) -> str:
    """Choose one option by weight."""
    labels = [o for o, _ in options]
    weights = [w for _, w in options]
    return rng.choices(labels, weights=weights)[0]


def working_day(rng: random.Random, lo: date, hi: date) -> date:
    """A random Monday-Friday between lo and hi inclusive."""
    while True:
        day = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        if day.weekday() < 5:
            return day


def choose_office(rng: random.Random, departure: str, day: date) -> str:
    """Customs post by route and year (Tatarstan production from 2021)."""
    kazan = 0.35 if day.year >= 2021 else 0.0
    if departure in {"KR", "CN", "HK", "JP", "TW"}:
        first, share = OFFICE_FAR_EAST, 0.55
    else:
        first, share = OFFICE_BALTIC, 0.5
    options = _s((first, share), (OFFICE_MOSCOW, 1 - share - kazan / 2), (OFFICE_KAZAN, kazan))
    return pick(rng, tuple((o, w) for o, w in options if w > 0))


def make_code(rng: random.Random, supplier: Supplier, template: str) -> str:
    """Fill {art} and {model} in a description template."""
    art = f"{supplier.art_prefix}{rng.randint(10, 99)}-{rng.randint(1000, 9999)}"
    model = f"{supplier.art_prefix.rstrip('-')}{rng.choice(['', '-'])}{rng.randint(100, 990)}"
    return template.format(art=art, model=model)


def generate_rows(rng: random.Random) -> list[Row]:
    """Generate declarations and their items with raw (unscaled) values."""
    rows: list[Row] = []
    serials: set[str] = set()
    for lo_s, hi_s, count in PERIODS:
        lo, hi = date.fromisoformat(lo_s), date.fromisoformat(hi_s)
        days = sorted(working_day(rng, lo, hi) for _ in range(count))
        if hi == date(2022, 2, 22):
            days[-1] = hi  # the last working day before the key date
        if lo == KEY_DATE:
            days[0] = KEY_DATE  # the key date itself belongs to "since February 2022"
        for day in days:
            rows.extend(make_declaration(rng, day, serials))
    return rows


def make_declaration(rng: random.Random, day: date, serials: set[str]) -> list[Row]:
    """One declaration with its items."""
    post = day >= KEY_DATE
    active = [
        s
        for s in SUPPLIERS
        if date.fromisoformat(s.active[0]) <= day <= date.fromisoformat(s.active[1])
        and (s.weight_post if post else s.weight_pre) > 0
    ]
    supplier = active[
        rng.choices(
            range(len(active)), weights=[s.weight_post if post else s.weight_pre for s in active]
        )[0]
    ]
    departure = pick(rng, supplier.departures_post if post else supplier.departures_pre)
    office = choose_office(rng, departure, day)
    while True:
        serial = f"{rng.randint(0, 9_999_999):07d}"
        number = f"{office}/{day:%d%m%y}/{serial}"
        if number not in serials:
            serials.add(number)
            break
    broker_share = 0.65 if office in {OFFICE_FAR_EAST, OFFICE_BALTIC} else 0.3
    declarant = BROKERS[office] if rng.random() < broker_share else RECEIVER
    currency = pick(rng, supplier.currencies_post if post else supplier.currencies_pre)
    sender = pick(rng, supplier.spellings)
    note = pick(rng, VENDOR_NOTES)
    n_items = rng.randint(*supplier.items)
    items = []
    for item_no in range(1, n_items + 1):
        category_name = pick(rng, supplier.categories)
        category = CATEGORIES[category_name]
        hs_code, template = rng.choice(category.lines)
        origin = pick(rng, supplier.origins)
        if supplier.trader or origin != supplier.country:
            manufacturer = rng.choice(MAKERS.get(origin, ["НЕИЗВЕСТЕН"]))
            trademark = "ОТСУТСТВУЕТ"
        else:
            manufacturer = supplier.spellings[0][0]
            trademark = rng.choice([supplier.trademark, supplier.trademark, "ОТСУТСТВУЕТ"])
        items.append(
            Row(
                declaration_no=number,
                item_no=item_no,
                day=day,
                supplier=supplier,
                sender=sender,
                departure_country=departure,
                declarant=declarant,
                currency=currency,
                origin_country=origin,
                hs_code=hs_code,
                description=make_code(rng, supplier, template),
                manufacturer=manufacturer,
                trademark=trademark,
                vendor_note=note if item_no == 1 else "",
                raw_value=min(category.median_usd * math.exp(rng.gauss(0, 0.85)), 420_000.0),
                unit=category.unit,
                category=category_name,
            )
        )
    return items


def cell_of(row: Row) -> str:
    """Which of the four disjoint target cells a row belongs to."""
    return ("kr" if row.origin_country == "KR" else "other") + (
        "_post" if row.day >= KEY_DATE else "_pre"
    )


def calibrate(rows: list[Row]) -> dict[str, float]:
    """Scale raw values so that each cell sums exactly to its target; return the factors."""
    targets = {
        "kr_pre": TARGET_KR_PRE,
        "kr_post": TARGET_KR_POST,
        "other_pre": TARGET_OTHER_PRE,
        "other_post": TARGET_OTHER_POST,
    }
    factors = {}
    for name, target in targets.items():
        members = [r for r in rows if cell_of(r) == name]
        if not members:
            raise SystemExit(f"no rows in cell {name}; cannot reach its target")
        raw_total = sum(r.raw_value for r in members)
        factors[name] = target / 100 / raw_total
        for r in members:
            r.stat_cents = max(5_000, round(r.raw_value * factors[name] * 100))
        residue = target - sum(r.stat_cents for r in members)
        largest = max(members, key=lambda r: r.stat_cents)
        largest.stat_cents += residue  # a few dollars at most, on the largest item
    return factors


def derive_fields(rng: random.Random, rows: list[Row]) -> None:
    """Weights, quantities, invoice value, rate and customs value from the statistical value."""
    for r in rows:
        category = CATEGORIES[r.category]
        usd = r.stat_value_usd
        r.net_kg = max(0.2, round(usd / category.usd_per_kg * rng.uniform(0.7, 1.4), 3))
        r.gross_kg = round(r.net_kg * rng.uniform(1.03, 1.22), 3)
        if category.unit:
            r.quantity = max(1, round(usd / (category.unit_price * math.exp(rng.gauss(0, 0.5)))))
        usd_rate = rub_per_unit("USD", r.day)
        r.exchange_rate = rub_per_unit(r.currency, r.day)
        r.customs_value_rub = round(usd * usd_rate, 2)
        freight = rng.uniform(0.015, 0.06)
        r.invoice_value = round(r.customs_value_rub / (1 + freight) / r.exchange_rate, 2)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

GCODE_HEADERS = [
    "ND (Номер декларации)",
    "G32 (Номер товара)",
    "G072 (Дата регистрации)",
    "G011 (Направление)",
    "G022 (Наименование отправителя)",
    "G023 (Адрес отправителя)",
    "G15A (Код страны отправления)",
    "G11 (Торгующая страна)",
    "G16 (Страна происхождения)",
    "G082 (Наименование получателя)",
    "G081 (ИНН получателя)",
    "G142 (Наименование декларанта)",
    "G33 (Код товара по ТН ВЭД)",
    "G312 (Описание товара)",
    "G31_11 (Фирма-изготовитель)",
    "G31_12 (Товарный знак)",
    "G35 (Вес брутто, кг)",
    "G38 (Вес нетто, кг)",
    "G221 (Валюта контракта)",
    "G42 (Фактурная стоимость)",
    "G23 (Курс валюты)",
    "G45 (Таможенная стоимость, руб.)",
    "G46 (Статистическая стоимость, USD.)",
    "G41 (Доп. ед. изм.)",
    "G41A (Ед. изм.)",
]
NUMBERED_HEADERS = [
    "ND  Номер  декларации на товары",
    "32 Номер товара",
    "072 Дата ДТ",
    "011 Направление перемещения",
    "022 Наименование/ФИО отправителя",
    "15 Страна отправления",
    "11 Торгующая страна",
    "16 Страна происхождения",
    "08 Наименование получателя",
    "08 ИНН получателя",
    "14 Декларант",
    "33 Код товара по ТН ВЭД РФ",
    "31 Описание товара",
    "31_11 Фирма-изготовитель",
    "35 Вес брутто, кг",
    "38 Вес нетто, кг",
    "22 Валюта контракта",
    "42 Фактурная стоимость товара",
    "23 Курс валюты",
    "45 Таможенная стоимость, руб",
    "46 Статистическая стоимость",
    "41 Количество в доп. ед.",
    "Примечание поставщика данных",
]
VENDOR_HEADERS = [
    "Declaration Number",
    "Item No",
    "Shipment Date",
    "Shipper",
    "Shipper Standardized Name",
    "Consignee",
    "Country of Origin",
    "Country of Export",
    "HS Code",
    "Product Description",
    "Shipment Weight (KG)",
    "Quantity",
    "Shipment Value (USD)",
]
TEXT_COLUMNS = {"ND (Номер декларации)", "G081 (ИНН получателя)", "G33 (Код товара по ТН ВЭД)"}
ORIGIN_CODE = "G34 (Код страны происхождения)"
ORIGIN_NAME = "G16 (Страна происхождения)"
RELEASE = "GD1 (Дата выпуска)"
REGISTRATION = "G072 (Дата регистрации)"
#: Later years of the dump come from a newer export of the vendor's database: the origin box
#: by its code (G34, and from 2021 the code beside the name, the code left blank in some rows),
#: the description as G31_1, other words after G15A, and the release date (GD1) beside the
#: registration date, which 2021 leaves blank in some rows.
LAYOUT_CHANGES: dict[int, dict[str, list[str]]] = {
    2020: {ORIGIN_NAME: [ORIGIN_CODE],
           "G312 (Описание товара)": ["G31_1 (Наименование и характеристики товаров)"],
           "G15A (Код страны отправления)": ["G15A Страна отправления, код"],
           REGISTRATION: [REGISTRATION, RELEASE]},
    2021: {ORIGIN_NAME: [ORIGIN_CODE, ORIGIN_NAME],
           "G312 (Описание товара)": ["G31_1 (Наименование и характеристики товаров)"],
           REGISTRATION: [REGISTRATION, RELEASE]},
}


def gcode_layout(year: int) -> list[str]:
    """The header row of one year's sheet."""
    changes = LAYOUT_CHANGES.get(year, {})
    return [new for header in GCODE_HEADERS for new in changes.get(header, [header])]


def gcode_cells(r: Row, layout: list[str], position: int) -> list[object]:
    """A row of one year's sheet in its layout (the same shipment whatever the layout)."""
    base = dict(zip(GCODE_HEADERS, gcode_record(r), strict=True))
    base[ORIGIN_CODE] = r.origin_country
    base[RELEASE] = r.day + timedelta(days=1 + position % 3)
    if ORIGIN_CODE in layout and ORIGIN_NAME in layout:
        base[ORIGIN_NAME] = COUNTRY_RU[r.origin_country]
        if position % 3 == 2:
            base[ORIGIN_CODE] = None  # the name alone tells the origin
    if RELEASE in layout and ORIGIN_NAME in layout and position % 25 == 7:
        base[REGISTRATION], base[RELEASE] = None, r.day  # released the day it was registered
    renamed = {new: old for old, news in LAYOUT_CHANGES.get(r.day.year, {}).items()
               for new in news if new != old and new not in base}
    return [base[renamed.get(h, h)] for h in layout]


def gcode_record(r: Row) -> list[object]:
    """A row of the G-code workbook: real dates and numbers, codes as text."""
    return [
        r.declaration_no,
        r.item_no,
        r.day,
        "ИМ",
        r.sender,
        r.supplier.address,
        r.departure_country,
        r.trading_country,
        r.origin_country,
        RECEIVER,
        RECEIVER_TAX_ID,
        r.declarant,
        r.hs_code,
        r.description,
        r.manufacturer,
        r.trademark,
        r.gross_kg,
        r.net_kg,
        r.currency,
        r.invoice_value,
        r.exchange_rate,
        r.customs_value_rub,
        r.stat_value_usd,
        r.quantity,
        r.unit if r.quantity is not None else None,
    ]


def ru_number(value: float | int | None, decimals: int) -> str:
    """Russian dump style: space thousands separator, comma decimals (1 181,55)."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}".replace(",", " ").replace(".", ",")


def en_number(value: float | int | None, decimals: int) -> str:
    """English vendor style: 1,181.55."""
    return "" if value is None else f"{value:,.{decimals}f}"


def rate_decimals(currency: str) -> int:
    """KRW rates need more digits to stay meaningful."""
    return 6 if currency == "KRW" else 4


def numbered_record(r: Row) -> list[str]:
    """A row of the numbered cp1251 CSV."""
    return [
        r.declaration_no,
        str(r.item_no),
        f"{r.day:%d.%m.%Y}",
        "ИМ",
        r.sender,
        COUNTRY_RU[r.departure_country],
        COUNTRY_RU[r.trading_country],
        COUNTRY_RU[r.origin_country],
        RECEIVER,
        RECEIVER_TAX_ID,
        r.declarant,
        r.hs_code,
        r.description,
        r.manufacturer,
        ru_number(r.gross_kg, 3),
        ru_number(r.net_kg, 3),
        r.currency,
        ru_number(r.invoice_value, 2),
        ru_number(r.exchange_rate, rate_decimals(r.currency)),
        ru_number(r.customs_value_rub, 2),
        ru_number(r.stat_value_usd, 2),
        ru_number(r.quantity, 0),
        r.vendor_note,
    ]


def vendor_record(r: Row) -> list[str]:
    """A row of the English trade-data vendor's re-export."""
    standardized = r.supplier.standardized_variants.get(r.sender, r.supplier.standardized)
    return [
        r.declaration_no,
        str(r.item_no),
        r.day.isoformat(),
        r.sender,
        standardized,
        RECEIVER_EN,
        COUNTRY_EN_ORIGIN[r.origin_country],
        COUNTRY_EN_EXPORT[r.departure_country],
        r.hs_code,
        r.description,
        en_number(r.gross_kg, 3),
        en_number(r.quantity, 0),
        en_number(r.stat_value_usd, 2),
    ]


def normalise_zip(path: Path) -> None:
    """Rewrite an xlsx with fixed entry times and metadata so reruns give identical bytes."""
    with zipfile.ZipFile(path) as src:
        entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = datetime(*FIXED_STAMP).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            info = zipfile.ZipInfo(name, date_time=FIXED_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)


def write_gcode_xlsx(rows: list[Row], path: Path) -> dict[str, int]:
    """One sheet per year, two title lines and a blank line above the G-code header."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "synthetic sample generator"
    wb.properties.title = "Synthetic customs extract (sample case)"
    counts = {}
    bold = Font(bold=True)
    for year in range(2018, 2022):
        ws = wb.create_sheet(str(year))
        ws.append(["Выгрузка таможенных деклараций (импорт)"])
        ws.append([f"Получатель: {RECEIVER}, период: 01.01.{year}-31.12.{year}"])
        ws.append([])
        layout = gcode_layout(year)
        ws.append(layout)
        for cell in ws[4]:
            cell.font = bold
        year_rows = [r for r in rows if r.day.year == year]
        for position, r in enumerate(year_rows):
            ws.append(gcode_cells(r, layout, position))
        for col, header in enumerate(layout, start=1):
            letter = ws.cell(row=4, column=col).column_letter
            ws.column_dimensions[letter].width = min(60, max(12, len(header) + 2))
            for (cell,) in ws.iter_rows(min_row=5, min_col=col, max_col=col):
                if header in (REGISTRATION, RELEASE):
                    cell.number_format = "DD.MM.YYYY"
                elif header in TEXT_COLUMNS:
                    cell.number_format = "@"
        ws.freeze_panes = "A5"
        counts[str(year)] = len(year_rows)
    wb.save(path)
    normalise_zip(path)
    return counts


def write_numbered_csv(rows: list[Row], path: Path) -> int:
    """The cp1251 ';' dump with numbered headers, a title line and an 'Итого:' footer."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("Выгрузка ДТ за 2022-2023 гг.\r\n\r\n")
    writer.writerow(NUMBERED_HEADERS)
    for r in rows:
        writer.writerow(numbered_record(r))
    footer = [""] * len(NUMBERED_HEADERS)
    footer[0] = "Итого:"
    footer[NUMBERED_HEADERS.index("46 Статистическая стоимость")] = ru_number(
        sum(r.stat_cents for r in rows) / 100, 2
    )
    writer.writerow(footer)
    path.write_bytes(buffer.getvalue().encode("cp1251"))  # strict: fails on any stray character
    return len(rows)


def write_vendor_csv(rows: list[Row], path: Path) -> int:
    """The English vendor's UTF-8 (BOM) re-export, newest shipments first."""
    ordered = sorted(rows, key=lambda r: (-r.day.toordinal(), r.declaration_no, r.item_no))
    buffer = io.StringIO(newline="")
    buffer.write("Trade data export\n")
    buffer.write("Generated: 2024-05-21 09:00 UTC\n")
    buffer.write("Filter: Consignee = AURUS | Shipment Date 2023-10-01 to 2023-12-31\n\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(VENDOR_HEADERS)
    for r in ordered:
        writer.writerow(vendor_record(r))
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return len(ordered)


# --------------------------------------------------------------------------------------------
# Read-back checks
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What the checks need from one parsed row."""

    day: date
    origin: str
    cents: int


def parse_ru(text: str) -> float:
    """Parse '1 181,55'."""
    return float(text.replace(" ", "").replace(",", "."))


def parse_en(text: str) -> float:
    """Parse '1,181.55'."""
    return float(text.replace(",", ""))


def read_gcode_xlsx(path: Path) -> dict[tuple[str, int], Seen]:
    """Parse the workbook back into keyed rows, checking cell types on the way."""
    out: dict[tuple[str, int], Seen] = {}
    wb = load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        cells = list(ws.iter_rows(values_only=True))
        header_at = next(i for i, row in enumerate(cells) if row and row[0] == GCODE_HEADERS[0])
        header = list(cells[header_at])
        if header != gcode_layout(int(ws.title)):
            raise SystemExit(f"{path.name}/{ws.title}: header mismatch")
        col = {h: i for i, h in enumerate(header)}
        ru_to_code = {v: k for k, v in COUNTRY_RU.items()}
        for row in cells[header_at + 1 :]:
            when = row[col[REGISTRATION]] or row[col[RELEASE]] if RELEASE in col else (
                row[col[REGISTRATION]])
            if not isinstance(when, datetime):
                raise SystemExit(f"{path.name}/{ws.title}: date cell is {type(when).__name__}")
            for name in TEXT_COLUMNS:
                if not isinstance(row[col[name]], str):
                    raise SystemExit(f"{path.name}/{ws.title}: {name} is not a text cell")
            key = (row[0], row[1])
            if key in out:
                raise SystemExit(f"{path.name}: duplicate item {key}")
            origin = row[col[ORIGIN_CODE]] if ORIGIN_CODE in col else None
            if origin is None:
                origin = row[col[ORIGIN_NAME]]
                origin = ru_to_code.get(origin, origin)
            out[key] = Seen(
                when.date(),
                origin,
                round(row[col["G46 (Статистическая стоимость, USD.)"]] * 100),
            )
    wb.close()
    return out


def read_numbered_csv(path: Path) -> tuple[dict[tuple[str, int], Seen], int]:
    """Parse the cp1251 dump; return keyed rows and the footer's stated total in cents."""
    ru_to_code = {v: k for k, v in COUNTRY_RU.items()}
    lines = path.read_bytes().decode("cp1251").split("\r\n")
    records = list(csv.reader(lines[2:], delimiter=";"))
    if records[0] != NUMBERED_HEADERS:
        raise SystemExit(f"{path.name}: header mismatch")
    col = {h: i for i, h in enumerate(records[0])}
    stat = col["46 Статистическая стоимость"]
    out: dict[tuple[str, int], Seen] = {}
    footer_cents = None
    for rec in records[1:]:
        if not rec:
            continue
        if rec[0] == "Итого:":
            footer_cents = round(parse_ru(rec[stat]) * 100)
            continue
        key = (rec[0], int(rec[1]))
        if key in out:
            raise SystemExit(f"{path.name}: duplicate item {key}")
        day = datetime.strptime(rec[col["072 Дата ДТ"]], "%d.%m.%Y").date()
        out[key] = Seen(
            day, ru_to_code[rec[col["16 Страна происхождения"]]], round(parse_ru(rec[stat]) * 100)
        )
    if footer_cents is None:
        raise SystemExit(f"{path.name}: footer line missing")
    return out, footer_cents


def read_vendor_csv(path: Path) -> dict[tuple[str, int], Seen]:
    """Parse the English vendor file."""
    en_to_code = {v: k for k, v in COUNTRY_EN_ORIGIN.items()}
    text = path.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text.split("\n", 4)[4], newline="")))
    if records[0] != VENDOR_HEADERS:
        raise SystemExit(f"{path.name}: header mismatch")
    out: dict[tuple[str, int], Seen] = {}
    for rec in records[1:]:
        key = (rec[0], int(rec[1]))
        out[key] = Seen(
            date.fromisoformat(rec[2]), en_to_code[rec[6]], round(parse_en(rec[12]) * 100)
        )
    return out


def totals(rows: Iterable[Seen]) -> dict[str, int]:
    """The four published measures, in cents."""
    rows = list(rows)
    return {
        "total 2018-2023": sum(r.cents for r in rows if START <= r.day <= END),
        "origin KR": sum(r.cents for r in rows if r.origin == "KR"),
        "since 2022-02-24": sum(r.cents for r in rows if r.day >= KEY_DATE),
        "since 2022-02-24, origin KR": sum(
            r.cents for r in rows if r.day >= KEY_DATE and r.origin == "KR"
        ),
    }


def check_files(gcode: Path, numbered: Path, vendor: Path) -> dict[str, int]:
    """Read all three files back, check overlap and totals on the deduplicated union."""
    a = read_gcode_xlsx(gcode)
    b, footer_cents = read_numbered_csv(numbered)
    c = read_vendor_csv(vendor)
    if footer_cents != sum(s.cents for s in b.values()):
        raise SystemExit("footer total does not equal the sum of column 46")
    if a.keys() & b.keys():
        raise SystemExit("the xlsx and the numbered CSV share items; they must not")
    q4 = {k for k, s in b.items() if s.day >= Q4_START}
    if set(c) != q4:
        raise SystemExit("vendor file is not exactly the Q4 2023 items of the numbered CSV")
    if any(c[k] != b[k] for k in c):
        raise SystemExit("vendor file disagrees with the numbered CSV on an overlapping item")
    union = {**a, **b, **c}
    if not all(START <= s.day <= END for s in union.values()):
        raise SystemExit("a row falls outside 2018-01-01..2023-12-31")
    if not ROWS_MIN <= len(union) <= ROWS_MAX:
        raise SystemExit(f"{len(union)} distinct items; expected {ROWS_MIN}..{ROWS_MAX}")
    result = totals(union.values())
    for name, cents in result.items():
        low, high = RANGES[name]
        if not low * 100 <= cents <= high * 100:
            raise SystemExit(f"{name}: {cents / 100:,.2f} outside {low:,}..{high:,}")
    return result


def normalised_name(name: str) -> str:
    """Upper-case name without punctuation or legal-form words (the check's notion of a name)."""
    legal = {
        "CO",
        "LTD",
        "LIMITED",
        "INC",
        "SPA",
        "S",
        "P",
        "A",
        "SRL",
        "R",
        "L",
        "GMBH",
        "G",
        "M",
        "B",
        "H",
        "PVT",
        "PRIVATE",
        "STI",
        "AS",
        "SAN",
        "TIC",
        "VE",
        "SANAYI",
        "TICARET",
        "КО",
        "ЛТД",
        "CORP",
    }
    tokens = re.sub(r"[^\w]+", " ", name.upper()).split()
    return " ".join(t for t in tokens if t not in legal)


def check_suppliers() -> None:
    """No two different suppliers may share, or nearly share, a normalised name."""
    names = [(s.key, normalised_name(n)) for s in SUPPLIERS for n, _ in s.spellings]
    for i, (key1, n1) in enumerate(names):
        for key2, n2 in names[i + 1 :]:
            if key1 != key2 and SequenceMatcher(None, n1, n2).ratio() > 0.75:
                raise SystemExit(f"suppliers {key1} and {key2} look alike: {n1!r} / {n2!r}")
    countries = {s.country for s in OTHER_SUPPLIERS}
    if len(OTHER_SUPPLIERS) < 22 or not {"CN", "IN", "TR", "IT", "DE", "HK", "KR"} <= countries:
        raise SystemExit("not enough invented suppliers, or a country is missing")


def main() -> int:
    """Generate, write, read back and report."""
    check_suppliers()
    rng = random.Random(SEED)
    rows = generate_rows(rng)
    factors = calibrate(rows)
    derive_fields(rng, rows)
    rows.sort(key=lambda r: (r.day, r.declaration_no, r.item_no))

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    gcode, numbered, vendor = (OUT_DIR / XLSX_NAME, OUT_DIR / NUMBERED_NAME, OUT_DIR / VENDOR_NAME)
    per_sheet = write_gcode_xlsx([r for r in rows if r.day.year <= 2021], gcode)
    n_numbered = write_numbered_csv([r for r in rows if r.day.year >= 2022], numbered)
    n_vendor = write_vendor_csv([r for r in rows if r.day >= Q4_START], vendor)
    result = check_files(gcode, numbered, vendor)

    rerouted = sum(
        1 for r in rows if r.origin_country not in {r.trading_country, r.departure_country}
    )
    print(f"distinct items: {len(rows)} in {len({r.declaration_no for r in rows})} declarations")
    print(
        f"{XLSX_NAME}: {sum(per_sheet.values())} rows "
        + ", ".join(f"{y}: {n}" for y, n in per_sheet.items())
    )
    print(f"{NUMBERED_NAME}: {n_numbered} rows (+ footer)")
    print(f"{VENDOR_NAME}: {n_vendor} rows (all duplicates of the numbered CSV)")
    print(f"origin differs from trading and departure country: {rerouted} items")
    print("cell scale factors: " + ", ".join(f"{k} {v:.2f}" for k, v in factors.items()))
    for name, cents in result.items():
        print(f"{name}: {cents / 100:,.2f} USD")
    readme = CASE_DIR / "README.md"
    if readme.exists():
        stated = readme.read_text(encoding="utf-8")
        expected = [f"{c / 100:,.2f}" for c in result.values()]
        expected += [f"{n:,}" for n in (len(rows), sum(per_sheet.values()), n_numbered, n_vendor)]
        missing = [e for e in expected if e not in stated]
        if missing:
            print(
                f"warning: README.md does not state {', '.join(missing)}; update it",
                file=sys.stderr,
            )
    size = sum(p.stat().st_size for p in CASE_DIR.rglob("*") if p.is_file())
    print(f"case folder size: {size / 1e6:.2f} MB")
    if size > 3_000_000:
        raise SystemExit("case folder exceeds 3 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
