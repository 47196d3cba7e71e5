"""Two providers, one shipment, two values: kept once, both values shown, one chosen to count."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from tests.extracts import sample_items, second_vendor_items, write_gcode_xlsx, write_vendor_csv
from workbench.analysis.filters import Condition
from workbench.errors import WorkbenchError
from workbench.services import discrepancies as ds
from workbench.services.cases import case_info, load_shipments, new_case
from workbench.services.conflicts import conflicts, resolve
from workbench.services.figures import figure_reports, save_figure
from workbench.services.history import history
from workbench.services.importing import ImportReport, import_file
from workbench.services.journal import import_journal
from workbench.services.merging import merge_case
from workbench.services.undo import undo
from workbench.store import events
from workbench.store import offered as offered_rows
from workbench.store.case import CaseFile

HELD_TOTAL = 2_486_304.97


def _overlapping_case(tmp_path: Path) -> tuple[CaseFile, ImportReport]:
    """A case with one vendor's extract, then another's of the same declarations."""
    case = new_case(tmp_path / "case.wbcase")
    import_file(case, write_gcode_xlsx(tmp_path / "vendor_a.xlsx", sample_items()))
    report = import_file(
        case, write_vendor_csv(tmp_path / "vendor_b.csv", second_vendor_items(sample_items())))
    return case, report


@pytest.fixture
def overlapping(tmp_path: Path) -> Iterator[CaseFile]:
    case, _report = _overlapping_case(tmp_path)
    yield case
    case.close()


def _total(case: CaseFile) -> float:
    return round(float(load_shipments(case)["stat_value_usd"].sum()), 2)


def test_an_overlapping_extract_with_other_values_is_one_shipment_each_and_a_list(
        tmp_path: Path) -> None:
    overlapping, report = _overlapping_case(tmp_path)
    assert (report.imported, report.duplicates) == (0, 12)
    frame = load_shipments(overlapping)
    assert len(frame) == 12
    assert not frame.duplicated(["declaration_no", "item_no"]).any()
    assert _total(overlapping) == HELD_TOTAL  # the held values count
    found = report.discrepancies
    assert (found.shipments, found.total) == (4, 5)
    assert found.by_kind == {"rounded": 2, "recoded": 1, "different": 1, "truncated": 1}
    listed = {(d.declaration_no, d.item_no, d.field): (d.kind, d.held, d.offered, d.file, d.row)
              for d in found.items}
    assert listed == {
        ("10702070/140618/0000001", 1, "stat_value_usd"): ("rounded", 1181.55, 1182.0,
                                                           "vendor_b.csv", 5),
        ("10702070/020322/0000002", 1, "origin_country"): ("recoded", "KR", "CN",
                                                           "vendor_b.csv", 9),
        ("10702070/020322/0000002", 1, "stat_value_usd"): ("rounded", 250000.1, 250000.0,
                                                           "vendor_b.csv", 9),
        ("10702070/020322/0000002", 3, "stat_value_usd"): ("different", 1234567.89, 1200000.0,
                                                           "vendor_b.csv", 11),
        ("10702070/051123/0000003", 2, "description"): ("truncated", "ДЕТАЛЬ КУЗОВА № 9",
                                                        "ДЕТАЛЬ К", "vendor_b.csv", 14),
    }
    assert all(d.held_file == "vendor_a.xlsx" for d in found.items)
    assert report.as_json()["discrepancies"]["total"] == 5
    assert offered_rows.count(overlapping.conn) == 4  # one offered copy a shipment that differs
    assert ds.list_discrepancies(overlapping).summary.total == 5
    assert "5 discrepancies" in history(overlapping)[-1]["summary"]
    overlapping.close()


def test_choosing_the_other_value_changes_the_total_by_the_difference_and_undo_takes_it_back(
        overlapping: CaseFile) -> None:
    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different")
    chosen = ds.choose(overlapping, different.discrepancy)
    assert _total(overlapping) == round(HELD_TOTAL + (1_200_000.00 - 1_234_567.89), 2)
    assert case_info(overlapping)["total"] == _total(overlapping)
    said = history(overlapping)[-1]["summary"]
    assert said == ("counted Statistical value, USD 1,200,000.00 from vendor_b.csv row 11 in "
                    "place of 1,234,567.89 for 10702070/020322/0000002 item 3")
    after = {x.id: x.counted for x in ds.list_discrepancies(overlapping).items}
    assert after[different.id] == "offered"
    assert list(after.values()).count("offered") == 1
    with pytest.raises(WorkbenchError, match="already counts"):
        ds.choose(overlapping, different.discrepancy)
    undone = undo(overlapping, chosen.id)
    assert _total(overlapping) == HELD_TOTAL
    assert history(overlapping)[-1]["summary"] == "undid " + said
    undo(overlapping, undone.id)  # redo
    assert _total(overlapping) == round(HELD_TOTAL - 34_567.89, 2)
    ds.choose(overlapping, different.discrepancy, keep_held=True)
    assert _total(overlapping) == HELD_TOTAL


def test_a_rounded_value_that_is_chosen_moves_the_total_by_its_cents(
        overlapping: CaseFile) -> None:
    rounded = next(x for x in ds.list_discrepancies(overlapping).items
                   if x.discrepancy.item_no == 1 and x.discrepancy.row == 5)
    ds.choose(overlapping, rounded.discrepancy)
    assert _total(overlapping) == round(HELD_TOTAL + 0.45, 2)


def test_a_chosen_origin_moves_the_shipment_between_countries(overlapping: CaseFile) -> None:
    recoded = next(x for x in ds.list_discrepancies(overlapping).items
                   if x.discrepancy.field == "origin_country")
    before = load_shipments(overlapping).groupby("origin_country")["stat_value_usd"].sum()
    ds.choose(overlapping, recoded.discrepancy)
    after = load_shipments(overlapping).groupby("origin_country")["stat_value_usd"].sum()
    assert round(after["CN"] - before["CN"], 2) == 250_000.10
    assert round(before["KR"] - after["KR"], 2) == 250_000.10


def test_exact_copies_stay_plain_duplicates(tmp_path: Path) -> None:
    case = new_case(tmp_path / "case.wbcase")
    import_file(case, write_gcode_xlsx(tmp_path / "a.xlsx", sample_items()))
    # Another vendor: other headers, senders in mixed case, numbers with thousands commas.
    report = import_file(case, write_vendor_csv(tmp_path / "b.csv", sample_items()))
    assert (report.duplicates, report.discrepancies.total) == (12, 0)
    assert offered_rows.count(case.conn) == 0
    assert ds.list_discrepancies(case).items == []
    case.close()


def test_a_repeated_item_inside_one_extract_with_another_value_is_a_discrepancy(
        tmp_path: Path) -> None:
    items = sample_items()
    again = second_vendor_items(items)[6]
    case = new_case(tmp_path / "case.wbcase")
    report = import_file(case, write_vendor_csv(tmp_path / "a.csv", [*items, again]))
    assert (report.imported, report.duplicates) == (12, 1)
    assert [(d.field, d.held, d.offered, d.row, d.held_row) for d in report.discrepancies.items
            ] == [("stat_value_usd", 1234567.89, 1200000.0, 17, 11)]
    case.close()


def test_a_figure_saved_before_a_choice_drifts_and_says_which_value_moved_it(
        overlapping: CaseFile) -> None:
    frame = load_shipments(overlapping)
    save_figure(overlapping, frame, "Korean parts", [Condition("origin_country", "=", "KR")])
    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different")
    ds.choose(overlapping, different.discrepancy)
    (report,) = figure_reports(overlapping, load_shipments(overlapping))
    assert report.drift == [
        "the value moved by -34,567.89 since it was saved because another extract's value "
        "counts now: 10702070/020322/0000002 item 3, Statistical value, USD: 1,200,000.00 from "
        "vendor_b.csv row 11 counts in place of 1,234,567.89"]
    save_figure(overlapping, load_shipments(overlapping), "Korean parts",
                [Condition("origin_country", "=", "KR")])
    (again,) = figure_reports(overlapping, load_shipments(overlapping))
    assert again.drift == []


def _choice_line(case: CaseFile, payload: dict[str, object], hlc: str = "1700000000000.00000",
                 ) -> str:
    eid = events.event_id(hlc, "colleague", "r2", ds.CHOSEN, payload)
    return json.dumps({"id": eid, "hlc": hlc, "author": "colleague", "replica": "r2",
                       "kind": ds.CHOSEN, "payload": payload}, ensure_ascii=False)


def test_a_choice_from_a_journal_is_checked_and_one_naming_no_row_is_not_applied(
        overlapping: CaseFile, tmp_path: Path) -> None:
    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different").discrepancy
    bogus = {"declaration_no": different.declaration_no, "item_no": different.item_no,
             "field": "stat_value_usd", "value": 1.0,
             "source": {"file": "x.csv", "sha256": "b" * 64, "sheet": "", "row": 3}}
    journal = tmp_path / "journal.jsonl"
    journal.write_text(_choice_line(overlapping, bogus) + "\n", encoding="utf-8")
    assert import_journal(overlapping, journal) == 1
    assert _total(overlapping) == HELD_TOTAL
    problems = ds.in_force(overlapping).problems
    assert problems == ["A choice for 10702070/020322/0000002 item 3 (Statistical value, USD) "
                        "names x.csv row 3, which this case does not hold; it is not applied."]
    lying = {**bogus, "value": 5.0, "source": {"file": different.file, "sha256": different.sha256,
                                                "sheet": "", "row": different.row}}
    journal.write_text(_choice_line(overlapping, lying, "1700000000001.00000") + "\n",
                       encoding="utf-8")
    import_journal(overlapping, journal)
    assert _total(overlapping) == HELD_TOTAL
    assert "states a value vendor_b.csv row 11 does not give" in ds.in_force(
        overlapping).problems[0]
    malformed = {**bogus, "value": "a lot"}
    journal.write_text(_choice_line(overlapping, malformed) + "\n", encoding="utf-8")
    with pytest.raises(WorkbenchError, match="Line 1 of journal.jsonl does not hold what its kind "
                                             r"needs \(stat_value_usd takes a number\)"):
        import_journal(overlapping, journal)


def test_own_writes_of_a_malformed_choice_are_refused(overlapping: CaseFile) -> None:
    with pytest.raises(ValueError, match="takes a two-letter country code"), \
            overlapping.transaction() as conn:
        events.append(conn, kind=ds.CHOSEN, author="me", replica="r", payload={
            "declaration_no": "1", "item_no": 1, "field": "origin_country", "value": "Korea",
            "source": {"file": "f", "sha256": "c" * 64, "sheet": "", "row": 1}})


def test_a_colleague_gets_the_discrepancies_and_the_choices_by_merge(
        overlapping: CaseFile, tmp_path: Path) -> None:
    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different")
    ds.choose(overlapping, different.discrepancy)
    theirs = new_case(tmp_path / "colleague.wbcase")
    import_file(theirs, write_gcode_xlsx(tmp_path / "copy_a.xlsx", sample_items()))
    assert _total(theirs) == HELD_TOTAL
    overlapping.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    result = merge_case(theirs, overlapping.path)
    assert result["offered_copies"] == 4
    assert len(load_shipments(theirs)) == 12
    mine = {(x.id, x.counted) for x in ds.list_discrepancies(overlapping).items}
    assert {(x.id, x.counted) for x in ds.list_discrepancies(theirs).items} == mine
    assert _total(theirs) == _total(overlapping)
    again = merge_case(theirs, overlapping.path)  # idempotent
    assert again["offered_copies"] == 0
    assert offered_rows.count(theirs.conn) == 4
    theirs.close()


def test_a_choice_made_in_two_copies_differently_is_a_conflict_until_one_is_kept(
        overlapping: CaseFile, tmp_path: Path) -> None:
    overlapping.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.wbcase"
    shutil.copy(overlapping.path, copy)
    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different").discrepancy
    ds.choose(overlapping, different)
    other = CaseFile.open(copy)
    ds.choose(other, different)
    ds.choose(other, different, keep_held=True)
    other.close()
    merge_case(overlapping, copy)
    (conflict,) = conflicts(overlapping)
    assert conflict["kind"] == "counted value"
    assert conflict["key"] == "10702070/020322/0000002 item 3: stat_value_usd"
    assert len(conflict["values"]) == 2
    held_value = next(v for v in conflict["values"] if "from vendor_a.xlsx" in v["value"])
    resolve(overlapping, held_value["id"])
    assert conflicts(overlapping) == []
    assert _total(overlapping) == HELD_TOTAL


def test_offered_rows_that_do_not_match_their_declaration_refuse_the_merge(
        overlapping: CaseFile, tmp_path: Path) -> None:
    overlapping.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hostile = tmp_path / "hostile.wbcase"
    shutil.copy(overlapping.path, hostile)
    import sqlite3

    import numpy as np

    conn = sqlite3.connect(hostile)
    (d,) = conn.execute("SELECT decl_keys FROM offered_chunks").fetchone()
    keys = np.frombuffer(d, "<u8").copy()
    keys[0] ^= np.uint64(1)  # the first copy now claims another shipment
    conn.execute("UPDATE offered_chunks SET decl_keys = ?", (keys.tobytes(),))
    conn.commit()
    conn.close()
    theirs = new_case(tmp_path / "colleague.wbcase")
    import_file(theirs, write_gcode_xlsx(tmp_path / "copy_a.xlsx", sample_items()))
    with pytest.raises(WorkbenchError, match="offered rows do not match their declarations"):
        merge_case(theirs, hostile)
    assert offered_rows.count(theirs.conn) == 0
    theirs.close()


def test_the_values_compared_keep_their_cents(overlapping: CaseFile) -> None:
    values = sorted(Decimal(str(x.discrepancy.offered)) for x in
                    ds.list_discrepancies(overlapping).items
                    if x.discrepancy.field == "stat_value_usd")
    assert values == [Decimal("1182.0"), Decimal("250000.0"), Decimal("1200000.0")]


@pytest.mark.parametrize("redact", [False, True])
def test_a_shared_copy_keeps_the_other_values_and_the_choice(
        overlapping: CaseFile, tmp_path: Path, redact: bool) -> None:
    from workbench.services.sharing import share_case

    different = next(x for x in ds.list_discrepancies(overlapping).items
                     if x.discrepancy.kind == "different")
    ds.choose(overlapping, different.discrepancy)
    out = tmp_path / "shared.wbcase"
    result = share_case(overlapping, out, redact=redact)
    assert result["skipped_tables"] == []
    copy = CaseFile.open(out, read_only=True)
    assert [(x.id, x.counted) for x in ds.list_discrepancies(copy).items] == [
        (x.id, x.counted) for x in ds.list_discrepancies(overlapping).items]
    assert _total(copy) == _total(overlapping)
    copy.close()


def test_held_rows_spread_over_many_chunks_are_read_side_by_side_and_compared_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from workbench.store import shipments

    monkeypatch.setattr(shipments, "CHUNK_ROWS", 2)  # the sample's 12 rows in 6+ chunks
    case, report = _overlapping_case(tmp_path)
    assert len(shipments.chunk_sizes(case.conn)) >= 6
    assert (report.discrepancies.shipments, report.discrepancies.total) == (4, 5)
    chunks = [c[:2] for c in shipments.chunk_sizes(case.conn)]
    together = shipments.decode_chunks(case.conn, chunks, ["stat_value_usd", "source_row"],
                                       case.path)
    one_by_one = shipments.decode_chunks(case.conn, chunks, ["stat_value_usd", "source_row"])
    assert [t.to_pylist() for t in together] == [t.to_pylist() for t in one_by_one]
    assert together[0].column_names == ["stat_value_usd", "source_row"]
    # A vendor's rows in another order than the case holds them are matched by key.
    again = import_file(case, write_vendor_csv(
        tmp_path / "vendor_c.csv", list(reversed(second_vendor_items(sample_items())))))
    assert sorted((d.item_no, d.field, d.offered) for d in again.discrepancies.items) == sorted(
        (d.item_no, d.field, d.offered) for d in report.discrepancies.items)
    case.close()


def test_a_malformed_choice_already_in_the_file_is_reported_and_never_raises(
        overlapping: CaseFile) -> None:
    payload = {"declaration_no": "10702070/020322/0000002", "item_no": "three",
               "field": "stat_value_usd", "value": 1.0}
    with overlapping.transaction() as conn:  # written around the checks, as by hand
        conn.execute("INSERT INTO events(id, hlc, author, replica, kind, payload) VALUES "
                     "(?, ?, ?, ?, ?, ?)", ("f" * 64, "1700000000000.00000", "x", "r", ds.CHOSEN,
                                            json.dumps(payload)))
    assert _total(overlapping) == HELD_TOTAL
    (problem,) = ds.in_force(overlapping).problems
    assert problem.startswith("A choice (ffffffffffff) cannot be used (it lacks source)")
    assert "not applied" in json.dumps(ds.list_discrepancies(overlapping).as_json())


def test_a_copy_carrying_a_malformed_choice_is_refused_in_one_sentence(
        overlapping: CaseFile, tmp_path: Path) -> None:
    import sqlite3

    overlapping.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hostile = tmp_path / "hostile.wbcase"
    shutil.copy(overlapping.path, hostile)
    payload = {"declaration_no": "10702070/020322/0000002", "item_no": 3,
               "field": "stat_value_usd", "value": 9e18, "previous": None,
               "source": {"file": "x", "sha256": "not a hash", "sheet": "", "row": 1}}
    hlc = "1700000000000.00000"
    eid = events.event_id(hlc, "x", "r", ds.CHOSEN, payload)  # its id is right: only its
    conn = sqlite3.connect(hostile)                             # content is wrong
    conn.execute("INSERT INTO events(id, hlc, author, replica, kind, payload) VALUES "
                 "(?, ?, ?, ?, ?, ?)", (eid, hlc, "x", "r", ds.CHOSEN,
                                        events.canonical_json(payload)))
    conn.commit()
    conn.close()
    theirs = new_case(tmp_path / "colleague.wbcase")
    with pytest.raises(WorkbenchError, match=r"hostile.wbcase has a shipment.value_chosen event "
                                             r"\(\w{12}\) that does not hold what that kind "
                                             r"needs \(its source has no SHA-256\)"):
        merge_case(theirs, hostile)
    assert events.read(theirs.conn, ds.CHOSEN) == []
    theirs.close()
