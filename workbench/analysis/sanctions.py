"""Sanctions screening, offline: read a sanctions list file and match the case's companies.

Three list formats are read, detected by content: OpenSanctions ``targets.simple.csv``,
FollowTheMoney JSON lines (parties plus ``Sanction`` entities pointing at them), and a plain CSV
of name, list, listing date. Files are streamed line by line; given the case's company names,
:func:`load_list` keeps only listed entities that share a blocking token with one of them, so a
list of a million entities costs memory only for its few candidates.

Names are compared on :func:`workbench.analysis.names.name_key` (transliterated, lower case, no
punctuation or legal forms): equal keys score 100, else ``token_sort_ratio`` of the keys.
A shipment dated on the listing day counts as *after* the listing.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from anyascii import anyascii
from rapidfuzz import fuzz, process

from workbench.analysis.names import name_key as _key
from workbench.errors import WorkbenchError

ROLES = ("sender", "receiver", "declarant", "manufacturer")
PARTY_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity", "PublicBody", "Person"})

OPENSANCTIONS = "opensanctions-csv"
FTM = "ftm-jsonl"
PLAIN = "plain-csv"
FORMAT_NAMES = {
    OPENSANCTIONS: "OpenSanctions targets.simple.csv",
    FTM: "FollowTheMoney JSON lines",
    PLAIN: "CSV of name, list, listing date",
}

_PLAIN_HEADERS = {
    "name": ("name", "entity", "entity_name", "company", "company_name", "listed_name"),
    "list": ("list", "list_name", "sanctions_list", "program", "programme", "authority"),
    "date": ("listing_date", "date", "listed", "listed_on", "date_listed", "designation_date"),
    "aliases": ("aliases", "alias"),
    "id": ("id",),
}
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][\d:.+Z-]*)?")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_PLAIN_ID = re.compile(r"[\w.:-]+", re.ASCII)


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """One party on a sanctions list, with the lists naming it and its earliest listing date."""

    id: str
    name: str
    aliases: tuple[str, ...]
    lists: tuple[str, ...]
    listed_on: dt.date | None
    source_format: str

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class ListedEntities(list[ListedEntity]):
    """The entities :func:`load_list` kept, plus the file's name, format and entity count."""

    def __init__(
        self, items: Iterable[ListedEntity] = (), *, source: str = "", source_format: str = "",
        total: int | None = None,
    ) -> None:
        super().__init__(items)
        self.source = source
        self.source_format = source_format
        self.total = len(self) if total is None else total


def _not_a_list(path: Path) -> WorkbenchError:
    return WorkbenchError(
        f"{path.name} is not a sanctions list Case Workbench can read (OpenSanctions "
        "targets.simple.csv, FollowTheMoney JSON lines, or a CSV of name, list, listing date)."
    )


# -- reading --------------------------------------------------------------------------------


def list_format(path: Path) -> str:
    """The format of the list at ``path`` (``OPENSANCTIONS``, ``FTM`` or ``PLAIN``), from its
    first line; anything else raises one sentence."""
    return _sniff(Path(path))[0]


def _sniff(path: Path) -> tuple[str, list[str], str]:
    """Format, normalised CSV header (empty for JSON lines) and CSV delimiter."""
    if not path.is_file():
        raise WorkbenchError(f"{path.name or path} does not exist.")
    with path.open("rb") as fh:
        if b"\x00" in fh.read(1 << 16):
            raise _not_a_list(path)
        fh.seek(0)
        first = b""
        while not first.strip() and (line := fh.readline(1 << 24)):
            first = line
    try:
        line = first.decode("utf-8").removeprefix("\ufeff").strip()
    except UnicodeDecodeError:
        raise _not_a_list(path) from None
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            raise _not_a_list(path) from None
        if isinstance(obj, dict) and isinstance(obj.get("schema"), str):
            return FTM, [], ""
        raise _not_a_list(path)
    delimiter = max(",;\t", key=line.count)
    header = [_header(h) for h in next(csv.reader([line], delimiter=delimiter), [])]
    if {"id", "schema", "name"} <= set(header) and {"sanctions", "first_seen"} & set(header):
        return OPENSANCTIONS, header, delimiter
    if _column(header, "name") is not None and (
        _column(header, "list") is not None or _column(header, "date") is not None
    ):
        return PLAIN, header, delimiter
    raise _not_a_list(path)


