"""Words shown to people for the machine names of columns, event kinds and fields.

One table for the window, the Excel summary and the command line's plain text (``--json`` keeps
the machine names). Every string is wrapped in ``QT_TRANSLATE_NOOP(context, text)``, the marker
Qt's ``pyside6-lupdate`` extracts, so a translation file can be made from this module alone::

    pyside6-lupdate workbench/labels.py -ts translations/workbench_ru.ts
    pyside6-lrelease translations/workbench_ru.ts -qm translations/workbench_ru.qm

The contexts are written out as literals in every call, because lupdate reads literals only.
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
    "declaration_no": QT_TRANSLATE_NOOP("Column", "Declaration number"),
    "item_no": QT_TRANSLATE_NOOP("Column", "Item number"),
    "date": QT_TRANSLATE_NOOP("Column", "Date"),
    "release_date": QT_TRANSLATE_NOOP("Column", "Release date"),
    "date_precision": QT_TRANSLATE_NOOP("Column", "Date known to the"),
    "direction": QT_TRANSLATE_NOOP("Column", "Direction"),
    "sender": QT_TRANSLATE_NOOP("Column", "Sender (supplier)"),
    "sender_country": QT_TRANSLATE_NOOP("Column", "Sender country"),
    "receiver": QT_TRANSLATE_NOOP("Column", "Receiver (consignee)"),
    "receiver_tax_id": QT_TRANSLATE_NOOP("Column", "Receiver tax id"),
    "declarant": QT_TRANSLATE_NOOP("Column", "Declarant"),
    "manufacturer": QT_TRANSLATE_NOOP("Column", "Manufacturer"),
    "trademark": QT_TRANSLATE_NOOP("Column", "Trademark"),
    "hs_code": QT_TRANSLATE_NOOP("Column", "HS code"),
    "description": QT_TRANSLATE_NOOP("Column", "Description"),
    "origin_country": QT_TRANSLATE_NOOP("Column", "Origin country"),
    "trading_country": QT_TRANSLATE_NOOP("Column", "Trading country"),
    "departure_country": QT_TRANSLATE_NOOP("Column", "Departure country"),
    "destination_country": QT_TRANSLATE_NOOP("Column", "Destination country"),
    "gross_kg": QT_TRANSLATE_NOOP("Column", "Gross weight, kg"),
    "net_kg": QT_TRANSLATE_NOOP("Column", "Net weight, kg"),
    "quantity": QT_TRANSLATE_NOOP("Column", "Quantity"),
    "unit": QT_TRANSLATE_NOOP("Column", "Unit"),
    "invoice_value": QT_TRANSLATE_NOOP("Column", "Invoice value"),
    "invoice_currency": QT_TRANSLATE_NOOP("Column", "Invoice currency"),
    "customs_value_rub": QT_TRANSLATE_NOOP("Column", "Customs value, RUB"),
    "stat_value_usd": QT_TRANSLATE_NOOP("Column", "Statistical value, USD"),
    "exchange_rate": QT_TRANSLATE_NOOP("Column", "Exchange rate"),
    "company": QT_TRANSLATE_NOOP("Column", "Company"),
    "source_file": QT_TRANSLATE_NOOP("Column", "Source file"),
    "source_sha256": QT_TRANSLATE_NOOP("Column", "Source SHA-256"),
    "source_sheet": QT_TRANSLATE_NOOP("Column", "Source sheet"),
    "source_row": QT_TRANSLATE_NOOP("Column", "Source row"),
}

EVENTS: dict[str, str] = {
    "annotation.added": QT_TRANSLATE_NOOP("Event", "Annotation"),
    "company.merged": QT_TRANSLATE_NOOP("Event", "Names merged"),
    "company.renamed": QT_TRANSLATE_NOOP("Event", "Company renamed"),
    "company.split": QT_TRANSLATE_NOOP("Event", "Names split"),
    "company.suggestion_rejected": QT_TRANSLATE_NOOP("Event", "Names kept apart"),
    "event.undone": QT_TRANSLATE_NOOP("Event", "Undo"),
    "figure.removed": QT_TRANSLATE_NOOP("Event", "Figure removed"),
    "figure.saved": QT_TRANSLATE_NOOP("Event", "Figure saved"),
    "import": QT_TRANSLATE_NOOP("Event", "Import"),
    "note.saved": QT_TRANSLATE_NOOP("Event", "Note saved"),
    "reply.attempt": QT_TRANSLATE_NOOP("Event", "Tried to reach"),
    "reply.declined": QT_TRANSLATE_NOOP("Event", "Declined to comment"),
    "reply.request": QT_TRANSLATE_NOOP("Event", "Asked for comment"),
    "reply.response": QT_TRANSLATE_NOOP("Event", "Reply received"),
    "sanctions.screened": QT_TRANSLATE_NOOP("Event", "Sanctions screening"),
    "shipment.value_chosen": QT_TRANSLATE_NOOP("Event", "Value chosen"),
    "source.added": QT_TRANSLATE_NOOP("Event", "Source added"),
    "source.purged": QT_TRANSLATE_NOOP("Event", "Source removed for good"),
    "timeline.marker_added": QT_TRANSLATE_NOOP("Event", "Timeline marker"),
}

MEASURES: dict[str, str] = {
    "sum": QT_TRANSLATE_NOOP("Measure", "sum of"),
    "count": QT_TRANSLATE_NOOP("Measure", "number of shipments"),
    "distinct": QT_TRANSLATE_NOOP("Measure", "number of distinct"),
}

#: Fields of records shown as words (the Details panel, History), beyond the columns.
FIELDS: dict[str, str] = {
    "author": QT_TRANSLATE_NOOP("Field", "Author"),
    "time": QT_TRANSLATE_NOOP("Field", "Time (UTC)"),
    "kind": QT_TRANSLATE_NOOP("Field", "Kind"),
    "summary": QT_TRANSLATE_NOOP("Field", "What changed"),
    "value_column": QT_TRANSLATE_NOOP("Field", "Value basis"),
    "country_column": QT_TRANSLATE_NOOP("Field", "Country column"),
    "key_date": QT_TRANSLATE_NOOP("Field", "Key date"),
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
