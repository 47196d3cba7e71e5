"""Merging a colleague's copy from the window, settling a conflict, undoing the merge."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.services.cases import open_case
from workbench.services.notes import annotate, save_note

NOTE = "Right of reply log"


def test_merge_settle_and_undo_in_the_window(private_window, sample_case: Path,
                                             tmp_path: Path, monkeypatch) -> None:
    window = private_window
    theirs = tmp_path / "theirs"
    shutil.copytree(sample_case, theirs)
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Mei")
    case, _ = open_case(theirs)
    try:
        annotate(case, "Mei: a second Kowloon address", company="Rain Electronics")
        save_note(case, NOTE, "Mei's version")
    finally:
        case.close()
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Ji-woo")
    window.panels["notes"].choose("note", NOTE)
    window.session.record(lambda c: save_note(c, NOTE, "Ji-woo's version"))

    assert window.merge_from(theirs / "case.wbcase")
    assert "1 conflict to settle" in window.statusBar().currentMessage()
    panel = window.panels["conflicts"]
    assert sorted(r["value"] for r in panel.rows) == ["Ji-woo's version", "Mei's version"]
    annotations = window.panels["annotations"]
    texts = {annotations.model.row_key(r, "text") for r in range(annotations.model.rowCount())}
    assert "Mei: a second Kowloon address" in texts

    panel.table.selectRow([r["value"] for r in panel.rows].index("Mei's version"))
    panel.keep_selected()
    assert panel.rows == []
    assert "No conflicts" in panel.summary.text()

    assert window.undo_last_merge()
    panel = window.panels["conflicts"]
    assert panel.rows == []
    annotations = window.panels["annotations"]
    texts = {annotations.model.row_key(r, "text") for r in range(annotations.model.rowCount())}
    assert "Mei: a second Kowloon address" not in texts


def test_a_bad_copy_says_why_in_the_status_bar(private_window, tmp_path: Path) -> None:
    junk = tmp_path / "junk.wbcase"
    junk.write_bytes(b"not a case at all" * 10)
    assert not private_window.merge_from(junk)
    assert private_window.statusBar().currentMessage() == "junk.wbcase is not a case file."