def _header(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _column(header: list[str], role: str) -> int | None:
    return next((i for i, h in enumerate(header) if h in _PLAIN_HEADERS[role]), None)


def load_list(path: Path, *, names: Iterable[str] | None = None) -> ListedEntities:
    """Read a sanctions list, streaming it.

    With ``names`` (the case's company names), only entities that could match one of them are
    kept; ``total`` still counts every entity in the file. Raises :class:`WorkbenchError` (one
    sentence, with the line number where one applies) for a file it cannot read.
    """
    path = Path(path)
    fmt, header, delimiter = _sniff(path)
    wanted = _Prefilter(names) if names is not None else None
    if fmt == FTM:
        return _read_ftm(path, wanted)
    rows = csv.reader(_text_lines(path), delimiter=delimiter)
    try:
        next(rows)  # the header, already read
        if fmt == OPENSANCTIONS:
            return _read_opensanctions(path, rows, header, wanted)
        return _read_plain(path, rows, header, wanted, lambda: rows.line_num)
    except csv.Error as exc:
        raise WorkbenchError(
            f"Line {rows.line_num} of {path.name} cannot be read as CSV ({exc})."
        ) from exc


def _text_lines(path: Path) -> Iterator[str]:
    """The file's lines as text; a line that is not UTF-8 stops with its number."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise WorkbenchError(
                    f"Line {number} of {path.name} is not UTF-8 text; save the list as UTF-8 "
                    "and try again."
                ) from None
            yield text.removeprefix("\ufeff") if number == 1 else text


class _Prefilter:
    """Blocking tokens of the case's names: a listed name sharing none cannot match."""

    def __init__(self, names: Iterable[str]) -> None:
        self.tokens: set[str] = set()
        for name in names:
            self.tokens |= _blocks(_key(name))

    def wants(self, names: Iterable[str]) -> bool:
        return any(_blocks(_key(n)) & self.tokens for n in names if n)


def _blocks(key: str) -> set[str]:
    """First word, and first word in sorted order (what ``token_sort_ratio`` compares)."""
    words = key.split()
    return {words[0], min(words)} if words else set()


def _split_multi(text: str) -> list[str]:
    """OpenSanctions joins several values with ``;`` (CSV-quoted where needed)."""
    if not text:
        return []
    return [v.strip() for v in next(csv.reader([text], delimiter=";")) if v.strip()]


def _loose_date(text: str) -> dt.date | None:
    """A date from ISO text, full or partial (``2024``, ``2024-02``: the period's first day)."""
    m = _DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2] or 1), int(m[3] or 1))
    except ValueError:
        return None


def _read_opensanctions(
    path: Path, rows: Iterator[list[str]], header: list[str], wanted: _Prefilter | None
) -> ListedEntities:
    col = {h: i for i, h in enumerate(header)}

    def get(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i] if i is not None and i < len(row) else ""

    kept: list[ListedEntity] = []
    total = 0
    for row in rows:
        if get(row, "schema") not in PARTY_SCHEMAS:
            continue
        total += 1
        name = get(row, "name").strip()
        aliases = tuple(a for a in _split_multi(get(row, "aliases")) if a != name)
        if wanted is not None and not wanted.wants((name, *aliases)):
            continue
        programs: list[str] = []
        starts: list[dt.date] = []
        for text in _split_multi(get(row, "sanctions")):
            parts = [p.strip() for p in text.split(" - ")]
            start = next((d for d in map(_loose_date, parts) if d is not None), None)
            if start is not None:
                starts.append(start)
            if parts[0] and _loose_date(parts[0]) is None:
                programs.append(parts[0])
        datasets = _split_multi(get(row, "dataset") or get(row, "datasets"))
        listed_on = min(starts) if starts else _loose_date(get(row, "first_seen")[:10])
        kept.append(ListedEntity(
            id=get(row, "id"), name=name, aliases=aliases,
            lists=tuple(dict.fromkeys(datasets or programs)), listed_on=listed_on,
            source_format=OPENSANCTIONS,
        ))
    return ListedEntities(kept, source=path.name, source_format=OPENSANCTIONS, total=total)


def _plain_date(text: str, path: Path, line: int) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    date = _loose_date(text)
    if date is None and (m := _DOTTED_DATE.fullmatch(text)):
        try:
            date = dt.date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            date = None
    if date is None:
        raise WorkbenchError(
            f"Line {line} of {path.name} has {text!r} as listing date, which is not a date "
            "(write it as YYYY-MM-DD)."
        )
    return date


