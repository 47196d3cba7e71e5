"""Dates as extracts write them: real dates, Excel serials (1900 and 1904), text in two orders."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.ingest.dates import AmbiguousDates, excel_serial_days, parse_dates


def day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def read(*cells: object, **options: object) -> list[pd.Timestamp | None]:
    """The dates of a column, None where missing; fails if any cell is bad."""
    parsed = parse_dates(pd.Series(list(cells), dtype=object), **options)
    assert not parsed.bad.any(), parsed.reasons
    return [None if pd.isna(v) else v for v in parsed.values]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.10.2023", "2023-10-05"),
        ("5.1.2023", "2023-01-05"),
        ("05.10.23", "2023-10-05"),
        ("31.12.99", "1999-12-31"),
        ("05.10.2023 0:00:00", "2023-10-05"),
        ("2023-10-05", "2023-10-05"),
        ("2023-10-05 00:00:00", "2023-10-05"),
        ("2023-10-05T12:00", "2023-10-05"),
        ("2023-10-05T23:30:00+03:00", "2023-10-05"),
        ("2023/10/05", "2023-10-05"),
        ("43101", "2018-01-01"),
        ("44980", "2023-02-23"),
        ("44981.75", "2023-02-24"),
        (" 05.10.2023\u00a0", "2023-10-05"),
        ("29.02.2024", "2024-02-29"),
    ],
)
def test_accepted_text_forms(text: str, expected: str) -> None:
    assert read(text) == [day(expected)]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_datetime_input_is_normalised_to_midnight(unit: str) -> None:
    raw = np.array(["2023-10-05T13:45", "NaT", "2018-01-01T07:00"], dtype=f"datetime64[{unit}]")
    s = pd.Series(raw, index=[7, 8, 9])
    parsed = parse_dates(s)
    assert parsed.values.tolist()[::2] == [day("2023-10-05"), day("2018-01-01")]
    assert pd.isna(parsed.values.iloc[1])
    assert parsed.values.index.tolist() == [7, 8, 9]
    assert parsed.values.dtype == "datetime64[ns]"
    assert not parsed.bad.any()


def test_time_zone_aware_input_keeps_its_wall_date() -> None:
    s = pd.Series(pd.to_datetime(["2023-10-05 23:30"])).dt.tz_localize("Europe/Moscow")
    assert parse_dates(s).values.tolist() == [day("2023-10-05")]


def test_excel_serials_as_numbers() -> None:
    parsed = parse_dates(pd.Series([43101.0, np.nan, 44980.5]))
    assert parsed.values.tolist()[::2] == [day("2018-01-01"), day("2023-02-23")]
    assert not parsed.bad.any()
    ints = parse_dates(pd.Series([43101, None], dtype="Int64"))
    assert ints.values.iloc[0] == day("2018-01-01")


def test_excel_cells_of_mixed_types() -> None:
    cells = [
        dt.datetime(2023, 1, 5, 13, 0),
        dt.date(2023, 2, 1),
        pd.Timestamp("2023-03-01 08:00"),
        np.datetime64("2023-04-01T10:00"),
        43101,
        "05.10.2023",
        None,
    ]
    assert read(*cells) == [
        day("2023-01-05"),
        day("2023-02-01"),
        day("2023-03-01"),
        day("2023-04-01"),
        day("2018-01-01"),
        day("2023-10-05"),
        None,
    ]


def test_1904_system_is_exactly_1462_days_later() -> None:
    serials = pd.Series([43101.0, 44980.0])
    in_1900 = parse_dates(serials).values
    in_1904 = parse_dates(serials, date1904=True).values
    assert (in_1904 - in_1900).tolist() == [pd.Timedelta(days=1462)] * 2
    assert in_1904.tolist() == [day("2022-01-02"), day("2027-02-24")]
    as_text = parse_dates(pd.Series(["43101"]), date1904=True).values
    assert as_text.tolist() == [day("2022-01-02")]


def test_serial_conversion_of_the_1900_system() -> None:
    days = excel_serial_days(np.array([1, 59, 60, 61, 43101, 44980, 0, -1, np.nan, 2958466]))
    assert days.astype(str).tolist() == [
        "1900-01-01",
        "1900-02-28",
        "NaT",  # Excel's 1900-02-29, which never was
        "1900-03-01",
        "2018-01-01",
        "2023-02-23",
        "NaT",
        "NaT",
        "NaT",
        "NaT",
    ]


def test_serial_conversion_of_the_1904_system() -> None:
    days = excel_serial_days(np.array([0, 1, 60, 43101]), date1904=True)
    assert days.astype(str).tolist() == ["1904-01-01", "1904-01-02", "1904-03-01", "2022-01-02"]


def test_blanks_are_missing_not_bad() -> None:
    parsed = parse_dates(pd.Series(["", "  ", None, np.nan, "\u00a0", "05.10.2023"], dtype=object))
    assert not parsed.bad.any()
    assert parsed.reasons == {}
    assert parsed.values.isna().tolist() == [True] * 5 + [False]


def test_result_keeps_index_and_name() -> None:
    s = pd.Series(["05.10.2023", "x"], index=["a", "b"], name="G072")
    parsed = parse_dates(s)
    assert parsed.values.index.tolist() == ["a", "b"]
    assert parsed.values.name == "G072"
    assert parsed.bad.tolist() == [False, True]
    assert parsed.reasons == {1: "'x' is not a date"}


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("abc", "'abc' is not a date"),
        ("31.02.2023", "'31.02.2023' is not a valid date"),
        ("2023-13-01", "'2023-13-01' is not a valid date"),
        ("05.10.1899", "date 1899-10-05 is outside 1990-2100"),
        ("01.01.2101", "date 2101-01-01 is outside 1990-2100"),
        ("1462", "date 1904-01-01 is outside 1990-2100 (wrong date system?)"),
        ("60", "'60' is not a day number Excel knows"),
        (1462.0, "date 1904-01-01 is outside 1990-2100 (wrong date system?)"),
        (pd.Timestamp("1985-06-01"), "date 1985-06-01 is outside 1990-2100 (wrong date system?)"),
        (dt.time(12, 0), "'12:00:00' is a time of day, not a date"),
        (True, "'True' is not a date"),
    ],
)
def test_bad_cells_have_reasons(cell: object, reason: str) -> None:
    parsed = parse_dates(pd.Series(["05.10.2023", cell], dtype=object))
    assert parsed.bad.tolist() == [False, True]
    assert parsed.reasons == {1: reason}
    assert pd.isna(parsed.values.iloc[1])


def test_implausible_datetime_column() -> None:
    s = pd.Series(pd.to_datetime(["1904-01-05", "2023-01-05"]))
    parsed = parse_dates(s)
    assert parsed.bad.tolist() == [True, False]
    assert parsed.reasons == {0: "date 1904-01-05 is outside 1990-2100 (wrong date system?)"}


# Slash dates: the column decides which number is the day.


def test_slash_dates_day_first_when_a_day_exceeds_12() -> None:
    assert read("13/05/2023", "05/06/2023") == [day("2023-05-13"), day("2023-06-05")]


def test_slash_dates_month_first_when_a_second_number_exceeds_12() -> None:
    assert read("05/13/2023", "05/06/2023", "5/7/23 12:00:00 AM") == [
        day("2023-05-13"),
        day("2023-05-06"),
        day("2023-05-07"),
    ]


def test_slash_dates_with_both_orders_flag_the_minority() -> None:
    parsed = parse_dates(pd.Series(["13/05/2023", "14/05/2023", "05/14/2023", "01/02/2023"]))
    assert parsed.bad.tolist() == [False, False, True, False]
    assert parsed.values.iloc[3] == day("2023-02-01")
    assert parsed.reasons == {2: "'05/14/2023' does not fit this column's day/month order"}


def test_chosen_order_wins_over_the_column() -> None:
    parsed = parse_dates(pd.Series(["13/05/2023", "05/06/2023"]), date_order="MDY")
    assert parsed.bad.tolist() == [True, False]
    assert parsed.values.iloc[1] == day("2023-05-06")
    assert parsed.reasons == {0: "'13/05/2023' does not fit this column's month/day order"}


def test_all_ambiguous_slash_dates_need_an_order() -> None:
    s = pd.Series(["05/06/2023", "07/08/2023"], name="Shipment Date")
    with pytest.raises(AmbiguousDates) as caught:
        parse_dates(s)
    assert isinstance(caught.value, WorkbenchError)
    assert str(caught.value) == (
        "The dates in column 'Shipment Date' could be day/month or month/day "
        "(for example '05/06/2023'), so choose the date order for this column."
    )
    assert read("05/06/2023", date_order="DMY") == [day("2023-06-05")]
    assert read("05/06/2023", date_order="MDY") == [day("2023-05-06")]


def test_column_argument_names_the_column() -> None:
    with pytest.raises(AmbiguousDates, match="column 'Дата ДТ'"):
        parse_dates(pd.Series(["05/06/2023"]), column="Дата ДТ")


def test_tie_between_orders_needs_an_order() -> None:
    with pytest.raises(AmbiguousDates, match="as often day/month"):
        parse_dates(pd.Series(["13/05/2023", "05/14/2023"]))


def test_dates_that_read_the_same_both_ways_need_no_order() -> None:
    assert read("05/05/2023", "07/07/2023") == [day("2023-05-05"), day("2023-07-07")]


def test_date_order_is_checked() -> None:
    with pytest.raises(ValueError, match="date_order"):
        parse_dates(pd.Series(["05/06/2023"]), date_order="YMD")


DATE_STYLES = {
    "dotted": lambda d: d.strftime("%d.%m.%Y"),
    "iso": lambda d: d.strftime("%Y-%m-%d 00:00:00"),
    "serial": lambda d: str((d - dt.date(1899, 12, 30)).days),
    "day first": lambda d: f"{d.day}/{d.month}/{d.year}",
}


@given(
    days=st.lists(st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), min_size=1, max_size=20),
    style=st.sampled_from(sorted(DATE_STYLES)),
)
def test_a_column_in_one_style_reads_back_exactly(days: list[dt.date], style: str) -> None:
    s = pd.Series([DATE_STYLES[style](d) for d in days])
    parsed = parse_dates(s, date_order="DMY")
    assert not parsed.bad.any(), parsed.reasons
    assert parsed.values.tolist() == [pd.Timestamp(d) for d in days]


def test_two_digit_years_get_a_century_four_digit_years_do_not() -> None:
    parsed = parse_dates(pd.Series(["05.10.23", "05/10/95", "0023-10-05"]), date_order="DMY")
    assert parsed.values.tolist()[:2] == [day("2023-10-05"), day("1995-10-05")]
    assert parsed.reasons == {2: "date 0023-10-05 is outside 1990-2100"}


def test_pandas_columns_in_several_chunks() -> None:
    s = pd.concat([pd.Series(["05.10.2023", None]), pd.Series(["x"])], ignore_index=True)
    parsed = parse_dates(s)
    assert parsed.values.iloc[0] == day("2023-10-05")
    assert parsed.bad.tolist() == [False, False, True]
