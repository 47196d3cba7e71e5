"""Sharing a case: a complete snapshot, a redaction that leaks no byte, encryption, the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from workbench import app
from workbench.cli import sharing as sharing_cli
from workbench.services import sharing
from workbench.services.cases import open_case, resolve_case_path
from workbench.services.notes import add_source, annotations, notes, save_note, sources
from workbench.services.replies import log_response
from workbench.services.search import search
from workbench.services.undo import undo
from workbench.store import bundle, events, snapshot
from workbench.store.case import CaseFile

NOTE_CANARY = "CANARY-NOTE-7731"
SOURCE_CANARY = "CANARY-SOURCE-5519"
NOTE_TITLE = "Meeting with the harbour clerk"
SOURCE_NAME = "clerk_ledger_scan.txt"
SECRETS = (NOTE_CANARY, SOURCE_CANARY, NOTE_TITLE, SOURCE_NAME, "clerk_ledger_scan")
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "_KDF_PARAMS", bundle.KdfParams(1024, 1, 1))


@pytest.fixture
def folder(sample_case: Path, tmp_path: Path) -> Path:
    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    return own


@pytest.fixture
def seeded(folder: Path, tmp_path: Path) -> dict[str, object]:
    """The sample case plus a confidential note (also undone once) and a confidential source
    that a reply names as a document."""
    secret = tmp_path / SOURCE_NAME
    secret.write_text(f"Ledger page 4: {SOURCE_CANARY} paid in cash.\n", encoding="utf-8")
    case, _ = open_case(folder)
    try:
        before = {"notes": [n["title"] for n in notes(case)], "sources": len(sources(case)),
                  "annotations": len(annotations(case)),
                  "replies": len(events.read(case.conn, "reply.response"))}
        source = add_source(case, secret, confidential=True, companies=["BYT CO LTD"])
        first = save_note(case, NOTE_TITLE, f"Draft: {NOTE_CANARY}", confidential=True)
        save_note(case, NOTE_TITLE, f"He repeated {NOTE_CANARY}.", confidential=True)
        undo(case, first.id)
        reply = log_response(case, "BYT CO LTD", channel="email", date="2024-06-11",
                             text="Sent us a scan.", documents=[f"sources/{SOURCE_NAME}"])
        save_note(case, "Open questions", "Ask the broker about the March declarations.")
    finally:
        case.close()
    return {"before": before, "source": source.id, "reply": reply.id}


def _raw_has_no_secret(path: Path) -> None:
    data = path.read_bytes()
    for secret in SECRETS:
        for encoded in (secret.encode("utf-8"), secret.lower().encode("utf-8")):
            assert encoded not in data, secret


def _check_sealed(path: Path) -> None:
    assert not any(Path(f"{path}{s}").exists() for s in snapshot.SIDECARS)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert not list(path.parent.glob("*.part"))


def _check_redacted_copy(path: Path, seeded: dict[str, object]) -> None:
    _raw_has_no_secret(path)
    _check_sealed(path)
    with CaseFile.open(path, read_only=True) as copy:
        body = " ".join(str(r) for r in copy.conn.execute("SELECT * FROM search_index"))
        assert "canary" not in body.lower()
        assert "clerk" not in body.lower()
        assert search(copy, "CANARY") == []
        before = seeded["before"]
        assert isinstance(before, dict)
        assert [n["title"] for n in notes(copy)] == sorted([*before["notes"], "Open questions"])
        assert len(sources(copy)) == before["sources"]
        assert len(annotations(copy)) == before["annotations"]
        assert len(events.read(copy.conn, "reply.response")) == before["replies"]
        assert search(copy, "Kyungki")  # the non-confidential text is indexed again
        kept = {e.id for e in events.read(copy.conn)}
        assert seeded["source"] not in kept
        assert seeded["reply"] not in kept


def _shipments(path: Path) -> int:
    with CaseFile.open(path, read_only=True) as case:
        return int(case.conn.execute("SELECT sum(rows) FROM shipment_chunks").fetchone()[0])


def test_plain_share_is_a_complete_single_file(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "copy.wbcase"
    out.parent.mkdir()
    case, _ = open_case(folder)
    try:
        result = sharing.share_case(case, out)
        with CaseFile.open(out, read_only=True) as copy:
            assert [e.id for e in events.read(copy.conn)] == [e.id for e in events.read(case.conn)]
            assert copy.replica_id != case.replica_id
            assert copy.integrity_errors() == []
    finally:
        case.close()
    assert result["redacted"] is None
    assert result["encrypted"] is False
    assert _shipments(out) == _shipments(resolve_case_path(folder)) == 2650
    assert not any(Path(f"{out}{s}").exists() for s in snapshot.SIDECARS)


def test_redacted_share_leaks_no_canary(seeded: dict[str, object], folder: Path,
                                        tmp_path: Path) -> None:
    case_path = resolve_case_path(folder)
    out = tmp_path / "redacted.wbcase"
    with CaseFile.open(case_path, read_only=True) as case:
        result = sharing.share_case(case, out, redact=True)
    assert result["redacted"] == {"notes": 1, "sources": 1, "events": 5}
    reasons = {item["kind"]: item["reason"] for item in result["left_out"]}
    assert reasons["reply.response"] == "mentions a confidential source"
    assert reasons["event.undone"] in ("mentions a confidential note", "undoes a left-out change")
    _check_redacted_copy(out, seeded)
    assert _shipments(out) == 2650


def test_plain_share_keeps_what_redaction_leaves_out(seeded: dict[str, object], folder: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "whole.wbcase"
    with CaseFile.open(resolve_case_path(folder), read_only=True) as case:
        sharing.share_case(case, out)
    data = out.read_bytes()  # so the canary check above is one that can fail
    assert NOTE_CANARY.encode() in data
    assert SOURCE_CANARY.encode() in data


def test_redacted_and_encrypted_share(seeded: dict[str, object], folder: Path,
                                      tmp_path: Path) -> None:
    asked = tmp_path / "bundle.wbcase"
    with CaseFile.open(resolve_case_path(folder), read_only=True) as case:
        result = sharing.share_case(case, asked, redact=True, passphrase=PASSPHRASE)
    assert result["encrypted"] is True
    out = tmp_path / "bundle.wbbundle"  # an encrypted copy says what it is
    assert result["path"] == str(out)
    assert not asked.exists()
    assert bundle.is_bundle(out)
    _raw_has_no_secret(out)
    assert not list(tmp_path.glob("*.part"))
    plain = tmp_path / "opened.wbcase"
    bundle.decrypt_file(out, plain, PASSPHRASE)
    _check_redacted_copy(plain, seeded)
    with pytest.raises(bundle.BundleError):
        bundle.decrypt_file(out, tmp_path / "wrong.wbcase", "not the passphrase")


def test_share_replaces_an_existing_file_and_cancel_keeps_it(folder: Path,
                                                             tmp_path: Path) -> None:
    out = tmp_path / "copy.wbcase"
    out.write_bytes(b"an older copy")
    with CaseFile.open(resolve_case_path(folder), read_only=True) as case:
        with pytest.raises(sharing.SnapshotCancelled):
            sharing.share_case(case, out, redact=True, cancelled=lambda: True)
        assert out.read_bytes() == b"an older copy"
        with pytest.raises(sharing.SnapshotCancelled):
            sharing.share_case(case, out, passphrase=PASSPHRASE, cancelled=lambda: True)
        assert out.read_bytes() == b"an older copy"
        sharing.share_case(case, out)
    assert not list(tmp_path.glob("*.part"))
    with CaseFile.open(out, read_only=True) as copy:
        assert copy.integrity_errors() == []


def test_undo_of_an_undo_is_left_out_too(folder: Path, tmp_path: Path) -> None:
    case, _ = open_case(folder)
    try:
        note = save_note(case, "Tip", "secret words", confidential=True)
        first = undo(case, note.id)
        second = undo(case, first.id)
        plan = sharing.plan_redaction(events.read(case.conn))
    finally:
        case.close()
    assert {note.id, first.id, second.id} <= set(plan.events)
    assert plan.counts()["notes"] == 1


# -- the command line ----------------------------------------------------------------------


@pytest.fixture
def cli():
    assert sharing_cli in app.GROUPS

    def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        code = app.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_share_json(cli, capsys, seeded, folder: Path, tmp_path: Path,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bundle.PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "shared.wbbundle"  # the extension --encrypt gives a name without one
    code, stdout, err = cli(capsys, "share", str(folder), str(tmp_path / "shared"), "--redact",
                            "--encrypt", "--json")
    assert code == 0, err
    data = json.loads(stdout)
    assert data["path"] == str(out)
    assert data["encrypted"] is True
    assert data["redacted"] == {"notes": 1, "sources": 1, "events": 5}
    _raw_has_no_secret(out)

    code, stdout, _ = cli(capsys, "share", str(folder), str(tmp_path / "plain.wbcase"))
    assert code == 0
    assert "Wrote a copy" in stdout


def test_cli_share_bad_input(cli, capsys, folder: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    case_file = resolve_case_path(folder)
    for out in (case_file, tmp_path / "missing" / "x.wbcase", tmp_path):
        code, stdout, err = cli(capsys, "share", str(folder), str(out))
        assert code == 2
        assert stdout == ""
        assert err.count("\n") == 1
        assert "Traceback" not in err
    monkeypatch.setenv(bundle.PASSPHRASE_ENV, "")
    code, _, err = cli(capsys, "share", str(folder), str(tmp_path / "y"), "--encrypt")
    assert code == 2
    assert "empty" in err
    code, _, err = cli(capsys, "share", str(tmp_path / "nope"), str(tmp_path / "z"))
    assert code == 2
    assert "does not exist" in err