def _read_plain(
    path: Path, rows: Iterator[list[str]], header: list[str], wanted: _Prefilter | None,
    line_num: Callable[[], int],
) -> ListedEntities:
    i_name, i_list, i_date, i_alias, i_id = (
        _column(header, r) for r in ("name", "list", "date", "aliases", "id")
    )
    assert i_name is not None  # _sniff saw to it

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    kept: list[ListedEntity] = []
    total = 0
    for row in rows:
        name = cell(row, i_name)
        if not name:
            continue
        total += 1
        line = line_num()
        aliases = tuple(a for a in re.split(r"\s*;\s*", cell(row, i_alias)) if a and a != name)
        listed_on = _plain_date(cell(row, i_date), path, line)
        if wanted is not None and not wanted.wants((name, *aliases)):
            continue
        listed = cell(row, i_list)
        kept.append(ListedEntity(
            id=cell(row, i_id) or f"line-{line}", name=name, aliases=aliases,
            lists=(listed,) if listed else (), listed_on=listed_on, source_format=PLAIN,
        ))
    return ListedEntities(kept, source=path.name, source_format=PLAIN, total=total)


@dataclass
class _Party:
    """A FollowTheMoney party being assembled while the file streams by."""

    id: str
    name: str
    aliases: tuple[str, ...]
    datasets: tuple[str, ...]
    first_seen: dt.date | None
    target: bool | None
    sanctions: dict[str, tuple[str, dt.date | None]] = field(default_factory=dict)

    def entity(self) -> ListedEntity:
        ordered = sorted(self.sanctions.values(), key=lambda s: (s[1] or dt.date.max, s[0]))
        labels = [label for label, _ in ordered if label]  # earliest listing first
        dates = [d for _, d in ordered if d is not None]
        return ListedEntity(
            id=self.id, name=self.name, aliases=self.aliases,
            lists=tuple(dict.fromkeys(labels or self.datasets)),
            listed_on=min(dates) if dates else self.first_seen, source_format=FTM,
        )


def _values(props: dict[str, object], name: str) -> list[str]:
    value = props.get(name)
    items = value if isinstance(value, list) else [value] if value is not None else []
    return [str(v).strip() for v in items if isinstance(v, str | int) and str(v).strip()]


def _sanction(props: dict[str, object]) -> tuple[str, dt.date | None]:
    """A label (authority and program) and the earliest listing or start date of a Sanction."""
    authority = ", ".join(_values(props, "authority"))
    program = ", ".join(_values(props, "program"))
    label = f"{authority} ({program})" if authority and program else authority or program
    dates = [
        d for p in ("listingDate", "startDate") for v in _values(props, p)
        if (d := _loose_date(v)) is not None
    ]
    return label, min(dates) if dates else None


