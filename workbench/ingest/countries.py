"""Reading country cells (codes, English and Russian names) as ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import gettext
import numbers
import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd
import pycountry

from workbench.ingest.parsed import ParsedColumn, distinct_values, expand, quote

# Forms that pycountry's English and Russian names do not cover: customs-classifier forms,
# abbreviations, former and colloquial names. Matching ignores case, punctuation and ё/е, and
# "KOREA, REPUBLIC OF"-style inversions of any known name are matched by their set of words.
ALIASES: dict[str, str] = {
    "European Union": "EU",
    "EU": "EU",
    "ЕВРОСОЮЗ": "EU",
    "ЕВРОПЕЙСКИЙ СОЮЗ": "EU",
    "UK": "GB",
    "Great Britain": "GB",
    "ВЕЛИКОБРИТАНИЯ": "GB",
    "США": "US",
    "Turkey": "TR",
    "Russia": "RU",
    "РОССИЯ": "RU",
    "РФ": "RU",
    "Korea, Rep.": "KR",
    "КОРЕЯ, НАРОДНО-ДЕМОКРАТИЧЕСКАЯ РЕСПУБЛИКА": "KP",
    "КНДР": "KP",
    "КНР": "CN",
    "ТАЙВАНЬ (КИТАЙ)": "TW",
    "UAE": "AE",
    "ОАЭ": "AE",
    "БЕЛОРУССИЯ": "BY",
    "КЫРГЫЗСТАН": "KG",
    "Macedonia": "MK",
    "МАКЕДОНИЯ": "MK",
    "Macau": "MO",
    "ФРГ": "DE",
    "ЮАР": "ZA",
}

# Cells that say the country is not known: missing, not bad. ("00" and 0 are the customs code.)
UNKNOWN: frozenset[str] = frozenset(
    {"НЕИЗВЕСТНА", "НЕИЗВЕСТНО", "НЕИЗВЕСТЕН", "Unknown", "XX", "00", "NULL", "N/A",
     "UNDEFINED", "UNDECLARED", "NOT DECLARED", "OTHER COUNTRY", "OTHER COUNTRIES",
     "SEVERAL COUNTRIES", "VARIOUS", "РАЗНЫЕ", "НЕ ОПРЕДЕЛЕНА", "-"}
)

#: Languages whose country names are read, after English (pycountry's translations).
_NAME_LANGUAGES = ("ru", "uk", "kk", "es", "pt", "fr", "tr", "de", "it")

_EXTRA_NAMES = {"EU": {"en": "European Union", "ru": "Европейский союз"}}
_STOP_WORDS = frozenset({"of", "the", "and"})
_CODE_NUMBER = re.compile(r"\d{1,3}(?:[.,]0+)?")
# Cyrillic letters that look like Latin ones, for codes typed with a mixed keyboard ("КR").
_LOOKALIKES = str.maketrans("авекмнорстухі", "abekmhopctyxi")


def to_alpha2(s: pd.Series) -> ParsedColumn:
    """Read a column of countries as ISO 3166-1 alpha-2 codes (string dtype, missing as NA).

    Accepted, ignoring case, punctuation and ё/е: alpha-2 (``KR``), alpha-3 (``KOR``), numeric
    codes (``410``, ``410.0``, ``056``), English names (pycountry's name, official and common
    names), their Russian translations, and :data:`ALIASES` (``КОРЕЯ, РЕСПУБЛИКА``, ``США``,
    ``UK``...). ``EU`` stands for the European Union, which customs use as an origin. Blank cells
    and :data:`UNKNOWN` forms are missing; anything else is bad.
    """
    d = distinct_values(s)
    codes_out = np.full(d.count, None, dtype=object)
    bad = np.zeros(d.count, dtype=bool)
    reasons: dict[int, str] = {}
    cells = np.empty(d.count, dtype=object)
    cells[d.text_at] = d.texts.to_pylist()
    cells[d.other_at] = d.others
    lookup = _lookup()
    for i, cell in enumerate(cells):
        found = _read_cell(cell, lookup)
        if found is False:
            bad[i] = True
            reasons[i] = f"{quote(cell)} is not a country name or code"
        else:
            codes_out[i] = found
    return expand(s, d.codes, codes_out, bad, reasons, None, pd.StringDtype("pyarrow"))


def country_label(alpha2: str, lang: str = "en") -> str:
    """A display label such as "South Korea (KR)": the common name where pycountry has one.

    ``lang`` is a language code ("en", "ru"...); unknown codes come back unchanged.
    """
    code = alpha2.strip().upper()
    if code in _EXTRA_NAMES:
        names = _EXTRA_NAMES[code]
        return f"{names.get(lang, names['en'])} ({code})"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return alpha2
    name = getattr(country, "common_name", None) or country.name
    return f"{_translation(lang).gettext(name)} ({code})"


def _read_cell(cell: object, lookup: dict[str, str | None]) -> str | bool | None:
    """The alpha-2 code, None for an explicit unknown, or False if the cell is no country."""
    if isinstance(cell, str):
        if _CODE_NUMBER.fullmatch(cell.strip()):
            return _by_number(int(float(cell.strip().replace(",", "."))))
        key = _key(cell)
        return _by_key(key, lookup) if key else None
    if isinstance(cell, numbers.Real) and not isinstance(cell, bool | np.bool_):
        value = float(cell)
        return _by_number(int(value)) if value.is_integer() and 0 <= value < 1000 else False
    return False


def _by_number(number: int) -> str | bool | None:
    if number == 0:
        return None
    country = pycountry.countries.get(numeric=f"{number:03d}")
    return country.alpha_2 if country is not None else False


def _by_key(key: str, lookup: dict[str, str | None]) -> str | bool | None:
    for candidate in (key, _bag(key)):
        if candidate in lookup:
            return lookup[candidate]
    if re.search("[a-z]", key) and re.search("[а-яі]", key):
        latin = key.translate(_LOOKALIKES)
        if latin != key:  # letters with no Latin lookalike stay mixed: no country
            return _by_key(latin, lookup)
    return False


def _key(text: str) -> str:
    """Case-, accent- and punctuation-free form of a name: "Côte d'Ivoire" -> "cote divoire"."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`.]", "", text)
    return " ".join(re.split(r"[\W_]+", text)).strip()


