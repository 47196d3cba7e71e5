"""``workbench replies`` and ``workbench reply`` on the sample case's right-of-reply record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.app import main
from workbench.services.cases import open_case
from workbench.services.journal import import_journal

SAMPLE = Path(__file__).parent.parent / "sample_cases" / "aurus"
PUBLISHED = {
    "Aurus Motors": ("did not respond", "did not respond to requests for comment"),
    "BYT CO LTD": ("did not respond", "did not respond to requests for comment"),
    "Enertech International Inc": ("did not respond", "did not respond to requests for comment"),
    "Industrie Ilpea Spa": ("did not respond", "did not respond to requests for comment"),
    "Rain Electronics": ("could not be reached", "could not be reached for comment"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "aurus"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.wbcase*"))
    case, _ = open_case(folder)
    try:
        import_journal(case, folder / "journal.jsonl")
    finally:
        case.close()
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_replies_give_the_published_record(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "replies", folder, "--json", "--today", "2024-06-20")
    assert (code, err) == (0, "")
    companies = {c["name"]: c for c in json.loads(out)["companies"]}
    assert set(companies) == {*PUBLISHED, "Kyungki Industrial Co"}
    for name, (status, wording) in PUBLISHED.items():
        assert (companies[name]["status"], companies[name]["wording"]) == (status, wording), name
    rain = companies["Rain Electronics"]
    assert any(a["channel"] == "visit" and a["outcome"] == "office not found"
               for a in rain["attempts"])

    kyungki = companies["Kyungki Industrial Co"]
    assert kyungki["status"] == "replied"
    assert kyungki["wording"].startswith("said in a statement on 10 June 2024")
    assert "had earlier said otherwise (5 June 2024, by phone)" in kyungki["wording"]
    phone, statement, referral = kyungki["replies"]
    assert (phone["date"], phone["channel"], phone["contradicts"]) == ("2024-06-05", "phone", False)
    assert statement["date"] == "2024-06-10"
    assert statement["contradicts"] is True
    assert statement["contradicts_event"] == phone["id"]
    assert referral["refers_to"] == statement["id"]
    assert referral["contradicts"] is False


def test_replies_text_marks_the_contradiction(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "replies", folder, "--today", "2024-06-20")
    assert code == 0
    assert "Kyungki Industrial Co: replied" in out
    assert "[contradicts the earlier answer]" in out
    assert "Rain Electronics: could not be reached" in out


def test_reply_adds_a_request_that_replies_shows(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "reply", folder, "--company", "Sollers", "--kind", "request",
                         "--channel", "email", "--date", "2024-06-14", "--deadline", "2024-06-21",
                         "--to", "press office", "--text", "Questions", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["kind"] == "reply.request"
    code, out, _ = run(capsys, "replies", folder, "--json", "--today", "2024-06-20")
    sollers = {c["name"]: c for c in json.loads(out)["companies"]}["Sollers"]
    assert (sollers["status"], sollers["deadline"]) == ("awaiting reply", "2024-06-21")
    assert sollers["requests"][0]["to"] == "press office"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "fax", "--date", "2024-06-14"], "'fax' is not a channel"),
        (["--channel", "email", "--date", "14/06/2024"], "is not a date"),
    ],
)
def test_reply_bad_input_is_one_sentence(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "reply", folder, "--company", "X", "--kind", "request", *args)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1


def test_replies_bad_today(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "replies", folder, "--today", "soon")
    assert code == 2
    assert "--today 'soon' is not a date" in err
