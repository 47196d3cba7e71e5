"""A company's profile: what it shipped, from where, when, and before and after the key date."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.ingest.columns import BY_NAME

VALUE_COLUMNS = ("stat_value_usd", "customs_value_rub", "invoice_value")
COUNTRY_COLUMNS = ("sender_country", "origin_country", "trading_country", "departure_country")


@dataclass
class Profile:
    spellings: dict[str, int]
    shipments: int
    first: str | None
    last: str | None
    totals: dict[str, float]
    key_date: str | None
    before: tuple[int, float] = (0, 0.0)  # shipments, value before the key date
    after: tuple[int, float] = (0, 0.0)
    countries: dict[str, dict[str, float]] = field(default_factory=dict)  # column -> code -> value
    goods: pd.DataFrame = field(default_factory=pd.DataFrame)  # hs_code, description, value, rows
    monthly: pd.Series = field(default_factory=pd.Series)  # month start -> value

    def as_json(self) -> dict[str, object]:
        return {
            "spellings": self.spellings,
            "shipments": self.shipments,
            "first": self.first,
            "last": self.last,
            "totals": {k: round(v, 2) for k, v in self.totals.items()},
            "key_date": self.key_date,
            "before_key_date": {"shipments": self.before[0], "value": round(self.before[1], 2)},
            "after_key_date": {"shipments": self.after[0], "value": round(self.after[1], 2)},
            "countries": {c: {k: round(v, 2) for k, v in d.items()}
                          for c, d in self.countries.items()},
            "goods": self.goods.to_dict("records"),
        }


def company_profile(
    frame: pd.DataFrame,
    spellings: list[str],
    *,
    value: str = "stat_value_usd",
    key_date: str | None = None,
    top_goods: int = 12,
) -> Profile:
    """Everything the profile panel shows for the company written as ``spellings``."""
    rows = frame["sender"].isin(spellings).to_numpy() if "sender" in frame else np.zeros(0, bool)
    sub = frame.loc[rows]
    counts = sub["sender"].value_counts()
    values = sub[value].astype("float64").fillna(0.0) if value in sub else pd.Series(0.0, sub.index)
    dates = sub["date"] if "date" in sub else pd.Series(pd.NaT, index=sub.index)
    profile = Profile(
        spellings={s: int(counts.get(s, 0)) for s in spellings},
        shipments=len(sub),
        first=_day(dates.min()),
        last=_day(dates.max()),
        totals={c: float(sub[c].astype("float64").sum()) for c in VALUE_COLUMNS if c in sub},
        key_date=key_date,
    )
    if key_date:
        cut = pd.Timestamp(key_date)
        after = (dates >= cut).to_numpy()
        before = (dates < cut).to_numpy()
        profile.before = (int(before.sum()), float(values[before].sum()))
        profile.after = (int(after.sum()), float(values[after].sum()))
    for column in COUNTRY_COLUMNS:
        if column in sub and sub[column].notna().any():
            by = values.groupby(sub[column].astype("string")).sum().sort_values(ascending=False)
            profile.countries[column] = {str(k): float(v) for k, v in by.items()}
    if "hs_code" in sub:
        goods = pd.DataFrame({
            "hs_code": sub["hs_code"].astype("string").fillna(""),
            "description": sub["description"].astype("string").fillna("")
            if "description" in sub else "",
            "value": values,
        })
        grouped = goods.groupby("hs_code", sort=False)
        table = pd.DataFrame({
            "value": grouped["value"].sum(),
            "rows": grouped.size(),
            "description": grouped["description"].agg(
                lambda d: d.value_counts().index[0] if len(d) else ""
            ),
        }).reset_index().sort_values(["value", "hs_code"], ascending=[False, True])
        profile.goods = table.head(top_goods).reset_index(drop=True)
    if len(sub) and dates.notna().any():
        months = dates.dt.to_period("M").dt.to_timestamp()
        monthly = values.groupby(months).sum()
        full = pd.date_range(monthly.index.min(), monthly.index.max(), freq="MS")
        profile.monthly = monthly.reindex(full, fill_value=0.0)
    return profile


def _day(value: object) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]


def label(column: str) -> str:
    return BY_NAME[column].label if column in BY_NAME else column
