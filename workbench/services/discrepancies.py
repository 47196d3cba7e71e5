"""Discrepancies between extracts, and the reporter's choice of which value counts.

The shipment held (the first copy the case saw) counts until the reporter chooses another
extract's value for one of its fields. That choice is a ``shipment.value_chosen`` event naming
the shipment (declaration and item), the field and the row the value comes from (file SHA-256,
sheet, row), so it means the same in every copy of the case, whichever copy it held first. It
is a version of the field (``base`` names the choices it replaces): two reporters choosing
differently in two copies is a conflict, never settled by a clock. Undoing it is an
``event.undone``; the previous choice, or the held value, counts again.

The fold never trusts a choice: the value that counts is read from the named row, which must be
the held shipment or an offered copy of it that the case keeps, and must agree with the value
the event states. A choice that fails is reported in one sentence and not applied.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.analysis.versions import Field, fields
from workbench.errors import WorkbenchError
from workbench.ingest.columns import BY_NAME
from workbench.ingest.differences import Discrepancies, Discrepancy, compare, describe
from workbench.ingest.normalise import declaration_keys
from workbench.services.identity import current_author
from workbench.services.overlap import HeldRows, positions_of
from workbench.store import events, shipments
from workbench.store import offered as offered_rows
from workbench.store.case import CaseFile
from workbench.store.offered import FIELD_KIND
from workbench.store.payloads import VALUE_CHOSEN, value_problem
from workbench.store.payloads import problem as payload_problem

CHOSEN = VALUE_CHOSEN


def discrepancy_id(d: Discrepancy) -> str:
    """A short id for one offered value: stable, the same in every copy of the case."""
    text = "\x1f".join((d.declaration_no, str(d.item_no), d.field, d.sha256, d.sheet,
                        str(d.row)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def field_label(name: str) -> str:
    return BY_NAME[name].label if name in BY_NAME else name


def shipment_label(declaration_no: str, item_no: int) -> str:
    return f"{declaration_no} item {item_no}"


def key_of(declaration_no: str, item_no: int) -> int:
    """The declaration key the store and the importer give this declaration item."""
    table = pa.table({"declaration_no": pa.array([declaration_no], pa.string()),
                      "item_no": pa.array([item_no], pa.int64())})
    return int(declaration_keys(table)[0])


# -- the choices in the log ---------------------------------------------------------------------


def field_key(declaration_no: object, item_no: object, name: object) -> str:
    """How a shipment's field is named among the record's versioned fields."""
    return f"{declaration_no} item {item_no}: {name}"


def _field_key(e: events.Event) -> str:
    p = e.payload
    return field_key(p.get("declaration_no"), p.get("item_no"), p.get("field"))


def choice_fields(case: CaseFile, as_of: str | None = None) -> dict[str, Field]:
    """Every shipment field with a choice in force (at clock ``as_of``, or now)."""
    log = events.read(case.conn)
    if as_of is not None:
        log = [e for e in log if e.hlc <= as_of]
    return fields([e for e in events.live(log) if e.kind == CHOSEN], _field_key)


@dataclass(frozen=True)
class Source:
    """Where a value comes from: a row of an input file."""

    file: str
    sha256: str
    sheet: str
    row: int

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.sha256, "sheet": self.sheet, "row": self.row}

    def describe(self) -> str:
        sheet = f" sheet {self.sheet}" if self.sheet else ""
        return f"{self.file}{sheet} row {self.row}"

    def same_row(self, other: Source) -> bool:
        return (self.sha256, self.sheet, self.row) == (other.sha256, other.sheet, other.row)


@dataclass(frozen=True)
class Applied:
    """A choice in force: which frame row and field, the held value and the value counted."""

    position: int
    key: int
    declaration_no: str
    item_no: int
    field: str
    held: Any
    value: Any
    source: Source
    event: events.Event
    in_conflict: bool = False

    @property
    def changes(self) -> bool:
        return not _same(self.field, self.held, self.value)


@dataclass
class ChoicesInForce:
    """The choices that change what counts, and those that could not be applied (why)."""

    applied: list[Applied] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def at(self, key: int, name: str) -> Applied | None:
        return next((a for a in self.applied if a.key == key and a.field == name), None)


def _same(name: str, a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if FIELD_KIND.get(name) == "number":
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return bool(a == b)


@dataclass
class _Copies:
    """The held row and the offered copies of some shipments, as JSON-ready values."""

    held: dict[int, dict[str, Any]]
    offered: dict[int, list[dict[str, Any]]]


_PROVENANCE = ("source_file", "source_sha256", "source_sheet", "source_row")


def _rows_by_key(table: pa.Table, keys: np.ndarray) -> list[tuple[int, dict[str, Any]]]:
    names = [n for n in ("declaration_no", "item_no", *FIELD_KIND, *_PROVENANCE)
             if n in table.column_names]
    picked = table.select(names).to_pylist()
    return [(int(k), row) for k, row in zip(keys.tolist(), picked, strict=True)]


def _copies(case: CaseFile, wanted: np.ndarray, row_keys: np.ndarray) -> _Copies:
    """The held rows and offered copies of these shipments (only the chunks holding them)."""
    from workbench.ingest.differences import json_value

    held_table, found = HeldRows(case.conn, row_keys).rows(wanted)
    held = {k: {n: json_value(v) for n, v in row.items()}
            for k, row in _rows_by_key(held_table.filter(pa.array(found)), wanted[found])}
    offered: dict[int, list[dict[str, Any]]] = {}
    copies = offered_rows.read(case.conn, wanted)
    if copies is not None:
        for k, row in _rows_by_key(copies.table, copies.decl_keys):
            offered.setdefault(k, []).append({n: json_value(v) for n, v in row.items()})
    return _Copies(held, offered)


def _source(row: dict[str, Any]) -> Source:
    return Source(str(row.get("source_file") or ""), str(row.get("source_sha256") or ""),
                  str(row.get("source_sheet") or ""), int(row.get("source_row") or 0))


def in_force(case: CaseFile, row_keys: np.ndarray | None = None,
             as_of: str | None = None) -> ChoicesInForce:
    """The choices in force (at ``as_of``, or now), checked against the rows they name.

    ``row_keys`` are the declaration keys of the shipment frame's rows, in its order.
    """
    result = ChoicesInForce()
    current = choice_fields(case, as_of)
    if not current:
        return result
    heads = []
    for f in current.values():
        wrong = payload_problem(CHOSEN, f.current.payload)
        if wrong:  # written before it was checked, or by hand: reported, never applied
            result.problems.append(f"A choice ({f.current.id[:12]}) cannot be used ({wrong}); "
                                   "it is not applied.")
        else:
            heads.append((f.current, f.in_conflict))
    if not heads:
        return result
    keys = {e.id: key_of(str(e.payload["declaration_no"]), int(e.payload["item_no"]))
            for e, _conflict in heads}
    if row_keys is None:
        row_keys = shipments.keys(case.conn)[0]
    wanted_keys = np.array(sorted(set(keys.values())), dtype=np.uint64)
    copies = _copies(case, wanted_keys, row_keys)
    where = dict(zip(wanted_keys.tolist(), positions_of(row_keys, wanted_keys).tolist(),
                     strict=True))
    for event, conflict in heads:
        p = event.payload
        what = f"{shipment_label(p['declaration_no'], p['item_no'])} ({field_label(p['field'])})"
        key = keys[event.id]
        held = copies.held.get(key)
        positions = [where[key]] if where.get(key, -1) >= 0 else []
        if held is None or not positions:
            result.problems.append(f"A choice for {what} names a shipment this case does not "
                                   "hold; it is not applied.")
            continue
        wanted = Source(str(p["source"].get("file", "")), str(p["source"]["sha256"]),
                        str(p["source"].get("sheet", "")), int(p["source"]["row"]))
        rows = [held, *copies.offered.get(key, [])]
        row = next((r for r in rows if _source(r).same_row(wanted)), None)
        if row is None:
            result.problems.append(f"A choice for {what} names {wanted.describe()}, which this "
                                   "case does not hold; it is not applied.")
            continue
        value = row.get(p["field"])
        if value is None or not _same(p["field"], value, p["value"]):
            result.problems.append(f"A choice for {what} states a value {wanted.describe()} "
                                   "does not give; it is not applied.")
            continue
        result.applied.append(Applied(int(positions[0]), key, str(p["declaration_no"]),
                                      int(p["item_no"]), str(p["field"]), held.get(p["field"]),
                                      value, _source(row), event, conflict))
    return result


# -- the frame the analysis reads -----------------------------------------------------------------


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return None
    if FIELD_KIND[name] == "date":
        return pd.Timestamp(value)
    if FIELD_KIND[name] == "number":
        return float(value)
    return str(value)


def apply_choices(frame: pd.DataFrame, now: ChoicesInForce,
                  before: ChoicesInForce | None = None) -> pd.DataFrame:
    """``frame`` with the chosen values counted (and ``before``'s taken back).

    Returns a new frame sharing every column it does not change; ``frame`` is left as it is.
    """
    cells: dict[tuple[int, str], Any] = {}
    for a in before.applied if before is not None else ():
        cells[(a.position, a.field)] = a.held
    for a in now.applied:
        cells[(a.position, a.field)] = a.value
    if not cells:
        return frame
    out = frame.copy(deep=False)
    for name in sorted({f for _, f in cells}):
        if name not in out:
            continue
        column = out[name].copy()
        for (position, f), value in cells.items():
            if f == name and position < len(column):
                column.iloc[position] = _cell(name, value)
        out[name] = column
    return out


def counted_frame(case: CaseFile, frame: pd.DataFrame) -> pd.DataFrame:
    """The shipment frame with the choices in force applied (the frame every figure reads)."""
    choices = in_force(case)
    return apply_choices(frame, choices) if choices.applied else frame


# -- listing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One discrepancy with its id and whether the offered value is the one that counts."""

    id: str
    discrepancy: Discrepancy
    counted: str  # "held" or "offered"
    in_conflict: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.discrepancy.as_json(), "counted": self.counted,
                "in_conflict": self.in_conflict}


