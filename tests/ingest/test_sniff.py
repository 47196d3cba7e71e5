"""The import boundary: every hostile or broken file is refused in one sentence, fast and small.

Every file is made here in ``tmp_path``; nothing binary is checked in. Compound files (.xls and
encrypted Office files) come from a small writer below.
"""

from __future__ import annotations

import io
import os
import random
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from workbench.errors import ImportRefused
from workbench.ingest import sniff as sniff_module
from workbench.ingest.sniff import FileKind, refusal_for, sniff

FAST = 2.0  # seconds a refusal may take

# -- helpers ------------------------------------------------------------------------------------


def assert_one_sentence(message: str, name: str) -> None:
    assert message.endswith("."), message
    assert "\n" not in message, message
    assert "\r" not in message, message
    assert "Traceback" not in message, message
    assert name in message, message
    assert len(message) < 300, message
    assert not any(ch in message for ch in "{}"), message  # every placeholder was filled


def refused(path: Path) -> str:
    """Sniff ``path``, expecting a quick one-sentence refusal; returns the sentence."""
    start = time.perf_counter()
    with pytest.raises(ImportRefused) as caught:
        sniff(path)
    assert time.perf_counter() - start < FAST
    message = str(caught.value)
    assert_one_sentence(message, path.name)
    return message


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def xlsx_bytes(rows: int = 50) -> bytes:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Declarations")
    sheet.write_row(0, 0, ["declaration_no", "hs_code", "value"])
    for r in range(1, rows + 1):
        sheet.write_row(r, 0, [f"10702010/0{r:05d}", "8471300000", r * 12.5])
    book.close()
    return out.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


# -- a minimal compound-file (OLE2) writer -------------------------------------------------------

_FREE, _END, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _chain(table: list[int], first: int, count: int) -> None:
    for i in range(count):
        table[first + i] = first + i + 1 if i < count - 1 else _END


