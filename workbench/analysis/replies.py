"""Right of reply: the fold from reply events to one record per company.

Pure: it takes events (anything with ``id``, ``hlc``, ``author``, ``kind`` and ``payload``) and a
``today`` date, and never touches a case file. The rules, in order:

- **replied** / **declined**: the company's latest answer (``reply.response`` or
  ``reply.declined``) decides. A reply after the deadline is marked ``late`` and its wording
  replaces "did not respond".
- **could not be reached**: no working contact. At least one attempt failed (bounced, number not
  in service, office not found...), no attempt reached anyone, and every channel a request went
  by has a failed attempt.
- **did not respond**: a request reached them and its deadline (or extension) has passed.
- **awaiting reply**: a request reached them and the deadline has not passed (or none was set).
- **not yet asked**: nothing sent yet.

``overdue`` is a flag, not a status: a request reached them and its deadline passed with no
answer (status "did not respond"); the panel makes it stand out.

Contradictions: a reply whose payload carries ``contradicts`` (the id of an earlier reply event)
(or ``contradicts_earlier: true``, meaning the answer before it) is marked by the
reporter. Otherwise, when a company gave two or more substantive answers (a
referral, ``refers_to``, is not one), each later answer is flagged against the one before it as
an unchecked contradiction, so two answers are never shown without being set side by side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any, Protocol

REQUEST = "reply.request"
ATTEMPT = "reply.attempt"
RESPONSE = "reply.response"
DECLINED = "reply.declined"
KINDS = (REQUEST, ATTEMPT, RESPONSE, DECLINED)

CHANNELS = ("email", "phone", "letter", "visit", "messenger")
WRITTEN = ("email", "letter", "messenger")
FAILED_OUTCOMES = frozenset({
    "bounced", "number not in service", "office not found", "no trace", "wrong number",
    "returned undelivered", "address not found",
})
NEUTRAL_OUTCOMES = frozenset({"no answer", "busy", "engaged"})

NOT_ASKED = "not yet asked"
AWAITING = "awaiting reply"
NO_RESPONSE = "did not respond"
UNREACHABLE = "could not be reached"
REPLIED = "replied"
DECLINED_STATUS = "declined"


class LogEvent(Protocol):
    """What the fold needs of an event."""

    @property
    def id(self) -> str: ...
    @property
    def hlc(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...


def company_key(name: str) -> str:
    """Names differing only in case or spacing are one company."""
    return " ".join(name.split()).casefold()


def human_date(iso: str) -> str:
    """2024-06-10 -> 10 June 2024 (as printed); text that is no date is returned as is."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    return f"{d.day} {d.strftime('%B')} {d.year}"


def attempt_failed(outcome: str | None) -> bool:
    return (outcome or "").strip().casefold() in FAILED_OUTCOMES


def attempt_reached(outcome: str | None) -> bool:
    text = (outcome or "").strip().casefold()
    return bool(text) and text not in FAILED_OUTCOMES and text not in NEUTRAL_OUTCOMES


@dataclass
class CompanyReplies:
    """Everything the log says about one company's right of reply."""

    name: str
    status: str = NOT_ASKED
    wording: str | None = None
    deadline: str | None = None
    last_contact: str | None = None
    overdue: bool = False
    contradiction: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    replies: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "wording": self.wording,
            "deadline": self.deadline, "last_contact": self.last_contact,
            "overdue": self.overdue, "contradiction": self.contradiction,
            "requests": self.requests, "attempts": self.attempts, "replies": self.replies,
            "notes": self.notes,
        }


def _entry(e: LogEvent) -> dict[str, Any]:
    p = e.payload
    out = {k: v for k, v in p.items() if k != "company"}
    if "contradicts" in out:  # the reporter's mark: the id of the earlier reply
        out["marked_contradicts"] = out.pop("contradicts")
    out.update({"id": e.id, "author": e.author, "time": e.hlc})
    if e.kind in (RESPONSE, DECLINED):
        out["kind"] = "declined" if e.kind == DECLINED else "reply"
        out.setdefault("on_record", True)
        out.setdefault("documents", [])
    return out


def fold_replies(log: Iterable[LogEvent], today: date) -> list[CompanyReplies]:
    """One record per company with any reply event, in order of first appearance."""
    by_company: dict[str, CompanyReplies] = {}
    for e in log:
        if e.kind not in KINDS:
            continue
        name = " ".join(str(e.payload.get("company", "")).split())
        if not name:
            continue
        record = by_company.setdefault(company_key(name), CompanyReplies(name=name))
        target = {REQUEST: record.requests, ATTEMPT: record.attempts}.get(e.kind, record.replies)
        target.append(_entry(e))
    for record in by_company.values():
        _settle(record, today)
    return list(by_company.values())


def _by_date(items: list[dict[str, Any]]) -> None:
    items.sort(key=lambda x: str(x.get("date", "")))  # stable: clock order within a day


