"""Amounts and weights as extracts write them: comma decimals, spaced thousands, currencies."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.ingest.numbers import parse_numbers
from workbench.ingest.parsed import ParsedColumn


def one(text: object) -> float:
    """The value of a single-cell column (fails if the cell is bad)."""
    parsed = parse_numbers(pd.Series([text], dtype=object))
    assert not parsed.bad[0], parsed.reasons
    return float(parsed.values.iloc[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1181.55", 1181.55),
        ("1 181,55", 1181.55),
        ("1\u00a0181,55", 1181.55),
        ("1\u202f181,55", 1181.55),
        ("12 345 678,9", 12345678.9),
        ("1,181.55", 1181.55),
        ("1,234,567.89", 1234567.89),
        ("1.181,55", 1181.55),
        ("1.234.567,89", 1234567.89),
        ("1181,55", 1181.55),
        ("-12,5", -12.5),
        ("+7", 7.0),
        ("0,181", 0.181),
        (",5", 0.5),
        ("(12.50)", -12.5),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("1,5e3", 1500.0),
        ("42", 42.0),
        ("  42\u00a0", 42.0),
        ("\u2212" + "4", -4.0),
        ("USD 12.5", 12.5),
        ("$1,181.55", 1181.55),
        ("-$3", -3.0),
        ("($5.50)", -5.5),
        ("1 181,55 руб.", 1181.55),
        ("12 РУБ", 12.0),
        ("12€", 12.0),
    ],
)
def test_accepted_forms(text: str, expected: float) -> None:
    assert one(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "text",
    ["н/д", "12,3,4", "abc", "USD", "-", "1 18", "1,18,000", "--5", "(12", "12 руб. 50 коп."],
)
def test_garbage_is_bad_with_a_reason(text: str) -> None:
    parsed = parse_numbers(pd.Series(["1,5", text]))
    assert parsed.bad.tolist() == [False, True]
    assert parsed.reasons == {1: f"'{text}' is not a number"}
    assert math.isnan(parsed.values.iloc[1])


def test_blanks_are_missing_not_bad() -> None:
    s = pd.Series(["", "   ", "\u00a0", None, np.nan, "\u200b", "7"], dtype=object)
    parsed = parse_numbers(s)
    assert parsed.bad.tolist() == [False] * 7
    assert parsed.reasons == {}
    assert parsed.values.isna().tolist() == [True] * 6 + [False]


def test_result_keeps_index_name_and_length() -> None:
    s = pd.Series(["1,5", None, "x", "2"], index=[10, 3, 7, 99], name="G46")
    parsed = parse_numbers(s)
    assert isinstance(parsed, ParsedColumn)
    assert parsed.values.index.tolist() == [10, 3, 7, 99]
    assert parsed.values.name == "G46"
    assert parsed.values.dtype == np.float64
    assert parsed.bad.tolist() == [False, False, True, False]
    assert parsed.reasons == {2: "'x' is not a number"}  # position, not index label


def test_repeated_bad_values_each_get_their_reason() -> None:
    parsed = parse_numbers(pd.Series(["x", "1", "x", "y"]))
    assert parsed.reasons == {
        0: "'x' is not a number",
        2: "'x' is not a number",
        3: "'y' is not a number",
    }


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", object, "category"])
def test_every_string_dtype_reads_the_same(dtype: object) -> None:
    s = pd.Series(["1 181,55", None, "н/д", "1 181,55"], dtype=dtype)
    parsed = parse_numbers(s)
    assert parsed.values.tolist()[0] == 1181.55
    assert parsed.values.tolist()[3] == 1181.55
    assert math.isnan(parsed.values.tolist()[1])
    assert parsed.bad.tolist() == [False, False, True, False]


def test_numeric_input_passes_through() -> None:
    floats = pd.Series([1.5, np.nan, -3.0], index=[4, 5, 6], name="w")
    parsed = parse_numbers(floats)
    assert parsed.values.tolist()[::2] == [1.5, -3.0]
    assert parsed.values.index.tolist() == [4, 5, 6]
    assert not parsed.bad.any()
    ints = parse_numbers(pd.Series([1, None, 3], dtype="Int64"))
    assert ints.values.dtype == np.float64
    assert ints.values.isna().tolist() == [False, True, False]
    assert ints.values.iloc[2] == 3.0


def test_excel_mix_of_numbers_text_and_other_cells() -> None:
    s = pd.Series([1.5, "2,5", None, 7, pd.Timestamp("2023-01-02"), True], dtype=object)
    parsed = parse_numbers(s)
    assert parsed.values.tolist()[:2] == [1.5, 2.5]
    assert parsed.values.iloc[3] == 7.0
    assert parsed.bad.tolist() == [False, False, False, False, True, True]
    assert parsed.reasons == {
        4: "'2023-01-02 00:00:00' is not a number",
        5: "'True' is not a number",
    }


# The decimal-separator rule for values such as "1,181" that read two ways on their own.


def ambiguous_first(*column: str, decimal: str | None = None) -> ParsedColumn:
    return parse_numbers(pd.Series(list(column)), decimal=decimal)


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (("1,181", "1,5"), 1.181),  # a decimal comma elsewhere
        (("1,181", "0,250"), 1.181),  # a leading zero cannot start a thousands group
        (("1,181", "1181,55"), 1.181),  # four digits before a comma: not a thousands group
        (("1,181", "1 181,55"), 1.181),  # spaces group thousands, the comma is decimal
        (("1,181", "1.181,55"), 1.181),  # dots group thousands
        (("1,181", "2.5"), 1181.0),  # a decimal dot elsewhere
        (("1,181", "1,181,000"), 1181.0),  # two commas: thousands
        (("1,181", "1,181.5"), 1181.0),
        (("1.181", "1.181.000"), 1181.0),  # dots group thousands
        (("1.181", "1,5"), 1181.0),
        (("1.181", "0.5"), 1.181),
        (("1,181", "25000"), 1.181),  # thousands are not grouped in this column
        (("1.181", "25000"), 1.181),
        (("1,181", "1 000"), 1.181),  # grouped by spaces, not commas
    ],
)
def test_ambiguous_values_follow_the_column(column: tuple[str, ...], expected: float) -> None:
    parsed = ambiguous_first(*column)
    assert not parsed.bad.any(), parsed.reasons
    assert parsed.values.iloc[0] == pytest.approx(expected, rel=1e-12)


def test_leading_zero_value_reads_as_decimal() -> None:
    parsed = ambiguous_first("1,181", "0,250")
    assert parsed.values.tolist() == [1.181, 0.25]


def test_ambiguous_without_evidence_is_bad() -> None:
    parsed = ambiguous_first("1,181", "12", "12.500")
    assert parsed.bad.tolist() == [True, False, True]
    assert parsed.reasons == {
        0: "'1,181' could be 1181 or 1.181: no other value in the column tells which",
        2: "'12.500' could be 12500 or 12.500: no other value in the column tells which",
    }


def test_ambiguous_in_a_column_with_both_decimal_marks_is_bad() -> None:
    parsed = ambiguous_first("1,181", "1.5", "2,5")
    assert parsed.bad.tolist() == [True, False, False]
    assert parsed.values.tolist()[1:] == [1.5, 2.5]
    assert parsed.reasons[0] == (
        "'1,181' could be 1181 or 1.181: the column uses both decimal commas and decimal dots"
    )


@pytest.mark.parametrize(("decimal", "expected"), [(",", [1.181, 1181.0]), (".", [1181.0, 1.181])])
def test_decimal_argument_decides_ambiguous_values(decimal: str, expected: list[float]) -> None:
    parsed = ambiguous_first("1,181", "1.181", "1,5", decimal=decimal)
    assert parsed.values.tolist() == [*expected, 1.5]


def test_decimal_argument_is_checked() -> None:
    with pytest.raises(ValueError, match="decimal"):
        parse_numbers(pd.Series(["1"]), decimal=";")


def test_mixed_currencies_are_bad() -> None:
    parsed = parse_numbers(pd.Series(["12 USD", "13 EUR", "14", "$15"]))
    assert parsed.bad.tolist() == [True, True, False, True]
    assert parsed.values.iloc[2] == 14.0
    assert parsed.reasons == {
        0: "'12 USD' is in USD, but the column mixes EUR, USD",
        1: "'13 EUR' is in EUR, but the column mixes EUR, USD",
        3: "'$15' is in USD, but the column mixes EUR, USD",
    }


def test_one_currency_in_several_spellings_is_fine() -> None:
    parsed = parse_numbers(pd.Series(["12 руб.", "1 500,5 RUB", "(3) р.", "₽4"]))
    assert not parsed.bad.any()
    assert parsed.values.tolist() == [12.0, 1500.5, -3.0, 4.0]


def test_overflowing_number_is_bad() -> None:
    parsed = parse_numbers(pd.Series(["1e999", "1"]))
    assert parsed.reasons == {0: "'1e999' is too large a number"}


def test_pandas_columns_in_several_chunks() -> None:
    s = pd.concat([pd.Series(["1,5", None]), pd.Series(["2,5", "x"])], ignore_index=True)
    parsed = parse_numbers(s)
    assert parsed.values.tolist()[::2] == [1.5, 2.5]
    assert parsed.bad.tolist() == [False, False, False, True]


STYLES = {
    "ru": lambda v: f"{v:,.2f}".replace(",", "\u00a0").replace(".", ","),
    "en": lambda v: f"{v:,.2f}",
    "de": lambda v: f"{v:,.2f}".replace(",", "_").replace(".", ",").replace("_", "."),
    "plain dot": lambda v: f"{v:.2f}",
    "plain comma": lambda v: f"{v:.2f}".replace(".", ","),
    "dollars": lambda v: f"${v:,.2f}" if v >= 0 else f"(${-v:,.2f})",
}


@given(
    cents=st.lists(st.integers(-(10**11), 10**11), min_size=1, max_size=30),
    style=st.sampled_from(sorted(STYLES)),
)
def test_a_column_in_one_style_reads_back_exactly(cents: list[int], style: str) -> None:
    # Two decimals everywhere, so every value shows which separator is decimal.
    values = [c / 100 for c in cents]
    parsed = parse_numbers(pd.Series([STYLES[style](v) for v in values]))
    assert not parsed.bad.any(), parsed.reasons
    assert parsed.values.tolist() == values


@pytest.mark.parametrize(
    ("cells", "numbers"),
    [
        ([1.0, True, 0, False], [1.0, None, 0.0, None]),
        ([True, 1.0, False, 0], [None, 1.0, None, 0.0]),
    ],
)
def test_booleans_are_not_taken_for_one_and_zero(
    cells: list[object], numbers: list[float | None]
) -> None:
    parsed = parse_numbers(pd.Series(cells, dtype=object))
    assert parsed.bad.tolist() == [n is None for n in numbers]
    assert [None if math.isnan(v) else v for v in parsed.values] == numbers
