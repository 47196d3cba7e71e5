"""The command line for notes, sources, annotations, search and history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.app import main


def run(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def case(tmp_path: Path, capsys: pytest.CaptureFixture[str],
         monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Ben")
    path = tmp_path / "c.wbcase"
    assert run(capsys, "new", path)[0] == 0
    xlsx = write_gcode_xlsx(tmp_path / "g.xlsx", sample_items())
    assert run(capsys, "import", path, xlsx)[0] == 0
    return path


def test_note_source_annotate_search_history(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "note", case, "--title", "Lead", "--text",
                         "Сварочное оборудование из Кореи", "--confidential", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["payload"]["confidential"] is True
    doc = tmp_path / "statement.txt"
    doc.write_text("The company denies any shipments.", encoding="utf-8")
    code, out, _ = run(capsys, "source", case, doc, "--company", "BYT CO LTD")
    assert code == 0
    assert "Added source 'statement'" in out
    code, _, _ = run(capsys, "annotate", case, "--where", "origin_country=KR", "--text",
                     "Korean-made parts", "--tag", "key figure")
    assert code == 0
    code, out, _ = run(capsys, "search", case, "сварочное", "--json")
    assert code == 0
    assert [h["ref"] for h in json.loads(out)["hits"]] == ["note:Lead"]
    code, out, _ = run(capsys, "search", case, "denies")
    assert code == 0
    assert "statement" in out
    code, out, _ = run(capsys, "history", case, "--json")
    assert code == 0
    log = json.loads(out)["events"]
    assert [e["kind"] for e in log] == ["import", "note.saved", "source.added",
                                        "annotation.added"]
    assert set(log[0]) == {"id", "time", "author", "kind", "summary", "undone"}
    assert all(e["author"] == "Ben" for e in log)
    assert "Korean-made parts" in log[-1]["summary"]
    code, out, _ = run(capsys, "history", case, "--company", "BYT CO LTD", "--json")
    assert [e["kind"] for e in json.loads(out)["events"]] == ["source.added"]


@pytest.mark.parametrize(
    "args",
    [
        ("annotate", "{case}", "--text", "about nothing"),
        ("annotate", "{case}", "--where", "no operator", "--text", "x"),
        ("source", "{case}", "{tmp}/missing.pdf"),
        ("source", "{case}", "{tmp}/g.xlsx", "--obtained-on", "yesterday"),
        ("search", "{case}", "  "),
        ("note", "{case}", "--title", " ", "--text", "x"),
        ("history", "{tmp}/nowhere.wbcase"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *(a.format(case=case, tmp=tmp_path) for a in args))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1
    assert err.strip().endswith(".")
    assert "Traceback" not in err


def test_undo_conflicts_and_resolve_on_the_command_line(sample_case, tmp_path, capsys) -> None:
    import shutil

    from workbench.app import main

    folder = tmp_path / "aurus"
    shutil.copytree(sample_case, folder)
    assert main(["annotate", str(folder), "--company", "BYT CO LTD", "--text", "Busan"]) == 0
    capsys.readouterr()
    assert main(["history", str(folder), "--json"]) == 0
    added = json.loads(capsys.readouterr().out)["events"][-1]["id"]
    assert main(["undo", str(folder), added[:10], "--json"]) == 0
    undone = json.loads(capsys.readouterr().out)
    assert undone["kind"] == "event.undone"
    assert undone["summary"] == "undid annotation on BYT CO LTD: 'Busan'"
    assert main(["undo", str(folder), added[:10]]) == 2
    assert capsys.readouterr().err.strip() == "That change is already undone."
    assert main(["conflicts", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"conflicts": []}
    assert main(["resolve", str(folder), "--keep", "deadbeef00"]) == 2
    assert "not one of the values of a conflict" in capsys.readouterr().err
