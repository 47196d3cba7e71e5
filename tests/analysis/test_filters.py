"""The filter language shared by the table, figures and the command line."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.filters import Condition, FilterError, apply, parse_where
from workbench.analysis.frame import shipments_frame
from workbench.analysis.query import run_query


@pytest.fixture
def frame() -> pd.DataFrame:
    import pyarrow as pa

    table = pa.table({
        "date": pa.array(pd.to_datetime(["2021-12-31", "2022-02-24", "2023-06-01", None])),
        "sender": ["KYUNGKI INDUSTRIAL CO., LTD", "BYT CO LTD", "Rain Electronics", None],
        "origin_country": ["KR", "KR", "HK", None],
        "stat_value_usd": [100.10, 200.20, 300.30, None],
    })
    return shipments_frame(table)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("origin_country=KR", Condition("origin_country", "=", "KR")),
        ("origin_country!=KR", Condition("origin_country", "!=", "KR")),
        ("date>=2022-02-24", Condition("date", ">=", "2022-02-24")),
        ("date<2022-02-24", Condition("date", "<", "2022-02-24")),
        ("origin_country=KR,HK", Condition("origin_country", "in", ["KR", "HK"])),
        ("sender~kyungki", Condition("sender", "contains", "kyungki")),
        ("date=2022-01-01..2022-12-31",
         Condition("date", "between", ["2022-01-01", "2022-12-31"])),
        (r"sender=ACME CO\, LTD", Condition("sender", "=", "ACME CO, LTD")),
        ("stat_value_usd=", Condition("stat_value_usd", "empty", "")),
    ],
)
def test_parse_where(text: str, expected: Condition) -> None:
    assert parse_where(text) == expected


def test_parse_where_refuses_nonsense() -> None:
    with pytest.raises(FilterError, match="not a condition"):
        parse_where("no operator here")


@pytest.mark.parametrize(
    ("where", "rows"),
    [
        (["origin_country=KR"], 2),
        (["origin_country!=KR"], 2),  # blank counts as "not KR"
        (["date>=2022-02-24"], 2),
        (["date<2022-02-24"], 1),
        (["origin_country=KR,HK", "date>=2022-02-24"], 2),
        (["sender~electronics"], 1),
        (["stat_value_usd>200.2"], 1),
        (["stat_value_usd>=200.2"], 2),
        (["date=2022-01-01..2022-12-31"], 1),
    ],
)
def test_apply(frame: pd.DataFrame, where: list[str], rows: int) -> None:
    assert apply(frame, [parse_where(w) for w in where]).sum() == rows


def test_unknown_column_and_bad_value_are_one_sentence(frame: pd.DataFrame) -> None:
    with pytest.raises(FilterError, match="no column 'nope'"):
        apply(frame, [parse_where("nope=1")])
    with pytest.raises(FilterError, match="needs a date"):
        apply(frame, [parse_where("date>=yesterday")])


def test_query_totals_and_groups(frame: pd.DataFrame) -> None:
    result = run_query(frame, [parse_where("date>=2022-01-01")], group_by="origin_country")
    assert result.rows == 2
    assert round(result.total, 2) == 500.50
    assert result.groups == {"HK": 300.30, "KR": 200.20}
    by_year = run_query(frame, [], group_by="year")
    assert {k: round(v, 2) for k, v in by_year.groups.items()} == {
        "2023": 300.30, "2022": 200.20, "2021": 100.10, "(blank)": 0.0
    }


def test_empty_selects_the_rows_without_a_value(frame: pd.DataFrame) -> None:
    empty = Condition("stat_value_usd", "empty", "")
    assert apply(frame, [empty]).tolist() == [False, False, False, True]
    assert apply(frame, [Condition("origin_country", "empty", "")]).tolist() == [
        False, False, False, True]
    assert run_query(frame, [empty]).rows == 1
    assert run_query(frame, [empty]).total == 0.0
    assert empty.describe() == "statistical value, USD is empty"
    assert Condition.from_json(empty.as_json()) == empty  # saved in figures and annotations
    with pytest.raises(FilterError, match="not a filter operator"):
        Condition.from_json({"column": "stat_value_usd", "op": "blank", "value": ""})