def build_cfb(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file; keys are paths such as ``"ObjectPool/_1/Workbook"``.

    Streams under 4096 bytes go to the mini stream, as the format requires.
    """
    root: dict = {"name": "Root Entry", "type": 5, "children": {}}
    for key, data in streams.items():
        node = root
        *dirs, leaf = key.split("/")
        for part in dirs:
            node = node["children"].setdefault(part, {"name": part, "type": 1, "children": {}})
        node["children"][leaf] = {"name": leaf, "type": 2, "data": data, "children": {}}
    nodes: list[dict] = []

    def number(node: dict) -> None:
        node["id"] = len(nodes)
        nodes.append(node)
        for child in node["children"].values():
            number(child)

    number(root)
    mini = bytearray()
    big = []
    for node in nodes:
        if node["type"] != 2:
            continue
        if len(node["data"]) < 4096:
            node["start"] = len(mini) // 64 if node["data"] else _END
            mini += node["data"] + b"\0" * (-len(node["data"]) % 64)
        else:
            big.append(node)
    n_minifat = -(-(len(mini) // 64) * 4 // 512)
    n_ministream = -(-len(mini) // 512)
    n_dir = -(-len(nodes) * 128 // 512)
    n_big = sum(-(-len(n["data"]) // 512) for n in big)
    n_fat = 1
    while n_fat * 128 < n_dir + n_minifat + n_ministream + n_big + n_fat:
        n_fat += 1
    fat = [_FREE] * (n_fat * 128)
    fat[:n_fat] = [_FATSECT] * n_fat
    pos = n_fat
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else _END
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    root["start"] = pos if n_ministream else _END
    root["data"] = bytes(mini)
    _chain(fat, pos, n_ministream)
    pos += n_ministream
    body = bytearray()
    for node in big:
        count = -(-len(node["data"]) // 512)
        node["start"] = pos
        _chain(fat, pos, count)
        pos += count
        body += node["data"] + b"\0" * (-len(node["data"]) % 512)
    minifat = [_FREE] * (n_minifat * 128)
    for node in nodes:
        if node["type"] == 2 and 0 < len(node["data"]) < 4096:
            _chain(minifat, node["start"], -(-len(node["data"]) // 64))
    # Siblings form a right-leaning chain in the format's name order.
    links = {0: [_NOSTREAM, _NOSTREAM, _NOSTREAM]}
    for node in nodes:
        kids = sorted(node["children"].values(), key=lambda n: (len(n["name"]), n["name"].upper()))
        links.setdefault(node["id"], [_NOSTREAM, _NOSTREAM, _NOSTREAM])[2] = (
            kids[0]["id"] if kids else _NOSTREAM
        )
        for i, kid in enumerate(kids):
            right = kids[i + 1]["id"] if i + 1 < len(kids) else _NOSTREAM
            links[kid["id"]] = [_NOSTREAM, right, _NOSTREAM]
    directory = bytearray()
    for node in nodes:
        name = node["name"].encode("utf-16-le")
        start = node.get("start", _END) if node["type"] != 1 else 0
        directory += name.ljust(64, b"\0")
        directory += struct.pack("<HBB3I", len(name) + 2, node["type"], 1, *links[node["id"]])
        directory += b"\0" * 36 + struct.pack("<IQ", start, len(node.get("data", b"")))
    directory += (b"\0" * 68 + b"\xff" * 12 + b"\0" * 48) * (-len(nodes) % 4)
    header = (
        bytes.fromhex("D0CF11E0A1B11AE1")
        + b"\0" * 16
        + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, n_fat, dir_start, 0, 4096, minifat_start, n_minifat, _END, 0)
        + struct.pack("<109I", *range(n_fat), *[_FREE] * (109 - n_fat))
    )
    return (
        header
        + struct.pack(f"<{len(fat)}I", *fat)
        + bytes(directory)
        + struct.pack(f"<{len(minifat)}I", *minifat)
        + bytes(mini)
        + b"\0" * (-len(mini) % 512)
        + bytes(body)
    )


def rec(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def biff8_book(
    cells: list[tuple[int, int, object]],
    *,
    dimensions: tuple[int, int, int, int] | None = None,
    extra_globals: bytes = b"",
) -> bytes:
    """A minimal Excel 97-2003 (BIFF8) workbook stream with one sheet."""
    bof = rec(0x0809, struct.pack("<4H2I", 0x0600, 0x0005, 0, 0, 0, 0))
    name = b"Sheet1"
    head = bof + extra_globals + rec(0x0042, struct.pack("<H", 1200))
    boundsheet_len = 4 + 8 + len(name)
    sheet_at = len(head) + boundsheet_len + 4
    globals_ = head + rec(0x0085, struct.pack("<IHBB", sheet_at, 0, len(name), 0) + name)
    globals_ += rec(0x000A)
    rows = max(r for r, _, _ in cells) + 1
    cols = max(c for _, c, _ in cells) + 1
    first_row, last_row, first_col, last_col = dimensions or (0, rows, 0, cols)
    sheet = rec(0x0809, struct.pack("<4H2I", 0x0600, 0x0010, 0, 0, 0, 0))
    sheet += rec(0x0200, struct.pack("<2I3H", first_row, last_row, first_col, last_col, 0))
    for r, c, value in cells:
        if isinstance(value, str):
            text = value.encode("latin-1")
            sheet += rec(0x0204, struct.pack("<4HB", r, c, 15, len(text), 0) + text)
        else:
            sheet += rec(0x0203, struct.pack("<3Hd", r, c, 15, float(value)))
    return globals_ + sheet + rec(0x000A)


def biff5_book(cells: list[tuple[int, int, object]]) -> bytes:
    """A minimal Excel 5/95 (BIFF5) workbook stream, as stored in a ``Book`` stream."""
    bof = rec(0x0809, struct.pack("<4H", 0x0500, 0x0005, 0x0DBB, 0x07CC))
    name = b"Sheet1"
    head = bof + rec(0x0042, struct.pack("<H", 1252))
    sheet_at = len(head) + 4 + 7 + len(name) + 4
    globals_ = head + rec(0x0085, struct.pack("<IHB", sheet_at, 0, len(name)) + name)
    globals_ += rec(0x000A)
    sheet = rec(0x0809, struct.pack("<4H", 0x0500, 0x0010, 0x0DBB, 0x07CC))
    for r, c, value in cells:
        if isinstance(value, str):
            text = value.encode("cp1252")
            sheet += rec(0x0204, struct.pack("<4H", r, c, 15, len(text)) + text)
        else:
            sheet += rec(0x0203, struct.pack("<3Hd", r, c, 15, float(value)))
    return globals_ + sheet + rec(0x000A)


CELLS = [(0, 0, "hs_code"), (0, 1, "value"), (1, 0, "8471300000"), (1, 1, 12.5)]


# -- accepted files -----------------------------------------------------------------------------


def test_xlsx_written_by_xlsxwriter_is_accepted(tmp_path: Path) -> None:
    assert sniff(write(tmp_path / "export.xlsx", xlsx_bytes())) is FileKind.XLSX


def test_xlsx_is_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    assert sniff(write(tmp_path / "export.csv", xlsx_bytes())) is FileKind.XLSX
    assert sniff(write(tmp_path / "export", xlsx_bytes())) is FileKind.XLSX


def test_xlsx_written_by_openpyxl_is_accepted(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["hs_code", "value"])
    book.active.append(["8471300000", 12.5])
    book.save(tmp_path / "book.xlsm")
    assert sniff(tmp_path / "book.xlsm") is FileKind.XLSX


def test_xlsb_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "binary.xlsb"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00" * 10)
    assert sniff(path) is FileKind.XLSB


def test_ods_is_accepted(tmp_path: Path) -> None:
    pytest.importorskip("odf")
    pandas = pytest.importorskip("pandas")
    path = tmp_path / "export.ods"
    pandas.DataFrame({"hs_code": ["8471300000"], "value": [12.5]}).to_excel(
        path, engine="odf", index=False
    )
    assert sniff(path) is FileKind.ODS


def test_ods_without_mimetype_is_recognised_by_its_manifest(tmp_path: Path) -> None:
    path = tmp_path / "odd.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("content.xml", b"<office:document-content/>")
        zf.writestr(
            "META-INF/manifest.xml",
            b'<manifest:file-entry manifest:full-path="/" manifest:media-type='
            b'"application/vnd.oasis.opendocument.spreadsheet"/>',
        )
    assert sniff(path) is FileKind.ODS


def test_hand_built_xls_is_accepted_and_readable(tmp_path: Path) -> None:
    path = write(tmp_path / "legacy.xls", build_cfb({"Workbook": biff8_book(CELLS)}))
    assert sniff(path) is FileKind.XLS
    calamine = pytest.importorskip("python_calamine")
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows == [["hs_code", "value"], ["8471300000", 12.5]]


def test_xls_with_a_large_workbook_stream_is_accepted(tmp_path: Path) -> None:
    cells = [(r, c, f"t{r}" if c else r) for r in range(2000) for c in range(4)]
    path = write(tmp_path / "large.xls", build_cfb({"Workbook": biff8_book(cells)}))
    assert sniff(path) is FileKind.XLS


def test_xls_written_by_xlwt_is_accepted(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Declarations")
    for r in range(300):
        sheet.write(r, 0, f"10702010/{r:06d}")
        sheet.write(r, 1, r * 2.5)
    book.save(str(tmp_path / "xlwt.xls"))
    assert sniff(tmp_path / "xlwt.xls") is FileKind.XLS


@pytest.mark.parametrize(
    "data",
    [
        b"hs_code;value\n8471300000;12,5\n",
        "\ufeffhs_code,страна\n8471300000,RU\n".encode(),
        "код ТН ВЭД;страна\n8471300000;Россия\n".encode("cp1251"),
        "hs_code\tстрана\r\n8471300000\tRU\r\n".encode("utf-16"),  # with a BOM
        "hs_code;страна;value\n8471300000;RU;12\n".encode("utf-16-le"),  # no BOM
        "hs_code;страна;value\n8471300000;RU;12\n".encode("utf-16-be"),
        "hs_code,value\n8471300000,1\n".encode("utf-32"),
        b"a,b\n1,2\n\x1a",  # DOS end-of-file mark
    ],
    ids=["utf8", "utf8-bom", "cp1251", "utf16-bom", "utf16le", "utf16be", "utf32", "ctrl-z"],
)
def test_text_tables_are_accepted(tmp_path: Path, data: bytes) -> None:
    assert sniff(write(tmp_path / "table.csv", data)) is FileKind.TEXT


def test_text_with_a_long_blank_start_is_not_called_empty(tmp_path: Path) -> None:
    data = b"\n" * (sniff_module.HEAD_BYTES + 10) + b"hs_code,value\n1,2\n"
    assert sniff(write(tmp_path / "late.csv", data)) is FileKind.TEXT


# -- refused: not a file, not readable ----------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "cannot be found" in refused(tmp_path / "gone.xlsx")


def test_folder(tmp_path: Path) -> None:
    (tmp_path / "exports.xlsx").mkdir()
    assert "folder" in refused(tmp_path / "exports.xlsx")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.csv")
    assert "not an ordinary file" in refused(tmp_path / "pipe.csv")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path / "locked.xlsx", xlsx_bytes())
    path.chmod(0)
    try:
        assert "permission" in refused(path)
    finally:
        path.chmod(0o600)


def test_permission_error_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.xlsx", xlsx_bytes())

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", deny)
    assert "permission" in refused(path)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as fh:  # sparse: takes no disk space
        fh.truncate(sniff_module.MAX_FILE_BYTES + 1)
    message = refused(path)
    assert "larger than 8 GB" in message


# -- refused: empty, not text, not a spreadsheet ------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"", b"   \r\n\t\n  ", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n", " \r\n".encode("utf-16")],
    ids=["zero-bytes", "whitespace", "bom-only", "bom-whitespace", "utf16-whitespace"],
)
def test_empty(tmp_path: Path, data: bytes) -> None:
    assert refused(write(tmp_path / "blank.csv", data)) == (
        "blank.csv is empty; if it should hold data, copy or download it again."
    )


def test_blank_file_larger_than_the_head_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "blank.txt", b" \n" * (sniff_module.HEAD_BYTES * 2))
    assert refused(path).startswith("blank.txt is empty;")


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("report.xlsx", PDF, "is a PDF document, not a spreadsheet; it can be kept"),
        ("photo.csv", PNG, "is a PNG image, not a spreadsheet;"),
        ("scan.xlsx", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "JPEG image"),
        ("anim.xls", b"GIF89a\x01\x00\x01\x00" + bytes(50), "GIF image"),
        ("tool.xlsx", b"\x7fELF\x02\x01\x01" + bytes(100), "program file"),
        ("data.csv", b"\x1f\x8b\x08\x00" + os.urandom(200), "gzip-compressed file"),
        ("data.xlsx", b"7z\xbc\xaf\x27\x1c\x00\x04" + os.urandom(200), "7-Zip archive"),
        ("data.xls", b"Rar!\x1a\x07\x01\x00" + os.urandom(200), "RAR archive"),
        ("case.xlsx", b"SQLite format 3\x00" + bytes(200), "database file"),
        ("letter.csv", b"{\\rtf1\\ansi hello}", "RTF document"),
    ],
)
def test_known_binaries_are_named(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    assert expected in refused(write(tmp_path / name, data))


def test_random_bytes_are_not_text(tmp_path: Path) -> None:
    junk = random.Random(7).randbytes(20_000)
    assert refused(write(tmp_path / "junk.csv", junk)) == (
        "junk.csv is not a text or spreadsheet file; "
        "it can be kept with the case as a source instead."
    )


def test_text_with_many_control_bytes_is_not_text(tmp_path: Path) -> None:
    data = b"a,b\n" + b"\x01\x02\x03\x04,\x05\n" * 200
    assert "not a text or spreadsheet file" in refused(write(tmp_path / "ctl.csv", data))


def test_zero_filled_file_is_an_interrupted_copy(tmp_path: Path) -> None:
    assert "zero bytes" in refused(write(tmp_path / "copy.xlsx", bytes(100_000)))


def test_raw_biff4_workbook_is_legacy(tmp_path: Path) -> None:
    data = rec(0x0409, struct.pack("<3H", 0x0000, 0x0010, 0x0000)) + bytes(100)
    assert "Excel 95 or older" in refused(write(tmp_path / "old.xls", data))


def test_docx_like_zip_is_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "memo.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types><Default ContentType='wordprocessingml'/>")
        zf.writestr("word/document.xml", b"<w:document/>")
    assert "is a Word document, not a spreadsheet;" in refused(path)


def test_zip_holding_a_spreadsheet_says_to_unpack_it(tmp_path: Path) -> None:
    path = tmp_path / "bundle.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2024/export.csv", b"a,b\n1,2\n")
    assert "unpack it" in refused(path)


def test_plain_zip_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt.bak", b"x")
    assert "is a ZIP archive, not a spreadsheet;" in refused(path)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html>\n<html><body><table><tr><td>1</td></tr></table>", "is a web page"),
        ("\ufeff<html><table><tr><td>Товар</td></tr></table>".encode("utf-16"), "is a web page"),
        (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook '
            b'xmlns="urn:schemas-microsoft-com:office:spreadsheet">',
            "is a spreadsheet saved as XML",
        ),
        (b'<?xml version="1.0"?><customs><item/></customs>', "is an XML document"),
    ],
    ids=["html", "html-utf16", "spreadsheetml", "xml"],
)
def test_markup_passed_off_as_a_spreadsheet(tmp_path: Path, data: bytes, expected: str) -> None:
    assert expected in refused(write(tmp_path / "export.xls", data))


# -- refused: damaged ZIP packages --------------------------------------------------------------


def test_truncated_xlsx_is_damaged(tmp_path: Path) -> None:
    data = xlsx_bytes(500)
    path = write(tmp_path / "half.xlsx", data[: len(data) // 2])
    assert refused(path).startswith("half.xlsx is damaged")


def test_zip_with_bad_central_directory_is_damaged(tmp_path: Path) -> None:
    data = bytearray(xlsx_bytes())
    central = data.rfind(b"PK\x01\x02")
    data[central : central + 4] = b"XXXX"
    assert "is damaged" in refused(write(tmp_path / "cd.xlsx", bytes(data)))


def _member_data_span(data: bytes, name: str) -> tuple[int, int]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    name_len, extra_len = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    return start, start + info.compress_size


def test_xlsx_with_corrupted_sheet_data_is_refused_as_damaged(tmp_path: Path) -> None:
    data = bytearray(xlsx_bytes(3000))
    start, end = _member_data_span(bytes(data), "xl/worksheets/sheet1.xml")
    middle = (start + end) // 2
    for i in range(middle, middle + 64):
        data[i] ^= 0xA5
    path = write(tmp_path / "flipped.xlsx", bytes(data))
    # The sniffer samples compressed parts and may catch this itself; either way the outcome
    # must be the "damaged" sentence, and the real readers must fail rather than read garbage.
    try:
        kind, message = sniff(path), ""
    except ImportRefused as exc:
        kind, message = None, str(exc)
    assert kind is FileKind.XLSX or "is damaged" in message
    calamine = pytest.importorskip("python_calamine")
    fastexcel = pytest.importorskip("fastexcel")
    readers: list[Callable[[], object]] = [
        lambda: calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(),
        lambda: fastexcel.read_excel(str(path)).load_sheet(0).to_arrow(),
    ]
    for read in readers:
        with pytest.raises(Exception) as caught:  # noqa: PT011 - any reader error will do
            read()
        message = str(refusal_for(caught.value, path))
        assert_one_sentence(message, path.name)
        assert "is damaged" in message


def test_xlsx_with_a_missing_sheet_part_is_refused_by_the_readers(tmp_path: Path) -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    path = tmp_path / "partial.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zf.writestr(info, source.read(info))
    assert sniff(path) is FileKind.XLSX
    calamine = pytest.importorskip("python_calamine")
    with pytest.raises(Exception) as caught:  # noqa: PT011
        calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert_one_sentence(str(refusal_for(caught.value, path)), path.name)


def test_stored_part_with_a_wrong_checksum_is_damaged(tmp_path: Path) -> None:
    """One changed digit in an uncompressed sheet: fastexcel 0.21 reads it without complaint."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as zf:
        for info in source.infolist():
            zf.writestr(info.filename, source.read(info))
    data = bytearray(stored.getvalue())
    at = data.find(b"<v>12.5</v>")
    data[at + 3] = ord("7")
    assert "is damaged" in refused(write(tmp_path / "digit.xlsx", bytes(data)))


def test_workbook_part_without_content_types_is_left_to_the_readers(tmp_path: Path) -> None:
    path = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
    assert sniff(path) is FileKind.XLSX


def test_encrypted_zip_members_are_password_protected(tmp_path: Path) -> None:
    data = bytearray(xlsx_bytes())
    # Set the "encrypted" flag on every entry of the central directory.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    assert "password-protected" in refused(write(tmp_path / "locked.xlsx", bytes(data)))


def test_duplicate_part_names_are_damaged(tmp_path: Path) -> None:
    path = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("xl/workbook.xml", b"<workbook other='1'/>")
    assert "is damaged" in refused(path)


# -- refused: zip bombs ---------------------------------------------------------------------------

BOMB_BYTES = 300 * 1024 * 1024


def _write_bomb(path: Path) -> None:
    """An xlsx whose sheet unpacks to 300 MB, streamed so building it stays small and quick."""
    chunk = b"<c/>" * (256 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(BOMB_BYTES // len(chunk)):
                member.write(chunk)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    _write_bomb(path)
    return path


def _peak_while(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    except ImportRefused:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def test_zip_bomb_is_refused_fast_and_small(bomb: Path) -> None:
    assert bomb.stat().st_size < BOMB_BYTES // 100
    assert "compressed more than 100-fold" in refused(bomb)
    assert _peak_while(lambda: sniff(bomb)) < 50 * 1024 * 1024


def _set_declared_size(data: bytearray, name: bytes, size: int) -> None:
    """Rewrite a member's uncompressed size in its local header and central directory."""
    for signature, field in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                struct.pack_into("<I", data, at + field, size)
            at = data.find(signature, at + 4)


def test_zip_bomb_that_understates_its_size_is_refused(bomb: Path, tmp_path: Path) -> None:
    data = bytearray(bomb.read_bytes())
    _set_declared_size(data, b"xl/worksheets/sheet1.xml", 2000)
    path = write(tmp_path / "liar.xlsx", bytes(data))
    assert "misstate their sizes" in refused(path)
    assert _peak_while(lambda: sniff(path)) < 50 * 1024 * 1024


def test_zip_with_overlapping_parts_is_refused(tmp_path: Path) -> None:
    """Many directory entries sharing one payload: the trick of non-recursive zip bombs."""
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 10_000)
    data = source.getvalue()
    eocd = data.rfind(b"PK\x05\x06")
    count, cd_size, cd_offset = struct.unpack_from("<HII", data, eocd + 10)
    central = data[cd_offset : cd_offset + cd_size]
    sheet_at = central.find(b"PK\x01\x02", central.find(b"xl/workbook.xml"))
    sheet_entry = central[sheet_at:]
    copies = b"".join(
        sheet_entry.replace(b"sheet1.xml", f"sheet{i}.xml".encode()) for i in range(2, 10)
    )
    new_central = central + copies
    tail = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, count + 8, count + 8, len(new_central), cd_offset, 0
    )
    path = write(tmp_path / "overlap.xlsx", data[:cd_offset] + new_central + tail)
    assert "overlap" in refused(path)


def test_total_unpacked_size_is_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff_module, "MAX_UNPACKED_BYTES", 100_000)
    path = write(tmp_path / "big.xlsx", xlsx_bytes(3000))
    assert "would unpack to more than" in refused(path)


def test_too_many_parts_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sniff_module, "MAX_ZIP_MEMBERS", 10)
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(20):
            zf.writestr(f"xl/media/image{i}.png", b"x")
    assert "holds more than 10 parts" in refused(path)


