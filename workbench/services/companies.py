"""Companies of a case: spellings grouped by name key, then the reporter's decisions.

Grouping is never a black box: identical keys make one company automatically, everything
looser is a suggestion with a score and a reason, and every decision (accept, reject, merge by
hand, split, rename, undo) is an event in the case's log. The imported rows are never touched;
the companies on screen are a fold of the automatic groups and the decisions, in clock order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.analysis.names import Resolution, Suggestion, name_key, resolve
from workbench.analysis.versions import Field, fields
from workbench.errors import WorkbenchError
from workbench.services.identity import current_author
from workbench.services.undo import undo
from workbench.store import events, files
from workbench.store.case import CaseFile

MERGE = "company.merged"
SPLIT = "company.split"
RENAME = "company.renamed"
REJECT = "company.suggestion_rejected"
UNDO = events.UNDO
SCREENED = "sanctions.screened"
DECISIONS = (MERGE, SPLIT, RENAME, REJECT)


@dataclass
class Company:
    name: str
    aliases: dict[str, int]  # spelling -> shipments
    total: float = 0.0
    shipments: int = 0
    first: str | None = None
    last: str | None = None
    reply_status: str = "not yet asked"
    reply_wording: str | None = None
    reply_log: str = ""  # requests, attempts and replies as lines of text
    name_conflict: list[str] = field(default_factory=list)  # display names both copies gave
    sanctions: list[dict[str, object]] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "aliases": sorted(self.aliases, key=lambda a: (-self.aliases[a], a)),
            "spellings": self.aliases,
            "total": round(self.total, 2),
            "shipments": self.shipments,
            "first": self.first,
            "last": self.last,
            "reply_status": self.reply_status,
            "reply_wording": self.reply_wording,
            "name_conflict": self.name_conflict,
            "sanctions": self.sanctions,
        }


@dataclass
class CompanyBook:
    """The fold: companies, the open suggestions (numbered from 1), and which spelling is where."""

    companies: list[Company]
    suggestions: list[Suggestion]
    company_of: dict[str, int]  # spelling -> index into companies

    def as_json(self) -> dict[str, object]:
        return {
            "companies": [c.as_json() for c in self.companies],
            "suggestions": [
                {"number": i, "id": s.id, "names": list(s.names), "score": round(s.score, 1),
                 "reason": s.reason}
                for i, s in enumerate(self.suggestions, start=1)
            ],
        }


class _Groups:
    """Union-find over spellings, with splitting (rebuilt from the events on every fold)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.parent = {n: n for n in names}

    def find(self, name: str) -> str:
        root = name
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[name] != root:
            self.parent[name], name = root, self.parent[name]
        return root

    def union(self, names: list[str]) -> None:
        known = [n for n in names if n in self.parent]
        for other in known[1:]:
            a, b = self.find(known[0]), self.find(other)
            if a != b:
                self.parent[max(a, b)] = min(a, b)

    def split(self, names: list[str]) -> None:
        """Take ``names`` out of their companies into one company of their own."""
        moving = {n for n in names if n in self.parent}
        if not moving:
            return
        members: dict[str, list[str]] = {}
        for n in self.parent:
            members.setdefault(self.find(n), []).append(n)
        self.parent = {n: n for n in self.parent}
        for group in members.values():
            self.union([n for n in group if n not in moving])
        self.union(sorted(moving))

    def components(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for n in self.parent:
            out.setdefault(self.find(n), []).append(n)
        return out


def active_decisions(case: CaseFile) -> list[events.Event]:
    """Company decisions still in force, in clock order (undone ones and undos left out)."""
    return events.read_live(case.conn, DECISIONS)


def company_book(case: CaseFile, frame: pd.DataFrame, column: str = "sender") -> CompanyBook:
    """Fold the spellings of ``column`` and the case's decisions into companies."""
    counts = frame[column].dropna().astype(str).value_counts() if column in frame else pd.Series()
    spellings = sorted(counts.index)
    resolution: Resolution = resolve(spellings)
    groups = _Groups(spellings)
    for members in resolution.groups.values():
        groups.union(list(members))
    rejected: set[str] = set()
    decisions = active_decisions(case)
    for e in decisions:
        names = [str(n) for n in e.payload.get("names", [])]
        if e.kind == MERGE:
            groups.union(names)
        elif e.kind == SPLIT:
            groups.split(names)
        elif e.kind == REJECT:
            rejected.add(str(e.payload["suggestion"]))
    renames = rename_fields(decisions)
    names_display = {k: str(f.current.payload["display"]) for k, f in renames.items()}

    value = case.meta("value_column") or "stat_value_usd"
    components = list(groups.components().values())
    totals, shipments, first, last = _component_totals(frame, column, value, components)
    companies: list[Company] = []
    for i, members in enumerate(components):
        members.sort(key=lambda n: (-int(counts.get(n, 0)), n))
        display = next((names_display[m] for m in members if m in names_display), members[0])
        clash = next((renames[m] for m in members if m in renames and renames[m].in_conflict),
                     None)
        companies.append(Company(
            name=display,
            name_conflict=[] if clash is None else [str(h.payload["display"])
                                                     for h in clash.heads],
            aliases={m: int(counts.get(m, 0)) for m in members},
            total=float(totals[i]),
            shipments=int(shipments[i]),
            first=first[i],
            last=last[i],
        ))
    companies.sort(key=lambda c: (-c.total, c.name))
    company_of = {m: i for i, c in enumerate(companies) for m in c.aliases}
    _attach_reply_status(case, companies, company_of)
    for hit in latest_screening_hits(case):
        owner = company_of.get(str(hit.get("case_name")))
        if owner is not None:
            companies[owner].sanctions.append(hit)
    open_suggestions = [
        s for s in resolution.suggestions
        if s.id not in rejected and len({groups.find(n) for n in s.names if n in groups.parent}) > 1
    ]
    return CompanyBook(companies, open_suggestions, company_of)


def _component_totals(
    frame: pd.DataFrame, column: str, value: str, components: list[list[str]]
) -> tuple[np.ndarray, np.ndarray, list[str | None], list[str | None]]:
    """Value, shipments, first and last date per company: one pass over the rows."""
    size = len(components)
    where = {m: i for i, members in enumerate(components) for m in members}
    if column not in frame or not size:
        return np.zeros(size), np.zeros(size, int), [None] * size, [None] * size
    codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
    lookup = np.array([where.get(str(u), -1) for u in uniques] + [-1], dtype=np.int64)
    company = lookup[codes]  # code -1 (blank) takes the last slot: -1
    valid = company >= 0
    weights = (
        np.nan_to_num(frame[value].to_numpy(dtype="float64", na_value=np.nan))
        if value in frame else np.zeros(len(frame))
    )
    totals = np.bincount(company[valid], weights=weights[valid], minlength=size)
    shipments = np.bincount(company[valid], minlength=size)
    first: list[str | None] = [None] * size
    last: list[str | None] = [None] * size
    if "date" in frame:
        days = frame["date"].to_numpy(dtype="datetime64[D]")
        dated = valid & ~np.isnat(days)
        day_numbers = days[dated].astype(np.int64)
        low = np.full(size, np.iinfo(np.int64).max)
        high = np.full(size, np.iinfo(np.int64).min)
        np.minimum.at(low, company[dated], day_numbers)
        np.maximum.at(high, company[dated], day_numbers)
        for c in np.flatnonzero(high > np.iinfo(np.int64).min):
            first[c] = str(np.datetime64(int(low[c]), "D"))
            last[c] = str(np.datetime64(int(high[c]), "D"))
    return totals, shipments, first, last


def _attach_reply_status(
    case: CaseFile, companies: list[Company], company_of: dict[str, int]
) -> None:
    """Each company's right-of-reply status, matched by name key (the log names companies as
    the reporter writes them, not as the customs data spells them)."""
    from workbench.analysis.replies import log_text
    from workbench.services.replies import reply_records

    by_key: dict[str, int] = {}
    for spelling, index in company_of.items():
        by_key.setdefault(name_key(spelling), index)
    for record in reply_records(case):
        index = by_key.get(name_key(record.name))
        if index is not None:
            company = companies[index]
            company.reply_status, company.reply_wording = record.status, record.wording
            company.reply_log = log_text(record)


# -- sanctions screenings -----------------------------------------------------------------------


def record_screening(case: CaseFile, list_path: Path, result: dict[str, object]) -> events.Event:
    """Keep a screening's hits in the log, so profiles and exports can show them later."""
    digest = files.sha256_of(list_path)
    hits = [
        {k: h.get(k) for k in ("case_name", "roles", "listed_name", "lists", "listed_on",
                                 "score", "reason")}
        for h in result.get("hits", [])  # type: ignore[union-attr]
    ]
    return _record(case, SCREENED, {"list": list_path.name, "sha256": digest,
                                    "entities": result.get("entities"), "hits": hits})


def latest_screening_hits(case: CaseFile) -> list[dict[str, object]]:
    """Hits of the latest screening against each list file (by its SHA-256)."""
    latest: dict[str, events.Event] = {}
    for e in events.read(case.conn, SCREENED):
        latest[str(e.payload.get("sha256"))] = e
    return [
        {**h, "list_file": e.payload.get("list")}
        for e in latest.values() for h in e.payload.get("hits", [])
    ]


# -- decisions ----------------------------------------------------------------------------------


def _record(case: CaseFile, kind: str, payload: dict[str, object]) -> events.Event:
    with case.transaction() as conn:
        return events.append(
            conn, kind=kind, payload=payload, author=current_author(), replica=case.replica_id
        )


def _suggestion(book: CompanyBook, number: int) -> Suggestion:
    if not 1 <= number <= len(book.suggestions):
        raise WorkbenchError(
            f"There is no suggestion {number}; the case has {len(book.suggestions)} open."
        )
    return book.suggestions[number - 1]


def accept(case: CaseFile, book: CompanyBook, number: int) -> events.Event:
    """Accept open suggestion ``number``: its spellings become one company."""
    s = _suggestion(book, number)
    return _record(case, MERGE, {"names": list(s.names), "suggestion": s.id, "score": s.score,
                                 "reason": s.reason})


def reject(case: CaseFile, book: CompanyBook, number: int) -> events.Event:
    """Reject open suggestion ``number``: its spellings stay apart and it is not offered again."""
    s = _suggestion(book, number)
    return _record(case, REJECT, {"suggestion": s.id, "names": list(s.names)})


def merge(case: CaseFile, names: list[str]) -> events.Event:
    """Merge spellings by hand (at least two)."""
    if len(set(names)) < 2:
        raise WorkbenchError("Name at least two spellings to merge.")
    return _record(case, MERGE, {"names": sorted(set(names))})


def split(case: CaseFile, names: list[str]) -> events.Event:
    """Take spellings out of their company into one of their own."""
    if not names:
        raise WorkbenchError("Name the spellings to split off.")
    return _record(case, SPLIT, {"names": sorted(set(names))})


def rename_fields(decisions: list[events.Event]) -> dict[str, Field]:
    """Display names given per spelling, as versioned fields (conflicts after a merge)."""
    return fields((e for e in decisions if e.kind == RENAME), lambda e: str(e.payload["name"]))


def rename(case: CaseFile, spelling: str, display: str) -> events.Event:
    """Give the company holding ``spelling`` a display name (replacing every current one)."""
    if not display.strip():
        raise WorkbenchError("A company's display name cannot be empty.")
    current = rename_fields(active_decisions(case)).get(spelling)
    base = sorted(h.id for h in current.heads) if current else []
    return _record(case, RENAME, {"name": spelling, "display": display.strip(),
                                  "key": name_key(spelling), "base": base})


def undo_last(case: CaseFile) -> events.Event:
    """Undo the latest company decision still in force (the undo is an event too)."""
    decisions = active_decisions(case)
    if not decisions:
        raise WorkbenchError("There is no company decision to undo.")
    return undo(case, decisions[-1].id)
