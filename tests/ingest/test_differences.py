"""Comparing two copies of the same shipments: what counts as a difference, and its class."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from workbench.ingest.columns import BY_NAME
from workbench.ingest.differences import compare, describe, kinds_of
from workbench.store.offered import BIT, COMPARED, fields_of


def _table(**columns: list[object]) -> pa.Table:
    arrays = {}
    for name, values in columns.items():
        kind = BY_NAME[name].kind.value if name in BY_NAME else "text"
        if kind == "number":
            arrays[name] = pa.array(values, pa.float64())
        elif kind == "date":
            arrays[name] = pa.array(values, pa.timestamp("ms"))
        elif kind == "integer":
            arrays[name] = pa.array(values, pa.int64())
        else:
            arrays[name] = pa.array(values, pa.string())
    return pa.table(arrays)


def test_every_compared_field_is_a_canonical_column_of_the_same_kind() -> None:
    for name, kind in COMPARED:
        assert BY_NAME[name].kind.value == kind, name
    assert len(COMPARED) <= 32  # one uint32 mask a row


def test_amounts_within_a_cent_are_the_same_and_beyond_it_differ() -> None:
    held = _table(stat_value_usd=[1181.55, 999999.99, 100.00, 100.00, None, 5.0])
    other = _table(stat_value_usd=[1181.55, 1000000.00, 100.02, 100.01, 7.0, None])
    masks = compare(held, other)
    assert fields_of(int(masks[2])) == ["stat_value_usd"]
    assert [int(m) for m in masks] == [0, 0, 1 << BIT["stat_value_usd"], 0, 0, 0]


def test_dates_compare_by_day_and_text_ignores_case_and_spacing() -> None:
    day = dt.datetime(2022, 3, 2)
    held = _table(date=[day, day, day], sender=["KYUNGKI INDUSTRIAL CO., LTD", "BYT CO LTD", "A"],
                  origin_country=["KR", "KR", "KR"])
    other = _table(date=[day + dt.timedelta(hours=5), day, day + dt.timedelta(days=2)],
                   sender=["Kyungki  Industrial Co., Ltd", "BYT CO LTD", "A"],
                   origin_country=["KR", "CN", "KR"])
    masks = compare(held, other)
    assert fields_of(int(masks[0])) == []
    assert fields_of(int(masks[1])) == ["origin_country"]
    assert fields_of(int(masks[2])) == ["date"]


def test_a_field_blank_or_missing_in_one_copy_is_not_a_difference() -> None:
    held = _table(sender=["A", None], hs_code=["8708299009", "8708299009"])
    other = _table(sender=[None, "B"])
    assert compare(held, other).tolist() == [0, 0]


def test_differences_are_classed_rounded_recoded_truncated_or_different() -> None:
    values = kinds_of("stat_value_usd", pa.chunked_array([[1181.55, 12345.67, 1234567.89]]),
                      pa.chunked_array([[1182.0, 12000.0, 1200000.0]]))
    assert values == ["rounded", "rounded", "different"]
    assert kinds_of("origin_country", pa.chunked_array([["KR"]]), pa.chunked_array([["CN"]])) == [
        "recoded"]
    text = kinds_of("description", pa.chunked_array([["ДЕТАЛИ КУЗОВА ДЛЯ АВТОМОБИЛЕЙ", "A"]]),
                    pa.chunked_array([["ДЕТАЛИ КУЗОВА…", "B"]]))
    assert text == ["truncated", "different"]
    codes = kinds_of("hs_code", pa.chunked_array([["8708299009", "8708299009"]]),
                     pa.chunked_array([["870829*", "8708100000"]]))
    assert codes == ["truncated", "recoded"]


def test_describe_lists_each_field_with_both_values_and_both_rows() -> None:
    common = {"declaration_no": ["10702070/020322/0000002"] * 2, "item_no": [1, 3],
              "source_sha256": ["a" * 64] * 2}
    held = _table(**common, stat_value_usd=[250000.10, 1234567.89], origin_country=["KR", "KR"],
                  source_file=["a.xlsx"] * 2, source_sheet=["2022"] * 2, source_row=["4", "6"])
    other = _table(**common, stat_value_usd=[250000.0, 1200000.0], origin_country=["CN", "KR"],
                   source_file=["b.csv"] * 2, source_sheet=[""] * 2, source_row=["9", "11"])
    found = describe(held, other, compare(held, other))
    assert (found.shipments, found.total) == (2, 3)
    assert found.by_kind == {"rounded": 1, "recoded": 1, "different": 1}
    first = found.items[0]
    assert (first.item_no, first.field, first.held, first.offered) == (
        1, "origin_country", "KR", "CN")
    assert (first.file, first.row, first.held_file, first.held_sheet, first.held_row) == (
        "b.csv", 9, "a.xlsx", "2022", 4)
    assert [(d.item_no, d.field, d.kind) for d in found.items] == [
        (1, "origin_country", "recoded"), (1, "stat_value_usd", "rounded"),
        (3, "stat_value_usd", "different")]
    assert describe(held, other, compare(held, other), limit=1).items == found.items[:1]


def test_comparing_a_million_rows_is_vectorised() -> None:
    import time

    n = 1_000_000
    values = np.round(np.random.default_rng(3).lognormal(7, 1.5, n), 2)
    held = _table(stat_value_usd=values.tolist(), origin_country=["KR"] * n)
    other_values = values.copy()
    other_values[::1000] = np.round(other_values[::1000])
    other = _table(stat_value_usd=other_values.tolist(), origin_country=["KR"] * n)
    start = time.perf_counter()
    masks = compare(held, other)
    assert time.perf_counter() - start < 1.0
    expected = np.abs(values[::1000] - other_values[::1000]) > 0.01 + 1e-9 * values[::1000]
    assert int(np.count_nonzero(masks)) == int(expected.sum())