def _json_lines(
    path: Path, only: Callable[[bytes], bool] | None = None
) -> Iterator[tuple[int, dict[str, object]]]:
    """The objects of a JSON lines file with their line numbers (``only``: lines it accepts)."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, 1):
            if not raw.strip() or (only is not None and not only(raw)):
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                raise WorkbenchError(
                    f"Line {number} of {path.name} is not valid JSON; a FollowTheMoney file holds "
                    "one JSON object per line."
                ) from None
            if not isinstance(obj, dict):
                raise WorkbenchError(
                    f"Line {number} of {path.name} is not a JSON object; a FollowTheMoney file "
                    "holds one entity per line."
                )
            yield number, obj


def _properties(obj: dict[str, object]) -> dict[str, object]:
    props = obj.get("properties")
    return props if isinstance(props, dict) else {}


def _read_ftm(path: Path, wanted: _Prefilter | None) -> ListedEntities:
    parties: dict[str, _Party] = {}
    total = 0
    early: set[str] = set()  # entities named by a Sanction before their own line
    for number, obj in _json_lines(path):
        schema, props = obj.get("schema"), _properties(obj)
        if schema == "Sanction":
            sid = str(obj.get("id") or f"line-{number}")
            for ref in _values(props, "entity"):
                if ref in parties:
                    parties[ref].sanctions[sid] = _sanction(props)
                else:
                    early.add(ref)
            continue
        if schema not in PARTY_SCHEMAS:
            continue
        target = obj.get("target")
        total += target is not False
        names = _values(props, "name")
        caption = obj.get("caption")
        name = caption.strip() if isinstance(caption, str) and caption.strip() else (
            names[0] if names else ""
        )
        aliases = tuple(dict.fromkeys(
            a for a in (*names, *_values(props, "alias"), *_values(props, "previousName"))
            if a != name
        ))
        if not name or (wanted is not None and not wanted.wants((name, *aliases))):
            continue
        first_seen = obj.get("first_seen")
        party = _Party(
            id=str(obj.get("id") or f"line-{number}"), name=name, aliases=aliases,
            datasets=tuple(_values(obj, "datasets")),
            first_seen=_loose_date(first_seen[:10]) if isinstance(first_seen, str) else None,
            target=target if isinstance(target, bool) else None,
        )
        nested = props.get("sanctions")
        for i, item in enumerate(nested if isinstance(nested, list) else []):
            if isinstance(item, dict) and item.get("schema") == "Sanction":
                party.sanctions[str(item.get("id") or f"{party.id}-{i}")] = _sanction(
                    _properties(item)
                )
        parties[party.id] = party
    if needed := early & parties.keys():  # their Sanctions came first: a second, cheap pass
        _join_early_sanctions(path, parties, needed)
    kept = [p.entity() for p in parties.values() if p.target is not False or p.sanctions]
    return ListedEntities(kept, source=path.name, source_format=FTM, total=total)


def _join_early_sanctions(path: Path, parties: dict[str, _Party], needed: set[str]) -> None:
    """Attach the Sanctions met before their (kept) entity, re-reading only Sanction lines."""
    plain = len(needed) <= 64 and all(_PLAIN_ID.fullmatch(ref) for ref in needed)
    probes = [ref.encode() for ref in needed] if plain else None  # as written in the JSON

    def wanted(raw: bytes) -> bool:
        return b"Sanction" in raw and (probes is None or any(p in raw for p in probes))

    for number, obj in _json_lines(path, only=wanted):
        if obj.get("schema") != "Sanction":
            continue
        props = _properties(obj)
        for ref in _values(props, "entity"):
            if ref in needed:
                parties[ref].sanctions[str(obj.get("id") or f"line-{number}")] = _sanction(props)


# -- screening ------------------------------------------------------------------------------


def check_threshold(threshold: float) -> float:
    """The threshold itself if it lies in (0, 100], else one sentence."""
    if not 0 < threshold <= 100:
        raise WorkbenchError(f"The threshold must lie between 0 and 100, not {threshold:g}.")
    return threshold


def case_companies(frame: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Each company spelling of the case with the roles it appears in, in ``ROLES`` order."""
    roles: dict[str, list[str]] = {}
    for role in ROLES:
        if role not in frame:
            continue
        for value in pd.unique(frame[role].dropna()):
            name = str(value)
            if name.strip():
                roles.setdefault(name, []).append(role)
    return {name: tuple(r) for name, r in roles.items()}


class _NameIndex:
    """Listed names by key, and keys by blocking token, for exact and fuzzy look-ups."""

    def __init__(self, listed: Sequence[ListedEntity]) -> None:
        self.exact: dict[str, list[tuple[int, str]]] = {}
        self.blocks: dict[str, list[str]] = {}
        for i, entity in enumerate(listed):
            for name in dict.fromkeys(entity.names):
                key = _key(name)
                if not key:
                    continue
                if key not in self.exact:
                    self.exact[key] = []
                    for token in _blocks(key):
                        self.blocks.setdefault(token, []).append(key)
                self.exact[key].append((i, name))

    def match(self, key: str, threshold: float) -> dict[int, tuple[float, str, str]]:
        """Listed entity index -> (score, listed name matched, its key), best name per entity."""
        found: dict[int, tuple[float, str, str]] = {}
        for i, name in self.exact.get(key, ()):
            found.setdefault(i, (100.0, name, key))
        if threshold >= 100:
            return found
        candidates = list(dict.fromkeys(
            k for token in _blocks(key) for k in self.blocks.get(token, ()) if k != key
        ))
        for other, score, _ in process.extract(
            key, candidates, scorer=fuzz.token_sort_ratio, processor=None,
            score_cutoff=threshold, limit=None,
        ):
            for i, name in self.exact[other]:
                if i not in found or found[i][0] < score:
                    found[i] = (float(score), name, other)
        return found