def test_million_row_workbook_sizes_pass_the_declared_size_checks(tmp_path: Path) -> None:
    sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    sheet.compress_type = zipfile.ZIP_DEFLATED
    sheet.file_size, sheet.compress_size = 800 * 1024 * 1024, 70 * 1024 * 1024
    sheet.header_offset = 0
    strings = zipfile.ZipInfo("xl/sharedStrings.xml")
    strings.compress_type = zipfile.ZIP_DEFLATED
    strings.file_size, strings.compress_size = 120 * 1024 * 1024, 30 * 1024 * 1024
    strings.header_offset = sheet.compress_size + 100
    size = strings.header_offset + strings.compress_size + 100
    sniff_module._check_declared_sizes(tmp_path / "x.xlsx", [sheet, strings], size)


# -- compound files: encrypted, legacy, other Office documents ----------------------------------


def test_encrypted_office_file_is_password_protected(tmp_path: Path) -> None:
    streams = {
        "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + bytes(200),
        "EncryptedPackage": struct.pack("<Q", 5000) + os.urandom(5000),
        "\x06DataSpaces/Version": bytes(76),
    }
    path = write(tmp_path / "secret.xlsx", build_cfb(streams))
    message = refused(path)
    assert message == (
        "secret.xlsx is password-protected; open it in Excel, remove the password, "
        "save a copy and import that."
    )
    calamine = pytest.importorskip("python_calamine")
    with pytest.raises(calamine.PasswordError) as caught:
        calamine.CalamineWorkbook.from_path(str(path))
    assert str(refusal_for(caught.value, path)) == message