def _bag(key: str) -> str:
    """The set of words of a key, for names written in another order ("korea republic")."""
    return "|" + " ".join(sorted(set(key.split()) - _STOP_WORDS))


@cache
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


@cache
def _lookup() -> dict[str, str | None]:
    """Key (and word-set key) -> alpha-2, None for an explicit unknown.

    Earlier sources win: unknowns, aliases, codes, English names, Russian names. A word-set key
    shared by two countries is dropped rather than guessed.
    """
    exact: dict[str, str | None] = {}
    bags: dict[str, str | None] = {}
    clashes: set[str] = set()

    def add(name: str, code: str | None) -> None:
        key = _key(name)
        exact.setdefault(key, code)
        bag = _bag(key)
        if bags.setdefault(bag, code) != code:
            clashes.add(bag)

    for name in UNKNOWN:
        add(name, None)
    for name, code in ALIASES.items():
        add(name, code)
    countries = list(pycountry.countries)
    for country in countries:
        add(country.alpha_2, country.alpha_2)
        add(country.alpha_3, country.alpha_2)
    # English first, then the languages trade extracts come in (names of the EAEU's customs
    # in Russian, Ukrainian and Kazakh; Latin American vendors in Spanish and Portuguese).
    translations = [_translation(lang).gettext for lang in _NAME_LANGUAGES]
    for translate in (str, *translations):
        for country in countries:
            for field in ("name", "official_name", "common_name"):
                name = getattr(country, field, None)
                if name:
                    add(translate(name), country.alpha_2)
    bags = {bag: code for bag, code in bags.items() if bag not in clashes}
    return {**bags, **exact}