@dataclass
class CaseDiscrepancies:
    """Every discrepancy the case keeps, with the choices in force."""

    items: list[Listed]
    summary: Discrepancies
    problems: list[str]

    def as_json(self) -> dict[str, Any]:
        counts = self.summary.as_json()
        counts.pop("items", None)
        counts.pop("listed_all", None)
        return {**counts, "discrepancies": [x.as_json() for x in self.items],
                "chosen": sum(1 for x in self.items if x.counted == "offered"),
                "not_applied": self.problems}


def list_discrepancies(case: CaseFile, wanted: np.ndarray | None = None) -> CaseDiscrepancies:
    """The case's discrepancies (of the shipments whose keys are in ``wanted``; all if None)."""
    found = offered_rows.read(case.conn, wanted)
    choices = in_force(case)
    if found is None:
        return CaseDiscrepancies([], Discrepancies(), choices.problems)
    held, present = HeldRows(case.conn).rows(found.decl_keys)
    masks = compare(held, found.table)
    masks[~present] = 0
    summary = describe(held, found.table, masks, limit=None)
    chosen = {(a.declaration_no, a.item_no, a.field): a for a in choices.applied}
    items = []
    for d in summary.items:
        a = chosen.get((d.declaration_no, d.item_no, d.field))
        counted = "offered" if a is not None and a.source.same_row(
            Source(d.file, d.sha256, d.sheet, d.row)) else "held"
        items.append(Listed(discrepancy_id(d), d, counted, bool(a and a.in_conflict)))
    return CaseDiscrepancies(items, summary, choices.problems)