def _non_latin(name: str) -> bool:
    """Whether ``name`` has a letter beyond the Latin blocks (so its key was transliterated)."""
    return not name.isascii() and any(
        ch.isalpha() and ord(ch) > 0x24F and not 0x1E00 <= ord(ch) <= 0x1EFF for ch in name
    )


def _plain(name: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", anyascii(name).lower().replace(".", "")))


def _reason(case_name: str, case_key: str, matched: str, matched_key: str, listed: str) -> str:
    """Why two names were taken for the same company, in words."""
    translit = _non_latin(case_name) or _non_latin(matched)
    if case_key == matched_key:
        if case_name.casefold() == matched.casefold():
            why = "same name"
        elif _plain(case_name) == _plain(matched):
            why = ("same name after transliteration" if translit
                   else "same name apart from case and punctuation")
        else:
            why = ("same name after transliteration, legal form aside" if translit
                   else "same name, legal form aside")
    elif sorted(case_key.split()) == sorted(matched_key.split()):
        why = "same words in another order"
    else:
        why = "similar spelling" + (" after transliteration" if translit else "")
    return why if matched == listed else f"{why} (listed alias {matched})"


@dataclass(frozen=True)
class Hit:
    """A company of the case found on the list, with its shipments around the listing date.

    ``shipments_before``/``value_before`` and the ``after`` pair are ``None`` when the list
    gives no listing date; undated shipments are counted in ``shipments`` only.
    """

    case_name: str
    roles: tuple[str, ...]
    listed: ListedEntity
    matched_name: str
    score: float
    reason: str
    shipments: int
    value: float
    shipments_before: int | None
    value_before: float | None
    shipments_after: int | None
    value_after: float | None
    undated: int
    first: dt.date | None
    last: dt.date | None
    value_column: str = "stat_value_usd"
    positions: tuple[int, ...] = ()  # the shipments' rows in the case's frame

    def shipments_around(self, frame: pd.DataFrame) -> list[dict[str, object]]:
        """Every shipment of this company, each said to be before or after the listing."""
        listed_on = pd.Timestamp(self.listed.listed_on) if self.listed.listed_on else None
        out = []
        for pos in self.positions:
            row = frame.iloc[pos]
            date = row.get("date")
            if pd.isna(date):
                when = "undated"
            elif listed_on is None:
                when = "unknown listing date"
            else:
                when = "after" if pd.Timestamp(date) >= listed_on else "before"
            value = row.get(self.value_column)
            out.append({
                "declaration_no": None if pd.isna(row.get("declaration_no")) else
                str(row.get("declaration_no")),
                "item_no": None if pd.isna(row.get("item_no")) else int(row.get("item_no")),
                "date": None if pd.isna(date) else pd.Timestamp(date).date().isoformat(),
                "value": None if pd.isna(value) else round(float(value), 2),
                "source_file": str(row.get("source_file")),
                "source_sheet": str(row.get("source_sheet") or ""),
                "source_row": int(row.get("source_row")),
                "listing": when,
            })
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "case_name": self.case_name,
            "roles": list(self.roles),
            "listed_name": self.listed.name,
            "matched_name": self.matched_name,
            "list_id": self.listed.id,
            "lists": list(self.listed.lists),
            "listed_on": _iso(self.listed.listed_on),
            "score": self.score,
            "reason": self.reason,
            "shipments": self.shipments,
            "value": self.value,
            "shipments_before": self.shipments_before,
            "value_before": self.value_before,
            "shipments_after": self.shipments_after,
            "value_after": self.value_after,
            "shipments_undated": self.undated,
            "first": _iso(self.first),
            "last": _iso(self.last),
        }

    def _money(self, value: float | None) -> str:
        value = value or 0.0
        if self.value_column.endswith("_usd"):
            return f"${value:,.2f}"
        return f"{value:,.2f} ({self.value_column})"

    def describe(self) -> str:
        """The hit in two lines of plain English."""
        listed = self.listed
        on = f"listed {listed.listed_on.isoformat()}" if listed.listed_on else "no listing date"
        lists = ", ".join(listed.lists) or "list not named"
        roles = " and ".join(self.roles)
        n = f"{self.shipments:,} shipment{'s' if self.shipments != 1 else ''}"
        before, after = self.shipments_before or 0, self.shipments_after or 0
        if listed.listed_on is None:
            split = f"{n} ({self._money(self.value)}); the list gives no date to compare with"
        elif after == 0 and before:
            split = f"{n}, all before the listing ({self._money(self.value_before)}), none after"
        elif before == 0 and after:
            split = (f"{n}, none before the listing, all on or after it "
                     f"({self._money(self.value_after)})")
        else:
            split = (f"{n}: {before:,} before the listing ({self._money(self.value_before)}), "
                     f"{after:,} on or after it ({self._money(self.value_after)})")
        if self.undated:
            split += f"; {self.undated:,} undated"
        span = (f"first shipment {self.first}, last {self.last}" if self.first
                else "no dated shipment")
        return (
            f"{listed.name} ({lists}, {on}) ← {self.case_name} as {roles}, "
            f"score {self.score:g}: {split}\n  {span}; {self.reason}"
        )


