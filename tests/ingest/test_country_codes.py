"""Country cells as codes, English names, Russian names and customs-classifier forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.ingest.countries import country_label, to_alpha2


def code(cell: object) -> str | None:
    """The alpha-2 code of a single cell, None when missing (fails if the cell is bad)."""
    parsed = to_alpha2(pd.Series([cell], dtype=object))
    assert not parsed.bad[0], parsed.reasons
    value = parsed.values.iloc[0]
    return None if pd.isna(value) else value


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # codes
        ("KR", "KR"),
        ("kr", "KR"),
        (" KR ", "KR"),
        ("KOR", "KR"),
        ("410", "KR"),
        ("410.0", "KR"),
        (410.0, "KR"),
        (410, "KR"),
        ("056", "BE"),
        (56.0, "BE"),
        # English names
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("KOREA, REP.", "KR"),
        ("China", "CN"),
        ("Hong Kong", "HK"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("Taiwan", "TW"),
        ("Taiwan, Province of China", "TW"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("United Kingdom", "GB"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("Czech Republic", "CZ"),
        ("Russia", "RU"),
        ("Côte d'Ivoire", "CI"),
        ("Cote dIvoire", "CI"),
        ("Bosnia & Herzegovina", "BA"),
        ("North Korea", "KP"),
        # Russian names and customs-classifier forms
        ("КОРЕЯ, РЕСПУБЛИКА", "KR"),
        ("РЕСПУБЛИКА КОРЕЯ", "KR"),
        ("ЮЖНАЯ КОРЕЯ", "KR"),
        ("КИТАЙ", "CN"),
        ("Китай", "CN"),
        ("ГОНКОНГ", "HK"),
        ("ТАЙВАНЬ (КИТАЙ)", "TW"),
        ("ИНДИЯ", "IN"),
        ("ТУРЦИЯ", "TR"),
        ("ИТАЛИЯ", "IT"),
        ("ГЕРМАНИЯ", "DE"),
        ("ЯПОНИЯ", "JP"),
        ("СОЕДИНЕННЫЕ ШТАТЫ", "US"),
        ("СОЕДИНЁННЫЕ ШТАТЫ", "US"),
        ("США", "US"),
        ("ВЕЛИКОБРИТАНИЯ", "GB"),
        ("СОЕДИНЕННОЕ КОРОЛЕВСТВО", "GB"),
        ("БЕЛАРУСЬ", "BY"),
        ("КАЗАХСТАН", "KZ"),
        ("ОАЭ", "AE"),
        ("ОБЪЕДИНЕННЫЕ АРАБСКИЕ ЭМИРАТЫ", "AE"),
        ("ЧЕХИЯ", "CZ"),
        ("ЧЕШСКАЯ РЕСПУБЛИКА", "CZ"),
        ("ВЬЕТНАМ", "VN"),
        ("ИРАН, ИСЛАМСКАЯ РЕСПУБЛИКА", "IR"),
        ("МОЛДОВА, РЕСПУБЛИКА", "MD"),
        ("КОРЕЯ, НАРОДНО-ДЕМОКРАТИЧЕСКАЯ РЕСПУБЛИКА", "KP"),
        ("РОССИЯ", "RU"),
        # a code typed with a Cyrillic К
        ("КR", "KR"),
        # the European Union as an origin
        ("ЕВРОСОЮЗ", "EU"),
        ("European Union", "EU"),
        ("EU", "EU"),
        ("eu", "EU"),
    ],
)
def test_accepted_forms(cell: object, expected: str) -> None:
    assert code(cell) == expected


@pytest.mark.parametrize("cell", ["НЕИЗВЕСТНА", "неизвестно", "Unknown", "00", "XX", 0, "", " "])
def test_explicit_unknowns_and_blanks_are_missing_not_bad(cell: object) -> None:
    assert code(cell) is None


@pytest.mark.parametrize("cell", ["Xyz", "Korea", "РК", "999", 999, 12.5, True, "K R"])
def test_anything_else_is_bad(cell: object) -> None:
    parsed = to_alpha2(pd.Series(["KR", cell], dtype=object))
    assert parsed.bad.tolist() == [False, True]
    assert parsed.reasons == {1: f"'{cell}' is not a country name or code"}
    assert pd.isna(parsed.values.iloc[1])


def test_result_is_a_string_column_with_na_and_the_input_index() -> None:
    s = pd.Series(["КИТАЙ", None, np.nan, "Xyz", "KR"], index=[5, 6, 7, 8, 9], name="G16")
    parsed = to_alpha2(s)
    assert isinstance(parsed.values.dtype, pd.StringDtype)
    assert parsed.values.dtype.na_value is pd.NA
    assert parsed.values.index.tolist() == [5, 6, 7, 8, 9]
    assert parsed.values.name == "G16"
    assert parsed.values.tolist() == ["CN", pd.NA, pd.NA, pd.NA, "KR"]
    assert parsed.bad.tolist() == [False, False, False, True, False]
    assert parsed.reasons == {3: "'Xyz' is not a country name or code"}


@pytest.mark.parametrize("dtype", ["str", "string[pyarrow]", object, "category"])
def test_every_string_dtype_reads_the_same(dtype: object) -> None:
    parsed = to_alpha2(pd.Series(["ГОНКОНГ", None, "it"], dtype=dtype))
    assert parsed.values.tolist() == ["HK", pd.NA, "IT"]


def test_numeric_codes_from_excel() -> None:
    parsed = to_alpha2(pd.Series([410.0, np.nan, 156.0, 0.0]))
    assert parsed.values.tolist() == ["KR", pd.NA, "CN", pd.NA]
    assert not parsed.bad.any()


@pytest.mark.parametrize(
    ("alpha2", "lang", "label"),
    [
        ("KR", "en", "South Korea (KR)"),
        ("KR", "ru", "Южная Корея (KR)"),
        ("TW", "en", "Taiwan (TW)"),
        ("DE", "en", "Germany (DE)"),
        ("HK", "ru", "Гонконг (HK)"),
        ("RU", "en", "Russian Federation (RU)"),
        ("kr", "en", "South Korea (KR)"),
        ("EU", "en", "European Union (EU)"),
        ("EU", "ru", "Европейский союз (EU)"),
        ("ZZ", "en", "ZZ"),
    ],
)
def test_country_label(alpha2: str, lang: str, label: str) -> None:
    assert country_label(alpha2, lang) == label


def test_mixed_scripts_without_lookalikes_are_no_country() -> None:
    """A cell mixing Latin with Cyrillic letters that have no Latin twin is bad, not a hang."""
    parsed = to_alpha2(pd.Series(["Kорея д", "ул. Lenina 5"], dtype="string"))
    assert parsed.bad.tolist() == [True, True]
