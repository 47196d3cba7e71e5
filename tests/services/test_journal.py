"""journal.jsonl import: checked line by line, idempotent, one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.services.cases import new_case
from workbench.services.journal import import_journal
from workbench.store import events
from workbench.store.case import CaseFile

SAMPLE = Path(__file__).parent.parent.parent / "sample_cases" / "aurus" / "journal.jsonl"


@pytest.fixture
def case(tmp_path: Path) -> Iterator[CaseFile]:
    c = new_case(tmp_path / "c.wbcase", "Journal")
    yield c
    c.close()


def _count(case: CaseFile) -> int:
    return int(case.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def test_import_twice_adds_nothing_the_second_time(case: CaseFile) -> None:
    lines = [x for x in SAMPLE.read_text(encoding="utf-8").splitlines() if x.strip()]
    before = _count(case)
    assert import_journal(case, SAMPLE) == len(lines)
    assert import_journal(case, SAMPLE) == 0
    assert _count(case) == before + len(lines)
    first = json.loads(lines[0])
    stored = [e for e in events.read(case.conn) if e.id == first["id"]]
    assert stored
    assert stored[0].payload == first["payload"]


def test_tampered_line_is_refused_with_its_number(case: CaseFile, tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[2])
    row["payload"]["outcome"] = "replied"
    lines[2] = json.dumps(row)
    bad = tmp_path / "journal.jsonl"
    bad.write_text("\n".join(lines), encoding="utf-8")
    before = _count(case)
    with pytest.raises(WorkbenchError, match=r"Line 3 of journal\.jsonl"):
        import_journal(case, bad)
    assert _count(case) == before  # nothing of the file went in


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "x",', "Line 2 of journal.jsonl is not valid JSON"),
        ('["a list"]', r"Line 2 of journal\.jsonl must be an object"),
        ('{"id": "x", "hlc": "1.0", "author": "a", "replica": "r", "kind": "k", "payload": {}, '
         '"extra": 1}', "must be an object with exactly"),
    ],
)
def test_malformed_lines_are_refused(
    case: CaseFile, tmp_path: Path, text: str, message: str
) -> None:
    good = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    bad = tmp_path / "journal.jsonl"
    bad.write_text(f"{good}\n{text}\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match=message):
        import_journal(case, bad)
    assert import_journal(case, SAMPLE) > 0


def test_an_event_written_by_append_round_trips(case: CaseFile, tmp_path: Path) -> None:
    with case.transaction() as conn:
        e = events.append(conn, kind="reply.request", payload={"company": "Ä"}, author="me",
                          replica="r")
    row = {"id": e.id, "hlc": e.hlc, "author": e.author, "replica": e.replica, "kind": e.kind,
           "payload": e.payload}
    path = tmp_path / "journal.jsonl"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_journal(case, path) == 0