def _settle(r: CompanyReplies, today: date) -> None:
    for items in (r.requests, r.attempts, r.replies):
        _by_date(items)
    dates = [str(x["date"]) for x in (*r.requests, *r.attempts, *r.replies) if x.get("date")]
    r.last_contact = max(dates, default=None)
    deadlines = [str(x.get("extension_until") or x.get("deadline") or "") for x in r.requests]
    r.deadline = max((d for d in deadlines if d), default=None)
    first_request = min((str(x.get("date", "")) for x in r.requests), default=None)
    if r.replies and (first_request is None or str(r.replies[0].get("date")) < first_request):
        r.notes.append("A reply is logged before the first request was sent.")
    _mark_contradictions(r)
    passed = r.deadline is not None and today > date.fromisoformat(r.deadline)
    for reply in r.replies:
        reply["late"] = bool(r.deadline and str(reply.get("date", "")) > r.deadline)

    if r.replies:
        latest = r.replies[-1]
        if latest["kind"] == "declined":
            r.status, r.wording = DECLINED_STATUS, "declined to comment"
        else:
            r.status, r.wording = REPLIED, _reply_wording(r)
        return
    if _unreachable(r):
        r.status, r.wording = UNREACHABLE, "could not be reached for comment"
    elif not r.requests:
        r.status = NOT_ASKED
    elif passed:
        r.status, r.wording = NO_RESPONSE, "did not respond to requests for comment"
        r.overdue = True
    else:
        r.status = AWAITING


def _unreachable(r: CompanyReplies) -> bool:
    outcomes = [str(a.get("outcome", "")) for a in r.attempts]
    if not any(attempt_failed(o) for o in outcomes) or any(attempt_reached(o) for o in outcomes):
        return False
    failed_channels = {a.get("channel") for a in r.attempts if attempt_failed(a.get("outcome"))}
    return all(q.get("channel") in failed_channels for q in r.requests)


def _substantive(r: CompanyReplies) -> list[dict[str, Any]]:
    return [x for x in r.replies if x["kind"] == "reply" and not x.get("refers_to")]


def _mark_contradictions(r: CompanyReplies) -> None:
    ids = {x["id"] for x in r.replies}
    previous: str | None = None
    for x in r.replies:
        x["contradicts"], x["contradicts_event"], x["contradiction"] = False, None, None
        marked = x.get("marked_contradicts")
        if not marked and x.get("contradicts_earlier"):
            marked = previous
        if marked and marked in ids:
            x["contradicts"], x["contradicts_event"], x["contradiction"] = True, marked, "marked"
        if x["kind"] == "reply" and not x.get("refers_to"):
            previous = x["id"]
    answers = _substantive(r)
    for earlier, later in pairwise(answers):
        if not later["contradicts"]:
            later["contradicts"], later["contradicts_event"] = True, earlier["id"]
            later["contradiction"] = "unchecked"
    r.contradiction = any(x["contradicts"] for x in r.replies)


def _reply_wording(r: CompanyReplies) -> str:
    answers = _substantive(r)
    if not answers:  # only referrals
        last = r.replies[-1]
        return f"referred questions to an earlier answer on {human_date(str(last.get('date')))}"
    main = answers[-1]
    when = human_date(str(main.get("date", "")))
    if not main.get("on_record", True):
        text = f"replied off the record on {when} (not for attribution)"
    elif main.get("statement", main.get("channel") in WRITTEN):
        text = f"said in a statement on {when}"
    else:
        text = f"said on {when}"
    earlier = next((x for x in answers if x["id"] == main.get("contradicts_event")), None)
    if earlier is not None:
        who = earlier.get("who") or "a representative"
        text += (f"; {who} had earlier said otherwise "
                 f"({human_date(str(earlier.get('date')))}, by {earlier.get('channel')})")
    for later in r.replies:
        if later.get("refers_to") == main["id"]:
            who = later.get("who") or "a representative"
            text += f"; {who} later referred questions to the statement"
            break
    return text


def entry_line(kind: str, entry: dict[str, Any]) -> str:
    """One log entry as a line of plain text."""
    head = f"{entry.get('date', '?')}  {kind} by {entry.get('channel', '?')}"
    parts: list[str] = []
    if entry.get("to"):
        head += f" to {entry['to']}"
    if entry.get("who"):
        head += f" from {entry['who']}"
    if kind == "request":
        if entry.get("deadline"):
            parts.append(f"deadline {entry['deadline']}")
        if entry.get("extension_until"):
            parts.append(f"extended to {entry['extension_until']}")
        if entry.get("questions"):
            parts.append(str(entry["questions"]))
    elif kind == "attempt":
        parts.append(str(entry.get("outcome", "")))
        if entry.get("text"):
            parts.append(str(entry["text"]))
    else:
        if not entry.get("on_record", True):
            parts.append("off the record")
        if entry.get("late"):
            parts.append("after the deadline")
        if entry.get("refers_to"):
            parts.append("refers to an earlier answer")
        if entry.get("contradicts"):
            how = "marked" if entry.get("contradiction") == "marked" else "unchecked"
            parts.append(f"contradicts the earlier answer ({how})")
        if entry.get("text"):
            parts.append(f"“{entry['text']}”")
    return head + (": " + "; ".join(p for p in parts if p) if parts else "")


def log_text(record: CompanyReplies) -> str:
    """Requests, attempts and replies of one company in date order."""
    entries = [("request", e) for e in record.requests]
    entries += [("attempt", e) for e in record.attempts]
    entries += [(str(e.get("kind", "reply")), e) for e in record.replies]
    entries.sort(key=lambda ke: (str(ke[1].get("date", "")), str(ke[1].get("time", ""))))
    lines = [f"{record.name}: {record.status}"]
    if record.wording:
        lines.append(f"The story may print: {record.wording}.")
    lines += [""] + [entry_line(kind, e) for kind, e in entries]
    lines += [f"Note: {n}" for n in record.notes]
    return "\n".join(lines)