def shipment_discrepancies(case: CaseFile, key: int) -> list[Listed]:
    """The discrepancies of one shipment (by its declaration key), field by field."""
    return list_discrepancies(case, np.array([key], dtype=np.uint64)).items


def any_offered(case: CaseFile) -> bool:
    """Whether the case keeps any other extract's values at all."""
    return case.conn.execute("SELECT 1 FROM offered_chunks LIMIT 1").fetchone() is not None


def marks(case: CaseFile, row_keys: np.ndarray) -> np.ndarray:
    """How many fields another extract gives otherwise, per frame row (0 for most rows)."""
    keys, masks = offered_rows.keys(case.conn)
    counts = np.zeros(len(row_keys), dtype=np.int8)
    if not len(keys):
        return counts
    order = np.argsort(keys, kind="stable")
    keys, masks = keys[order], masks[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    unique, merged = keys[starts], np.bitwise_or.reduceat(masks, starts)
    bits = np.unpackbits(merged.astype("<u4").view(np.uint8).reshape(-1, 4), axis=1)
    per_key = bits.sum(axis=1).astype(np.int8)
    at = np.minimum(np.searchsorted(unique, row_keys), len(unique) - 1)
    hit = unique[at] == row_keys
    counts[hit] = per_key[at[hit]]
    return counts


# -- choosing -------------------------------------------------------------------------------------


def choose(case: CaseFile, discrepancy: Discrepancy, *, keep_held: bool = False) -> events.Event:
    """Count the offered value of ``discrepancy`` (or, ``keep_held``, the held one again)."""
    d = discrepancy
    if keep_held:
        value, source = d.held, Source(d.held_file, d.held_sha256, d.held_sheet, d.held_row)
    else:
        value, source = d.offered, Source(d.file, d.sha256, d.sheet, d.row)
    wrong = value_problem(d.field, value)
    if wrong:
        raise WorkbenchError(f"That value cannot be counted: {wrong}.")
    key = key_of(d.declaration_no, d.item_no)
    current = in_force(case).at(key, d.field)
    counted = current.source if current is not None else Source(
        d.held_file, d.held_sha256, d.held_sheet, d.held_row)
    if counted.same_row(source):
        what = f"{shipment_label(d.declaration_no, d.item_no)} ({field_label(d.field)})"
        raise WorkbenchError(f"That value already counts for {what}.")
    previous = current.value if current is not None else d.held
    existing = choice_fields(case).get(field_key(d.declaration_no, d.item_no, d.field))
    payload = {
        "declaration_no": d.declaration_no, "item_no": d.item_no, "field": d.field,
        "value": value, "previous": previous, "source": source.as_json(),
        "base": sorted(h.id for h in existing.heads) if existing else [],
    }
    with case.transaction() as conn:
        return events.append(conn, kind=CHOSEN, payload=payload, author=current_author(),
                             replica=case.replica_id)


def find(case: CaseFile, discrepancy: str) -> Listed:
    """The discrepancy with this id (or an unambiguous start of it, 6 characters or more)."""
    wanted = discrepancy.strip().lower()
    matches = [x for x in list_discrepancies(case).items
               if x.id == wanted or (len(wanted) >= 6 and x.id.startswith(wanted))]
    if not matches:
        raise WorkbenchError(f"There is no discrepancy {discrepancy[:12]} in this case; "
                             "'workbench discrepancies' lists them.")
    if len(matches) > 1:
        raise WorkbenchError(f"{discrepancy} names more than one discrepancy; give more of its id.")
    return matches[0]


# -- what changed since a moment (for figures saved before a choice) ------------------------------


@dataclass(frozen=True)
class ChoiceChange:
    """A field whose counted value changed since a moment: then, now, and why."""

    position: int
    declaration_no: str
    item_no: int
    field: str
    before: Any
    after: Any
    source: Source | None  # where the value now counted comes from (None: back to held)

    def describe(self) -> str:
        what = f"{shipment_label(self.declaration_no, self.item_no)}, {field_label(self.field)}"
        where = f" from {self.source.describe()}" if self.source is not None else ""
        return (f"{what}: {format_value(self.field, self.after)}{where} counts in place of "
                f"{format_value(self.field, self.before)}")


def format_value(name: str, value: Any) -> str:
    if value is None:
        return "(blank)"
    if FIELD_KIND.get(name) == "number":
        return f"{float(value):,.2f}"
    return str(value)


def changes_since(case: CaseFile, hlc: str, row_keys: np.ndarray | None = None,
                  ) -> list[ChoiceChange]:
    """Fields whose counted value differs from what counted at clock ``hlc``."""
    if not choice_fields(case) and not any(
            e.kind == events.UNDO and e.payload.get("kind") == CHOSEN
            for e in events.read(case.conn, events.UNDO)):
        return []
    if row_keys is None:
        row_keys = shipments.keys(case.conn)[0]
    then, now = in_force(case, row_keys, hlc), in_force(case, row_keys)
    before = {(a.position, a.field): a for a in then.applied}
    after = {(a.position, a.field): a for a in now.applied}
    found = []
    for spot in sorted(set(before) | set(after)):
        b, a = before.get(spot), after.get(spot)
        ref = a or b
        assert ref is not None
        old = b.value if b is not None else ref.held
        new = a.value if a is not None else ref.held
        if _same(ref.field, old, new):
            continue
        source = a.source if a is not None and a.changes else None
        found.append(ChoiceChange(spot[0], ref.declaration_no, ref.item_no, ref.field,
                                  old, new, source))
    return found
