"""Companies of a case with their totals: the suppliers list and its filters."""

from __future__ import annotations

import numpy as np
import pandas as pd


class SupplierIndex:
    """Each sender spelling coded once per frame, so totals over any rows are a bincount."""

    def __init__(self, frame: pd.DataFrame, value: str = "stat_value_usd") -> None:
        n = len(frame)
        sender = frame["sender"] if "sender" in frame else pd.Series([None] * n, dtype="string")
        codes, names = pd.factorize(sender, use_na_sentinel=True)
        self.codes = np.asarray(codes, dtype=np.int64)
        self.names = np.asarray(names, dtype=object)
        values = frame[value] if value in frame else pd.Series(np.zeros(n))
        self.values = values.to_numpy(dtype="float64", na_value=np.nan)
        self.values = np.nan_to_num(self.values, nan=0.0)
        dates = frame["date"].to_numpy(dtype="datetime64[ms]") if "date" in frame else None
        self.days = (
            np.zeros(n, dtype=np.int64) if dates is None
            else np.where(np.isnat(dates), np.iinfo(np.int64).min, dates.astype(np.int64))
        )
        self.country = self._main_country(frame)

    def _main_country(self, frame: pd.DataFrame) -> np.ndarray:
        """The origin country carrying most of each sender's value over the whole case."""
        out = np.full(len(self.names), "", dtype=object)
        if "origin_country" not in frame or not len(self.names):
            return out
        country = frame["origin_country"].astype("string").fillna("")
        work = pd.DataFrame({"code": self.codes, "country": country.to_numpy(), "v": self.values})
        work = work[work["code"] >= 0]
        sums = work.groupby(["code", "country"], sort=False)["v"].sum().reset_index()
        top = sums.sort_values("v", ascending=False).drop_duplicates("code")
        out[top["code"].to_numpy()] = top["country"].to_numpy()
        return out

    def totals(self, rows: np.ndarray) -> pd.DataFrame:
        """One row per sender among ``rows``; largest total first."""
        codes = self.codes[rows]
        keep = codes >= 0
        codes, picked = codes[keep], rows[keep]
        size = len(self.names)
        total = np.bincount(codes, weights=self.values[picked], minlength=size)
        shipments = np.bincount(codes, minlength=size)
        days = self.days[picked]
        valid = days != np.iinfo(np.int64).min
        first = np.full(size, np.iinfo(np.int64).max)
        last = np.full(size, np.iinfo(np.int64).min)
        np.minimum.at(first, codes[valid], days[valid])
        np.maximum.at(last, codes[valid], days[valid])
        present = shipments > 0
        out = pd.DataFrame({
            "sender": self.names[present],
            "total": total[present],
            "shipments": shipments[present],
            "first": _dates(first[present]),
            "last": _dates(last[present]),
            "country": self.country[present],
        })
        out = out.sort_values(["total", "sender"], ascending=[False, True], kind="stable")
        return out.reset_index(drop=True)


def _dates(days: np.ndarray) -> pd.Series:
    bad = (days == np.iinfo(np.int64).max) | (days == np.iinfo(np.int64).min)
    values = np.where(bad, np.datetime64("NaT", "ms"), days.astype("datetime64[ms]"))
    return pd.Series(values)


def supplier_totals(
    frame: pd.DataFrame, rows: np.ndarray, *, value: str = "stat_value_usd"
) -> pd.DataFrame:
    """One row per sender spelling among ``rows``: total value, shipments, first and last date,
    and the origin country that makes up most of its value; largest total first."""
    return SupplierIndex(frame, value).totals(np.asarray(rows, dtype=np.int64))