def test_xls_with_filepass_record_is_password_protected(tmp_path: Path) -> None:
    filepass = rec(0x002F, struct.pack("<3H", 1, 1, 1) + bytes(48))
    book = biff8_book(CELLS, extra_globals=filepass)
    path = write(tmp_path / "rc4.xls", build_cfb({"Workbook": book}))
    assert "password-protected" in refused(path)


def test_excel_95_book_is_legacy(tmp_path: Path) -> None:
    path = write(tmp_path / "old.xls", build_cfb({"Book": biff5_book(CELLS)}))
    assert refused(path) == (
        "old.xls is an Excel 95 or older workbook, which cannot be read; "
        "save it as .xlsx in a spreadsheet program and import that."
    )


def test_biff5_in_a_workbook_stream_is_legacy_too(tmp_path: Path) -> None:
    path = write(tmp_path / "old.xls", build_cfb({"Workbook": biff5_book(CELLS)}))
    assert "Excel 95 or older" in refused(path)


def test_excel_95_book_can_be_let_through_to_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff_module, "ACCEPT_EXCEL_95", True)
    path = write(tmp_path / "old.xls", build_cfb({"Book": biff5_book(CELLS)}))
    assert sniff(path) is FileKind.XLS
    calamine = pytest.importorskip("python_calamine")
    rows = calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows == [["hs_code", "value"], ["8471300000", 12.5]]


