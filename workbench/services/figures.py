"""Saved figures: the numbers the story prints, as events, recomputed live with their drift.

Saving a figure records its definition and the value it had then; the fold keeps the latest
version of each name still in force. A figure drifts when its live value moved since it was
saved (new data, a changed merge) or no longer fits the draft's wording (a mistake in the
draft). Conditions on the pseudo-column ``company`` are expanded to the company's spellings at
evaluation time, so a merge changes the figures that rely on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.figures import (
    MEASURES,
    FigureDefinition,
    Stated,
    country_column_of,
    measure,
    parse_stated,
)
from workbench.analysis.filters import Condition, FilterError
from workbench.analysis.versions import Field, fields
from workbench.errors import WorkbenchError
from workbench.services.companies import CompanyBook
from workbench.services.discrepancies import CHOSEN, ChoiceChange, changes_since
from workbench.services.identity import current_author
from workbench.store import events, shipments
from workbench.store.case import CaseFile

FIGURE = "figure.saved"
REMOVED = "figure.removed"
COMPANY = "company"
#: Money figures agree when they differ by less than half a cent; counts must be equal.
TOLERANCE = 0.005


@dataclass
class FigureReport:
    """A figure as it stands now: definition, live value, rows, and why it drifts."""

    definition: FigureDefinition
    value: float
    rows: int
    saved_value: float | None
    saved_rows: int | None
    stated: Stated | None
    drift: list[str]
    mask: np.ndarray
    event_id: str
    author: str
    #: What a reader must know about the rows (dates known only to the month...).
    caveats: list[str] = field(default_factory=list)

    def described(self) -> str:
        """The definition in plain words, with what a reader must know about its rows."""
        return "; ".join([self.definition.describe(), *self.caveats])

    def as_json(self) -> dict[str, Any]:
        d = self.definition
        return {
            "name": d.name,
            "value": round(self.value, 2),
            "stated": d.stated,
            "stated_range": None if self.stated is None else [round(self.stated.low, 2),
                                                              round(self.stated.high, 2)],
            "sentence": d.sentence,
            "drift": bool(self.drift),
            "drift_reasons": self.drift,
            "rows": self.rows,
            "saved_value": None if self.saved_value is None else round(self.saved_value, 2),
            "saved_rows": self.saved_rows,
            "definition": d.describe(),
            "measure": d.measure,
            "value_column": d.value_column,
            "country_column": d.country_column,
            "where": [c.as_json() for c in d.conditions],
            "coverage": {"start": d.coverage[0], "end": d.coverage[1]},
            "id": self.event_id,
            "author": self.author,
            "caveats": self.caveats,
        }


def expand_companies(conditions: list[Condition], book: CompanyBook | None) -> list[Condition]:
    """Turn ``company = NAME`` / ``company in [...]`` into ``sender in <its spellings>``."""
    out = []
    for cond in conditions:
        if cond.column != COMPANY:
            out.append(cond)
            continue
        if cond.op not in ("=", "in"):
            raise WorkbenchError("A company condition takes = or a list of names.")
        names = [cond.value] if cond.op == "=" else list(cond.value)
        wanted = {str(n).casefold() for n in names}
        spellings = sorted(str(n) for n in names)
        for company in book.companies if book is not None else []:
            if company.name.casefold() in wanted or any(a.casefold() in wanted
                                                        for a in company.aliases):
                spellings.extend(company.aliases)
        out.append(Condition("sender", "in", sorted(set(spellings))))
    return out


def definition_of(payload: dict[str, Any]) -> FigureDefinition:
    """A ``figure.saved`` payload as a definition."""
    coverage = payload.get("coverage") or {}
    return FigureDefinition(
        name=str(payload["name"]),
        conditions=tuple(Condition.from_json(c) for c in payload.get("where", [])),
        measure=str(payload.get("measure", "sum")),
        value_column=str(payload.get("value_column", "stat_value_usd")),
        country_column=payload.get("country_column"),
        distinct_column=payload.get("distinct_column"),
        coverage=(coverage.get("start"), coverage.get("end")),
        sentence=payload.get("sentence"),
        stated=payload.get("stated"),
    )


def figure_fields(case: CaseFile) -> dict[str, Field]:
    """Every figure name's versions (saves and removals) still in force, with their heads."""
    return fields(events.read_live(case.conn, (FIGURE, REMOVED)),
                  lambda e: str(e.payload.get("name")))


