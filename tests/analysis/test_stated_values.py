"""The draft's wording read as a range of values, and the measures of a figure."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.analysis.figures import FigureDefinition, measure, parse_stated
from workbench.analysis.filters import Condition, FilterError


@pytest.mark.parametrize(("text", "qualifier", "low", "high"), [
    ("at least $34 million", "above", 34e6, 37.4e6),
    ("Almost $15.5 million", "below", 14.725e6, 15.5e6),
    ("almost $16 million", "below", 15.2e6, 16e6),
    ("almost $1 billion", "below", 0.95e9, 1e9),
    ("$5 million", "exact", 4.5e6, 5.5e6),
    ("$528,356", "exact", 528_355.5, 528_356.5),
    ("about 5.2bn", "around", 4.94e9, 5.46e9),
    ("more than $2m", "above", 2e6, 2.2e6),
    ("1,140 shipments", "exact", 1139.5, 1140.5),
])
def test_stated_values(text: str, qualifier: str, low: float, high: float) -> None:
    stated = parse_stated(text)
    assert stated.qualifier == qualifier
    assert stated.low == pytest.approx(low)
    assert stated.high == pytest.approx(high)
    assert stated.admits(low)
    assert not stated.admits(high * 1.001)


def test_a_sentence_without_a_number_is_refused() -> None:
    with pytest.raises(FilterError, match="No number"):
        parse_stated("a great deal of money")


def test_measures_sum_count_and_distinct() -> None:
    frame = pd.DataFrame({"origin_country": ["KR", "KR", "CN", None],
                          "sender": ["A", "B", "A", "C"],
                          "stat_value_usd": [1.5, None, 4.0, 8.0]})
    kr = (Condition("origin_country", "=", "KR"),)
    assert measure(frame, FigureDefinition("s", kr))[0] == 1.5
    assert measure(frame, FigureDefinition("c", kr, "count"))[0] == 2
    assert measure(frame, FigureDefinition("d", (), "distinct", distinct_column="sender"))[0] == 3
    with pytest.raises(FilterError, match="distinct"):
        measure(frame, FigureDefinition("d", (), "distinct", distinct_column="nope"))
    assert "number of shipments over shipments where origin country is KR" in FigureDefinition(
        "c", kr, "count").describe()
