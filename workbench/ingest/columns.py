"""The canonical shipment columns, and how a header is read as one of them.

Customs extracts name the same field in many ways: a G-code (``G46 (Статистическая стоимость,
USD.)``), a box number (``46 Статистическая стоимость``), plain Russian in any grammatical case
(``Страны происхождения``), or an English vendor's label in any style (``HS_CODE``, ``hsCode``,
``Shipment Value (USD)``). A ``G``-prefixed header is read by its code alone (see
:mod:`workbench.ingest.boxes`); a numbered box by its code and words; anything else by words.
Which of several candidate columns fills a field is decided with their contents as well
(:mod:`workbench.ingest.mapping`); this module only reads headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from workbench.ingest import boxes


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    COUNTRY = "country"


@dataclass(frozen=True)
class Canonical:
    """A shipment column: its kind, its label for people, and the headers that name it.

    ``codes`` are the numbered boxes that fill it (``"16"``); ``words`` regular expressions
    searched in the normalised header (:func:`split_header`); ``avoid`` vetoes a words match;
    ``currency`` is the one currency a value column holds (a header naming another is not it).
    """

    name: str
    kind: Kind
    label: str
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    currency: str = ""


T, N, INT, D, C = Kind.TEXT, Kind.NUMBER, Kind.INTEGER, Kind.DATE, Kind.COUNTRY

# Words for things that are never the name of a party.
_NOT_A_NAME = (
    r"адрес", r"стран", r"инн\b", r"\bкпп\b", r"огрн", r"\bкод\b", r"телефон", r"address",
    r"country", r"\btax\b", r"\bid\b", r"\bcode\b", r"\bphone", r"standardi[sz]ed", r"\bcity\b",
    r"город", r"\bбин\b", r"\binn\b", r"e-?mail", r"\btin\b", r"\bntn\b", r"\biec\b", r"\bvat\b",
    r"\bnumber\b", r"uuid", r"\bbp\b", r"department", r"district", r"economic", r"\bfax\b",
    r"\bstate\b", r"telephone", r"region", r"province", r"^std\b", r"contract\s*holder",
)
# Currencies other than the one a value field holds: such a header is a converted value.
_OTHER_CURRENCIES = r"\b(rub|rur|uah|kzt|amd|byn|uzs|pula|bwp|tzs|usd)\b|руб|гривн"

CANONICAL: tuple[Canonical, ...] = (
    Canonical(
        "declaration_no", T, "Declaration number", ("nd", "a"),
        (r"номер\w*\s*(таможенн\w*\s*)?(декларац|дт\b|гтд|дт/тд|тд\b)", r"^(№|n)\s*(дт|гтд)\b",
         r"^(дт|гтд|декларация)(\s*(№|номер))?$", r"рег\w*\s*номер\w*\s*(дт|декларац)",
         r"declaration\s*(number|no|num|#|id)\b", r"^declaration$", r"^decl\s*(no|number)",
         r"customs\s*declaration\s*(number|no)?$", r"entry\s*(number|no)\b",
         r"bill\s*of\s*lading\s*(number|no|nbr)", r"^bol\s*(number|no|nbr|#)?$",
         r"^bill\s*of\s*lading$", r"номер\w*\s*митн\w*\s*декларац",
         r"ass?es*ment\s*(number|no)\b",
         r"^(be|boe|sb|tansad|sad|dua|gtd|vmd)\s*(no|number|id|nbr)\b",
         r"^no\s*(sad|vmd|dua|gtd)\b",
         r"^(import|export)\s*id$", r"^operation\s*number$"),
        (r"дата", r"\bdate\b", r"стоимост", r"value")),
    Canonical(
        "item_no", INT, "Item number", ("32",),
        (r"номер\w*\s*товар", r"^(№|n)\s*товар", r"^item(\s*(no|number|num|#))?$",
         r"\bitem\s*(no|number|num)\b", r"порядков\w*\s*номер\w*\s*товар", r"goods\s*item\s*no",
         r"^товар\s*№$", r"номер\w*\s*позиц", r"^correlative$", r"^product\s*number$"),
        (r"декларац", r"\bhs\b", r"code", r"код", r"описан", r"description", r"\bsub\b")),
    Canonical(
        "date", D, "Date", ("072",),
        (r"дата\s*(регистрац|дт\b|декларац|гтд|оформлен|подачи|ввоза|импорт|экспорт|поставк|"
         r"отгрузк|прибыт)", r"^дата(\s*дт)?$", r"\bshipment\s*date", r"\barrival\s*date",
         r"actual\s*arrival", r"^date$", r"registration\s*date", r"declaration\s*date",
         r"\b(import|export|entry|shipping|shipped|customs|clearance|transaction)\s*date",
         r"^date\s*of\s*(registration|declaration|shipment|import|export|arrival|entry|issue)",
         r"^(exp|imp|assessment|registry|reg|issue)\s*date$", r"дата\s*митн\w*\s*декларац",
         r"^period$", r"^период$", r"^(месяц|month)\s*(и|/|&)?\s*(год|year)?$",
         r"^(year\s*)?month$", r"^monthyear$"),
        (r"рожден", r"выпуск", r"release", r"birth", r"expir", r"invoice", r"счет",
         r"контракт", r"contract", r"\bdoc", r"документ", r"estimat")),
    Canonical(
        "release_date", D, "Release date", (),
        (r"дата\s*выпуск", r"выпуск\w*\s*товар", r"^выпуск$", r"release\s*date",
         r"date\s*of\s*release")),
    Canonical("date_precision", T, "Date known to the"),
    Canonical(
        "direction", T, "Direction", ("011", "1"),
        (r"направлен\w*\s*(перемещ|движ)", r"^направлен", r"им\s*/\s*эк", r"^тип\s*декларац",
         r"^(direction|flow|trade\s*flow|trade\s*type|import\s*/\s*export)$",
         r"^импорт\s*/\s*экспорт$", r"^напрямок", r"^(flux\s*1|sens)$", r"^imp\s*or\s*exp$")),
    Canonical(
        "sender", T, "Sender (supplier)", ("022", "2", "02"),
        (r"наименован\w*.*отправител", r"^отправител\w*(\s*\(?наименован\w*\)?)?$",
         r"^экспортер", r"^(shipper|consignor|exporter|supplier|seller|vendor|sender)\b",
         r"shipper\s*(party\s*)?name", r"(exporter|supplier|seller|consignor)\s*name",
         r"^поставщик", r"^продав", r"^відправник", r"^foreign\s*(company|supplier|partner)",
         r"^иностран\w*\s*(компан|контрагент|поставщик)"),
        (*_NOT_A_NAME, r"отправлен")),
    Canonical(
        "sender_country", C, "Sender country", ("0231",),
        (r"стран\w*\s*(отправител|экспортер|поставщик|продав)",
         r"(shipper|supplier|exporter|seller|consignor)\s*country",
         r"country\s*of\s*(exporter|shipper|supplier|seller|consignor)")),
    Canonical(
        "receiver", T, "Receiver (consignee)", ("082", "08", "8"),
        (r"наименован\w*.*получател", r"^(грузо)?получател\w*(\s*\(?наименован\w*\)?)?$",
         r"^(consignee|importer|buyer|receiver|recipient)\b", r"consignee\s*name",
         r"(importer|buyer|receiver)\s*name", r"^импортер", r"^покупател", r"^одержувач",
         r"^(рос|российск\w*)\s*(компан|импортер|получател)"),
        (*_NOT_A_NAME, r"\bedrpou", r"єдрпоу")),
    Canonical(
        "receiver_tax_id", T, "Receiver tax id", ("081",),
        (r"инн\w*\s*(получател|импортер|покупател|грузополучател)",
         r"(получател|импортер|покупател)\w*\s*\(?инн", r"^инн$", r"^(бин|иин|inn)$",
         r"(consignee|importer|buyer|receiver)\s*(tax|inn|tin|bin|id|vat|ein|code|ntn)\b",
         r"(бин|иин)\s*(получател|импортер)", r"едрпоу|єдрпоу|edrpou",
         r"код\s*(получател|одержувач|импортер)", r"^(irs|ein)\s*(number|no)?$",
         r"^(business\s*tin|tpin)$", r"business\s*identification\s*number",
         r"tax\s*identification\s*number$", r"taxpayer\s*tin"),
        (r"check", r"verif")),
    Canonical(
        "declarant", T, "Declarant", ("142", "14"),
        (r"\bdeclarant\b", r"\bapplicant\s*name", r"декларант", r"таможенн\w*\s*представител"),
        (r"инн", r"адрес", r"\bкод\b", r"address", r"\btax\b", r"\bid\b", r"\bcode\b",
         r"\btin\b", r"\bbp\b", r"broker")),
    Canonical(
        "manufacturer", T, "Manufacturer", ("31_11",),
        (r"изготовител", r"производител", r"manufacturer", r"^maker$", r"\bproducer\b",
         r"виробник", r"^manufactu"),
        (r"стран", r"country", r"адрес", r"address", r"year", r"date")),
    Canonical(
        "trademark", T, "Trademark", ("31_12",),
        (r"товарн\w*\s*знак", r"trademark", r"trade\s*mark", r"^brand", r"торгов\w*\s*марк",
         r"^марка$", r"^бренд"),
        (r"model",)),
    Canonical(
        "hs_code", T, "HS code", ("33",),
        (r"тн\s*вэд", r"тнвэд", r"\bhs\s*(code|number|no|kod)?\b", r"harmoni[sz]ed",
         r"commodity\s*code", r"код\w*\s*товар", r"tariff\s*(code|number|no)", r"^hts",
         r"уктзед|уктвэд|укт\s*зед", r"тн\s*зед", r"^код\s*тн", r"^hscode"),
        (r"описан", r"наименован", r"description", r"\bname\b", r"code\s*\d$", r"sure",
         r"level", r"chapter", r"heading")),
    Canonical(
        "description", T, "Description", ("31",),
        (r"описан\w*\s*(товар|груз)", r"(product|goods|commodity|cargo|item)\s*description",
         r"^description", r"наименован\w*\s*(и\s*характеристик\w*\s*)?товар", r"^товар(ы)?$",
         r"^(product|goods|commodity|cargo)$", r"характеристик\w*\s*товар", r"опис\s*товар",
         r"^описан", r"^наименован\w*$", r"^найменуван\w*\s*товар",
         r"(commercial|product)\s*(description|declaration|desc)\b"),
        (r"standardi[sz]ed", r"\bhs\b", r"\bкод\b", r"\bcode\b", r"тн\s*вэд", r"section",
         r"chapter", r"heading", r"tariff")),
    Canonical(
        "origin_country", C, "Origin country", ("16", "34"),
        (r"стран\w*\s*происхожд", r"country\s*of\s*origin", r"origin\s*country", r"^origin$",
         r"^country\s*origin", r"стран\w*\s*производств", r"країн\w*\s*походжен",
         r"^(made\s*in|producing\s*country)$", r"^origin\s*(code|iso)", r"\bcty\s*org")),
    Canonical(
        "trading_country", C, "Trading country", ("11",),
        (r"торгующ\w*\s*стран", r"trading\s*country", r"country\s*of\s*trade",
         r"стран\w*\s*продавц", r"торгуюч\w*\s*країн",
         r"(acquisition|adquisition|adq|purchase|trade)\s*country",
         r"country\s*of\s*(acquisition|purchase)")),
    Canonical(
        "departure_country", C, "Departure country", ("15", "15a"),
        (r"стран\w*\s*отправлен", r"country\s*of\s*(export|departure|dispatch|shipment)\b",
         r"(departure|export|dispatch|shipment)\s*country", r"країн\w*\s*відправлен",
         r"(consignment|exporting|loading|supply|procedence|provenance|province)\s*country",
         r"country\s*of\s*(last\s*)?consignment", r"^from\s*country", r"^(procedence|provenance)$"),
        (r"destination",)),
    Canonical(
        "destination_country", C, "Destination country", ("17", "17a"),
        (r"стран\w*\s*назначен", r"country\s*of\s*(destination|import)",
         r"(destination|import)\s*country", r"країн\w*\s*призначен",
         r"^(country\s*)?destination(\s*code)?$", r"^to\s*country", r"\bcty\s*des")),
    Canonical(
        "gross_kg", N, "Gross weight, kg", ("35",),
        (r"вес\w*\s*брутто", r"брутто", r"gross\s*(weight|wt|mass|kg|kilo)", r"^gross$",
         r"shipment\s*weight", r"^weight(\s*\(?(kg|kgs|lb|lbs)\)?)?$", r"вага\s*брутто",
         r"масса\s*брутто", r"^(вес|масса)(\s*,?\s*кг)?$", r"^g\s*weight", r"^total\s*weights?$",
         r"^totalweights?$", r"^weight\s*in\s*kg"),
        (r"нетто", r"\bnet\b", r"unit", r"ед\w*\s*изм", r"percent", r"%", r"share")),
    Canonical(
        "net_kg", N, "Net weight, kg", ("38",),
        (r"вес\w*\s*нетто", r"нетто", r"net\s*(weight|wt|mass|kg|kilo)", r"вага\s*нетто",
         r"^net$", r"^n\s*weight"),
        (r"unit", r"ед\w*\s*изм", r"percent", r"%", r"share")),
    Canonical(
        "quantity", N, "Quantity", ("41",),
        (r"количеств", r"^(quantity|qty)", r"piece\s*count", r"доп\w*\.?\s*ед", r"кол-во",
         r"кількість", r"^pieces$", r"\bquantity\b", r"^sum\s*of\s*quantity", r"^sumofquantity",
         r"^total\s*quantity", r"^totalquantity$", r"^supp\w*\s*units?$"),
        (r"^unit$", r"unit\s*(of|type)", r"\btype\b", r"ед\w*\.?\s*изм", r"единиц", r"мест\b",
         r"packag", r"uom", r"container", r"\bstd\b", r"sku", r"\bsub\b", r"\b2$",
         r"quantity\s*unit")),
    Canonical(
        "unit", T, "Unit", ("41a",),
        (r"^ед\w*\.?\s*изм", r"единиц\w*\s*измерен", r"^(quantity\s*)?unit(s)?$",
         r"(quantity|qty)\s*unit", r"unit\s*of\s*(measure|quantity)", r"^uom$",
         r"доп\w*\.?\s*ед\w*\.?\s*изм", r"одиниц\w*\s*вимір", r"quantity\s*type",
         r"(additional|commercial|comercial|stat)\s*(measure(ment)?\s*)?unit",
         r"^unit\s*(measure|en)\b"),
        (r"price", r"цена", r"value", r"стоимост", r"weight", r"вес", r"\b2\b")),
    Canonical(
        "invoice_value", N, "Invoice value", ("42",),
        (r"фактурн\w*\s*стоимост", r"invoice\s*(value|amount|price)", r"цена\s*товар",
         r"фактурн\w*\s*вартіст", r"^(item\s*)?(value|amount)$", r"стоимост\w*\s*по\s*счету",
         r"(value|price|fob|cif|amount).*\b(in\s*)?(fc|fcy|foreign\s*currency)\b",
         r"^val\s*fact\s*art"),
        (r"курс", r"rate", r"customs", r"unit\s*price", r"unitprice", r"per\s*(unit|kg)",
         _OTHER_CURRENCIES)),
    Canonical(
        "invoice_currency", T, "Invoice currency", ("221", "22"),
        (r"валют\w*(\s*(контракт|счет|цен|договор)\w*)?$", r"^код\s*валют", r"currency",
         r"^валюта", r"^cure?ncy$"),
        (r"курс", r"rate", r"стоимост", r"value", r"amount", r"сумм",
         r"^(?!currency\s*of).*(price|fob|cif)")),
    Canonical(
        "customs_value_rub", N, "Customs value, RUB", ("45",),
        (r"таможенн\w*\s*стоимост", r"customs\s*(cost\s*)?value.*\b(rub|rur)\b",
         r"\b(rub|rur)\b.*customs\s*value"),
        currency="RUB"),
    Canonical(
        "stat_value_usd", N, "Statistical value, USD", ("46",),
        (r"статистическ\w*\s*стоимост", r"statistical\s*value", r"shipment\s*value",
         r"value\s*\(?\s*(in\s*)?(usd|us\s*\$|\$)", r"(usd|\$)\s*value",
         r"total\s*value\s*(usd|\$)", r"стоимост\w*.*(usd|долл)",
         r"^(fob|cif)\s*(value\s*)?\(?(usd|\$)", r"(amount|price)\s*\(?(usd|\$)",
         r"статистичн\w*\s*вартіст", r"(cif|fob|cnf|vaduana|total|price)\w*.*\b(in\s*)?usd\b",
         r"usd\s*(cif|fob|cnf)\b", r"^totalusd$", r"^val\w*\s*stat"),
        (r"курс", r"rate", r"unit", r"per\s*(kg|unit)", r"invoice", r"average", r"percent", r"%",
         r"\btax", r"bolivar"),
        "USD"),
    Canonical(
        "exchange_rate", N, "Exchange rate", ("23",),
        (r"курс\w*\s*валют", r"exchange\s*rate", r"^курс$", r"^(fx\s*)?rate$",
         r"^(currency|invoice)\s*rate$"),
        (r"\beuro?\b", r"евро")),
)

BY_NAME: dict[str, Canonical] = {c.name: c for c in CANONICAL}
CANONICAL_NAMES: tuple[str, ...] = tuple(c.name for c in CANONICAL)
PROVENANCE = ("source_file", "source_sha256", "source_sheet", "source_row")

#: Columns the reporter can map a header to (``date_precision`` is derived, never mapped).
MAPPABLE: tuple[Canonical, ...] = tuple(c for c in CANONICAL if c.name != "date_precision")

# Currencies a header may name, by ISO code.
CURRENCY_WORDS: dict[str, str] = {
    "USD": r"\busd\b|долл|\bus\s*\$|\$|us\s*dollar",
    "RUB": r"\brub\b|\bруб(?!\w*\s*бел)|\brur\b|рубл(?!\w*\s*бел)",
    "EUR": r"\beur\b|евро|\beuro",
    "AMD": r"\bamd\b|драм|\bdram",
    "KZT": r"\bkzt\b|тенге|тенгe|\btenge",
    "UAH": r"\buah\b|\bгрн\b|гривн|hryvn",
    "UZS": r"\buzs\b|\bсум\b|\bсўм|\bsoum|\bsom\b",
    "BYN": r"\bbyn\b|\bbyr\b|бел\w*\s*руб",
    "CNY": r"\bcny\b|юан|\brmb\b|\byuan",
    "KGS": r"\bkgs\s*som|киргиз\w*\s*сом|кыргыз\w*\s*сом",
}
# Weight units a header or a unit column may name, as kilograms per unit.
WEIGHT_UNITS: dict[str, float] = {
    "kg": 1.0, "kgs": 1.0, "kilogram": 1.0, "kilograms": 1.0, "кг": 1.0, "k": 1.0,
    "lb": 0.45359237, "lbs": 0.45359237, "pound": 0.45359237, "pounds": 0.45359237, "l": 0.45359237,
    "t": 1000.0, "mt": 1000.0, "tonne": 1000.0, "tonnes": 1000.0, "ton": 1000.0, "tons": 1000.0,
    "т": 1000.0, "g": 0.001, "gr": 0.001, "г": 0.001,
}

# The numbered-box code at the start of a non-G header: "022 …", "31_11 …", "ND  Номер…".
_CODE = re.compile(r"^\s*(nd|\d{1,4}(?:_\d{1,2}|[a-c])?)(?=[\s(.:,_-]|$)", re.I)
_PAREN = re.compile(r"^\s*\((.*)\)\s*$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@dataclass(frozen=True)
class HeaderReading:
    """What a header says: its box (a G-code or numbered box), and its words."""

    g_box: boxes.Box | None  # a G-code the declaration has
    g_code: bool  # the header starts with a G-code (known or not)
    code: str  # a numbered-box code without the G ("022", "nd"), "" if none
    text: str  # the words, normalised: lower case, ё as е, camelCase and _ as spaces


def normalise_words(text: str) -> str:
    """A header's words in lower case: ``hsCode``, ``HS_CODE``, ``Hs Code`` all read ``hs code``."""
    text = _CAMEL.sub(" ", str(text))
    text = text.replace("ё", "е").replace("Ё", "Е").replace("_", " ").replace("\u00a0", " ")
    return " ".join(text.split()).lower()


