"""Companies of a case with their totals: the suppliers list and its filters."""

from __future__ import annotations

import numpy as np
import pandas as pd


def supplier_totals(
    frame: pd.DataFrame, rows: np.ndarray, *, value: str = "stat_value_usd"
) -> pd.DataFrame:
    """One row per sender spelling among ``rows``: total value, shipments, first and last date,
    and the origin country that makes up most of its value; largest total first."""
    columns = ["sender", "total", "shipments", "first", "last", "country"]
    if "sender" not in frame or len(rows) == 0:
        return pd.DataFrame(columns=columns)
    subset = frame.iloc[rows]
    subset = subset[subset["sender"].notna()]
    values = subset[value].astype("float64") if value in subset else pd.Series(0.0, subset.index)
    work = pd.DataFrame({
        "sender": subset["sender"].astype(str),
        "value": values.fillna(0.0),
        "date": subset["date"],
        "country": subset["origin_country"].astype("string").fillna(""),
    })
    grouped = work.groupby("sender", sort=False)
    out = pd.DataFrame({
        "total": grouped["value"].sum(),
        "shipments": grouped.size(),
        "first": grouped["date"].min(),
        "last": grouped["date"].max(),
    })
    by_country = work.groupby(["sender", "country"], sort=False)["value"].sum()
    top = by_country.sort_values(ascending=False).reset_index().drop_duplicates("sender")
    out["country"] = top.set_index("sender")["country"].reindex(out.index).fillna("")
    out = out.reset_index().sort_values(["total", "sender"], ascending=[False, True])
    return out[columns].reset_index(drop=True)