def saved_figures(case: CaseFile) -> list[events.Event]:
    """The current version of every figure not removed, in order of first save.

    When two copies changed a figure from the same version, the first head by id is shown
    (never the later clock) and :mod:`workbench.services.conflicts` lists both.
    """
    current = [f.current for f in figure_fields(case).values()]
    return [e for e in current if e.kind == FIGURE]


#: How many chosen values a drift reason names before "and N more".
_NAMED_CHOICES = 3


def _chosen_since(changes: list[ChoiceChange], d: FigureDefinition, mask: np.ndarray,
                  ) -> tuple[list[ChoiceChange], float]:
    """The value changes chosen since saving that touch this figure, and what they add."""
    filtered_on = {c.column for c in d.conditions} | ({"sender"} if any(
        c.column == COMPANY for c in d.conditions) else set())
    touching, added = [], 0.0
    for c in changes:
        in_rows = c.position < len(mask) and bool(mask[c.position])
        if c.field == d.value_column and in_rows:
            touching.append(c)
            if d.measure == "sum":
                added += float(c.after or 0.0) - float(c.before or 0.0)
        elif c.field in filtered_on:
            touching.append(c)
    return touching, added


def _named(changes: list[ChoiceChange]) -> str:
    words = "; ".join(c.describe() for c in changes[:_NAMED_CHOICES])
    more = len(changes) - _NAMED_CHOICES
    return words + (f"; and {more} more" if more > 0 else "")


def _evaluate(event: events.Event, frame: pd.DataFrame, book: CompanyBook | None,
              changes: list[ChoiceChange] | None = None) -> FigureReport:
    d = definition_of(event.payload)
    try:
        value, mask = measure(frame, d, expand_companies(list(d.conditions), book))
    except FilterError as exc:
        raise WorkbenchError(f"Figure '{d.name}': {exc}") from None
    saved = event.payload.get("value")
    saved_rows = event.payload.get("rows")
    stated = parse_stated(d.stated) if d.stated else None
    drift = []
    chosen, added = _chosen_since(changes or [], d, mask)
    if saved is not None and abs(value - float(saved)) >= TOLERANCE:
        moved = value - float(saved)
        if chosen and abs(moved - added) < TOLERANCE:
            drift.append(f"the value moved by {moved:+,.2f} since it was saved because another "
                         f"extract's value counts now: {_named(chosen)}")
        elif chosen:
            drift.append(f"the value moved by {moved:+,.2f} since it was saved (new data or a "
                         f"changed merge; values chosen since: {_named(chosen)})")
        else:
            drift.append(f"the value moved by {moved:+,.2f} since it was saved "
                         "(new data or a changed merge)")
    elif saved_rows is not None and int(mask.sum()) != int(saved_rows):
        drift.append(f"{int(mask.sum()) - int(saved_rows):+,} rows since it was saved")
    if stated is not None and not stated.admits(value):
        drift.append(f"{value:,.2f} does not fit the draft's '{d.stated}' "
                     f"({stated.low:,.2f} to {stated.high:,.2f})")
    return FigureReport(d, value, int(mask.sum()), None if saved is None else float(saved),
                        None if saved_rows is None else int(saved_rows), stated, drift, mask,
                        event.id, event.author, date_caveats(frame, mask, d))


def date_caveats(frame: pd.DataFrame, mask: np.ndarray, d: FigureDefinition) -> list[str]:
    """Say when some of a figure's rows are dated only to the month, quarter or year."""
    if "date_precision" not in frame:
        return []
    coarse = frame.loc[mask, "date_precision"].dropna()
    if coarse.empty:
        return []
    kinds = " or ".join(sorted(set(coarse.astype(str))))
    dated = any(c.column == "date" for c in d.conditions)
    risk = "; a date condition may place such rows in the wrong period" if dated else ""
    plural = "row is" if len(coarse) == 1 else "rows are"
    return [f"{len(coarse):,} of its {int(mask.sum()):,} {plural} dated only to the {kinds}"
            f"{risk}"]


