"""Undo and redo as events: every fold, the search index and the history follow them."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.errors import WorkbenchError
from workbench.services import companies, notes, replies
from workbench.services.cases import new_case, open_case
from workbench.services.history import history
from workbench.services.importing import import_file
from workbench.services.search import rebuild_index, search
from workbench.services.undo import undo
from workbench.store import events
from workbench.store.case import CaseFile

SAMPLE = Path(__file__).parents[2] / "sample_cases" / "aurus"


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseFile:
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Boris")
    made = new_case(tmp_path / "c.wbcase", "Parts")
    import_file(made, write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()))
    return made


def _hits(case: CaseFile, text: str) -> list[str]:
    return [h.ref for h in search(case, text)]


def test_undo_and_redo_an_annotation(case: CaseFile) -> None:
    added = notes.annotate(case, "Zebra crossing of the border", company="Kyungki",
                           tags=["follow up"])
    assert _hits(case, "zebra") == [f"annotation:{added.id}"]

    undone = undo(case, added.id)
    assert undone.author == "Boris"
    assert notes.annotations(case) == []
    assert _hits(case, "zebra") == []
    log = history(case)
    assert [r["undone"] for r in log if r["id"] == added.id] == [True]
    assert log[-1]["summary"].startswith("undid annotation on Kyungki: 'Zebra crossing")

    redone = undo(case, undone.id)
    assert [a["id"] for a in notes.annotations(case)] == [added.id]
    assert _hits(case, "zebra") == [f"annotation:{added.id}"]
    assert history(case)[-1]["summary"].startswith("redid annotation on Kyungki")
    # A rebuilt index agrees with the incremental one.
    rebuild_index(case)
    assert _hits(case, "zebra") == [f"annotation:{added.id}"]
    with pytest.raises(WorkbenchError, match="already undone"):
        undo(case, undone.id)
    undo(case, redone.id)
    assert notes.annotations(case) == []


def test_undoing_a_note_version_restores_the_previous_text(case: CaseFile) -> None:
    notes.save_note(case, "Lead", "The first draft mentions walruses.")
    second = notes.save_note(case, "Lead", "The second draft mentions penguins.")
    undo(case, second.id)
    assert [n["text"] for n in notes.notes(case)] == ["The first draft mentions walruses."]
    assert _hits(case, "walruses") == ["note:Lead"]
    assert _hits(case, "penguins") == []
    rebuild_index(case)
    assert _hits(case, "penguins") == []


def test_undoing_a_request_returns_the_company_to_not_yet_asked(case: CaseFile) -> None:
    request = replies.log_request(case, "Acme", channel="email", date="2024-05-01",
                                  deadline="2024-05-08")
    [acme] = replies.reply_records(case, date(2024, 6, 1))
    assert acme.status == "did not respond"
    undo(case, request.id[:10])  # a short id is enough when it names one change
    assert replies.reply_records(case, date(2024, 6, 1)) == []


def test_imports_cannot_be_undone_and_unknown_ids_are_refused(case: CaseFile) -> None:
    [imported] = events.read(case.conn, "import")
    with pytest.raises(WorkbenchError, match="cannot be undone"):
        undo(case, imported.id)
    with pytest.raises(WorkbenchError, match="no change"):
        undo(case, "0123456789abcdef")


def test_company_undo_last_uses_the_same_undo(case: CaseFile) -> None:
    merged = companies.merge(case, ["ALPHA", "BETA"])
    done = companies.undo_last(case)
    assert done.payload["event"] == merged.id
    assert companies.active_decisions(case) == []
    undo(case, done.id)  # redo from the history
    assert [e.id for e in companies.active_decisions(case)] == [merged.id]


def test_an_undone_source_is_not_added_back_by_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    case, _ = open_case(folder)
    try:
        statement = next(s for s in notes.sources(case) if s["name"] == "kyungki_statement.txt")
        undo(case, statement["id"])
    finally:
        case.close()
    case, _ = open_case(folder)
    try:
        assert "kyungki_statement.txt" not in {s["name"] for s in notes.sources(case)}
        assert len(events.read(case.conn, "source.added")) == 4
    finally:
        case.close()
