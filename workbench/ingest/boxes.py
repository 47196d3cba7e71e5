"""The boxes of the EAEU goods declaration, as the field names of its electronic copy.

Russian vendor dumps name their columns after the customs service's electronic copy of the
declaration: ``G`` + box number + subfield (``G022`` sender name, ``G34`` origin country code,
``G31_1`` goods description). The words after the code change from vendor to vendor; the code
does not, so a ``G``-prefixed header is recognised by its code alone. A box that fills none of
the story's columns (an address, a tax id of the sender, the transport mode) is still known, so
it is kept as an extra column and never mistaken for one that matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """One field of the declaration's electronic copy.

    ``code`` is the field name without its ``G`` (``"022"``, ``"31_1"``, ``"15a"``, ``"d1"``
    for ``GD1``); ``canonical`` the shipment column it fills ("" when it is kept as an extra
    column); ``rank`` orders two boxes that fill one column (``G34`` code before ``G16`` name):
    the lower rank wins row by row, the other fills its blanks.
    """

    code: str
    canonical: str
    russian: str
    rank: int = 0

    @property
    def box(self) -> str:
        """The box of the paper form (``"31"`` for ``31_11``, ``"15"`` for ``15a``, ``"D"``)."""
        head = self.code.split("_")[0]
        if head[:1] == "d":
            return "D"
        if head in ("nd", "a"):
            return "A"
        digits = head.rstrip("abc")
        return digits[:2].lstrip("0") if len(digits) > 2 else digits.lstrip("0")

    @property
    def subfield(self) -> str:
        """What follows the box in the code (``"11"`` for ``31_11``, ``"a"`` for ``15a``)."""
        if "_" in self.code:
            return self.code.split("_", 1)[1]
        head = self.code
        if head in ("nd", "a"):
            return ""
        digits = head.rstrip("abc")
        tail = head[len(digits):]
        return (digits[2:] if len(digits) > 2 else "") + tail


BOXES: tuple[Box, ...] = (
    Box("nd", "declaration_no", "Номер декларации"),
    Box("a", "declaration_no", "Регистрационный номер декларации"),
    Box("011", "direction", "Направление перемещения (ИМ/ЭК)"),
    Box("012", "", "Код таможенной процедуры"),
    Box("013", "", "Особенность декларирования"),
    Box("021", "", "ИНН / код отправителя"),
    Box("022", "sender", "Наименование отправителя"),
    Box("023", "", "Адрес отправителя"),
    Box("0231", "sender_country", "Код страны отправителя"),
    Box("081", "receiver_tax_id", "ИНН получателя"),
    Box("082", "receiver", "Наименование получателя"),
    Box("083", "", "Адрес получателя"),
    Box("0831", "", "Код страны получателя"),
    Box("091", "", "ИНН лица, ответственного за финансовое урегулирование"),
    Box("092", "", "Наименование лица, ответственного за финансовое урегулирование"),
    Box("093", "", "Адрес лица, ответственного за финансовое урегулирование"),
    Box("141", "", "ИНН декларанта"),
    Box("142", "declarant", "Наименование декларанта"),
    Box("143", "", "Адрес декларанта"),
    Box("11", "trading_country", "Торгующая страна (код)"),
    Box("15", "departure_country", "Страна отправления", rank=1),
    Box("15a", "departure_country", "Код страны отправления"),
    Box("16", "origin_country", "Страна происхождения", rank=1),
    Box("34", "origin_country", "Код страны происхождения"),
    Box("17", "destination_country", "Страна назначения", rank=1),
    Box("17a", "destination_country", "Код страны назначения"),
    Box("18", "", "Транспортное средство при отправлении"),
    Box("19", "", "Контейнер"),
    Box("20", "", "Условия поставки"),
    Box("201", "", "Условия поставки (код)"),
    Box("202", "", "Условия поставки (Инкотермс)"),
    Box("221", "invoice_currency", "Валюта цены договора"),
    Box("222", "", "Общая сумма по счету"),
    Box("23", "exchange_rate", "Курс валюты"),
    Box("24", "", "Характер сделки"),
    Box("25", "", "Вид транспорта на границе"),
    Box("26", "", "Вид транспорта внутри страны"),
    Box("29", "", "Орган въезда / выезда"),
    Box("30", "", "Местонахождение товаров"),
    Box("31", "description", "Описание товаров", rank=1),
    Box("31_1", "description", "Наименование и характеристики товаров"),
    Box("31_11", "manufacturer", "Фирма-изготовитель"),
    Box("31_12", "trademark", "Товарный знак"),
    Box("31_13", "", "Марка товара"),
    Box("31_14", "", "Модель товара"),
    Box("31_15", "", "Артикул товара"),
    Box("31_2", "", "Количество грузовых мест"),
    Box("32", "item_no", "Номер товара"),
    Box("33", "hs_code", "Код товара по ТН ВЭД"),
    Box("35", "gross_kg", "Вес брутто, кг"),
    Box("36", "", "Преференция"),
    Box("37", "", "Процедура"),
    Box("38", "net_kg", "Вес нетто, кг"),
    Box("39", "", "Квота"),
    Box("40", "", "Предшествующий документ"),
    Box("41", "quantity", "Количество в дополнительной единице измерения"),
    Box("41a", "unit", "Дополнительная единица измерения"),
    Box("42", "invoice_value", "Фактурная стоимость товара"),
    Box("43", "", "Метод определения таможенной стоимости"),
    Box("44", "", "Дополнительная информация / представленные документы"),
    Box("45", "customs_value_rub", "Таможенная стоимость, руб."),
    Box("46", "stat_value_usd", "Статистическая стоимость, долл. США"),
    Box("47", "", "Исчисление платежей"),
    Box("541", "", "Место и дата"),
    Box("542", "release_date", "Дата подачи декларации", rank=2),
    Box("072", "date", "Дата регистрации декларации"),
    Box("d1", "release_date", "Дата выпуска товаров"),
    Box("d2", "", "Отметка о выпуске"),
)

BY_CODE: dict[str, Box] = {b.code: b for b in BOXES}

# A G-code at the start of a header: ``G022``, ``G_022``, ``G 34``, ``G31_1``, ``G3111``,
# ``G15A``, ``GD1``, ``G_ND``; then the end, or anything that is not a letter or digit.
_G_CODE = re.compile(r"^\s*g[\s_]?(nd|a|d\d|\d{1,4}(?:_\d{1,2})?[a-c]?)(?![0-9a-zа-я])", re.I)
# Codes written without the underscore of their subfield: ``G311`` is ``G31_1``.
_JOINED = {"311": "31_1", "3111": "31_11", "3112": "31_12", "3113": "31_13", "3114": "31_14",
           "3115": "31_15"}


def g_code(header: str) -> tuple[Box | None, str]:
    """The box a ``G``-prefixed header names (None if none) and the header's text after it."""
    match = _G_CODE.match(header)
    if not match:
        return None, header
    code = match.group(1).lower()
    code = _JOINED.get(code, code)
    box = BY_CODE.get(code) or BY_CODE.get(code.lstrip("0") or code)
    return box, header[match.end():]


def numbered_box(code: str) -> Box | None:
    """The box a bare number names (``"16"``, ``"022"``, ``"31_11"``), if the declaration has it."""
    code = _JOINED.get(code.lower(), code.lower())
    return BY_CODE.get(code)
