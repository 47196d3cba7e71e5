"""Value per period and stack key: sums, gaps, top-N with Other, quarters, the span helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.filters import Condition, apply
from workbench.analysis.timeline import (
    BLANK,
    OTHER,
    condition_span,
    period_end,
    period_start,
    span_condition,
    timeline_series,
    whole_periods,
)


def _frame(n: int = 5000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 6 * 365, n)
    return pd.DataFrame({
        "date": (np.datetime64("2018-01-01") + days.astype("timedelta64[D]")).astype(
            "datetime64[ms]"
        ),
        "origin_country": pd.array(rng.choice(list("ABCDEFGHIJ"), n), dtype="string"),
        "sender": pd.array(rng.choice(["S1", "S2", "S3"], n), dtype="string"),
        "stat_value_usd": rng.gamma(2.0, 5000.0, n).round(2),
    })


def _expected(frame: pd.DataFrame, rows: np.ndarray, freq: str, column: str) -> pd.DataFrame:
    subset = frame.iloc[rows]
    periods = subset["date"].dt.to_period(freq).dt.start_time
    table = subset.groupby([periods, subset[column]])["stat_value_usd"].sum().unstack(fill_value=0)
    full = pd.date_range(table.index.min(), table.index.max(), freq=f"{freq}S")
    return table.reindex(full, fill_value=0.0)


def test_sums_equal_pandas_sums() -> None:
    frame = _frame()
    rows = np.flatnonzero(np.random.default_rng(2).random(len(frame)) < 0.6)
    series = timeline_series(frame, rows, top=20)
    expected = _expected(frame, rows, "M", "origin_country")
    assert list(series.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(series[column].to_numpy(), expected[column].to_numpy())
    assert series.to_numpy().sum() == pytest.approx(frame["stat_value_usd"].iloc[rows].sum())
    assert series.attrs == {
        "period": "M", "value": "stat_value_usd", "stack_by": "origin_country", "rows": len(rows),
    }


def test_periods_without_rows_are_zeros() -> None:
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2020-01-10", "2020-01-20", "2020-04-02"]).astype("datetime64[ms]"),
        "origin_country": pd.array(["KR", "CN", "KR"], dtype="string"),
        "stat_value_usd": [1.0, 2.0, 4.0],
    })
    series = timeline_series(frame, np.arange(3))
    assert list(series.index) == list(pd.date_range("2020-01-01", "2020-04-01", freq="MS"))
    assert series.loc["2020-02-01"].sum() == 0
    assert series.loc["2020-03-01"].sum() == 0
    assert series.loc["2020-01-01", "KR"] == 1.0
    assert series.loc["2020-01-01", "CN"] == 2.0
    assert series.loc["2020-04-01", "KR"] == 4.0


def test_top_n_and_other() -> None:
    frame = _frame()
    rows = np.arange(len(frame))
    series = timeline_series(frame, rows, top=3)
    totals = frame.groupby("origin_country")["stat_value_usd"].sum().sort_values(ascending=False)
    assert list(series.columns) == [*totals.index[:3], OTHER]
    assert series[OTHER].sum() == pytest.approx(totals.iloc[3:].sum())
    # The top is taken over the selection, not over the whole frame.
    only = np.flatnonzero(frame["origin_country"].isin(["J", "I"]).to_numpy())
    assert set(timeline_series(frame, only, top=3).columns) == {"J", "I"}


def test_quarter_periods() -> None:
    frame = _frame()
    rows = np.arange(len(frame))
    series = timeline_series(frame, rows, period="Q", stack_by="sender")
    expected = _expected(frame, rows, "Q", "sender")
    assert series.index[0] == pd.Timestamp("2018-01-01")
    assert all(ts.month in (1, 4, 7, 10) and ts.day == 1 for ts in series.index)
    assert list(series.index) == list(expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(series[column].to_numpy(), expected[column].to_numpy())


def test_blanks_missing_dates_and_empty_selection() -> None:
    frame = pd.DataFrame({
        "date": pd.to_datetime(["2021-05-01", None, "2021-05-03"]).astype("datetime64[ms]"),
        "origin_country": pd.array(["KR", "KR", None], dtype="string"),
        "stat_value_usd": [np.nan, 5.0, 3.0],
    })
    series = timeline_series(frame, np.arange(3))
    assert series.attrs["rows"] == 2  # the row without a date is left out
    assert series.loc["2021-05-01", BLANK] == 3.0
    assert series.loc["2021-05-01", "KR"] == 0.0
    empty = timeline_series(frame, np.array([], dtype=np.int64))
    assert empty.empty
    assert isinstance(empty.index, pd.DatetimeIndex)


def test_replaced_column_is_not_served_from_cache() -> None:
    frame = _frame(200)
    rows = np.arange(len(frame))
    before = timeline_series(frame, rows, top=20)
    frame["origin_country"] = pd.array(["Z"] * len(frame), dtype="string")
    after = timeline_series(frame, rows, top=20)
    assert list(after.columns) == ["Z"]
    assert list(before.columns) != ["Z"]


def test_spans_round_to_whole_periods_and_filter_inclusively() -> None:
    low, high = pd.Timestamp("2022-02-14"), pd.Timestamp("2022-11-03")
    assert whole_periods(high, low, "M") == (pd.Timestamp("2022-02-01"), pd.Timestamp("2022-11-30"))
    assert whole_periods(low, high, "Q") == (pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31"))
    assert period_start(pd.Timestamp("2024-02-29"), "Q") == pd.Timestamp("2024-01-01")
    assert period_end(pd.Timestamp("2024-02-01"), "M") == pd.Timestamp("2024-02-29")

    condition = span_condition(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-03-31"))
    assert condition == Condition("date", "between", ["2022-01-01", "2022-03-31"])
    assert condition_span(condition) == (pd.Timestamp("2022-01-01"), pd.Timestamp("2022-03-31"))
    assert condition_span(Condition("origin_country", "=", "KR")) is None
    frame = pd.DataFrame({"date": pd.to_datetime(["2021-12-31", "2022-01-01", "2022-03-31",
                                                  "2022-04-01"]).astype("datetime64[ms]")})
    assert apply(frame, [condition]).tolist() == [False, True, True, False]
