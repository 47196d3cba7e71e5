"""Every kind of hostile file, through the command line: exit 2, one sentence, case unchanged."""

from __future__ import annotations

import io
import json
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from tests.ingest.test_sniff import biff5_book, build_cfb
from workbench.app import main


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