@lru_cache(maxsize=65_536)
def read_header(header: str) -> HeaderReading:
    """Read a header's G-code, numbered-box code and words."""
    raw = " ".join(str(header).split())
    box, rest = boxes.g_code(raw)
    if box is not None or rest != raw:
        return HeaderReading(box, True, box.code if box else "", _inner(normalise_words(rest)))
    match = _CODE.match(raw)
    if not match:
        return HeaderReading(None, False, "", normalise_words(raw))
    rest = _inner(normalise_words(raw[match.end():]))
    return HeaderReading(None, False, match.group(1).lower(), rest)


def split_header(header: str) -> tuple[str, str]:
    """A header's box code (``"022"``, ``"nd"``, ``""``) and its normalised words."""
    reading = read_header(header)
    return reading.code, reading.text


def _inner(rest: str) -> str:
    rest = rest.strip(" .:-_")
    inner = _PAREN.match(rest)
    return (inner.group(1) if inner else rest).strip()


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def words_match(column: Canonical, text: str) -> bool:
    """Whether normalised header words ``text`` name ``column`` (its vetoes aside)."""
    words = _compiled(column.words)
    return bool(words and words.search(text))


@cache
def _currency_patterns() -> dict[str, re.Pattern[str]]:
    return {code: re.compile(pattern) for code, pattern in CURRENCY_WORDS.items()}


