"""Annotation coverage: company and filter targets, counts per row, date spans, selections."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from workbench.analysis.annotations import (
    AnnotationIndex,
    Target,
    date_span,
    describe,
    resolve_company,
    selection_conditions,
    target_of,
)
from workbench.analysis.filters import Condition, FilterError, apply


def _frame(n: int = 2000, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 4 * 365, n)
    declarations = [f"10129060/{i // 3:06d}" for i in range(n)]
    return pd.DataFrame({
        "declaration_no": pd.array(declarations, dtype="string"),
        "item_no": pd.array([i % 3 + 1 for i in range(n)], dtype="Int64"),
        "date": (np.datetime64("2020-01-01") + days.astype("timedelta64[D]")).astype(
            "datetime64[ms]"),
        "sender": pd.array(rng.choice(["RAIN ELECTRONICS CO LIMITED", "Rain Electronics Co., Ltd",
                                       "KYUNGKI IND", None], n), dtype="string"),
        "origin_country": pd.array(rng.choice(["KR", "CN"], n), dtype="string"),
        "source_sha256": pd.array(["ab" * 32] * n, dtype="string"),
        "source_row": np.arange(n, dtype=np.int64) + 2,
    })


BOOK = {"RAIN ELECTRONICS CO LIMITED": 0, "Rain Electronics Co., Ltd": 0, "KYUNGKI IND": 1}
DISPLAY = ["RAIN ELECTRONICS CO LIMITED", "Kyungki Industrial"]


def test_company_names_resolve_by_spelling_display_name_or_key() -> None:
    assert resolve_company("KYUNGKI IND", BOOK, DISPLAY) == 1
    assert resolve_company("Kyungki Industrial", BOOK, DISPLAY) == 1
    assert resolve_company("Rain Electronics", BOOK, DISPLAY) == 0
    assert resolve_company("Nobody Ltd", BOOK, DISPLAY) is None
    target = target_of({"company": "Rain Electronics", "where": []}, BOOK, DISPLAY)
    assert target.spellings == ("RAIN ELECTRONICS CO LIMITED", "Rain Electronics Co., Ltd")
    assert describe(target) == "Company RAIN ELECTRONICS CO LIMITED"


def test_coverage_and_counts_match_the_filter_engine() -> None:
    frame = _frame()
    index = AnnotationIndex(frame)
    rain = target_of({"company": "Rain Electronics"}, BOOK, DISPLAY)
    where = [{"column": "date", "op": "between", "value": ["2021-01-01", "2021-06-30"]},
             {"column": "origin_country", "op": "=", "value": "KR"}]
    span = target_of({"where": where}, BOOK, DISPLAY)
    expected_rain = frame["sender"].isin(rain.spellings).fillna(False).to_numpy(dtype=bool)
    expected_span = apply(frame, list(span.conditions))
    assert np.array_equal(index.mask(rain), expected_rain)
    assert np.array_equal(index.mask(span), expected_span)
    counts = index.counts([rain, span])
    assert counts.dtype == np.uint16
    assert np.array_equal(counts, expected_rain.astype(int) + expected_span)
    both = int(np.flatnonzero(expected_rain & expected_span)[0])
    assert index.covering([rain, span], both) == [0, 1]
    none = int(np.flatnonzero(~expected_rain & ~expected_span)[0])
    assert index.covering([rain, span], none) == []
    assert index.counts([rain, span]) is counts  # cached
    assert "shipments: date between 2021-01-01 and 2021-06-30" in describe(span, 5)


def test_a_condition_on_a_missing_column_covers_nothing() -> None:
    index = AnnotationIndex(_frame(50))
    target = Target(conditions=(Condition("hs_code", "=", "8708"),))
    assert not index.mask(target).any()


def test_date_span_of_conditions() -> None:
    between = Condition("date", "between", ["2022-02-24", "2022-03-31"])
    assert date_span([between, Condition("origin_country", "=", "KR")]) == (
        pd.Timestamp("2022-02-24"), pd.Timestamp("2022-03-31"))
    assert date_span([Condition("date", ">=", "2022-01-01"),
                      Condition("date", "<", "2022-07-01")]) == (
        pd.Timestamp("2022-01-01"), pd.Timestamp("2022-06-30"))
    assert date_span([Condition("date", ">", "2023-01-01")]) == (pd.Timestamp("2023-01-02"), None)
    assert date_span([Condition("origin_country", "=", "KR")]) is None
    assert date_span([]) is None


def test_selected_rows_are_named_by_declaration_then_provenance() -> None:
    frame = _frame(300)
    whole = [0, 1, 2, 9, 10, 11]  # declarations 0 and 3, every item
    assert selection_conditions(frame, whole) == [
        Condition("declaration_no", "in", ["10129060/000000", "10129060/000003"])]
    items = [1, 4, 7]  # item 2 of three declarations
    conditions = selection_conditions(frame, items)
    assert [c.column for c in conditions] == ["declaration_no", "item_no"]
    assert conditions[1] == Condition("item_no", "=", "2")
    scattered = [0, 4]  # item 1 of one, item 2 of another: a cross product would add two
    conditions = selection_conditions(frame, scattered)
    assert [c.column for c in conditions] == ["source_sha256", "source_row"]
    for rows in (whole, items, scattered):
        assert np.flatnonzero(apply(frame, selection_conditions(frame, rows))).tolist() == rows
    with pytest.raises(FilterError):
        selection_conditions(frame, [])


def test_counts_at_a_million_rows_are_fast() -> None:
    n = 1_000_000
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "date": (np.datetime64("2020-01-01") + rng.integers(0, 1500, n).astype(
            "timedelta64[D]")).astype("datetime64[ms]"),
        "sender": pd.array(rng.choice([f"S{i}" for i in range(2000)], n), dtype="string"),
    })
    book = {f"S{i}": i for i in range(2000)}
    entries = [{"company": f"S{i}"} for i in range(20)] + [
        {"where": [{"column": "date", "op": "between", "value": [f"202{i % 4}-01-01",
                                                                 f"202{i % 4}-03-31"]}]}
        for i in range(10)]
    targets = [target_of(e, book) for e in entries]
    index = AnnotationIndex(frame)
    started = time.perf_counter()
    counts = index.counts(targets)
    first = time.perf_counter() - started
    started = time.perf_counter()
    index.counts([*targets, target_of({"company": "S99"}, book)])
    again = time.perf_counter() - started
    assert counts.sum() > 0
    assert first < 3.0
    assert again < 0.5  # only the new annotation is computed