def test_excel_95_book_is_still_checked_when_let_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff_module, "ACCEPT_EXCEL_95", True)
    book = biff5_book([*CELLS, (3, 300, 1.0)])
    assert "is damaged" in refused(write(tmp_path / "far.xls", build_cfb({"Book": book})))


def test_word_document_with_an_embedded_workbook_is_not_a_spreadsheet(tmp_path: Path) -> None:
    # python-calamine would read the embedded sheet: the Word file must be refused here.
    streams = {
        "WordDocument": b"\xec\xa5" + bytes(5000),
        "1Table": bytes(100),
        "ObjectPool/_1234/Workbook": biff8_book(CELLS),
    }
    path = write(tmp_path / "memo.xls", build_cfb(streams))
    assert "is a Word document, not a spreadsheet;" in refused(path)


def test_other_compound_file_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = write(tmp_path / "thing.xls", build_cfb({"Contents": bytes(600)}))
    assert "not a spreadsheet" in refused(path)


def test_truncated_xls_is_damaged(tmp_path: Path) -> None:
    cells = [(r, c, f"text {r}") for r in range(400) for c in range(3)]
    data = build_cfb({"Workbook": biff8_book(cells)})
    assert "is damaged" in refused(write(tmp_path / "cut.xls", data[: len(data) // 2]))


def test_compound_file_with_a_looping_chain_is_damaged(tmp_path: Path) -> None:
    cells = [(r, 0, r) for r in range(400)]
    data = bytearray(build_cfb({"Workbook": biff8_book(cells)}))
    first_dir = struct.unpack_from("<I", data, 48)[0]
    struct.pack_into("<I", data, 512 + first_dir * 4, first_dir)  # directory points to itself
    assert "is damaged" in refused(write(tmp_path / "loop.xls", bytes(data)))


@pytest.mark.parametrize("offset", [44, 48, 60, 64, 72, 76])
def test_compound_file_header_lies_are_damaged(tmp_path: Path, offset: int) -> None:
    data = bytearray(build_cfb({"Workbook": biff8_book(CELLS)}))
    struct.pack_into("<I", data, offset, 0x7FFFFFF0)
    assert "is damaged" in refused(write(tmp_path / "lie.xls", bytes(data)))


# These files make python-calamine (and so fastexcel) abort the whole process while reserving
# memory for the declared cell range; they must never reach a reader. Do not read them here.


@pytest.mark.parametrize(
    "dimensions",
    [(0, 1_048_576, 0, 16_384), (0, 0xFFFFFFFF, 0, 0xFFFF), (5, 3, 0, 2)],
    ids=["xlsx-sized", "maximal", "inverted"],
)
def test_xls_declaring_an_impossible_range_is_damaged(
    tmp_path: Path, dimensions: tuple[int, int, int, int]
) -> None:
    book = biff8_book(CELLS, dimensions=dimensions)
    assert "is damaged" in refused(write(tmp_path / "dims.xls", build_cfb({"Workbook": book})))


def test_xls_with_a_cell_beyond_column_256_is_damaged(tmp_path: Path) -> None:
    book = biff8_book([*CELLS, (30_000, 8_704, 1.0)], dimensions=(0, 2, 0, 2))
    assert "is damaged" in refused(write(tmp_path / "far.xls", build_cfb({"Workbook": book})))


def test_xls_with_an_implausible_string_count_is_damaged(tmp_path: Path) -> None:
    sst = rec(0x00FC, struct.pack("<2I", 0, 0xFFFFFFFF))
    book = biff8_book(CELLS, extra_globals=sst)
    assert "is damaged" in refused(write(tmp_path / "sst.xls", build_cfb({"Workbook": book})))


# -- hostile names and random damage --------------------------------------------------------------


def test_file_name_cannot_break_the_sentence(tmp_path: Path) -> None:
    name = "evil\nname\u202egnp.xlsx"
    path = write(tmp_path / name, b"")
    with pytest.raises(ImportRefused) as caught:
        sniff(path)
    message = str(caught.value)
    assert "\n" not in message
    assert "\u202e" not in message
    assert message.startswith("evil?name?gnp.xlsx is empty;")


def test_long_file_name_is_shortened(tmp_path: Path) -> None:
    path = write(tmp_path / ("x" * 200 + ".csv"), b"")
    with pytest.raises(ImportRefused) as caught:
        sniff(path)
    message = str(caught.value)
    assert "…" in message
    assert "x.csv is empty;" in message
    assert len(message) <= len(sniff_module.EMPTY.format(name="x" * 80))


def _flipped(data: bytes, rng: random.Random) -> Iterator[bytes]:
    for _ in range(60):
        copy = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            copy[rng.randrange(len(copy))] = rng.randrange(256)
        yield bytes(copy)
    for _ in range(10):
        yield data[: rng.randrange(len(data))]


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_random_damage_gives_a_kind_or_one_sentence(tmp_path: Path, kind: str) -> None:
    rng = random.Random(20240611)
    if kind == "xlsx":
        original = xlsx_bytes(300)
    else:
        cells = [(r, c, f"v{r}" if c else r) for r in range(300) for c in range(3)]
        original = build_cfb({"Workbook": biff8_book(cells)})
    for i, data in enumerate(_flipped(original, rng)):
        path = write(tmp_path / f"damaged{i}.{kind}", data)
        start = time.perf_counter()
        try:
            found = sniff(path)
        except ImportRefused as exc:
            assert_one_sentence(str(exc), path.name)
        else:
            assert found in (FileKind.XLSX, FileKind.XLS, FileKind.TEXT)
        assert time.perf_counter() - start < FAST


# -- refusal_for -----------------------------------------------------------------------------------


def _exceptions() -> list[tuple[BaseException, str]]:
    from xml.etree.ElementTree import ParseError

    from defusedxml import EntitiesForbidden

    cases: list[tuple[BaseException, str]] = [
        (zipfile.BadZipFile("File is not a zip file"), "is damaged"),
        (
            zlib.error("Error -3 while decompressing data: invalid distance too far back"),
            "is damaged",
        ),
        (
            EOFError("Compressed file ended before the end-of-stream marker was reached"),
            "is damaged",
        ),
        (KeyError("There is no item named 'xl/sharedStrings.xml' in the archive"), "is damaged"),
        (ParseError("not well-formed (invalid token): line 1, column 10"), "is damaged"),
        (struct.error("unpack requires a buffer of 4 bytes"), "is damaged"),
        (TypeError("expected str, got NoneType"), "met something in it that it cannot handle"),
        (ValueError("x" * 5000), "met something in it that it cannot handle"),
        (RuntimeError("File is encrypted, password required for extraction"), "password-protected"),
        (
            NotImplementedError("That compression method is not supported"),
            "feature that cannot be read",
        ),
        (MemoryError(), "memory available"),
        (TimeoutError(), "took too long"),
        (FileNotFoundError(2, "No such file or directory"), "cannot be found"),
        (PermissionError(13, "Permission denied"), "permission"),
        (IsADirectoryError(21, "Is a directory"), "is a folder"),
        (OSError(5, "Input/output error"), "could not be read (input/output error); check"),
        (EntitiesForbidden("lol", None, None, None, None, None), "refused for safety"),
        (
            type("PanicException", (BaseException,), {})("index out of bounds"),
            "stopped on an internal error",
        ),
    ]
    try:
        import pyarrow as pa
    except ImportError:
        pass
    else:
        cases += [
            (pa.ArrowInvalid("CSV parse error: Expected 5 columns, got 7"), "cannot handle"),
            (pa.ArrowMemoryError("malloc of size 4096 failed"), "memory available"),
        ]
    try:
        import python_calamine as calamine
    except ImportError:
        pass
    else:
        cases += [
            (calamine.PasswordError("Workbook is password protected"), "password-protected"),
            (calamine.ZipError("invalid Zip archive: Could not find EOCD"), "is damaged"),
            (calamine.XmlError("Expecting alphanumeric character"), "is damaged"),
            (calamine.WorksheetNotFound("Sheet1"), "no worksheet"),
        ]
    try:
        import fastexcel
    except ImportError:
        pass
    else:
        cases += [
            (
                fastexcel.CalamineError(
                    "calamine error: Xlsx error: Workbook is password "
                    "protected\nContext:\n    0: Could not open workbook at /x"
                ),
                "password-protected",
            ),
            (
                fastexcel.CalamineError(
                    "calamine error: Xls error: Cfb error: Sector 76824 points "
                    "past end of file\nContext:\n 0: Could not open"
                ),
                "is damaged",
            ),
            (fastexcel.CalamineCellError("unsupported cell"), "cannot handle"),
        ]
    try:
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:
        pass
    else:
        cases.append(
            (InvalidFileException("openpyxl does not support .bin file format"), "laid out")
        )
    cases.append((ValueError("Cannot detect file format"), "laid out in a way"))
    return cases


@pytest.mark.parametrize(("exc", "expected"), _exceptions(), ids=lambda v: type(v).__name__)
def test_refusal_for_reader_exceptions(tmp_path: Path, exc: BaseException, expected: str) -> None:
    path = write(tmp_path / "import.xlsx", xlsx_bytes())
    message = str(refusal_for(exc, path))
    assert_one_sentence(message, "import.xlsx")
    assert expected in message
    assert "xxxxx" not in message  # raw exception text is never quoted


def test_refusal_for_keeps_a_refusal_and_looks_at_causes(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    original = ImportRefused("book.xlsx is empty.")
    assert refusal_for(original, path) is original

    def load() -> None:
        try:
            raise RuntimeError("Workbook is password protected")
        except RuntimeError as inner:
            raise ValueError("could not load workbook") from inner

    with pytest.raises(ValueError, match="could not load") as caught:
        load()
    assert "password-protected" in str(refusal_for(caught.value, path))


def test_refusal_for_decoding_errors_depends_on_the_file(tmp_path: Path) -> None:
    error = UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    text = write(tmp_path / "table.csv", b"a;b\n\xff;1\n")
    assert "text encoding" in str(refusal_for(error, text))
    book = write(tmp_path / "book.xlsx", xlsx_bytes())
    assert "is damaged" in str(refusal_for(error, book))


def test_refusal_for_does_not_swallow_an_interrupt(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        refusal_for(KeyboardInterrupt(), tmp_path / "x.csv")


def test_file_kind_values() -> None:
    assert [k.value for k in FileKind] == ["xlsx", "xlsb", "xls", "ods", "text"]
