"""``journal.jsonl``: the plain-text form of the event log, imported into a case.

One JSON object per line with exactly the columns of the events table (id, hlc, author,
replica, kind, payload). A line is refused unless its id is the content hash of the rest, so a
tampered line never enters a case. Events already in the case (same id) are skipped, so
importing the same journal again adds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError
from workbench.store import events
from workbench.store.case import CaseFile

FIELDS = ("id", "hlc", "author", "replica", "kind", "payload")
_PROBLEMS = {"type": "has a field of the wrong type",
             "clock": "has a malformed clock value",
             "id": "does not match its id (it was changed after writing)",
             "payload": "does not hold what its kind needs"}


def _event(number: int, line: str, name: str) -> events.Event:
    where = f"Line {number} of {name}"
    try:
        obj: Any = json.loads(line)
    except json.JSONDecodeError:
        raise WorkbenchError(f"{where} is not valid JSON.") from None
    if not isinstance(obj, dict) or set(obj) != set(FIELDS):
        raise WorkbenchError(f"{where} must be an object with exactly {', '.join(FIELDS)}.")
    try:
        return events.foreign(*(obj[k] for k in FIELDS))
    except events.ForeignEventError as exc:
        detail = f" ({exc.detail})" if exc.detail else ""
        raise WorkbenchError(f"{where} {_PROBLEMS[exc.reason]}{detail}.") from None


def read_journal(path: Path) -> list[events.Event]:
    """Every event of a journal file, checked line by line (blank lines are skipped)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbenchError(f"{Path(path).name} cannot be read ({exc}).") from exc
    return [
        _event(n, line, Path(path).name)
        for n, line in enumerate(text.splitlines(), start=1) if line.strip()
    ]


def import_journal(case: CaseFile, path: Path) -> int:
    """Add the journal's events the case lacks, in one transaction; return how many were new."""
    log = read_journal(path)
    added = 0
    with case.transaction() as conn:
        for e in log:
            cur = conn.execute(
                "INSERT OR IGNORE INTO events(id, hlc, author, replica, kind, payload) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (e.id, e.hlc, e.author, e.replica, e.kind, events.canonical_json(e.payload)),
            )
            added += cur.rowcount
    return added
