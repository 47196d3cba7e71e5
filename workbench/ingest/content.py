"""What a column holds, read from a sample of its cells, and how well that fits a field.

Headers lie or are ambiguous: a column headed ``Получатель`` may hold the importer's tax number,
``Sender`` a supplier code, ``Description`` a category such as ``OTHER``. The mapping weighs a
header against its contents: a name column holds words, a tax id digits of one length, an
address a street or a city, a value column amounts, a country column countries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.countries import to_alpha2
from workbench.ingest.dates import AmbiguousDates, parse_dates
from workbench.ingest.numbers import parse_numbers

#: Cells read from each column to judge it.
SAMPLE = 400

_DIGITS = re.compile(r"^\d+$")
_HS = re.compile(r"^\d{4,12}\*?$")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_ADDRESS = re.compile(
    r"\b(ул|улица|пр-т|просп|проспект|пер|шоссе|д|дом|корп|стр|кв|оф|г|обл|область|район|р-н|"
    r"street|str|st|road|rd|avenue|ave|blvd|building|bldg|floor|fl|district|dist|city|province|"
    r"room|suite|zip|industrial\s+zone|no|вул|буд)\b\.?\s*\d|\d{5,6}\s*,|,\s*\d{5,6}\b|"
    r"\b(ул|пр-т|просп|г|обл|вул)\.\s*\w|\b(street|road|avenue|district|province|gu|dong|ro|gil)\b"
    r"(?=[\s,]|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Profile:
    """Shares of a column's sampled cells that look one way or another (0 to 1)."""

    rows: int  # sampled rows (blank ones included)
    filled: float  # non-blank share of the sampled rows
    distinct: int  # distinct non-blank values in the sample
    digits: float  # cells of digits only (spaces ignored)
    digit_length: int  # the commonest length of those digits (0 if none)
    hs_like: float  # 4 to 12 digits (dots and spaces ignored; some countries add digits)
    small_whole: float  # whole numbers from 1 to 9999
    letters: float  # cells with a word of three letters or more
    address: float  # cells that read as an address
    mean_length: float
    examples: tuple[str, ...]  # the first few distinct values
    texts: tuple[str, ...]  # the non-blank sampled cells, for the kind checks below

    def example(self) -> str:
        return f"'{self.examples[0]}'" if self.examples else "nothing"


def profile(column: pa.ChunkedArray | pa.Array, sample: int = SAMPLE) -> Profile:
    """Judge a column from its first ``sample`` rows (cells are text)."""
    head = column.slice(0, sample)
    values = [("" if v is None else str(v)).strip() for v in head.to_pylist()]
    cells = [v for v in values if v]
    n = len(cells) or 1
    squeezed = [c.replace(" ", "").replace("\u00a0", "") for c in cells]
    digit_cells = [c for c in squeezed if _DIGITS.match(c)]
    lengths = Counter(len(c) for c in digit_cells)
    hs_cells = [c.replace(".", "") for c in squeezed]
    distinct = list(dict.fromkeys(cells))
    return Profile(
        rows=len(values),
        filled=len(cells) / len(values) if values else 0.0,
        distinct=len(distinct),
        digits=len(digit_cells) / n,
        digit_length=lengths.most_common(1)[0][0] if lengths else 0,
        hs_like=sum(1 for c in hs_cells if _HS.match(c)) / n,
        small_whole=sum(1 for c in digit_cells if 0 < int(c) < 10_000) / n,
        letters=sum(1 for c in cells if _LETTERS.search(c)) / n,
        address=sum(1 for c in cells if _ADDRESS.search(c)) / n,
        mean_length=sum(len(c) for c in cells) / n,
        examples=tuple(distinct[:3]),
        texts=tuple(cells),
    )


@dataclass(frozen=True)
class Fit:
    """How well a column's contents fit a field (0 to 1), and why when they do not."""

    score: float
    why: str = ""


_NAMES = ("sender", "receiver", "declarant", "manufacturer")


