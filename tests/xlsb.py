"""A small .xlsb (Excel binary workbook) writer for the tests, after the MS-XLSB record layout.

No library here writes .xlsb, so the tests build their own: a ZIP package whose parts are
BIFF12 record streams. Each record is a type and a length, both as 7-bit variable-length
integers, then the payload. Only what a customs extract needs is written: shared strings,
numbers, and date cells (a built-in date format), one sheet per entry of ``sheets``.

Typical use::

    write_xlsb(path, {"2023": [["Declaration", "Date"], ["10702070/030123/0001234", day]]})

``damage`` lets a test swap one part's bytes for a changed copy, to build hostile files from
a well-formed one.
"""

from __future__ import annotations

import datetime as dt
import struct
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

Cell = str | int | float | dt.date | None

# Record types used here (MS-XLSB 2.3).
ROW_HDR = 0x0000
CELL_REAL = 0x0005
CELL_ISST = 0x0007
SST_ITEM = 0x0013
XF = 0x002F
BEGIN_SHEET = 0x0081
END_SHEET = 0x0082
BEGIN_BOOK = 0x0083
END_BOOK = 0x0084
BEGIN_BUNDLE_SHS = 0x008F
END_BUNDLE_SHS = 0x0090
BEGIN_SHEET_DATA = 0x0091
END_SHEET_DATA = 0x0092
WS_DIM = 0x0094
WB_PROP = 0x0099
BUNDLE_SH = 0x009C
BEGIN_SST = 0x009F
END_SST = 0x00A0
BEGIN_STYLE_SHEET = 0x0116
END_STYLE_SHEET = 0x0117
BEGIN_FMTS = 0x0267
END_FMTS = 0x0268
BEGIN_CELL_XFS = 0x0269
END_CELL_XFS = 0x026A

#: Style index of date cells: the second cell format, built-in number format 14 (a date).
DATE_STYLE = 1
_EXCEL_EPOCH = dt.date(1899, 12, 30)

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"


def _varint(value: int, max_bytes: int) -> bytes:
    out = bytearray()
    for _ in range(max_bytes):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)
    raise ValueError("value too large for a record header")


def record(kind: int, payload: bytes = b"") -> bytes:
    """One BIFF12 record: type (1-2 bytes), length (1-4 bytes), payload."""
    return _varint(kind, 2) + _varint(len(payload), 4) + payload