def figure_reports(case: CaseFile, frame: pd.DataFrame,
                   book: CompanyBook | None = None) -> list[FigureReport]:
    """Every saved figure recomputed over ``frame`` (the case's counted shipments)."""
    figures = saved_figures(case)
    since: dict[str, list[ChoiceChange]] = {}
    if figures and any(True for _ in events.read(case.conn, CHOSEN)):
        row_keys = shipments.keys(case.conn)[0]
        for hlc in {e.hlc for e in figures}:
            since[hlc] = changes_since(case, hlc, row_keys)
    return [_evaluate(e, frame, book, since.get(e.hlc)) for e in figures]


def figure_payload(
    case: CaseFile,
    frame: pd.DataFrame,
    name: str,
    conditions: list[Condition],
    *,
    book: CompanyBook | None = None,
    measure_name: str = "sum",
    value_column: str | None = None,
    distinct_column: str | None = None,
    stated: str | None = None,
    sentence: str | None = None,
) -> dict[str, Any]:
    """A ``figure.saved`` event's payload: the definition and the value it has now."""
    name = " ".join(name.split())
    if not name:
        raise WorkbenchError("A figure needs a name.")
    if measure_name not in MEASURES:
        raise WorkbenchError(f"{measure_name!r} is not a measure; use {', '.join(MEASURES)}.")
    if stated:
        try:
            parse_stated(stated)
        except FilterError as exc:
            raise WorkbenchError(str(exc)) from None
    value_column = value_column or case.meta("value_column") or "stat_value_usd"
    definition = FigureDefinition(
        name, tuple(conditions), measure_name, value_column, country_column_of(conditions),
        distinct_column, (case.meta("coverage_start"), case.meta("coverage_end")),
        sentence or None, stated or None,
    )
    try:
        value, mask = measure(frame, definition, expand_companies(conditions, book))
    except FilterError as exc:
        raise WorkbenchError(str(exc)) from None
    return {
        "name": name,
        "where": [c.as_json() for c in conditions],
        "measure": measure_name,
        "value_column": value_column,
        "country_column": definition.country_column,
        "distinct_column": distinct_column,
        "coverage": {"start": definition.coverage[0], "end": definition.coverage[1]},
        "sentence": definition.sentence,
        "stated": definition.stated,
        "value": round(value, 2),
        "rows": int(mask.sum()),
        "base": _base(case, name),
    }


def _base(case: CaseFile, name: str) -> list[str]:
    current = figure_fields(case).get(name)
    return sorted(h.id for h in current.heads) if current else []


def save_figure(case: CaseFile, frame: pd.DataFrame, name: str, conditions: list[Condition],
                **options: Any) -> events.Event:
    """Save (or save a new version of) a figure; ``options`` as for :func:`figure_payload`."""
    payload = figure_payload(case, frame, name, conditions, **options)
    with case.transaction() as conn:
        return events.append(conn, kind=FIGURE, payload=payload, author=current_author(),
                             replica=case.replica_id)


def figure_where(case: CaseFile, name: str) -> list[dict[str, Any]]:
    """The saved conditions of the figure called ``name`` (for annotating it)."""
    for e in saved_figures(case):
        if str(e.payload["name"]) == name:
            return list(e.payload.get("where", []))
    raise WorkbenchError(f"There is no figure called '{name}'.")


def remove_figure(case: CaseFile, name: str) -> events.Event:
    """Take a figure off the list (an event; undo brings it back)."""
    if name not in {str(e.payload["name"]) for e in saved_figures(case)}:
        raise WorkbenchError(f"There is no figure called '{name}'.")
    with case.transaction() as conn:
        return events.append(conn, kind=REMOVED, payload={"name": name, "base": _base(case, name)},
                             author=current_author(), replica=case.replica_id)


def evidence_rows(frame: pd.DataFrame, report: FigureReport) -> pd.DataFrame:
    """Exactly the rows behind a figure, in date order, provenance included."""
    rows = frame.loc[report.mask]
    return rows.sort_values("date", kind="stable") if "date" in rows else rows
