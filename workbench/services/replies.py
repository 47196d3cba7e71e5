"""Right of reply: log requests, attempts and answers as events; report the fold.

Every entry is an append-only event (author from ``current_author()``); nothing is overwritten.
The status and the wording the story may print are derived in ``workbench.analysis.replies``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workbench.analysis import replies as rr
from workbench.errors import WorkbenchError
from workbench.services.identity import current_author
from workbench.store import events
from workbench.store.case import CaseFile


def _record(case: CaseFile, kind: str, payload: dict[str, Any]) -> events.Event:
    with case.transaction() as conn:
        return events.append(
            conn, kind=kind, payload=payload, author=current_author(), replica=case.replica_id
        )


def _date(value: str | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise WorkbenchError(f"The {what} {value!r} is not a date (use YYYY-MM-DD).") from None


def _base(company: str, channel: str, when: str) -> dict[str, Any]:
    name = " ".join(company.split())
    if not name:
        raise WorkbenchError("Name the company.")
    if channel not in rr.CHANNELS:
        raise WorkbenchError(
            f"{channel!r} is not a channel; use one of {', '.join(rr.CHANNELS)}."
        )
    day = _date(when, "date")
    if day is None:
        raise WorkbenchError("Give the date of the contact (YYYY-MM-DD).")
    return {"company": name, "channel": channel, "date": day}


def _clean(payload: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if v is not None}


def log_request(
    case: CaseFile, company: str, *, channel: str, date: str, to: str | None = None,
    deadline: str | None = None, questions: str | None = None,
    extension_until: str | None = None,
) -> events.Event:
    """Questions sent to a company (or its press office, or a named person)."""
    payload = _base(company, channel, date)
    due = _date(deadline, "deadline")
    extended = _date(extension_until, "extension")
    if due is not None and due < payload["date"]:
        raise WorkbenchError(f"The deadline {due} is before the request date {payload['date']}.")
    if extended is not None and due is not None and extended < due:
        raise WorkbenchError(f"The extension {extended} is before the deadline {due}.")
    return _record(case, rr.REQUEST, _clean({
        **payload, "to": to, "deadline": due, "extension_until": extended, "questions": questions,
    }))


def log_attempt(
    case: CaseFile, company: str, *, channel: str, date: str, outcome: str,
    to: str | None = None, text: str | None = None,
) -> events.Event:
    """A further try to reach a company, with its outcome ("bounced", "left message"...)."""
    payload = _base(company, channel, date)
    if not outcome.strip():
        raise WorkbenchError("Say what came of the attempt (for example 'no answer' or 'bounced').")
    return _record(case, rr.ATTEMPT, _clean({
        **payload, "to": to, "outcome": outcome.strip(), "text": text,
    }))


def log_response(
    case: CaseFile, company: str, *, channel: str, date: str, text: str,
    who: str | None = None, on_record: bool = True, documents: list[str] | None = None,
    contradicts: str | None = None, refers_to: str | None = None,
) -> events.Event:
    """An answer from the company; ``contradicts``/``refers_to`` name an earlier reply's id."""
    payload = _base(company, channel, date)
    if not text.strip():
        raise WorkbenchError("Give the text of the reply.")
    return _record(case, rr.RESPONSE, _clean({
        **payload, "who": who, "on_record": on_record, "text": text.strip(),
        "documents": list(documents or []), "contradicts": contradicts, "refers_to": refers_to,
    }))


def log_declined(
    case: CaseFile, company: str, *, channel: str, date: str, who: str | None = None,
    text: str | None = None,
) -> events.Event:
    """The company declined to comment."""
    payload = _base(company, channel, date)
    return _record(case, rr.DECLINED, _clean({**payload, "who": who, "text": text}))


def reply_records(case: CaseFile, today: date | None = None) -> list[rr.CompanyReplies]:
    log = events.read_live(case.conn, tuple(rr.KINDS))
    return rr.fold_replies(log, today or date.today())


def replies_report(case: CaseFile, today: date | None = None) -> dict[str, Any]:
    """``{"companies": [...]}``: every company with any reply event, for the command line."""
    return {
        "today": (today or date.today()).isoformat(),
        "companies": [r.as_json() for r in reply_records(case, today)],
    }
