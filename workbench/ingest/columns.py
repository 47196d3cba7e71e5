"""The canonical shipment columns and how vendors spell them.

Customs extracts name the same field in many ways: a G-code (``G46 (Статистическая стоимость,
USD.)``), a box number (``46 Статистическая стоимость``), plain Russian (``Статистическая
стоимость, USD``), or an English vendor's label (``Shipment Value (USD)``). A header is matched by
its box code and by words in its text; the best-scoring column wins each canonical field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache


class Kind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    DATE = "date"
    COUNTRY = "country"


@dataclass(frozen=True)
class Canonical:
    name: str
    kind: Kind
    label: str
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


def _c(
    name: str,
    kind: Kind,
    label: str,
    codes: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
    avoid: tuple[str, ...] = (),
) -> Canonical:
    return Canonical(name, kind, label, codes, words, avoid)


T, N, INT, D, C = Kind.TEXT, Kind.NUMBER, Kind.INTEGER, Kind.DATE, Kind.COUNTRY

# ``words`` are regular expressions searched in the lower-cased header with its code removed
# (``ё`` read as ``е``); ``avoid`` vetoes a match. Order matters only for the documentation.
CANONICAL: tuple[Canonical, ...] = (
    _c("declaration_no", T, "Declaration number", ("nd", "a"),
       (r"номер\s*(декларации|дт|гтд)", r"declaration\s*(number|no|#)", r"^№\s*(дт|гтд)",
        r"^declaration$")),
    _c("item_no", INT, "Item number", ("32",),
       (r"номер\s*товара", r"^item\s*(no|number|#)?$", r"^№\s*товара", r"item\s*(no|number)"),
       (r"декларац",)),
    _c("date", D, "Date", ("072", "gd1", "542"),
       (r"дата\s*(регистрации|дт|декларации|гтд|оформления)", r"shipment\s*date",
        r"actual_arrival_date", r"arrival\s*date", r"^date$", r"^дата$", r"registration\s*date"),
       (r"выпуск", r"рождени")),
    _c("direction", T, "Direction", ("011", "1"),
       (r"направлени", r"им\s*/\s*эк", r"^direction$", r"import\s*/\s*export")),
    _c("sender", T, "Sender (supplier)", ("022", "2", "02"),
       (r"наименование.*отправител", r"^отправитель$", r"экспортер", r"^shipper$",
        r"shipper_party_name", r"shipper\s*name", r"^supplier", r"^exporter"),
       (r"адрес", r"стран", r"standardi", r"инн", r"address", r"country")),
    _c("sender_country", C, "Sender country", ("024", "2c"),
       (r"стран\w*\s*отправител", r"shipper\s*country", r"supplier\s*country"), ()),
    _c("receiver", T, "Receiver (consignee)", ("082", "08", "8"),
       (r"наименование.*получател", r"^получатель$", r"^consignee$", r"consignee_name",
        r"consignee\s*name", r"^importer", r"^импортер"),
       (r"инн", r"адрес", r"стран", r"standardi", r"tax", r"address")),
    _c("receiver_tax_id", T, "Receiver tax id", ("081",),
       (r"инн.*получател", r"получател.*инн", r"^инн$", r"consignee\s*(tax|inn)",
        r"importer\s*(tax|inn)")),
    _c("declarant", T, "Declarant", ("142", "14"),
       (r"декларант", r"^declarant"), (r"инн", r"адрес")),
    _c("manufacturer", T, "Manufacturer", ("31_11", "3111"),
       (r"изготовител", r"производител", r"manufacturer")),
    _c("trademark", T, "Trademark", ("31_12", "3112"),
       (r"товарн\w*\s*знак", r"trademark", r"^brand")),
    _c("hs_code", T, "HS code", ("33",),
       (r"тн\s*вэд", r"hs\s*code", r"harmonized", r"commodity\s*code", r"^hs$",
        r"код\s*товара")),
    _c("description", T, "Description", ("31", "312", "31_1"),
       (r"описание\s*товар", r"product\s*description", r"description", r"наименование\s*товара",
        r"^товар$"),
       (r"standardi",)),
    _c("origin_country", C, "Origin country", ("16", "34"),
       (r"страна\s*происхождения", r"country\s*of\s*origin", r"origin\s*country",
        r"^origin$")),
    _c("trading_country", C, "Trading country", ("11",),
       (r"торгующ\w*\s*стран", r"trading\s*country", r"country\s*of\s*trade")),
    _c("departure_country", C, "Departure country", ("15", "15a"),
       (r"стран\w*\s*отправления", r"country\s*of\s*(export|departure|dispatch)",
        r"departure\s*country", r"export\s*country")),
    _c("destination_country", C, "Destination country", ("17", "17a"),
       (r"стран\w*\s*назначения", r"country\s*of\s*destination", r"destination\s*country")),
    _c("gross_kg", N, "Gross weight, kg", ("35",),
       (r"вес\s*брутто", r"gross\s*weight", r"shipment\s*weight", r"^weight", r"брутто")),
    _c("net_kg", N, "Net weight, kg", ("38",),
       (r"вес\s*нетто", r"net\s*weight", r"нетто")),
    _c("quantity", N, "Quantity", ("41",),
       (r"количеств", r"^quantity", r"piece_count", r"доп\.?\s*ед"),
       (r"unit",)),
    _c("unit", T, "Unit", ("41a",),
       (r"^ед\.?\s*изм", r"единиц\w*\s*измерени", r"^unit", r"quantity\s*unit")),
    _c("invoice_value", N, "Invoice value", ("42",),
       (r"фактурн\w*\s*стоимост", r"invoice\s*value", r"цена\s*товара")),
    _c("invoice_currency", T, "Invoice currency", ("22", "221"),
       (r"валют\w*(\s*контракта|\s*счета|\s*цены)?$", r"currency")),
    _c("customs_value_rub", N, "Customs value, RUB", ("45",),
       (r"таможенн\w*\s*стоимост", r"customs\s*value")),
    _c("stat_value_usd", N, "Statistical value, USD", ("46",),
       (r"статистическ\w*\s*стоимост", r"statistical\s*value", r"shipment\s*value",
        r"value\s*\(?usd", r"usd\s*value")),
    _c("exchange_rate", N, "Exchange rate", ("23",),
       (r"курс\s*валют", r"exchange\s*rate", r"^курс$")),
)

BY_NAME: dict[str, Canonical] = {c.name: c for c in CANONICAL}
CANONICAL_NAMES: tuple[str, ...] = tuple(c.name for c in CANONICAL)
PROVENANCE = ("source_file", "source_sha256", "source_sheet", "source_row")

# A G-code, box number or ND prefix: "G022 (…)", "022 …", "31_11 …", "ND  Номер…", "G15A (…)".
_CODE = re.compile(r"^\s*(?:g\s*)?(nd|gd\d|\d{1,3}(?:_\d{1,2}|[a-c])?)(?=[\s(.:,_-]|$)", re.I)
_PAREN = re.compile(r"^\s*\((.*)\)\s*$")


def split_header(header: str) -> tuple[str, str]:
    """A header's box code (``"022"``, ``"nd"``, ``""``) and its text, lower-cased."""
    text = " ".join(str(header).replace("ё", "е").replace("Ё", "Е").split()).lower()
    match = _CODE.match(text)
    if not match:
        return "", text
    code = match.group(1).lower()
    rest = text[match.end() :].strip(" .:-_")
    inner = _PAREN.match(rest)
    return code, (inner.group(1) if inner else rest).strip()


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def score(header: str, column: Canonical) -> int:
    """How strongly ``header`` names ``column``: 0 none, 2 code only, 3 words, 5 both."""
    code, text = split_header(header)
    avoid = _compiled(column.avoid)
    if avoid is not None and avoid.search(text):
        return 0
    words_re = _compiled(column.words)
    words = bool(words_re and words_re.search(text))
    code_hit = bool(code) and code in column.codes
    if words and code_hit:
        return 5
    if words:
        return 3
    # A bare box number is weak evidence; a number followed by unrelated words is none.
    if code_hit and (not text or len(text) <= 2):
        return 2
    return 0


@lru_cache(maxsize=65_536)
def scores(header: str) -> tuple[tuple[str, int], ...]:
    """Every canonical column ``header`` may name, with its score (cached: headers repeat)."""
    if not header.strip() or len(header) > 200:
        return ()
    return tuple((c.name, s) for c in CANONICAL if (s := score(header, c)))


def best_matches(headers: list[str]) -> dict[int, tuple[str, int]]:
    """Assign canonical names to header positions: each name at most once, best score first."""
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
