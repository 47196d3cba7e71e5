"""Words shown to people for the machine names of columns, event kinds and fields.

One table for the window, the Excel summary and the command line's plain text (``--json`` keeps
the machine names). Every string is wrapped in ``QT_TRANSLATE_NOOP(context, text)``, the marker
Qt's ``pyside6-lupdate`` extracts, so a translation file can be made from this module alone::

    pyside6-lupdate workbench/labels.py -ts translations/workbench_ru.ts

The window installs Qt's translator with :func:`install_translator`; without one (the command
line, tests) the English text is used. This module imports nothing of the workbench or of Qt, so
every layer may use it.
"""

from __future__ import annotations

from collections.abc import Callable

COLUMN, EVENT, FIELD, MEASURE = "Column", "Event", "Field", "Measure"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Mark ``text`` for extraction; the lookup happens in :func:`label`."""
    return text


_translate: Callable[[str, str], str] = lambda context, text: text  # noqa: E731


def install_translator(translate: Callable[[str, str], str]) -> None:
    """Look labels up through ``translate(context, text)`` (the window passes Qt's)."""
    global _translate
    _translate = translate


COLUMNS: dict[str, str] = {
    "declaration_no": QT_TRANSLATE_NOOP(COLUMN, "Declaration number"),
    "item_no": QT_TRANSLATE_NOOP(COLUMN, "Item number"),
    "date": QT_TRANSLATE_NOOP(COLUMN, "Date"),
    "release_date": QT_TRANSLATE_NOOP(COLUMN, "Release date"),
    "date_precision": QT_TRANSLATE_NOOP(COLUMN, "Date known to the"),
    "direction": QT_TRANSLATE_NOOP(COLUMN, "Direction"),
    "sender": QT_TRANSLATE_NOOP(COLUMN, "Sender (supplier)"),
    "sender_country": QT_TRANSLATE_NOOP(COLUMN, "Sender country"),
    "receiver": QT_TRANSLATE_NOOP(COLUMN, "Receiver (consignee)"),
    "receiver_tax_id": QT_TRANSLATE_NOOP(COLUMN, "Receiver tax id"),
    "declarant": QT_TRANSLATE_NOOP(COLUMN, "Declarant"),
    "manufacturer": QT_TRANSLATE_NOOP(COLUMN, "Manufacturer"),
    "trademark": QT_TRANSLATE_NOOP(COLUMN, "Trademark"),
    "hs_code": QT_TRANSLATE_NOOP(COLUMN, "HS code"),
    "description": QT_TRANSLATE_NOOP(COLUMN, "Description"),
    "origin_country": QT_TRANSLATE_NOOP(COLUMN, "Origin country"),
    "trading_country": QT_TRANSLATE_NOOP(COLUMN, "Trading country"),
    "departure_country": QT_TRANSLATE_NOOP(COLUMN, "Departure country"),
    "destination_country": QT_TRANSLATE_NOOP(COLUMN, "Destination country"),
    "gross_kg": QT_TRANSLATE_NOOP(COLUMN, "Gross weight, kg"),
    "net_kg": QT_TRANSLATE_NOOP(COLUMN, "Net weight, kg"),
    "quantity": QT_TRANSLATE_NOOP(COLUMN, "Quantity"),
    "unit": QT_TRANSLATE_NOOP(COLUMN, "Unit"),
    "invoice_value": QT_TRANSLATE_NOOP(COLUMN, "Invoice value"),
    "invoice_currency": QT_TRANSLATE_NOOP(COLUMN, "Invoice currency"),
    "customs_value_rub": QT_TRANSLATE_NOOP(COLUMN, "Customs value, RUB"),
    "stat_value_usd": QT_TRANSLATE_NOOP(COLUMN, "Statistical value, USD"),
    "exchange_rate": QT_TRANSLATE_NOOP(COLUMN, "Exchange rate"),
    "company": QT_TRANSLATE_NOOP(COLUMN, "Company"),
    "source_file": QT_TRANSLATE_NOOP(COLUMN, "Source file"),
    "source_sha256": QT_TRANSLATE_NOOP(COLUMN, "Source SHA-256"),
    "source_sheet": QT_TRANSLATE_NOOP(COLUMN, "Source sheet"),
    "source_row": QT_TRANSLATE_NOOP(COLUMN, "Source row"),
}

EVENTS: dict[str, str] = {
    "annotation.added": QT_TRANSLATE_NOOP(EVENT, "Annotation"),
    "company.merged": QT_TRANSLATE_NOOP(EVENT, "Names merged"),
    "company.renamed": QT_TRANSLATE_NOOP(EVENT, "Company renamed"),
    "company.split": QT_TRANSLATE_NOOP(EVENT, "Names split"),
    "company.suggestion_rejected": QT_TRANSLATE_NOOP(EVENT, "Names kept apart"),
    "event.undone": QT_TRANSLATE_NOOP(EVENT, "Undo"),
    "figure.removed": QT_TRANSLATE_NOOP(EVENT, "Figure removed"),
    "figure.saved": QT_TRANSLATE_NOOP(EVENT, "Figure saved"),
    "import": QT_TRANSLATE_NOOP(EVENT, "Import"),
    "note.saved": QT_TRANSLATE_NOOP(EVENT, "Note saved"),
    "reply.attempt": QT_TRANSLATE_NOOP(EVENT, "Tried to reach"),
    "reply.declined": QT_TRANSLATE_NOOP(EVENT, "Declined to comment"),
    "reply.request": QT_TRANSLATE_NOOP(EVENT, "Asked for comment"),
    "reply.response": QT_TRANSLATE_NOOP(EVENT, "Reply received"),
    "sanctions.screened": QT_TRANSLATE_NOOP(EVENT, "Sanctions screening"),
    "shipment.value_chosen": QT_TRANSLATE_NOOP(EVENT, "Value chosen"),
    "source.added": QT_TRANSLATE_NOOP(EVENT, "Source added"),
    "source.purged": QT_TRANSLATE_NOOP(EVENT, "Source removed for good"),
    "timeline.marker_added": QT_TRANSLATE_NOOP(EVENT, "Timeline marker"),
}

MEASURES: dict[str, str] = {
    "sum": QT_TRANSLATE_NOOP(MEASURE, "sum of"),
    "count": QT_TRANSLATE_NOOP(MEASURE, "number of shipments"),
    "distinct": QT_TRANSLATE_NOOP(MEASURE, "number of distinct"),
}

#: Fields of records shown as words (the Details panel, History), beyond the columns.
FIELDS: dict[str, str] = {
    "author": QT_TRANSLATE_NOOP(FIELD, "Author"),
    "time": QT_TRANSLATE_NOOP(FIELD, "Time (UTC)"),
    "kind": QT_TRANSLATE_NOOP(FIELD, "Kind"),
    "summary": QT_TRANSLATE_NOOP(FIELD, "What changed"),
    "value_column": QT_TRANSLATE_NOOP(FIELD, "Value basis"),
    "country_column": QT_TRANSLATE_NOOP(FIELD, "Country column"),
    "key_date": QT_TRANSLATE_NOOP(FIELD, "Key date"),
}

_TABLES = {COLUMN: COLUMNS, EVENT: EVENTS, FIELD: FIELDS, MEASURE: MEASURES}


def _words(name: str) -> str:
    """A machine name nobody labelled yet, as words: ``packing_list`` -> ``Packing list``."""
    text = " ".join(name.replace(".", " ").replace("_", " ").split())
    return text[:1].upper() + text[1:]


def label(context: str, name: str) -> str:
    """The shown words for ``name`` in ``context``; an unknown name is turned into words."""
    text = _TABLES[context].get(name)
    return _translate(context, text) if text is not None else _words(name)


def column_label(name: str) -> str:
    return label(COLUMN, name)


def event_label(kind: str) -> str:
    return label(EVENT, kind)


def field_label(name: str) -> str:
    return label(FIELD, name)


def lower_label(name: str) -> str:
    """A column's label inside a sentence: ``statistical value, USD`` (acronyms kept)."""
    text = column_label(name)
    first = text.split(" ", 1)[0]
    return text if first.isupper() else text[:1].lower() + text[1:]
