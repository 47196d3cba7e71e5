"""The one filter language of the table's filter bar, saved figures and the command line.

A filter is a list of conditions ``{column, op, value}``, all of which must hold. Values are
given as text (as typed) and read according to the column: dates as ISO dates, numbers as
numbers, countries as alpha-2 codes, text compared as written (``contains`` ignores case).
``empty`` takes no value: the rows where the column holds nothing (a shipment kept without a
statistical value, a blank origin).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.analysis.frame import column_kind
from workbench.errors import WorkbenchError
from workbench.ingest.columns import Kind
from workbench.labels import lower_label

OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "contains", "between", "empty")


class FilterError(WorkbenchError):
    """A condition that cannot be read or applied."""


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: Any  # a string, or a list of strings for "in" and "between"

    def as_json(self) -> dict[str, Any]:
        return {"column": self.column, "op": self.op, "value": self.value}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Condition:
        cond = cls(str(data["column"]), str(data["op"]), data["value"])
        if cond.op not in OPS:
            raise FilterError(f"{cond.op!r} is not a filter operator ({', '.join(OPS)}).")
        return cond

    def describe(self) -> str:
        """Plain words for captions and exports: ``origin country is KR``."""
        words = {"=": "is", "!=": "is not", "<": "before/below", "<=": "up to", ">": "after/above",
                 ">=": "from", "contains": "contains", "in": "is one of", "between": "between",
                 "empty": "is empty"}
        if self.op == "empty":
            return f"{lower_label(self.column)} is empty"
        value = self.value
        if self.op == "in":
            value = ", ".join(map(str, value))
        elif self.op == "between":
            value = f"{value[0]} and {value[1]}"
        return f"{lower_label(self.column)} {words[self.op]} {value}"


_WHERE = re.compile(r"^\s*([^=!<>~]+?)\s*(!=|<=|>=|=|<|>|~)\s*(.*)$", re.S)


def parse_where(text: str) -> Condition:
    """Read the command line's ``COL=V``, ``COL!=V``, ``COL>=V``, ``COL=V1,V2``, ``COL~TEXT``.

    A comma inside a value is written ``\\,``; ``COL=A..B`` is ``between``; ``COL=`` with
    nothing after it is ``empty``.
    """
    match = _WHERE.match(text)
    if not match:
        raise FilterError(
            f"{text!r} is not a condition; write COLUMN=VALUE (or != < <= > >= ~)."
        )
    column, op, raw = match.group(1).strip(), match.group(2), match.group(3).strip()
    if op == "~":
        return Condition(column, "contains", raw)
    if op == "=" and not raw:
        return Condition(column, "empty", "")
    if op == "=":
        parts = [p.replace("\\,", ",").strip() for p in re.split(r"(?<!\\),", raw)]
        if len(parts) > 1:
            return Condition(column, "in", parts)
        value = parts[0]
        if ".." in value and value.count("..") == 1:
            low, high = (v.strip() for v in value.split(".."))
            return Condition(column, "between", [low, high])
        return Condition(column, "=", value)
    return Condition(column, op, raw.replace("\\,", ","))


def apply(frame: pd.DataFrame, conditions: list[Condition]) -> np.ndarray:
    """Boolean mask of the rows meeting every condition."""
    mask = np.ones(len(frame), dtype=bool)
    for cond in conditions:
        mask &= condition_mask(frame, cond)
    return mask


def condition_mask(frame: pd.DataFrame, cond: Condition) -> np.ndarray:
    if cond.column not in frame.columns:
        raise FilterError(f"There is no column {cond.column!r} in this case.")
    if cond.op not in OPS:
        raise FilterError(f"{cond.op!r} is not a filter operator ({', '.join(OPS)}).")
    col = frame[cond.column]
    kind = column_kind(cond.column)
    if cond.op == "empty":
        return col.isna().to_numpy(dtype=bool)
    if cond.op == "contains":
        text = col.astype("string")
        return text.str.contains(str(cond.value), case=False, regex=False).fillna(False).to_numpy(
            dtype=bool
        )
    if cond.op == "in":
        values = [_typed(kind, v, cond) for v in _as_list(cond.value)]
        return col.isin(values).fillna(False).to_numpy(dtype=bool)
    if cond.op == "between":
        low, high = (_typed(kind, v, cond) for v in _as_list(cond.value, 2))
        result = (col >= low) & (col <= high)
    else:
        value = _typed(kind, cond.value, cond)
        result = {
            "=": lambda: col == value,
            "!=": lambda: col != value,
            "<": lambda: col < value,
            "<=": lambda: col <= value,
            ">": lambda: col > value,
            ">=": lambda: col >= value,
        }[cond.op]()
    if cond.op == "!=":
        return result.fillna(True).to_numpy(dtype=bool)
    return result.fillna(False).to_numpy(dtype=bool)


def _as_list(value: Any, size: int | None = None) -> list[Any]:
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if size is not None and len(values) != size:
        raise FilterError(f"'between' takes two values, not {len(values)}.")
    return values


def _typed(kind: Kind, value: Any, cond: Condition) -> Any:
    text = str(value).strip()
    try:
        if kind is Kind.DATE:
            return pd.Timestamp(text)
        if kind in (Kind.NUMBER, Kind.INTEGER):
            return float(text.replace(" ", "").replace(",", "."))
    except ValueError as exc:
        expected = "a date (YYYY-MM-DD)" if kind is Kind.DATE else "a number"
        raise FilterError(f"{cond.column} needs {expected}, not {text!r}.") from exc
    if kind is Kind.COUNTRY:
        return text.upper()
    return text
