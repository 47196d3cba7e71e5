"""Notes, sources and annotations as events, found by full-text search, listed in the history."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.errors import WorkbenchError
from workbench.services import notes
from workbench.services.cases import new_case
from workbench.services.history import history
from workbench.services.importing import import_file
from workbench.services.search import rebuild_index, search
from workbench.store import events, files
from workbench.store.case import CaseFile

SAMPLE = Path(__file__).parents[2] / "sample_cases" / "aurus"


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CaseFile:
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Anna")
    made = new_case(tmp_path / "c.wbcase", "Parts")
    import_file(made, write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()))
    return made


def _docx(path: Path, paragraphs: list[str]) -> Path:
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{body}' \
          "</w:body></w:document>"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return path


def test_note_is_an_event_and_found_in_cyrillic(case: CaseFile) -> None:
    saved = notes.save_note(case, "Lead", "Поставщик продал сварочное оборудование.",
                            confidential=True)
    assert (saved.kind, saved.author) == ("note.saved", "Anna")
    assert events.read(case.conn, "note.saved")[0].payload["confidential"] is True
    hits = search(case, "сварочное")
    assert [(h.kind, h.ref, h.title) for h in hits] == [("note", "note:Lead", "Lead")]
    assert "[сварочное]" in hits[0].snippet
    assert hits[0].score > 0
    notes.save_note(case, "Lead", "Rewritten: no welding here.")
    assert search(case, "сварочное") == []  # only the latest version is indexed
    assert [n["text"] for n in notes.notes(case)] == ["Rewritten: no welding here."]
    case.close()


def test_docx_and_html_sources_are_searchable(case: CaseFile, tmp_path: Path) -> None:
    docx = _docx(tmp_path / "memo.docx", ["Internal memo", "The invoices came via Hong Kong."])
    html = tmp_path / "page.html"
    html.write_text("<html><head><style>p{}</style><script>var hidden = 1;</script></head>"
                    "<body><p>Registry entry: Rain Electronics, director unknown.</p></body>"
                    "</html>", encoding="utf-8")
    src = notes.add_source(case, docx, confidential=True, companies=["BYT CO LTD"],
                           obtained_by="Anna", obtained_on="2024-06-01", reliability="B")
    notes.add_source(case, html)
    stored = files.find(case.conn, src.payload["sha256"])
    assert stored is not None
    assert files.read_bytes(case.conn, stored.id) == docx.read_bytes()
    assert src.payload["confidential"] is True
    assert src.payload["companies"] == ["BYT CO LTD"]
    assert src.payload["obtained_on"] == "2024-06-01"
    assert src.payload["text_indexed"] is True
    assert [h.ref for h in search(case, "hong kong")] == [f"source:{src.payload['sha256']}"]
    assert [h.title for h in search(case, "director")] == ["page"]
    assert search(case, "hidden") == []  # scripts are not text
    with pytest.raises(WorkbenchError, match="already a source"):
        notes.add_source(case, html)
    with pytest.raises(WorkbenchError, match="not a date"):
        notes.add_source(case, tmp_path / "g.xlsx", obtained_on="June")
    case.close()


def test_annotations_companies_descriptions_and_rebuild(case: CaseFile) -> None:
    notes.annotate(case, "Second answer contradicts the first", company="BYT CO LTD",
                   tags=["right of reply", "check"])
    notes.annotate(case, "Post-invasion shipments", tags=["key"],
                   where=[{"column": "date", "op": ">=", "value": "2022-02-24"}])
    with pytest.raises(WorkbenchError, match="about"):
        notes.annotate(case, "floating")
    assert {h.kind for h in search(case, "contradicts")} == {"annotation"}
    assert {h.kind for h in search(case, "right of reply")} == {"annotation"}
    assert [h.ref for h in search(case, "ilpea")] == ["company:INDUSTRIE ILPEA SPA"]
    assert [h.ref for h in search(case, "№ 7")][:1] == ["description:ДЕТАЛЬ КУЗОВА № 7"]
    before = [h.ref for h in search(case, "кузова", limit=100)]
    rebuild_index(case)
    assert [h.ref for h in search(case, "кузова", limit=100)] == before
    assert len(before) == 12
    with pytest.raises(WorkbenchError, match="word"):
        search(case, " -- ")
    case.close()


def test_history_lists_every_change_with_author_time_and_text(case: CaseFile) -> None:
    notes.save_note(case, "Lead", "text")
    notes.annotate(case, "Spot-welding machines", company="BYT CO LTD")
    from workbench.services import companies

    companies.merge(case, ["BYT CO LTD", "BYT CO., LTD."])
    log = history(case)
    assert [e["kind"] for e in log] == ["import", "note.saved", "annotation.added",
                                        "company.merged"]
    assert all(e["author"] == "Anna" and e["time"].endswith("Z") and e["id"] for e in log)
    summaries = [e["summary"] for e in log]
    assert summaries[0].startswith("import of g.xlsx: 12 imported")
    assert summaries[1] == "note 'Lead' saved"
    assert "Spot-welding machines" in summaries[2]
    assert summaries[3] == "merged BYT CO LTD, BYT CO., LTD."
    assert [e["kind"] for e in history(case, company="byt co ltd")] == [
        "annotation.added", "company.merged"]
    case.close()


def test_folder_sync_is_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "aurus"
    folder.mkdir()
    for part in ("notes", "sources"):
        shutil.copytree(SAMPLE / part, folder / part)
    case = new_case(tmp_path / "aurus.wbcase", "Aurus")
    first = notes.sync_folder_record(case, folder)
    assert first == {"notes": len(list((SAMPLE / "notes").glob("*.md"))),
                     "sources": len([p for p in (SAMPLE / "sources").iterdir() if p.is_file()])}
    assert notes.sync_folder_record(case, folder) == {"notes": 0, "sources": 0}
    assert {h.kind for h in search(case, "Kyungki")} >= {"note", "source"}
    (folder / "notes" / "01-lead.md").write_text("# Lead\n\nChanged text.", encoding="utf-8")
    assert notes.sync_folder_record(case, folder) == {"notes": 1, "sources": 0}
    assert notes.sync_folder_record(case, folder) == {"notes": 0, "sources": 0}
    case.close()