def wide(text: str) -> bytes:
    """An XLWideString: character count, then UTF-16LE."""
    data = text.encode("utf-16-le")
    return struct.pack("<I", len(data) // 2) + data


def workbook_part(sheet_names: Sequence[str], *, date1904: bool = False) -> bytes:
    out = [record(BEGIN_BOOK), record(WB_PROP, struct.pack("<II", int(date1904), 0) + wide(""))]
    out.append(record(BEGIN_BUNDLE_SHS))
    for index, name in enumerate(sheet_names, start=1):
        # hsState (visible), iTabID, the relationship id, the sheet's name
        out.append(record(BUNDLE_SH, struct.pack("<II", 0, index) + wide(f"rId{index}") +
                          wide(name)))
    out += [record(END_BUNDLE_SHS), record(END_BOOK)]
    return b"".join(out)


def styles_part() -> bytes:
    def xf(number_format: int) -> bytes:
        # ixfeParent, iFmt, iFont, iFill, ixBorder, trot, indent, flags
        return record(XF, struct.pack("<HHHHHBBI", 0xFFFF, number_format, 0, 0, 0, 0, 0, 0))

    return b"".join([
        record(BEGIN_STYLE_SHEET),
        record(BEGIN_FMTS, struct.pack("<I", 0)),
        record(END_FMTS),
        record(BEGIN_CELL_XFS, struct.pack("<I", 2)),
        xf(0),
        xf(14),
        record(END_CELL_XFS),
        record(END_STYLE_SHEET),
    ])


def _cell(col: int, style: int) -> bytes:
    return struct.pack("<II", col, style & 0xFFFFFF)


def sheet_part(rows: Sequence[Sequence[Cell]], strings: dict[str, int]) -> bytes:
    """A worksheet whose strings go into ``strings`` (text -> index), filled as it goes."""
    width = max((len(r) for r in rows), default=0)
    out = [record(BEGIN_SHEET)]
    out.append(record(WS_DIM, struct.pack("<IIII", 0, max(len(rows) - 1, 0), 0,
                                          max(width - 1, 0))))
    out.append(record(BEGIN_SHEET_DATA))
    for r, row in enumerate(rows):
        # rw, ixfe, miyRw, three flag bytes, no column spans
        out.append(record(ROW_HDR, struct.pack("<IIH3sI", r, 0, 300, b"\x00" * 3, 0)))
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                out.append(record(CELL_ISST, _cell(c, 0) + struct.pack("<I", index)))
            elif isinstance(value, dt.date):
                day = value.date() if isinstance(value, dt.datetime) else value
                serial = float((day - _EXCEL_EPOCH).days)
                out.append(record(CELL_REAL, _cell(c, DATE_STYLE) + struct.pack("<d", serial)))
            else:
                out.append(record(CELL_REAL, _cell(c, 0) + struct.pack("<d", float(value))))
    out += [record(END_SHEET_DATA), record(END_SHEET)]
    return b"".join(out)


def strings_part(strings: dict[str, int]) -> bytes:
    ordered = sorted(strings, key=strings.__getitem__)
    count = struct.pack("<II", len(ordered), len(ordered))
    items = [record(SST_ITEM, b"\x00" + wide(text)) for text in ordered]
    return record(BEGIN_SST, count) + b"".join(items) + record(END_SST)


def _content_types(count: int, charts: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.bin" '
        'ContentType="application/vnd.ms-excel.worksheet"/>'
        for i in range(1, count + 1)
    ) + "".join(
        f'<Override PartName="/xl/chartsheets/sheet{i}.bin" '
        'ContentType="application/vnd.ms-excel.chartsheet"/>'
        for i in range(1, charts + 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{_CT}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.bin" '
        'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Override PartName="/xl/styles.bin" ContentType="application/vnd.ms-excel.styles"/>'
        '<Override PartName="/xl/sharedStrings.bin" '
        'ContentType="application/vnd.ms-excel.sharedStrings"/>'
        f"{sheets}</Types>"
    )


def _relationships(entries: Sequence[tuple[str, str, str]]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>'
                   for i, t, target in entries)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{_PKG_REL}">{body}</Relationships>')


def xlsb_parts(
    sheets: Mapping[str, Sequence[Sequence[Cell]]], charts: Sequence[str] = ()
) -> dict[str, bytes]:
    """Every part of the package, by name, in the order they are written.

    ``charts`` names chart sheets that follow the worksheets; their parts hold no chart,
    only the sheet's frame, which is all a reader that passes them over may look at.
    """
    strings: dict[str, int] = {}
    sheet_parts = {f"xl/worksheets/sheet{i}.bin": sheet_part(rows, strings)
                   for i, rows in enumerate(sheets.values(), start=1)}
    chart_parts = {f"xl/chartsheets/sheet{i}.bin": record(BEGIN_SHEET) + record(END_SHEET)
                   for i in range(1, len(charts) + 1)}
    count = len(sheets)
    book_rels = [(f"rId{i}", f"{_REL}/worksheet", f"worksheets/sheet{i}.bin")
                 for i in range(1, count + 1)]
    book_rels += [(f"rId{count + i}", f"{_REL}/chartsheet", f"chartsheets/sheet{i}.bin")
                  for i in range(1, len(charts) + 1)]
    last = count + len(charts)
    book_rels += [(f"rId{last + 1}", f"{_REL}/styles", "styles.bin"),
                  (f"rId{last + 2}", f"{_REL}/sharedStrings", "sharedStrings.bin")]
    return {
        "[Content_Types].xml": _content_types(count, len(charts)).encode(),
        "_rels/.rels": _relationships(
            [("rId1", f"{_REL}/officeDocument", "xl/workbook.bin")]).encode(),
        "xl/workbook.bin": workbook_part([*sheets, *charts]),
        "xl/_rels/workbook.bin.rels": _relationships(book_rels).encode(),
        "xl/styles.bin": styles_part(),
        "xl/sharedStrings.bin": strings_part(strings),
        **sheet_parts,
        **chart_parts,
    }


def write_xlsb(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[Cell]]],
    *,
    charts: Sequence[str] = (),
    damage: Mapping[str, Callable[[bytes], bytes]] | None = None,
) -> Path:
    """Write ``sheets`` (name -> rows) as an .xlsb; ``damage`` changes parts by name."""
    parts = xlsb_parts(sheets, charts)
    for name, change in (damage or {}).items():
        parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path
