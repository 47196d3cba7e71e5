"""Every kind of hostile file, through the command line: exit 2, one sentence, case unchanged."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from tests.ingest.test_package import relocate
from tests.ingest.test_sniff import biff5_book, build_cfb
from tests.ingest.test_true_refusals import gcode_rows, panicking_book, panics_in_process
from tests.xlsb import write_xlsb
from workbench.app import main
from workbench.ingest.sniff import PANIC


def _real_xlsx(tmp: Path) -> bytes:
    return write_gcode_xlsx(tmp / "real.xlsx", sample_items()).read_bytes()


def _truncated(tmp: Path) -> bytes:
    data = _real_xlsx(tmp)
    return data[: len(data) // 2]


def _corrupted_sheet(tmp: Path) -> bytes:
    """A zip whose sheet part is deflate garbage (the CRC no longer matches)."""
    src = zipfile.ZipFile(io.BytesIO(_real_xlsx(tmp)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<c ", b"<c\x00\xff", 7)
            dst.writestr(info, data)
    raw = bytearray(out.getvalue())
    start = raw.find(b"xl/worksheets/sheet1.xml") + 40
    for i in range(start, min(start + 200, len(raw))):
        raw[i] ^= 0x5A
    return bytes(raw)


def _zip_bomb(tmp: Path) -> bytes:
    """An xlsx-shaped zip whose sheet inflates to 300 MB from about 300 KB."""
    path = tmp / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            block = b"<row>" + b"0" * (1 << 20)
            for _ in range(300):
                fh.write(block)
    return path.read_bytes()


def _encrypted(_tmp: Path) -> bytes:
    return build_cfb({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\x00" * 60,
                      "EncryptedPackage": b"\x00" * 600})


def _legacy(_tmp: Path) -> bytes:
    return build_cfb({"Book": biff5_book([(0, 0, "Declaration number")])})


def _no_columns_xlsx(tmp: Path) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Colour", "Taste", "Mood"])
    ws.append(["red", "sweet", "calm"])
    wb.save(tmp / "nocols.xlsx")
    return (tmp / "nocols.xlsx").read_bytes()


def _huge_range(tmp: Path) -> bytes:
    """Two cells at opposite corners: the Rust readers try to allocate the whole sheet."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "ND (Номер декларации)"
    wb.active["XFD1048576"] = 1
    wb.save(tmp / "corners.xlsx")
    return (tmp / "corners.xlsx").read_bytes()


def _two_workbook_parts(tmp: Path) -> bytes:
    """The workbook part moved to xl/workbook2.xml, and a stale one left where readers look."""
    buffer = io.BytesIO(relocate(_real_xlsx(tmp), "xl/workbook2.xml"))
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    return buffer.getvalue()


HOSTILE: dict[str, tuple[str, Callable[[Path], bytes], str]] = {
    "empty": ("empty.xlsx", lambda _t: b"", "empty"),
    "whitespace": ("blank.csv", lambda _t: b" \r\n\t\r\n", "empty"),
    "pdf renamed": ("report.xlsx", lambda _t: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    "png renamed": ("photo.csv", lambda _t: b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image"),
    "truncated": ("cut.xlsx", _truncated, "damaged"),
    "corrupted sheet": ("flipped.xlsx", _corrupted_sheet, ""),
    "zip bomb": ("bomb.xlsx", _zip_bomb, ""),
    "password": ("locked.xlsx", _encrypted, "password"),
    "legacy": ("old.xls", _legacy, "Excel 95"),
    "junk": ("junk.csv", lambda _t: bytes(range(256)) * 64, ""),
    "no columns (xlsx)": ("nocols.xlsx", _no_columns_xlsx, "No recognisable"),
    "no columns (csv)": ("nocols.csv", lambda _t: b"a;b;c\n1;2;3\n", "No recognisable"),
    "huge range": ("corners.xlsx", _huge_range, ""),
    "zlib stream": ("packed.csv", lambda _t: zlib.compress(b"x" * 10000), ""),
    "two workbook parts": ("two.xlsx", _two_workbook_parts, "laid out in a way"),
}


def _cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_file_is_refused_and_case_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    name, build, expected = HOSTILE[kind]
    case = tmp_path / "c.wbcase"
    _cli(capsys, "new", case)
    good = write_gcode_xlsx(tmp_path / "good.xlsx", sample_items())
    assert _cli(capsys, "import", case, good)[0] == 0
    before = json.loads(_cli(capsys, "info", case, "--json")[1])

    hostile = tmp_path / name
    hostile.write_bytes(build(tmp_path))
    started = time.perf_counter()
    code, out, err = _cli(capsys, "import", case, hostile)
    elapsed = time.perf_counter() - started

    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.rstrip().endswith(".")
    assert "Traceback" not in err
    assert str(tmp_path) not in err  # no paths of the machine in the sentence
    assert expected in err
    assert elapsed < 10
    after = json.loads(_cli(capsys, "info", case, "--json")[1])
    assert after == before


# -- the command line as the reporter runs it ---------------------------------------------------
# In a separate process: inside pytest the logging plugin catches log records that a real run
# would print on stderr, so only a real run shows what the reporter sees.


def _workbench(*args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "workbench", *(str(a) for a in args)],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )


def _case_with_an_import(tmp_path: Path) -> tuple[Path, str]:
    case = tmp_path / "c.wbcase"
    assert _workbench("new", case).returncode == 0
    good = write_gcode_xlsx(tmp_path / "good.xlsx", sample_items())
    assert _workbench("import", case, good).returncode == 0
    return case, _workbench("info", case, "--json").stdout


def test_a_reader_panic_is_one_sentence_on_stderr_and_nothing_else(tmp_path: Path) -> None:
    path = panicking_book(tmp_path / "panics.xlsb")
    case, before = _case_with_an_import(tmp_path)
    done = _workbench("import", case, path)
    if not panics_in_process(path):  # a fixed reader: an import, or one plain sentence
        assert done.stderr.count("\n") <= 1
        assert "Traceback" not in done.stderr
        return
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == PANIC.format(name="panics.xlsb") + "\n"  # no traceback, no log line
    assert _workbench("info", case, "--json").stdout == before


def test_a_reader_panic_on_one_sheet_is_a_note_and_stderr_stays_quiet(tmp_path: Path) -> None:
    from tests.ingest.test_true_refusals import _string_beyond_the_table

    items = sample_items()
    path = write_xlsb(tmp_path / "one_bad.xlsb",
                      {"Bad": gcode_rows(items[:4]), "Good": gcode_rows(items[4:])},
                      damage={"xl/worksheets/sheet1.bin": _string_beyond_the_table})
    case, _before = _case_with_an_import(tmp_path)
    done = _workbench("import", case, path, "--json")
    assert done.returncode == 0
    assert done.stderr == ""
    if not panics_in_process(path):  # a fixed reader reads both sheets
        return
    report = json.loads(done.stdout)["files"][0]
    assert report["imported"] + report["duplicates"] == len(items) - 4  # the good sheet's rows
    assert report["notes"][0].startswith("sheet 'Bad' could not be read: the spreadsheet reader")


def test_a_reader_that_dies_is_one_sentence_on_stderr_and_nothing_else(tmp_path: Path) -> None:
    case, before = _case_with_an_import(tmp_path)
    corners = tmp_path / "corners.xlsx"
    corners.write_bytes(_huge_range(tmp_path))
    done = _workbench("import", case, corners)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("corners.xlsx ")
    assert "Traceback" not in done.stderr
    assert "memory allocation" not in done.stderr
    assert _workbench("info", case, "--json").stdout == before
