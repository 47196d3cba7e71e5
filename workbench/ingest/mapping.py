"""Which column of a sheet fills which shipment field: headers weighed against contents.

:func:`plan_mapping` reads every header (:mod:`workbench.ingest.columns`), profiles the
candidate columns' first cells (:mod:`workbench.ingest.content`), and assigns each field the
column whose header and contents fit best. It says why: which column was chosen over which,
which column was passed over because its cells are not what its header promises, which value
column holds another currency than the field's, which weights are in pounds.

Two boxes of the declaration that fill one field (``G34`` origin code and ``G16`` origin name;
``G15A`` and ``G15``) are both kept, in order: the first filled one wins row by row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import pyarrow as pa

from workbench.ingest import columns as cols
from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.content import Fit, Profile, fit, profile


class Confidence(StrEnum):
    HIGH = "high"  # a G-code, a box number with its words, or the reporter's own choice
    MEDIUM = "medium"  # words of the header, with contents that fit
    LOW = "low"  # a weak header, or contents that do not look like the field


class Origin(StrEnum):
    DETECTED = "detected"
    RECIPE = "recipe"  # the mapping saved when a file of this layout was imported
    CHOSEN = "chosen"  # the reporter's own mapping


@dataclass(frozen=True)
class Assignment:
    """One column of the sheet filling one field."""

    position: int
    header: str
    canonical: str
    confidence: Confidence
    why: str  # "G-code G34", "box 16 and its words", "its words", "chosen by hand"
    origin: Origin = Origin.DETECTED
    rank: int = 0  # among columns that fill one field, the lower fills first
    factor: float = 1.0  # multiplies the values (a weight in pounds, to kilograms)


@dataclass(frozen=True)
class Choice:
    """Several columns could fill one field: which was chosen, and why the others were not."""

    canonical: str
    chosen: str
    passed_over: tuple[tuple[str, str], ...]  # (header, why not)

    def sentence(self) -> str:
        label = BY_NAME[self.canonical].label.lower()
        others = "; ".join(f"'{h}', which {why}" for h, why in self.passed_over)
        return f"{label[:1].upper()}{label[1:]}: '{self.chosen}' was chosen over {others}."


@dataclass(frozen=True)
class WeightUnits:
    """A column naming the weight unit row by row, and the weight fields it applies to."""

    position: int
    header: str
    applies_to: tuple[str, ...]


@dataclass
class MappingPlan:
    """The whole mapping of one sheet."""

    assignments: list[Assignment]
    choices: list[Choice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    weight_units: WeightUnits | None = None
    profiles: dict[int, Profile] = field(default_factory=dict)
    #: Position -> canonical as detected, before recipes and the reporter's choices.
    detected: dict[int, str] = field(default_factory=dict)

    def positions(self) -> dict[int, str]:
        """Position -> canonical name, as recipes and the preview speak of it."""
        return {a.position: a.canonical for a in self.assignments}

    def for_column(self, canonical: str) -> list[Assignment]:
        """The columns filling ``canonical``, in the order they fill it."""
        return sorted((a for a in self.assignments if a.canonical == canonical),
                      key=lambda a: a.rank)

    def mapped(self) -> set[str]:
        return {a.canonical for a in self.assignments}


#: Fields that may be filled by two columns row by row (a country's name and its code).
_COALESCE_KINDS = (Kind.COUNTRY,)
#: A column whose header says name but whose cells are another field's.
_REDIRECT = {"receiver": "receiver_tax_id"}
#: Below this content fit a column is not given the field its words name.
_MISFIT = 0.3


@dataclass(frozen=True)
class _Candidate:
    position: int
    header: str
    canonical: str
    header_score: int
    fit: Fit
    rank: int

    @property
    def total(self) -> float:
        return self.header_score + 3 * self.fit.score


def plan_mapping(headers: list[str], table: pa.Table | None = None) -> MappingPlan:
    """Assign fields to columns by header and, where ``table`` is given, by contents."""
    width = table.num_columns if table is not None else len(headers)
    profiles: dict[int, Profile] = {}

    def profile_of(pos: int) -> Profile | None:
        if table is None or pos >= width:
            return None
        if pos not in profiles:
            profiles[pos] = profile(table.column(pos))
        return profiles[pos]

    notes: list[str] = []
    candidates: list[_Candidate] = []
    for pos, header in enumerate(headers):
        header = str(header)
        reading = cols.read_header(header)
        for name, s in cols.scores(header):
            p = profile_of(pos)
            content = fit(p, name) if p is not None else Fit(1.0)
            rank = reading.g_box.rank if reading.g_box is not None else 0
            candidates.append(_Candidate(pos, header, name, s, content, rank))
        veto = _currency_veto(header)
        if veto:
            notes.append(veto)

    plan = _assign(candidates, notes, profile_of)
    plan.profiles = profiles
    plan.weight_units = _weight_units(headers, plan)
    _stand_in(plan, headers, profile_of)
    for i, a in enumerate(plan.assignments):
        text = cols.read_header(a.header).text
        if a.canonical in ("gross_kg", "net_kg") and plan.weight_units is None:
            unit = cols.header_weight_unit(text)
            factor = cols.WEIGHT_UNITS.get(unit, 1.0)
            if factor != 1.0:
                plan.assignments[i] = _with_factor(a, factor)
                notes.append(f"'{a.header}' is in {unit}: converted to kilograms.")
        elif BY_NAME[a.canonical].kind is Kind.NUMBER and cols.header_scale(text) != 1.0:
            plan.assignments[i] = _with_factor(a, cols.header_scale(text))
            notes.append(f"'{a.header}' is in thousands: multiplied by 1,000.")
    return plan


#: A column that may stand in for a field no column names outright, said out loud.
_STAND_INS = {"stat_value_usd": re.compile(r"invoice.*\busd\b|\busd\b.*invoice|invoice\w*usd")}


def _stand_in(plan: MappingPlan, headers: list[str],
              profile_of: Callable[[int], Profile | None]) -> None:
    taken = plan.positions()
    for name, pattern in _STAND_INS.items():
        if name in plan.mapped():
            continue
        for pos, header in enumerate(headers):
            text = cols.read_header(str(header)).text
            p = profile_of(pos)
            if pos in taken or not pattern.search(text) or (p and fit(p, name).score < 0.6):
                continue
            label = BY_NAME[name].label.lower()
            plan.assignments.append(Assignment(
                pos, str(header), name, Confidence.LOW, f"stands in: no {label} column"))
            plan.notes.append(f"No column is the {label}: '{header}' (an invoice value in USD) "
                              "stands in for it; check that it is the figure to use.")
            break


def _with_factor(a: Assignment, factor: float) -> Assignment:
    return Assignment(a.position, a.header, a.canonical, a.confidence, a.why, a.origin, a.rank,
                      factor)


def _assign(
    candidates: list[_Candidate], notes: list[str], profile_of: Callable[[int], Profile | None]
) -> MappingPlan:
    by_field: dict[str, list[_Candidate]] = {}
    for c in candidates:
        by_field.setdefault(c.canonical, []).append(c)
    # Strongest claims first: a G-code's field before a field named by words only.
    order = sorted(by_field, key=lambda n: -max(c.total for c in by_field[n]))
    taken: set[int] = set()
    assignments: list[Assignment] = []
    choices: list[Choice] = []
    passed: dict[int, str] = {}
    for name in order:
        ranked = sorted(by_field[name], key=lambda c: (-c.total, c.position))
        usable = [c for c in ranked if c.position not in taken]
        fitting = [c for c in usable if c.fit.score >= _MISFIT or c.header_score >= cols.G_CODE]
        for c in usable:
            if c not in fitting:
                passed[c.position] = c.fit.why
        if not fitting:
            continue
        best = fitting[0]
        winners = [best]
        if BY_NAME[name].kind in _COALESCE_KINDS or best.header_score >= cols.G_CODE:
            # Two boxes of one field (or a country's name and its code) fill it together.
            winners += [c for c in fitting[1:] if _fills_together(best, c)]
        for rank, c in enumerate(sorted(winners, key=lambda c: (c.rank, -c.total, c.position))):
            assignments.append(_assignment(c, rank))
            taken.add(c.position)
        losers = [c for c in usable if c not in winners]
        if losers:
            choices.append(Choice(name, best.header, tuple(
                (c.header, _why_not(c, best)) for c in losers)))
    for pos, why in sorted(passed.items()):
        if pos in taken:
            continue
        header = next(c.header for c in candidates if c.position == pos)
        names = [c.canonical for c in candidates if c.position == pos]
        redirect = next((_REDIRECT[n] for n in names if n in _REDIRECT), "")
        p = profile_of(pos)
        if (redirect and redirect not in {a.canonical for a in assignments} and p is not None
                and fit(p, redirect).score >= 0.7):
            label = BY_NAME[redirect].label.lower()
            assignments.append(Assignment(pos, header, redirect, Confidence.MEDIUM,
                                          f"its cells are a {label}"))
            notes.append(f"'{header}' {why}: read as the {label}.")
            taken.add(pos)
            continue
        label = BY_NAME[names[0]].label.lower()
        notes.append(f"'{header}' looks like {label} by its header but {why}: "
                     "kept as an extra column.")
    return MappingPlan(assignments, choices, notes)


def _fills_together(best: _Candidate, other: _Candidate) -> bool:
    if best.header_score >= cols.G_CODE and other.header_score >= cols.G_CODE:
        return True
    return other.fit.score >= 0.7 and other.header_score >= cols.WORDS


def _why_not(loser: _Candidate, best: _Candidate) -> str:
    if loser.fit.why and loser.fit.score < best.fit.score:
        return loser.fit.why
    if loser.header_score < best.header_score:
        return "names it less clearly"
    return "comes later in the sheet"


def _assignment(c: _Candidate, rank: int) -> Assignment:
    reading = cols.read_header(c.header)
    if c.header_score >= cols.G_CODE:
        why = f"G-code G{reading.code.upper()}"
        confidence = Confidence.HIGH if c.fit.score >= 0.6 else Confidence.LOW
    elif c.header_score >= cols.CODE_AND_WORDS:
        why = f"box {reading.code} and its words"
        confidence = Confidence.HIGH if c.fit.score >= 0.6 else Confidence.LOW
    elif c.header_score >= cols.WORDS:
        why = "its words"
        confidence = Confidence.MEDIUM if c.fit.score >= 0.6 else Confidence.LOW
    else:
        why = f"box number {reading.code} alone"
        confidence = Confidence.LOW
    if c.fit.why and c.fit.score < 0.6:
        why += f"; but it {c.fit.why}"
    return Assignment(c.position, c.header, c.canonical, confidence, why, rank=rank)


def _currency_veto(header: str) -> str:
    """A sentence when a value header names another currency than its field holds."""
    reading = cols.read_header(header)
    if reading.g_box is not None:
        return ""
    named = cols.header_currency(reading.text)
    if not named:
        return ""
    for column in (BY_NAME["customs_value_rub"], BY_NAME["stat_value_usd"]):
        if column.currency != named and cols.words_match(column, reading.text):
            return (f"'{header}' holds {column.label.split(',')[0].lower()} in {named}, not "
                    f"{column.currency}: kept as an extra column under its own name.")
    return ""


_UNIT_HEADER = re.compile(r"weight\s*unit|unit\s*of\s*weight|\bwt\s*unit|weight\s*uom|"
                          r"ед\w*\.?\s*изм\w*\.?\s*(веса|массы)")


def _weight_units(headers: list[str], plan: MappingPlan) -> WeightUnits | None:
    weights = tuple(sorted({a.canonical for a in plan.assignments}
                           & {"gross_kg", "net_kg"}))
    if not weights:
        return None
    taken = plan.positions()
    for pos, header in enumerate(headers):
        if pos not in taken and _UNIT_HEADER.search(cols.read_header(str(header)).text):
            return WeightUnits(pos, str(header), weights)
    return None
