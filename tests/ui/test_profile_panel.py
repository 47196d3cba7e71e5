"""The supplier profile: one company with its spellings, goods and decisions, in the window."""

from __future__ import annotations

import pytest

from workbench.services import companies as decisions
from workbench.store import events
from workbench.store.case import CaseFile


@pytest.fixture
def window(private_window):
    return private_window


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


def test_merging_selected_companies_by_hand(window, qtbot) -> None:
    from PySide6.QtCore import QItemSelectionModel

    suppliers = window.panels["suppliers"]
    model = suppliers.model
    wanted = {"INDUSTRIE ILPEA SPA", "ILPEA INDUSTRIE SPA"}  # one company in fact
    selection = suppliers.table.selectionModel()
    for row in range(model.rowCount()):
        if model.row_key(row, "sender") in wanted:
            selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                             | QItemSelectionModel.SelectionFlag.Rows)
    assert set(suppliers.selected_companies()) == wanted
    suppliers.merge_selected()
    book = window.session.companies
    qtbot.waitUntil(lambda: book.company_of["ILPEA INDUSTRIE SPA"]
                    == book.company_of["INDUSTRIE ILPEA SPA"])
    case = CaseFile.open(window.session.summary.path)
    try:
        merged = events.read(case.conn, decisions.MERGE)
    finally:
        case.close()
    assert set(merged[0].payload["names"]) >= {"INDUSTRIE ILPEA SPA", "ILPEA INDUSTRIE SPA"}


def test_the_profile_shows_the_right_of_reply_record(window) -> None:
    profile = window.panels["profile"]
    _choose(window, "Kyungki Industrial Co")
    log = profile.reply_log.toPlainText()
    assert "The story may print: said in a statement on 10 June 2024" in log
    assert "contradicts the earlier answer" in log
    assert log.index("2024-06-05") < log.index("2024-06-10")
    assert profile.company.reply_wording.startswith("said in a statement")
