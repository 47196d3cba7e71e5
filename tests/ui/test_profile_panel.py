"""The supplier profile: one company with its spellings, goods and decisions, in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.services import companies as decisions
from workbench.store import events
from workbench.store.case import CaseFile


@pytest.fixture
def window(qtbot, sample_case: Path, tmp_path: Path):
    from workbench.ui.main_window import MainWindow

    own = tmp_path / "aurus"  # decisions are written: a private copy
    shutil.copytree(sample_case, own)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_case(own)
    return win


def _choose(window, spelling: str) -> None:
    window.panels["profile"].show_company(spelling)


def test_profile_of_a_chosen_supplier(window) -> None:
    profile = window.panels["profile"]
    assert profile.hint.isVisibleTo(profile)
    _choose(window, "BYT CO LTD")
    assert profile.title.text() == profile.company.name
    assert set(profile.profile.spellings) >= {"BYT CO LTD", "BYT CO., LTD.", "B.Y.T. Co., Ltd"}
    frame = window.session.frame
    rows = frame["sender"].isin(list(profile.company.aliases))
    assert profile.profile.shipments == int(rows.sum())
    assert window.status_rows.text() == f"{int(rows.sum()):,} of 2,650 shipments"
    before, after = profile.profile.before, profile.profile.after
    assert before[0] + after[0] == profile.profile.shipments
    assert profile.goods.rowCount() > 0
    assert profile.profile.key_date == "2022-02-24"


def test_accepting_a_suggestion_in_the_profile_merges_and_undo_restores(
    window, qtbot
) -> None:
    profile = window.panels["profile"]
    _choose(window, "KYUNGKI INDUSTRIAL CO., LTD")
    book = window.session.companies
    number = next(i for i, s in enumerate(book.suggestions, start=1)
                  if "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД" in s.names)
    button = profile.body.findChild(type(profile.undo_button), f"profile.accept.{number}")
    button.click()
    qtbot.waitUntil(lambda: "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД" in profile.company.aliases)
    assert len(profile.company.aliases) == 4
    case = CaseFile.open(window.session.summary.path)
    try:
        assert len(events.read(case.conn, decisions.MERGE)) == 1
    finally:
        case.close()
    profile.undo_button.click()
    qtbot.waitUntil(lambda: "КЕНГКИ ИНДАСТРИАЛ КО., ЛТД" not in profile.company.aliases)
    book = window.session.companies
    assert book.company_of["КЕНГКИ ИНДАСТРИАЛ КО., ЛТД"] != book.company_of[
        "KYUNGKI INDUSTRIAL CO., LTD"]