def header_currency(text: str) -> str:
    """The currency a header's words name (``"AMD"`` for ``таможенная стоимость, драм``), or ""."""
    found = [code for code, pattern in _currency_patterns().items() if pattern.search(text)]
    return found[0] if len(found) == 1 else ""


_UNIT_IN_HEADER = re.compile(r"(?:^|[\s(,/\[])(kgs?|lbs?|кг|tonnes?|mt|т)(?:[\s).,\]]|$)")


_SCALE_IN_HEADER = re.compile(r"\b(in\s*)?(1\s*000|thousands?)\b|тыс\w*")


def header_scale(text: str) -> float:
    """1,000 for a value header in thousands (``STATISTICAL_VALUE_IN_1000_USD``), else 1."""
    return 1000.0 if _SCALE_IN_HEADER.search(text) else 1.0


def header_weight_unit(text: str) -> str:
    """The weight unit a header names (``weight (lb)`` -> ``"lb"``), or ""."""
    match = _UNIT_IN_HEADER.search(text)
    return match.group(1) if match else ""


#: Scores: a G-code names its box outright; a box number with matching words is nearly as
#: strong; words alone are good; a bare number is weak.
G_CODE, CODE_AND_WORDS, WORDS, BARE_CODE = 6, 5, 3, 2


