"""Merging a colleague's copy from the window, settling a conflict, undoing the merge."""

from __future__ import annotations

import shutil
from pathlib import Path

from workbench.services.cases import open_case
from workbench.services.notes import annotate, save_note

NOTE = "Right of reply log"


def _merge(window, qtbot, other: Path) -> None:
    """Start a merge from the window and wait until the window has shown its outcome."""
    job = window.merge_from(other)
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: window._job is None)


def test_merge_settle_and_undo_in_the_window(private_window, sample_case: Path, qtbot,
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

    _merge(window, qtbot, theirs / "case.wbcase")
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


def test_a_bad_copy_says_why_in_the_status_bar(private_window, tmp_path: Path, qtbot) -> None:
    junk = tmp_path / "junk.wbcase"
    junk.write_bytes(b"not a case at all" * 10)
    _merge(private_window, qtbot, junk)
    assert private_window.statusBar().currentMessage() == "junk.wbcase is not a case file."


def test_a_cancelled_merge_changes_nothing(private_window, sample_case: Path, tmp_path: Path,
                                           qtbot) -> None:
    theirs = tmp_path / "theirs"
    shutil.copytree(sample_case, theirs)
    case, _ = open_case(theirs)
    try:
        annotate(case, "Only in their copy", company="BYT CO LTD")
    finally:
        case.close()
    before = (private_window.session.summary.path).read_bytes()
    job = private_window.merge_from(theirs / "case.wbcase")
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: private_window._job is None)
    assert private_window.statusBar().currentMessage() == "Merge cancelled; nothing was changed."
    assert private_window.session.summary.path.read_bytes() == before
