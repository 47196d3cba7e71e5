"""Two bureaus' copies of the sample case merged both ways, bundles, journals, undo."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.app import main
from workbench.services.cases import open_case
from workbench.services.conflicts import conflicts
from workbench.services.merging import merge_case, snapshot_dir, undo_last_merge
from workbench.services.notes import add_source, annotate, annotations, notes, save_note
from workbench.services.replies import log_response, reply_records
from workbench.services.sharing import share_case
from workbench.store import bundle, events, shipments

PASSPHRASE = "a long walk to the harbour"
NOTE = "Right of reply log"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "_KDF_PARAMS", bundle.KdfParams(1024, 1, 1))


def _copy(sample_case: Path, tmp_path: Path, name: str) -> Path:
    own = tmp_path / name
    shutil.copytree(sample_case, own)
    return own


def _edit(folder: Path, author: str, monkeypatch: pytest.MonkeyPatch, **work: str) -> None:
    monkeypatch.setenv("WORKBENCH_AUTHOR", author)
    case, _ = open_case(folder)
    try:
        annotate(case, work["annotation"], company=work["company"], tags=[author])
        log_response(case, work["company"], channel="email", date="2024-06-20",
                     text=work["reply"], who="press office")
        save_note(case, NOTE, work["note"])
    finally:
        case.close()


def _state(folder: Path) -> dict[str, object]:
    case, _ = open_case(folder, read_only=True)
    try:
        return {
            "events": sorted(e.id for e in events.read(case.conn)),
            "annotations": sorted(a["text"] for a in annotations(case)),
            "replies": [r.as_json() for r in reply_records(case)],
            "notes": [(n["title"], n["text"], n["conflict"]) for n in notes(case)],
            "conflicts": conflicts(case),
            "shipments": shipments.count(case.conn),
        }
    finally:
        case.close()


def test_two_bureaus_merge_both_ways_and_end_identical(sample_case: Path, tmp_path: Path,
                                                       monkeypatch, capsys) -> None:
    seoul, hk = _copy(sample_case, tmp_path, "seoul"), _copy(sample_case, tmp_path, "hk")
    _edit(seoul, "Ji-woo", monkeypatch, company="BYT CO LTD", annotation="Busan port stamps",
          reply="BYT says it stopped shipping in 2022.", note="Seoul's reading of the log")
    _edit(hk, "Mei", monkeypatch, company="Rain Electronics",
          annotation="A second Kowloon address", reply="Rain's agent says wrong company.",
          note="Hong Kong's reading of the log")

    assert main(["merge", str(seoul), str(hk / "case.wbcase"), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["merge", str(hk), str(seoul / "case.wbcase"), "--json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert first["kinds"]["annotation.added"] == second["kinds"]["annotation.added"] == 1
    assert first["shipments"] == second["shipments"] == 0  # the same imports: nothing doubled

    a, b = _state(seoul), _state(hk)
    assert a == b
    assert {"Busan port stamps", "A second Kowloon address"} <= set(a["annotations"])
    replies = {r["name"]: [x["text"] for x in r["replies"]] for r in a["replies"]}
    assert "BYT says it stopped shipping in 2022." in replies["BYT CO LTD"]
    assert "Rain's agent says wrong company." in replies["Rain Electronics"]
    assert a["shipments"] == 2650

    # The same note edited on both sides from the same version: a conflict with both values.
    [conflict] = first["conflicts"]
    assert (conflict["kind"], conflict["key"]) == ("note text", NOTE)
    assert sorted(v["value"] for v in conflict["values"]) == [
        "Hong Kong's reading of the log", "Seoul's reading of the log"]
    assert sorted(v["author"] for v in conflict["values"]) == ["Ji-woo", "Mei"]

    # Keeping one resolves it on one side; the resolution travels with the next merge.
    keep = next(v["id"] for v in conflict["values"] if v["author"] == "Mei")
    assert main(["resolve", str(seoul), "--keep", keep[:12]]) == 0
    assert main(["conflicts", str(seoul), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"conflicts": []}
    assert main(["merge", str(hk), str(seoul / "case.wbcase")]) == 0
    assert _state(hk)["conflicts"] == []
    texts = {title: text for title, text, _ in _state(hk)["notes"]}
    assert texts[NOTE] == "Hong Kong's reading of the log"


def test_a_redacted_encrypted_bundle_merges_without_its_secrets(
        sample_case: Path, tmp_path: Path, monkeypatch) -> None:
    source, colleague = _copy(sample_case, tmp_path, "src"), _copy(sample_case, tmp_path, "col")
    secret = tmp_path / "informant.txt"
    secret.write_text("CANARY-INFORMANT-4471 met us at the port.", encoding="utf-8")
    case, _ = open_case(source)
    try:
        save_note(case, "Informant", "CANARY-NOTE-9902 says the parts were relabelled.",
                  confidential=True)
        add_source(case, secret, confidential=True)
        annotate(case, "Open lead worth sharing", company="BYT CO LTD")
        out = tmp_path / "for-hk.wbbundle"
        report = share_case(case, out, redact=True, passphrase=PASSPHRASE)
    finally:
        case.close()
    assert report["encrypted"] is True
    raw = out.read_bytes()
    assert b"CANARY" not in raw
    plain = tmp_path / "check.wbcase"
    bundle.decrypt_file(out, plain, PASSPHRASE)
    for secret_text in (b"CANARY", b"Informant", b"informant.txt"):
        assert secret_text not in plain.read_bytes()

    monkeypatch.setenv("WORKBENCH_PASSPHRASE", PASSPHRASE)
    assert main(["merge", str(colleague), str(out)]) == 0
    case, _ = open_case(colleague, read_only=True)
    try:
        assert "Open lead worth sharing" in {a["text"] for a in annotations(case)}
        assert "Informant" not in {n["title"] for n in notes(case)}
    finally:
        case.close()

    monkeypatch.setenv("WORKBENCH_PASSPHRASE", "not the passphrase")
    before = (colleague / "case.wbcase").read_bytes()
    assert main(["merge", str(colleague), str(out)]) == 2
    assert (colleague / "case.wbcase").read_bytes() == before


def test_a_merge_is_undone_from_its_snapshot(sample_case: Path, tmp_path: Path,
                                              monkeypatch) -> None:
    mine, theirs = _copy(sample_case, tmp_path, "mine"), _copy(sample_case, tmp_path, "theirs")
    _edit(theirs, "Mei", monkeypatch, company="Rain Electronics", annotation="New address",
          reply="No comment.", note="Theirs")
    before = _state(mine)
    case, _ = open_case(mine)
    try:
        report = merge_case(case, theirs / "case.wbcase")
    finally:
        case.close()
    assert (snapshot_dir(mine / "case.wbcase") / report["snapshot"]).is_file()
    assert _state(mine) != before
    undo_last_merge(mine / "case.wbcase")
    assert _state(mine) == before
    with pytest.raises(Exception, match="no merge to undo"):
        undo_last_merge(mine / "case.wbcase")


def test_a_journal_merges_its_events_once(sample_case: Path, tmp_path: Path) -> None:
    mine = _copy(sample_case, tmp_path, "mine")
    journal = tmp_path / "journal.jsonl"
    line = {"hlc": "1718000000000.00000", "author": "Mei", "replica": "hk", "kind":
            "annotation.added", "payload": {"text": "From the journal", "company": "BYT CO LTD",
                                            "where": [], "tags": []}}
    line["id"] = events.event_id(line["hlc"], "Mei", "hk", line["kind"], line["payload"])
    journal.write_text(events.canonical_json(line) + "\n", encoding="utf-8")
    case, _ = open_case(mine)
    try:
        assert merge_case(case, journal)["events"] == 1
        assert merge_case(case, journal)["events"] == 0
        assert "From the journal" in {a["text"] for a in annotations(case)}
    finally:
        case.close()


def test_a_figure_changed_in_both_copies_is_a_conflict_until_kept(
        sample_case: Path, tmp_path: Path) -> None:
    from workbench.analysis.filters import Condition
    from workbench.services.cases import load_shipments
    from workbench.services.conflicts import resolve
    from workbench.services.figures import figure_reports, save_figure

    mine, theirs = _copy(sample_case, tmp_path, "mine"), _copy(sample_case, tmp_path, "theirs")
    name = "Produced in South Korea"
    for folder, stated in ((mine, "almost $15.5 million"), (theirs, "about $15.4 million")):
        case, _ = open_case(folder)
        try:
            save_figure(case, load_shipments(case), name,
                        [Condition("origin_country", "=", "KR")], stated=stated)
        finally:
            case.close()
    case, _ = open_case(mine)
    try:
        found = merge_case(case, theirs / "case.wbcase")["conflicts"]
        [conflict] = found
        assert (conflict["kind"], conflict["key"]) == ("figure", name)
        values = {v["value"] for v in conflict["values"]}
        assert any("almost $15.5 million" in v for v in values)
        assert any("about $15.4 million" in v for v in values)
        keep = next(v["id"] for v in conflict["values"] if "about" in v["value"])
        resolve(case, keep)
        assert conflicts(case) == []
        [figure] = [r for r in figure_reports(case, load_shipments(case))
                    if r.definition.name == name]
        assert figure.definition.stated == "about $15.4 million"
    finally:
        case.close()