def score(header: str, column: Canonical) -> int:
    """How strongly ``header`` names ``column`` (0: not at all; see the scores above)."""
    reading = read_header(header)
    if reading.g_box is not None:
        return G_CODE if reading.g_box.canonical == column.name else 0
    text = reading.text
    avoid = _compiled(column.avoid)
    if avoid is not None and avoid.search(text):
        return 0
    if column.currency:
        named = header_currency(text)
        if named and named != column.currency:
            return 0
    words_re = _compiled(column.words)
    words = bool(words_re and words_re.search(text))
    code_hit = bool(reading.code) and (
        reading.code in column.codes
        or ((box := boxes.numbered_box(reading.code)) is not None and box.canonical == column.name)
    )
    if words and code_hit:
        return CODE_AND_WORDS
    if words:
        return WORDS
    # A bare box number is weak evidence; a number followed by unrelated words is none.
    if code_hit and (not text or len(text) <= 2):
        return BARE_CODE
    return 0


def box_kind(box: boxes.Box) -> Kind:
    """What a box holds: its canonical column's kind, text for a box kept as an extra."""
    return BY_NAME[box.canonical].kind if box.canonical else Kind.TEXT


def known_box(header: str) -> boxes.Box | None:
    """The declaration box a ``G``-coded header names, also one kept as an extra column."""
    return read_header(header).g_box


@lru_cache(maxsize=65_536)
def scores(header: str) -> tuple[tuple[str, int], ...]:
    """Every canonical column ``header`` may name, with its score (cached: headers repeat)."""
    if not header.strip() or len(header) > 200:
        return ()
    return tuple((c.name, s) for c in MAPPABLE if (s := score(header, c)))


def best_matches(headers: list[str]) -> dict[int, tuple[str, int]]:
    """Assign canonical names to header positions by header alone: each name once, best first.

    Used to find the header row; the import's mapping also weighs contents
    (:func:`workbench.ingest.mapping.plan_mapping`).
    """
    candidates = []
    for pos, header in enumerate(headers):
        for name, s in scores(str(header)):
            candidates.append((s, -pos, pos, name))
    candidates.sort(reverse=True)
    taken_pos: dict[int, tuple[str, int]] = {}
    taken_name: set[str] = set()
    for s, _neg, pos, name in candidates:
        if pos in taken_pos or name in taken_name:
            continue
        taken_pos[pos] = (name, s)
        taken_name.add(name)
    return taken_pos
