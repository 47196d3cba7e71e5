"""The reporter's preferences file: one author for the window and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from workbench.app import main
from workbench.errors import WorkbenchError
from workbench.services import case_settings, preferences
from workbench.services.cases import new_case
from workbench.services.identity import current_author
from workbench.services.preferences import Preferences


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(folder))
    monkeypatch.delenv("WORKBENCH_AUTHOR", raising=False)
    return folder


def test_saved_name_is_the_author_and_the_env_var_overrides_it(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert preferences.load() == (Preferences(), None)
    preferences.save(Preferences("  Anna   Petrova ", " A P "))
    saved = json.loads((config / "preferences.json").read_text(encoding="utf-8"))
    assert saved["version"] == preferences.VERSION
    assert (saved["name"], saved["initials"]) == ("Anna Petrova", "AP")
    assert current_author() == "Anna Petrova"
    monkeypatch.setenv("WORKBENCH_AUTHOR", "Script")
    assert current_author() == "Script"


def test_a_broken_or_foreign_file_is_reported_and_the_defaults_used(config: Path) -> None:
    config.mkdir()
    file = config / "preferences.json"
    for text, words in (("{not json", "could not be read"), ("[1, 2]", "not a preferences"),
                        ('{"version": 99, "name": "X"}', "newer version"),
                        ('{"version": 1, "name": 5}', "not text"),
                        ('{"version": 1, "number_style": "1_234"}', "number style")):
        file.write_text(text, encoding="utf-8")
        prefs, problem = preferences.load()
        assert prefs == Preferences()
        assert problem is not None
        assert words in problem
    with pytest.raises(WorkbenchError, match="date style"):
        preferences.save(Preferences("A", date_style="someday"))


def test_styles_format_numbers_and_dates() -> None:
    assert Preferences(number_style="1.234,56").format_number("34,186,352.74") == "34.186.352,74"
    assert Preferences(number_style="1 234,56").format_number("1,234.5") == "1\u00a0234,5"
    assert Preferences().format_number("1,234.50") == "1,234.50"
    assert Preferences(date_style="05.06.2024").format_date(date(2022, 2, 24)) == "24.02.2022"
    assert Preferences().format_date(date(2022, 2, 24)) == "2022-02-24"


def test_the_command_line_records_the_saved_name(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    preferences.save(Preferences("Anna Petrova", "AP"))
    case = tmp_path / "c.wbcase"
    assert main(["new", str(case)]) == 0
    assert main(["reply", str(case), "--company", "BYT CO LTD", "--kind", "request",
                 "--channel", "email", "--date", "2024-05-29", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(out)["author"] == "Anna Petrova"
    assert json.loads(out)["kind"] == "reply.request"  # --json keeps machine names
    # A separate process (as a reporter runs it) reads the same file.
    done = subprocess.run([sys.executable, "-m", "workbench", "history", str(case), "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Anna Petrova" in done.stdout


def test_case_settings_are_checked_and_a_folder_fixes_its_own(tmp_path: Path) -> None:
    case = new_case(tmp_path / "c.wbcase")
    try:
        assert case_settings.read(case).value_column == "stat_value_usd"
        saved = case_settings.write(case, "invoice_value", "2022-02-24")
        assert case_settings.read(case) == saved
        assert case_settings.write(case, "customs_value_rub", "").key_date is None
        with pytest.raises(WorkbenchError, match="Statistical value, USD"):
            case_settings.write(case, "net_kg", None)
        with pytest.raises(WorkbenchError, match="not a date"):
            case_settings.write(case, "invoice_value", "24/02/2022")
    finally:
        case.close()
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "case.toml").write_text('title = "F"\nvalue_column = "invoice_value"\n',
                                      encoding="utf-8")
    again = new_case(tmp_path / "d.wbcase")
    try:
        assert case_settings.read(again, folder).fixed_by_folder == {"value_column"}
    finally:
        again.close()