def fit(p: Profile, canonical: str) -> Fit:
    """How well contents profiled as ``p`` fit the canonical column ``canonical``."""
    if not p.texts:
        return Fit(0.5, "is empty in the rows read")
    kind = BY_NAME[canonical].kind
    if canonical in _NAMES:
        return _fit_name(p)
    if canonical == "receiver_tax_id":
        if p.digits >= 0.7 and 8 <= p.digit_length <= 14:
            return Fit(1.0)
        if p.letters >= 0.5:
            return Fit(0.1, f"holds names ({p.example()}), not tax numbers")
        return Fit(0.5)
    if canonical == "hs_code":
        if p.hs_like >= 0.7:
            return Fit(1.0)
        return Fit(0.15, f"holds {p.example()} and the like, not HS codes")
    if canonical == "description":
        return _fit_description(p)
    if canonical == "item_no":
        if p.small_whole >= 0.8:
            return Fit(1.0)
        return Fit(0.2, f"holds {p.example()}, not item numbers")
    if canonical == "declaration_no":
        if p.letters >= 0.6 and p.digits < 0.2 and p.mean_length > 25:
            return Fit(0.2, f"holds text ({p.example()}), not declaration numbers")
        return Fit(1.0)
    if kind is Kind.COUNTRY:
        return _share_fit(_countries_read(p), p, "countries")
    if kind is Kind.DATE:
        return _share_fit(_dates_read(p), p, "dates")
    if kind in (Kind.NUMBER, Kind.INTEGER):
        return _share_fit(_numbers_read(p), p, "amounts")
    if canonical in ("unit", "invoice_currency", "direction"):
        if p.mean_length <= 16:
            return Fit(1.0)
        return Fit(0.3, f"holds long text ({p.example()})")
    return Fit(1.0)


def _fit_name(p: Profile) -> Fit:
    if p.digits >= 0.6:
        digits = f"{p.digit_length}-digit numbers" if p.digit_length > 1 else "numbers"
        return Fit(0.1, f"holds {digits} ({p.example()}), not names")
    if p.address >= 0.4:
        return Fit(0.15, f"holds addresses ({p.example()}), not names")
    if p.letters >= 0.6:
        return Fit(1.0)
    return Fit(0.5, f"holds few names ({p.example()})")


def _fit_description(p: Profile) -> Fit:
    if p.digits >= 0.6:
        return Fit(0.1, f"holds numbers ({p.example()}), not descriptions")
    if len(p.texts) >= 20 and p.distinct <= 3:
        return Fit(0.3, f"holds only {p.distinct} different values ({p.example()})")
    if p.letters >= 0.6:
        return Fit(1.0 if p.mean_length >= 12 else 0.7)
    return Fit(0.4, f"holds few words ({p.example()})")


def _share_fit(share: float, p: Profile, what: str) -> Fit:
    if share >= 0.7:
        return Fit(1.0)
    if share >= 0.4:
        return Fit(0.6, f"has cells that are not {what} ({p.example()})")
    return Fit(0.15, f"holds {p.example()} and the like, not {what}")


def _read_share(bad_count: int, p: Profile) -> float:
    return 1.0 - bad_count / len(p.texts)


def _countries_read(p: Profile) -> float:
    parsed = to_alpha2(pd.Series(list(p.texts), dtype="string"))
    read = 1.0 - parsed.bad_count / len(p.texts)
    if p.digits >= 0.6 and p.digit_length > 3:
        return 0.0  # long numbers are not country codes, whatever a lookup finds
    return read


def _dates_read(p: Profile) -> float:
    try:
        parsed = parse_dates(pd.Series(list(p.texts), dtype="string"), date_order="DMY")
    except AmbiguousDates:
        return 1.0
    return _read_share(parsed.bad_count, p)


def _numbers_read(p: Profile) -> float:
    parsed = parse_numbers(pd.Series(list(p.texts), dtype="string"))
    return _read_share(parsed.bad_count, p)