@dataclass(frozen=True)
class ScreenResult:
    """The hits of one screening, best score first, and what was screened against."""

    source: str
    source_format: str
    entities: int
    threshold: float
    value_column: str
    companies: int
    hits: list[Hit]

    def as_json(self) -> dict[str, object]:
        return {
            "list": self.source,
            "format": self.source_format,
            "entities": self.entities,
            "companies": self.companies,
            "threshold": self.threshold,
            "value_column": self.value_column,
            "hits": [h.as_json() for h in self.hits],
        }


def screen(
    frame: pd.DataFrame, listed: Sequence[ListedEntity], *, threshold: float = 90.0,
    value: str = "stat_value_usd",
) -> ScreenResult:
    """Match the case's senders, receivers, declarants and manufacturers against ``listed``.

    One hit per case spelling and listed entity scoring at least ``threshold``, with that
    spelling's shipments (any of its roles) split at the listing date.
    """
    check_threshold(threshold)
    companies = case_companies(frame)
    index = _NameIndex(listed)
    dates = (frame["date"].to_numpy(dtype="datetime64[ms]") if "date" in frame
             else np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ms]"))
    values = (np.nan_to_num(frame[value].to_numpy(dtype="float64", na_value=np.nan))
              if value in frame else np.zeros(len(frame)))
    hits: list[Hit] = []
    for case_name, roles in companies.items():
        case_key = _key(case_name)
        if not case_key:
            continue
        found = index.match(case_key, threshold)
        if not found:
            continue
        rows = np.zeros(len(frame), dtype=bool)
        for role in roles:
            rows |= (frame[role] == case_name).to_numpy(dtype=bool, na_value=False)
        row_dates, row_values = dates[rows], values[rows]
        dated = ~np.isnat(row_dates)
        for i, (score, matched, matched_key) in found.items():
            entity = listed[i]
            nb, vb, na, va = _around(row_dates, row_values, dated, entity.listed_on)
            hits.append(Hit(
                case_name=case_name, roles=roles, listed=entity, matched_name=matched,
                score=round(score, 1),
                reason=_reason(case_name, case_key, matched, matched_key, entity.name),
                shipments=int(rows.sum()), value=round(float(row_values.sum()), 2),
                shipments_before=nb, value_before=vb, shipments_after=na, value_after=va,
                undated=int((~dated).sum()),
                first=_day(row_dates[dated].min()) if dated.any() else None,
                last=_day(row_dates[dated].max()) if dated.any() else None,
                value_column=value,
                positions=tuple(int(p) for p in np.flatnonzero(rows)),
            ))
    hits.sort(key=lambda h: (-h.score, -h.value, h.case_name, h.listed.name))
    return ScreenResult(
        source=getattr(listed, "source", ""),
        source_format=getattr(listed, "source_format", ""),
        entities=getattr(listed, "total", len(listed)),
        threshold=threshold, value_column=value, companies=len(companies), hits=hits,
    )


def _around(
    dates: np.ndarray, values: np.ndarray, dated: np.ndarray, listed_on: dt.date | None
) -> tuple[int | None, float | None, int | None, float | None]:
    """Count and value of the dated shipments before, and on or after, the listing date."""
    if listed_on is None:
        return None, None, None, None
    cut = np.datetime64(listed_on.isoformat(), "ms")
    before, after = dated & (dates < cut), dated & (dates >= cut)
    return (int(before.sum()), round(float(values[before].sum()), 2),
            int(after.sum()), round(float(values[after].sum()), 2))


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _day(value: np.datetime64) -> dt.date:
    return dt.date.fromisoformat(str(value.astype("datetime64[D]")))
