"""CSV tables for Excel: formula-safe text, numbers kept, BOM, atomic replacement."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from workbench.app import main
from workbench.export.csv_table import write_csv
from workbench.store.durable import atomic_target


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_text_is_formula_safe_and_numbers_stay_numbers(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "sender": pd.array(['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-2", "\tTAB",
                            "\rCR", "A-1 LTD", None], dtype="string"),
        "stat_value_usd": [-2.5, 1.0, 1181.55, 0.1, None, 3.0, 4.0, 5.0],
        "item_no": pd.array([1, 2, 3, 4, 5, 6, 7, None], dtype="Int64"),
        "date": pd.to_datetime(["2022-02-24"] * 7 + [None]),
        "=cmd|' /C calc'!A0": ["x"] * 8,
    })
    out = tmp_path / "rows.csv"
    assert write_csv(frame, out) == 8
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read(out)
    assert rows[0] == ["sender", "stat_value_usd", "item_no", "date", "'=cmd|' /C calc'!A0"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)", "'+1",
                                        "'-2", "'\tTAB", "'\rCR", "A-1 LTD", ""]
    assert [r[1] for r in rows[1:]] == ["-2.5", "1.0", "1181.55", "0.1", "", "3.0", "4.0", "5.0"]
    assert rows[1][2] == "1"
    assert rows[1][3] == "2022-02-24"
    assert rows[8][3] == ""


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "rows.csv"
    out.write_text("old", encoding="utf-8")

    def half_write() -> None:
        with atomic_target(out) as temp:
            temp.write_text("half", encoding="utf-8")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        half_write()
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["rows.csv"]
    write_csv(pd.DataFrame({"a": [1]}), out)
    assert _read(out) == [["a"], ["1"]]


def test_command_exports_filtered_rows(sample_case: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    case = sample_case / "case.wbcase"
    out = tmp_path / "kr.csv"
    code = main(["export-csv", str(case), str(out), "--where", "origin_country=KR", "--json"])
    assert code == 0
    assert '"rows": 1140' in capsys.readouterr().out
    rows = _read(out)
    header = rows[0]
    assert len(rows) == 1141
    assert {r[header.index("origin_country")] for r in rows[1:]} == {"KR"}
    assert "source_sha256" in header
    assert main(["export-csv", str(case), str(tmp_path / "kr.txt")]) == 2
    assert capsys.readouterr().err.strip() == "kr.txt should end in .csv."
