"""Figures: a named filter plus a measure, recomputed live and checked against the draft.

A figure records everything a reader needs to defend it: the conditions, the measure (sum of a
value column, count of shipments, or count of distinct values of a column), the value column,
the country column the conditions use ("from" versus "produced in"), and the case's coverage
window. The draft's wording ("almost $15.5 million") is parsed into the range of values it can
honestly describe, so a figure can say when the live value no longer fits its sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.filters import Condition, FilterError, apply
from workbench.labels import MEASURE, label, lower_label

MEASURES = ("sum", "count", "distinct")
#: Words that scale a number, by their lower-case spelling.
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "mn": 1e6,
          "billion": 1e9, "bn": 1e9, "b": 1e9}
#: Qualifiers, longest first, and the side of the number the true value may lie on.
QUALIFIERS = (
    ("just under", "below"), ("just over", "above"), ("close to", "below"),
    ("more than", "above"), ("less than", "below"), ("at least", "above"), ("up to", "below"),
    ("almost", "below"), ("nearly", "below"), ("under", "below"), ("over", "above"),
    ("above", "above"), ("below", "below"), ("about", "around"), ("around", "around"),
    ("approximately", "around"), ("roughly", "around"), ("some", "around"),
)
_NUMBER = re.compile(
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>thousand|million|billion|mln|mn|bn|k|m|b)?\b",
    re.IGNORECASE,
)
#: How far a qualified figure may sit from its number, as a share of the number.
SLACK = {"below": 0.05, "above": 0.10, "around": 0.05}


@dataclass(frozen=True)
class Stated:
    """What a sentence of the draft claims: a number, its qualifier, the values it admits."""

    text: str
    number: float
    qualifier: str  # "exact", "below", "above" or "around"
    low: float
    high: float

    def admits(self, value: float) -> bool:
        return self.low <= value <= self.high

    def as_json(self) -> dict[str, Any]:
        return {"text": self.text, "number": self.number, "qualifier": self.qualifier,
                "low": round(self.low, 2), "high": round(self.high, 2)}


def parse_stated(text: str) -> Stated:
    """Read "almost $15.5 million", "at least $34m", "$5 million" or "1,140 shipments".

    A bare number admits what rounds to it (``$5 million``: 4.5 to 5.5 million); "almost"
    and its kin admit up to 5% below it, "at least" and "more than" up to 10% above it,
    "about" 5% either side.
    """
    match = _NUMBER.search(text.replace("\u00a0", " "))
    if match is None:
        raise FilterError(f"No number in the stated value {text!r}.")
    digits = match["number"].replace(",", "")
    scale = SCALES[match["scale"].lower()] if match["scale"] else 1.0
    number = float(digits) * scale
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    half_step = 0.5 * 10 ** (-decimals) * scale
    before = text[: match.start()].lower()
    qualifier = next((side for words, side in QUALIFIERS
                      if re.search(rf"\b{words}\b", before)), "exact")
    if qualifier == "exact":
        return Stated(text, number, qualifier, number - half_step, number + half_step)
    slack = SLACK[qualifier] * number
    low = number - slack if qualifier in ("below", "around") else number
    high = number + slack if qualifier in ("above", "around") else number
    return Stated(text, number, qualifier, low, high)


@dataclass(frozen=True)
class FigureDefinition:
    """What a figure counts: conditions, measure and the columns it relies on."""

    name: str
    conditions: tuple[Condition, ...]
    measure: str = "sum"
    value_column: str = "stat_value_usd"
    country_column: str | None = None
    distinct_column: str | None = None
    coverage: tuple[str | None, str | None] = (None, None)
    sentence: str | None = None
    stated: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """The definition in plain words, for the Summary sheet and the command line."""
        what = label(MEASURE, self.measure)
        if self.measure == "sum":
            what = f"{what} {lower_label(self.value_column)}"
        elif self.measure == "distinct":
            what = f"{what} {lower_label(str(self.distinct_column))}"
        where = "; ".join(c.describe() for c in self.conditions) or "all shipments"
        parts = [f"{what} over shipments where {where}"]
        if self.country_column:
            parts.append(f"countries by {lower_label(self.country_column)}")
        start, end = self.coverage
        if start or end:
            parts.append(f"data available {start or '?'} to {end or '?'}")
        return "; ".join(parts)


def country_column_of(conditions: list[Condition]) -> str | None:
    """The first country column the conditions use (origin versus sender country matters)."""
    return next((c.column for c in conditions if c.column.endswith("_country")), None)


def measure(frame: pd.DataFrame, definition: FigureDefinition,
            conditions: list[Condition] | None = None) -> tuple[float, np.ndarray]:
    """The figure's value over ``frame`` and the mask of its rows.

    ``conditions`` replaces the definition's (after company names were expanded to spellings).
    """
    mask = apply(frame, list(definition.conditions if conditions is None else conditions))
    if definition.measure == "count":
        return float(mask.sum()), mask
    if definition.measure == "distinct":
        column = definition.distinct_column
        if column is None or column not in frame:
            raise FilterError(f"There is no column {column!r} to count distinct values of.")
        return float(frame.loc[mask, column].nunique(dropna=True)), mask
    if definition.value_column not in frame:
        raise FilterError(f"There is no column {definition.value_column!r} to add up.")
    values = frame[definition.value_column].to_numpy(dtype="float64", na_value=np.nan)
    total = float(np.nansum(values[mask]))
    return (0.0 if math.isnan(total) else total), mask
