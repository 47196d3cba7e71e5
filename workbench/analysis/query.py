"""Totals over a filtered shipment table: the numbers behind every figure and chart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analysis.filters import Condition, FilterError, apply
from workbench.analysis.frame import column_kind
from workbench.ingest.columns import Kind

DEFAULT_VALUE = "stat_value_usd"
#: Groupings computed from the date column.
PERIODS = {"year": "Y", "quarter": "Q", "month": "M"}


@dataclass(frozen=True)
class QueryResult:
    rows: int
    total: float
    value: str
    groups: dict[str, float]

    def as_json(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "total": round(self.total, 2),
            "value": self.value,
            "groups": {k: round(v, 2) for k, v in self.groups.items()},
        }


def run_query(
    frame: pd.DataFrame,
    conditions: list[Condition],
    *,
    value: str = DEFAULT_VALUE,
    group_by: str | None = None,
) -> QueryResult:
    """Count and sum ``value`` over the rows meeting ``conditions``, optionally per group."""
    if value not in frame.columns:
        raise FilterError(f"There is no column {value!r} to add up.")
    if column_kind(value) not in (Kind.NUMBER, Kind.INTEGER):
        raise FilterError(f"{value!r} is not a numeric column and cannot be added up.")
    mask = apply(frame, conditions)
    subset = frame.loc[mask]
    values = subset[value].astype("float64")
    total = float(np.nansum(values.to_numpy()))
    groups: dict[str, float] = {}
    if group_by:
        keys = group_keys(subset, group_by)
        sums = values.groupby(keys, dropna=False, sort=True).sum(min_count=0)
        groups = {("(blank)" if pd.isna(k) else str(k)): float(v) for k, v in sums.items()}
        groups = dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])))
    return QueryResult(rows=int(mask.sum()), total=total, value=value, groups=groups)


def group_keys(frame: pd.DataFrame, group_by: str) -> pd.Series:
    """The grouping column, or a period of the date (``year``, ``quarter``, ``month``)."""
    if group_by in PERIODS and group_by not in frame.columns:
        return frame["date"].dt.to_period(PERIODS[group_by]).astype("string")
    if group_by not in frame.columns:
        raise FilterError(f"There is no column {group_by!r} to group by.")
    col = frame[group_by]
    if column_kind(group_by) is Kind.DATE:
        return col.dt.strftime("%Y-%m-%d")
    return col.astype("string")
