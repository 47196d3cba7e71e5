"""A case as FollowTheMoney entities, so that it can be loaded into Aleph.

Each shipment row becomes one ``EconomicActivity`` (FtM's customs declaration) linked to
``Company`` entities for its sender, receiver and declarant. Suppliers are the case's resolved
companies: the display name as ``name``, every other spelling as ``alias``. What FtM has no
property for (the statistical value, weights, quantity, currencies, manufacturer, trademark,
vendor columns, provenance) goes into the declaration's ``description``, one ``label: value``
line each, so that nothing the reporter relies on is lost on the way.

Ids are stable: a declaration's comes from its declaration and item numbers (else from its source
file's SHA-256, sheet and row), a supplier's from the smallest name key of its spellings (a rename
keeps the id), a receiver's from its tax id, any other party's from its name key.
followthemoney is an optional extra and is imported only when an export runs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.errors import WorkbenchError
from workbench.ingest.columns import BY_NAME, CANONICAL_NAMES, PROVENANCE

if TYPE_CHECKING:
    from followthemoney import EntityProxy, Model

MISSING_EXTRA = (
    "The FollowTheMoney export needs the optional 'ftm' extra: "
    "pip install 'case-workbench[ftm]'."
)
ID_PREFIX = "case-workbench"
DIRECTIONS = {"ИМ": "import", "IM": "import", "ЭК": "export", "EK": "export"}

# Columns that map onto EconomicActivity properties; everything else becomes a note.
_LINKED = ("sender", "receiver", "receiver_tax_id", "declarant")
_PROPERTIES = {
    "declaration_no": "ccdNumber",
    "date": "date",
    "direction": "directionOfTransportation",
    "hs_code": "vedCode",
    "description": "goodsDescription",
    "origin_country": "originCountry",
    "trading_country": "tradingCountry",
    "departure_country": "departureCountry",
    "destination_country": "destinationCountry",
    "invoice_value": "invoiceAmount",
    "customs_value_rub": "customsAmount",
}
_NOTED = (
    "stat_value_usd", "invoice_currency", "exchange_rate", "net_kg", "gross_kg", "quantity",
    "unit", "manufacturer", "trademark", "sender_country",
)


@dataclass(frozen=True)
class Supplier:
    """A resolved company: the name the case shows and the spellings the records use."""

    name: str
    spellings: tuple[str, ...]


def ftm_model() -> Model:
    """The FollowTheMoney model, or one plain sentence when the extra is not installed."""
    try:
        from followthemoney import model
    except ImportError as err:
        raise WorkbenchError(MISSING_EXTRA) from err
    return model


def name_key(name: str) -> str:
    """Case, punctuation and spacing folded away: what makes two spellings the same party."""
    return " ".join(re.sub(r"[\W_]+", " ", name.casefold()).split())


def ftm_entities(
    frame: pd.DataFrame,
    suppliers: Sequence[Supplier],
    *,
    value_column: str = "stat_value_usd",
) -> Iterator[dict[str, Any]]:
    """Yield FtM entity dicts: the companies first, then one declaration per shipment row.

    ``suppliers`` are the resolved senders; a sender spelling they do not cover becomes a
    company of its own. ``value_column`` is the case's value basis, named in every note.
    """
    model = ftm_model()
    parties = _Parties(model)
    yield from parties.suppliers(frame, suppliers)
    yield from parties.receivers(frame)
    yield from parties.declarants(frame)
    yield from _declarations(model, frame, parties, value_column)


class _Parties:
    """The Company entities of a case and the lookups from a row's names to their ids."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.by_spelling: dict[str, str] = {}  # sender spelling -> id
        self.by_key: dict[str, str] = {}  # name key -> id
        self.by_tax_id: dict[str, str] = {}

    def _company(self, *id_parts: str) -> EntityProxy:
        entity = self.model.make_entity("Company")
        entity.make_id(ID_PREFIX, "company", *id_parts)
        return entity

    def suppliers(
        self, frame: pd.DataFrame, suppliers: Sequence[Supplier]
    ) -> Iterator[dict[str, Any]]:
        counts = _text_series(frame, "sender").value_counts()
        covered = {s for supplier in suppliers for s in supplier.spellings}
        groups = list(suppliers) + [
            Supplier(str(s), (str(s),)) for s in counts.index if s not in covered
        ]
        countries = _unanimous_countries(frame)
        for supplier in groups:
            spellings = supplier.spellings or (supplier.name,)
            keys = sorted(name_key(s) for s in spellings)
            entity = self._company(keys[0])
            entity.add("name", supplier.name)
            entity.add("alias", [s for s in spellings if s != supplier.name])
            found = {countries.get(s) for s in spellings if s in counts.index}
            if len(found) == 1 and (only := found.pop()) is not None:
                column, code = only
                entity.add("country", code)
                basis = BY_NAME[column].label.lower()
                entity.add("notes", f"Country: {code}, the {basis} of every shipment it sent.")
            used = [f"{s} ({int(counts[s])})" for s in spellings if s in counts.index]
            if used:
                entity.add("notes", "Spellings in the customs records (shipments): "
                           + "; ".join(used) + ".")
            for spelling in spellings:
                self.by_spelling[spelling] = entity.id or ""
                self.by_key.setdefault(name_key(spelling), entity.id or "")
            yield entity.to_dict()

    def receivers(self, frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
        pairs = pd.DataFrame({
            "name": _text_series(frame, "receiver"),
            "tax_id": _text_series(frame, "receiver_tax_id"),
        }).dropna(how="all").drop_duplicates()
        by_tax: dict[str, EntityProxy] = {}
        order: list[EntityProxy] = []
        for name, tax_id in pairs.itertuples(index=False):
            name, tax_id = _value(name), _value(tax_id)
            if tax_id is None:
                if name is None or name_key(name) in self.by_key:
                    continue
                entity = self._company(name_key(name))
                entity.add("name", name)
                self.by_key[name_key(name)] = entity.id or ""
                order.append(entity)
                continue
            entity = by_tax.get(tax_id)
            if entity is None:
                entity = by_tax[tax_id] = self._company("tax", tax_id)
                _add_tax_id(entity, tax_id)
                self.by_tax_id[tax_id] = entity.id or ""
                order.append(entity)
            if name is not None:
                entity.add("name" if not entity.has("name") else "alias", name)
                self.by_key.setdefault(name_key(name), entity.id or "")
        for entity in order:
            if not entity.has("name"):
                entity.add("name", f"Receiver with tax id {entity.first('taxNumber')}")
            yield entity.to_dict()

    def declarants(self, frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
        for name in _text_series(frame, "declarant").dropna().unique():
            key = name_key(str(name))
            if not key or key in self.by_key:
                continue
            entity = self._company(key)
            entity.add("name", str(name))
            self.by_key[key] = entity.id or ""
            yield entity.to_dict()

    def receiver_id(self, name: str | None, tax_id: str | None) -> str | None:
        if tax_id is not None and tax_id in self.by_tax_id:
            return self.by_tax_id[tax_id]
        return self.by_key.get(name_key(name)) if name else None


def _declarations(
    model: Model, frame: pd.DataFrame, parties: _Parties, value_column: str
) -> Iterator[dict[str, Any]]:
    extras = [c for c in frame.columns if c not in CANONICAL_NAMES and c not in PROVENANCE]
    wanted = list(dict.fromkeys(
        ["item_no", *_LINKED, *_PROPERTIES, *_NOTED, value_column, *PROVENANCE, *extras]
    ))
    columns = {c: _column_values(frame, c) for c in wanted}
    basis = BY_NAME[value_column].label if value_column in BY_NAME else value_column
    for i in range(len(frame)):
        row = {c: values[i] for c, values in columns.items()}
        entity = model.make_entity("EconomicActivity")
        declaration, item = row["declaration_no"], row["item_no"]
        if declaration is not None:
            entity.make_id(ID_PREFIX, "declaration", declaration, item or "")
            entity.add("recordId", f"{declaration} item {item}" if item else declaration)
        else:
            entity.make_id(ID_PREFIX, "row", row["source_sha256"] or "",
                           row["source_sheet"] or "", row["source_row"] or "")
        notes = [f"Value basis of the case ({basis}): {row[value_column] or 'blank'}"]
        for column, prop in _PROPERTIES.items():
            value = row[column]
            if column == "direction" and value is not None:
                value = DIRECTIONS.get(value.upper(), value)
            if value is not None and not _add(entity, prop, value):
                notes.append(f"{BY_NAME[column].label}: {value}")
        if row["invoice_currency"] == "USD" and row["exchange_rate"] is not None:
            entity.add("dollarExchRate", row["exchange_rate"])
        _link(entity, "sender", parties.by_spelling.get(row["sender"] or ""))
        _link(entity, "receiver", parties.receiver_id(row["receiver"], row["receiver_tax_id"]))
        if row["declarant"] is not None:
            _link(entity, "declarant", parties.by_key.get(name_key(row["declarant"])))
        notes.extend(_notes(row, extras, value_column))
        entity.add("description", "\n".join(notes))
        yield entity.to_dict()


def _notes(
    row: Mapping[str, str | None], extras: Sequence[str], value_column: str
) -> list[str]:
    """The lines for what FtM has no property for, units spelled out."""
    lines = []
    if row["customs_value_rub"] is not None:
        lines.append("Customs value (customsAmount) is in RUB")
    if row["invoice_value"] is not None:
        currency = row["invoice_currency"] or "an unstated currency"
        lines.append(f"Invoice value (invoiceAmount) is in {currency}")
    for column in ("stat_value_usd", "net_kg", "gross_kg"):
        if row[column] is not None and column != value_column:
            lines.append(f"{BY_NAME[column].label}: {row[column]}")
    if row["quantity"] is not None:
        lines.append(f"Quantity: {row['quantity']} {row['unit'] or ''}".rstrip())
    if row["exchange_rate"] is not None:
        lines.append(f"Exchange rate to RUB ({row['invoice_currency'] or '?'}): "
                     f"{row['exchange_rate']}")
    for column in ("manufacturer", "trademark", "sender_country"):
        if row[column] is not None:
            lines.append(f"{BY_NAME[column].label}: {row[column]}")
    lines.extend(f"{c}: {row[c]}" for c in extras if row[c] is not None)
    source = ", ".join(
        part for part in (
            row["source_file"],
            f"sheet {row['source_sheet']}" if row["source_sheet"] else None,
            f"row {row['source_row']}" if row["source_row"] else None,
            f"SHA-256 {row['source_sha256']}" if row["source_sha256"] else None,
        ) if part
    )
    if source:
        lines.append(f"Source: {source}")
    return lines


def _add(entity: EntityProxy, prop: str, value: str) -> bool:
    """Add a value; False when FtM's cleaning refused it (the caller keeps it as a note)."""
    before = len(entity.get(prop))
    entity.add(prop, value)
    return len(entity.get(prop)) > before


def _add_tax_id(entity: EntityProxy, tax_id: str) -> None:
    """A valid Russian INN as ``innCode``; any tax id as ``taxNumber``, which is unchecked."""
    entity.add("innCode", tax_id)
    entity.add("taxNumber", tax_id)


def _link(entity: EntityProxy, prop: str, target: str | None) -> None:
    if target:
        entity.add(prop, target)


def _text_series(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series([None] * len(frame), dtype="object")
    series = frame[column].astype("string").str.strip()
    return series.mask(series == "")


def _unanimous_countries(frame: pd.DataFrame) -> dict[str, tuple[str, str] | None]:
    """Sender spelling -> (column, country) when all its rows agree, else None.

    The sender's own country is preferred; failing that the trading country, which box 11
    defines as the seller's.
    """
    senders = _text_series(frame, "sender")
    out: dict[str, tuple[str, str] | None] = {}
    for column in ("sender_country", "trading_country"):
        countries = _text_series(frame, column)
        both = pd.DataFrame({"s": senders, "c": countries}).dropna()
        distinct = both.groupby("s", observed=True)["c"].agg(["nunique", "first"])
        for sender, (n, first) in distinct.iterrows():
            if sender not in out:
                out[str(sender)] = (column, str(first)) if n == 1 else None
    return out


def _column_values(frame: pd.DataFrame, column: str) -> list[str | None]:
    """A column as text, blanks as None: dates ISO, numbers without a trailing ``.0``."""
    if column not in frame:
        return [None] * len(frame)
    series = frame[column]
    if pd.api.types.is_datetime64_any_dtype(series):
        return [_value(v) for v in series.dt.strftime("%Y-%m-%d").tolist()]
    return [_value(v) for v in series.tolist()]


def _value(value: object) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value).strip()
    return text or None
