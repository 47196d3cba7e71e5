"""Tell what kind of file an import is, by its content, and refuse what cannot be read.

``sniff`` runs before any real reader: it reads the head of the file, the ZIP central directory
or the compound-file directory, and a bounded sample of compressed data, so a hostile or broken
file is refused within seconds and a few megabytes of memory. ``refusal_for`` turns whatever a
reader raised later into the same kind of one-sentence ``ImportRefused``.

Typical use::

    kind = sniff(path)
    try:
        frame = read(path, kind)
    except Exception as exc:
        raise refusal_for(exc, path) from exc
"""

from __future__ import annotations

import errno
import posixpath
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException

from workbench.errors import ImportRefused
from workbench.ingest import package
from workbench.ingest.ole import MAGIC as OLE_MAGIC
from workbench.ingest.ole import BiffVerdict, CompoundFile, CompoundFileError, inspect_workbook

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB

#: Files above this are refused outright: no customs extract we know of comes close, and the
#: readers hold a sheet in memory.
MAX_FILE_BYTES = 8 * GiB
#: The sum of the sizes a ZIP package declares for its parts once unpacked. A 1,000,000-row
#: xlsx unpacks to roughly 1 GB, so 4 GiB leaves room while stopping decompression bombs.
MAX_UNPACKED_BYTES = 4 * GiB
#: A part that unpacks to more than ``RATIO_CHECK_MIN_BYTES`` may be at most this many times
#: its packed size. Real sheet XML compresses 8- to 20-fold; bombs reach about 1,000-fold.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_MIN_BYTES = 50 * MiB
#: Real workbooks have tens to a few thousand parts; zipfile keeps one object per part.
MAX_ZIP_MEMBERS = 20_000
MAX_CENTRAL_DIRECTORY_BYTES = 16 * MiB
#: How much of the head is inspected for magic numbers and for being text.
HEAD_BYTES = 64 * KiB
#: Share of control bytes (NUL and the like) above which a file is not text.
MAX_CONTROL_SHARE = 0.01
#: Leading blank space scanned to decide that a text file is empty.
BLANK_SCAN_BYTES = 64 * MiB
#: Excel 5.0/95 (BIFF5) books are refused for now. python-calamine 0.9 and fastexcel 0.21 read
#: hand-made BIFF5 books correctly (cp1251 text, rich strings, number and date formats), but no
#: real Excel 95 file has been tried; set True once a few have been compared with Excel.
ACCEPT_EXCEL_95 = False

# Sampling of compressed parts, to catch parts whose declared sizes lie.
_PROBE_MEMBERS = 32
_PROBE_INPUT_PER_MEMBER = MiB
_PROBE_OUTPUT_PER_MEMBER = 16 * MiB
_PROBE_OUTPUT_TOTAL = 64 * MiB
#: Deflate cannot expand data more than about 1,032-fold.
_DEFLATE_MAX_RATIO = 1032

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_TYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)


class FileKind(StrEnum):
    """What ``sniff`` found; tells the import which reader to use."""

    XLSX = "xlsx"
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"
    TEXT = "text"


# -- sentences -------------------------------------------------------------------------------
# Each says what is wrong and what the reporter can do; "damaged" only where the file shows it.

DAMAGED = (
    "{name} is damaged and cannot be read; copy or download it again, "
    "or ask the sender for a fresh copy."
)
PASSWORD = (
    "{name} is password-protected; open it in Excel, remove the password, "
    "save a copy and import that."
)
LEGACY = (
    "{name} is an Excel 95 or older workbook, which cannot be read; "
    "save it as .xlsx in a spreadsheet program and import that."
)
EMPTY = "{name} is empty; if it should hold data, copy or download it again."
ZEROS = (
    "{name} contains nothing but zero bytes, which usually means an interrupted copy; "
    "copy or download it again."
)
MISSING = (
    "{name} cannot be found; it may have been moved, renamed or deleted, "
    "so check where it is now and import it from there."
)
FOLDER = "{name} is a folder, not a file; import the spreadsheets inside it instead."
SPECIAL = (
    "{name} is not an ordinary file (a device, pipe or socket); "
    "save its data to a file and import that."
)
PERMISSION = (
    "{name} cannot be opened because you do not have permission to read it; "
    "ask for access to it, or for a copy you can read."
)
OS_ERROR = (
    "{name} could not be read ({reason}); check the disk or network connection and try again."
)
TOO_BIG = (
    "{name} is larger than {limit}, which is more than Case Workbench can import; "
    "split it into smaller files."
)
NO_MEMORY = "{name} is too large to import with the memory available; split it into smaller files."
TIMEOUT = "{name} took too long to read; split it into smaller files."
BOMB_TOTAL = (
    "{name} was not opened because it would unpack to more than {limit}, "
    "which points to a damaged or malicious file; ask the sender for a fresh copy."
)
BOMB_RATIO = (
    "{name} was not opened because a part of it is compressed more than {ratio}-fold, "
    "which points to a damaged or malicious file; ask the sender for a fresh copy."
)
BOMB_LIES = (
    "{name} was not opened because its parts misstate their sizes or overlap, "
    "which points to a damaged or malicious file; ask the sender for a fresh copy."
)
TOO_MANY_PARTS = (
    "{name} was not opened because it holds more than {limit} parts, "
    "which points to a damaged or malicious file; ask the sender for a fresh copy."
)
NOT_SPREADSHEET = (
    "{name} is {what}, not a spreadsheet; it can be kept with the case as a source instead."
)
ARCHIVE = "{name} is {what}, not a spreadsheet; if it holds one, unpack it and import that."
ZIP_WITH_SHEETS = "{name} is a ZIP archive; unpack it and import the spreadsheet inside."
NOT_TEXT = (
    "{name} is not a text or spreadsheet file; it can be kept with the case as a source instead."
)
NOT_READABLE = (
    "{name} is not a spreadsheet or text table that can be read; "
    "it can be kept with the case as a source instead."
)
LAYOUT = (
    "{name} is laid out in a way the spreadsheet reader cannot open; "
    "open it in a spreadsheet program, save a copy as .xlsx and import that."
)
WEB_PAGE = (
    "{name} is a web page, not a spreadsheet; if it came from a spreadsheet export, "
    "open it in Excel, save it as .xlsx and import that."
)
XML_SHEET = (
    "{name} is a spreadsheet saved as XML, which cannot be read; "
    "open it in a spreadsheet program, save it as .xlsx and import that."
)
NUMBERS = (
    "{name} is an Apple Numbers spreadsheet, which cannot be read; "
    "export it to Excel format in Numbers and import that."
)
LOTUS = (
    "{name} is a Lotus 1-2-3 spreadsheet, which cannot be read; "
    "save it as .xlsx in a spreadsheet program and import that."
)
UNSUPPORTED = (
    "{name} uses a spreadsheet feature that cannot be read; "
    "open it in Excel, save a copy as .xlsx and import that."
)
UNSAFE_XML = (
    "{name} was not opened because it contains XML constructs that are refused for safety; "
    "open it in a spreadsheet program, save a copy as .xlsx and import that."
)
NO_SHEET = (
    "{name} has no worksheet that can be read; "
    "open it in a spreadsheet program to check that it holds a table."
)
ENCODING = (
    "{name} is in a text encoding that could not be recognised; "
    "save it as UTF-8 text and import that."
)
#: A Rust reader panicked (a bug it met in the file, not proof that the file is damaged).
PANIC = (
    "{name} could not be read by the spreadsheet reader (it stopped on an internal error); "
    "open it in a spreadsheet program, save it as .xlsx and import that."
)
#: A reader failed in a way that shows no damage, such as a value it cannot convert.
UNREADABLE = (
    "{name} could not be read: the reader met something in it that it cannot handle; "
    "open it in a spreadsheet program, save it as .xlsx and import that."
)

_NAME_LIMIT = 80
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def display_name(path: Path) -> str:
    """The file's base name made safe for a one-line sentence (no controls, not too long)."""
    raw = path.name or str(path)
    clean = "".join("?" if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in raw)
    if len(clean) > _NAME_LIMIT:
        clean = clean[: _NAME_LIMIT - 20] + "…" + clean[-19:]
    return clean


def _size_words(n: int) -> str:
    return f"{n // GiB} GB" if n >= GiB else f"{n // MiB} MB"


def _refusal(path: Path, template: str, **extra: object) -> ImportRefused:
    return ImportRefused(template.format(name=display_name(path), **extra))


# -- entry point ------------------------------------------------------------------------------


def sniff(path: Path) -> FileKind:
    """Decide the kind of ``path`` by its content, or raise ``ImportRefused`` in one sentence."""
    path = Path(path)
    try:
        info = path.stat()
    except Exception as exc:
        raise refusal_for(exc, path) from None
    if stat.S_ISDIR(info.st_mode):
        raise _refusal(path, FOLDER)
    if not stat.S_ISREG(info.st_mode):
        raise _refusal(path, SPECIAL)
    size = info.st_size
    if size == 0:
        raise _refusal(path, EMPTY)
    if size > MAX_FILE_BYTES:
        raise _refusal(path, TOO_BIG, limit=_size_words(MAX_FILE_BYTES))
    try:
        with path.open("rb") as fh:
            return _sniff_open(path, fh, size)
    except ImportRefused:
        raise
    except Exception as exc:
        # Anything unforeseen in a hostile file still ends as one sentence.
        raise refusal_for(exc, path) from exc


def _sniff_open(path: Path, fh: BinaryIO, size: int) -> FileKind:
    head = fh.read(HEAD_BYTES)
    if not head:
        raise _refusal(path, EMPTY)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path, fh, size)
    if head.startswith(_ZIP_MAGICS):
        return _sniff_zip(path, fh, size)
    _refuse_known_binary(path, head)
    return _sniff_text(path, fh, head, size)


# -- known binary formats ---------------------------------------------------------------------

_MAGICS: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", NOT_SPREADSHEET, "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", NOT_SPREADSHEET, "a PNG image"),
    (b"\xff\xd8\xff", NOT_SPREADSHEET, "a JPEG image"),
    (b"GIF87a", NOT_SPREADSHEET, "a GIF image"),
    (b"GIF89a", NOT_SPREADSHEET, "a GIF image"),
    (b"II*\x00", NOT_SPREADSHEET, "a TIFF image"),
    (b"MM\x00*", NOT_SPREADSHEET, "a TIFF image"),
    (b"\x7fELF", NOT_SPREADSHEET, "a program file"),
    (b"\xcf\xfa\xed\xfe", NOT_SPREADSHEET, "a program file"),
    (b"\xfe\xed\xfa\xcf", NOT_SPREADSHEET, "a program file"),
    (b"\xca\xfe\xba\xbe", NOT_SPREADSHEET, "a program file"),
    (b"SQLite format 3\x00", NOT_SPREADSHEET, "a database file"),
    (b"\x00\x01\x00\x00Standard Jet DB", NOT_SPREADSHEET, "an Access database"),
    (b"\x00\x01\x00\x00Standard ACE DB", NOT_SPREADSHEET, "an Access database"),
    (b"{\\rtf", NOT_SPREADSHEET, "an RTF document"),
    (b"%!PS", NOT_SPREADSHEET, "a PostScript document"),
    (b"OggS", NOT_SPREADSHEET, "an audio or video file"),
    (b"fLaC", NOT_SPREADSHEET, "an audio file"),
    (b"\x1f\x8b", ARCHIVE, "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", ARCHIVE, "an xz-compressed file"),
    (b"\x28\xb5\x2f\xfd", ARCHIVE, "a Zstandard-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", ARCHIVE, "a 7-Zip archive"),
    (b"Rar!\x1a\x07", ARCHIVE, "a RAR archive"),
    (b"\x00\x00\x02\x00\x06\x04\x06\x00", LOTUS, ""),
    (b"\x00\x00\x1a\x00\x00\x10\x04\x00", LOTUS, ""),
    (b"\x00\x00\x1a\x00\x02\x10\x04\x00", LOTUS, ""),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
#: Raw BIFF2-BIFF5 streams outside a compound file begin with a BOF record.
_RAW_BOF_TYPES = frozenset({0x0009, 0x0209, 0x0409, 0x0809})


def _refuse_known_binary(path: Path, head: bytes) -> None:
    for magic, template, what in _MAGICS:
        if head.startswith(magic):
            raise _refusal(path, template, what=what)
    if _BZIP2.match(head):
        raise _refusal(path, ARCHIVE, what="a bzip2-compressed file")
    if head[4:8] == b"ftyp" and head.startswith(b"\x00\x00"):
        brand = head[8:12]
        what = "an image" if brand in (b"heic", b"heix", b"mif1", b"avif") else "a video file"
        raise _refusal(path, NOT_SPREADSHEET, what=what)
    if head.startswith(b"RIFF") and len(head) >= 12:
        what = {b"WEBP": "a WebP image", b"WAVE": "an audio file"}.get(head[8:12], "a media file")
        raise _refusal(path, NOT_SPREADSHEET, what=what)
    if len(head) > 262 and head[257:262] == b"ustar":
        raise _refusal(path, ARCHIVE, what="a TAR archive")
    if len(head) >= 8:
        kind, length = struct.unpack_from("<HH", head)
        if kind in _RAW_BOF_TYPES and 4 <= length <= 20:
            raise _refusal(path, LEGACY)
    if b"\x00" in head:  # weak signatures only count in a file that is binary anyway
        if head.startswith(b"MZ"):
            raise _refusal(path, NOT_SPREADSHEET, what="a program file")
        if head.startswith(b"BM"):
            raise _refusal(path, NOT_SPREADSHEET, what="a BMP image")
        if b"%PDF-" in head[:1024]:
            raise _refusal(path, NOT_SPREADSHEET, what="a PDF document")


# -- OLE2 compound files (.xls and encrypted Office files) -------------------------------------

_OLE_DOCUMENTS = {
    "worddocument": "a Word document",
    "powerpoint document": "a PowerPoint presentation",
    "visiodocument": "a Visio drawing",
    "quill": "a Publisher document",
}


def _sniff_ole(path: Path, fh: BinaryIO, size: int) -> FileKind:
    try:
        cf = CompoundFile(fh, size)
        children = cf.children()
        by_name = {entry.name.lower(): entry for entry in children}
        if "encryptioninfo" in by_name or "encryptedpackage" in by_name:
            raise _refusal(path, PASSWORD)
        book = by_name.get("workbook") or by_name.get("book")
        if book is not None and book.is_stream:
            verdict = inspect_workbook(cf, book)
            if verdict is BiffVerdict.ENCRYPTED:
                raise _refusal(path, PASSWORD)
            if verdict is BiffVerdict.OLDER or (
                verdict is BiffVerdict.BIFF5 and not ACCEPT_EXCEL_95
            ):
                raise _refusal(path, LEGACY)
            return FileKind.XLS
    except CompoundFileError:
        raise _refusal(path, DAMAGED) from None
    for key, what in _OLE_DOCUMENTS.items():
        if key in by_name:
            raise _refusal(path, NOT_SPREADSHEET, what=what)
    if any(name.startswith("__substg1.0_") for name in by_name):
        raise _refusal(path, NOT_SPREADSHEET, what="an Outlook message")
    raise _refusal(path, NOT_SPREADSHEET, what="an Office file of another kind")


# -- ZIP packages (.xlsx, .xlsm, .xlsb, .ods) -----------------------------------------------------


def _zip_directory_counts(fh: BinaryIO, size: int) -> tuple[int, int] | None:
    """(members, central directory bytes) from the end records, or None if not found."""
    tail_len = min(size, 22 + 65_535 + 20)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    members, cd_size, cd_offset = struct.unpack_from("<HII", tail, at + 10)
    if members != 0xFFFF and cd_size != 0xFFFFFFFF and cd_offset != 0xFFFFFFFF:
        return members, cd_size
    locator = at - 20
    if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
        return None
    (record_at,) = struct.unpack_from("<Q", tail, locator + 8)
    if record_at + 56 > size:
        return None
    fh.seek(record_at)
    record = fh.read(56)
    if len(record) < 56 or record[:4] != b"PK\x06\x06":
        return None
    members64, cd_size64 = struct.unpack_from("<QQ", record, 32)
    return members64, cd_size64


def _sniff_zip(path: Path, fh: BinaryIO, size: int) -> FileKind:
    counts = _zip_directory_counts(fh, size)
    if counts is not None:
        members, cd_size = counts
        cd_size = min(cd_size, size)  # a larger claim is damage, which zipfile reports
        members = min(members, cd_size // 46)  # a directory entry takes at least 46 bytes
        if members > MAX_ZIP_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
            raise _refusal(path, TOO_MANY_PARTS, limit=f"{MAX_ZIP_MEMBERS:,}")
    fh.seek(0)
    try:
        zf = zipfile.ZipFile(fh)
    except Exception:
        raise _refusal(path, DAMAGED) from None
    with zf:
        infos = zf.infolist()
        names = {package.slashed(info.filename).lower(): info for info in infos}
        if len(names) != len(infos):
            raise _refusal(path, DAMAGED)  # two parts with one name: readers would disagree
        if any(info.flag_bits & 0x1 for info in infos):
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names:
                raise _refusal(path, PASSWORD)
            raise _refusal(path, NOT_SPREADSHEET, what="a password-protected ZIP archive")
        _check_declared_sizes(path, infos, size)
        try:
            main = package.main_part(zf)
            kind = _classify_zip(path, zf, names)
            if kind in (FileKind.XLSX, FileKind.XLSB):
                _check_reader_layout(path, zf)
            parsed = _parsed_by_readers(kind, main)
            _probe_members(path, fh, [i for i in infos if parsed(i.filename)])
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError):
            raise _refusal(path, DAMAGED) from None
        return kind


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo], size: int) -> None:
    """Refuse on what the central directory itself declares: bombs, and sizes that lie."""
    total = 0
    for info in infos:
        packed, unpacked = info.compress_size, info.file_size
        total += unpacked
        if info.compress_type == zipfile.ZIP_STORED and packed != unpacked:
            raise _refusal(path, BOMB_LIES)
        if info.compress_type == zipfile.ZIP_DEFLATED and (
            unpacked > packed * _DEFLATE_MAX_RATIO + 1024
        ):
            raise _refusal(path, DAMAGED)  # more than deflate can produce
        if unpacked > RATIO_CHECK_MIN_BYTES and unpacked > packed * MAX_COMPRESSION_RATIO:
            raise _refusal(path, BOMB_RATIO, ratio=MAX_COMPRESSION_RATIO)
    if total > MAX_UNPACKED_BYTES:
        raise _refusal(path, BOMB_TOTAL, limit=_size_words(MAX_UNPACKED_BYTES))
    # Each part's packed bytes must lie inside the file and not overlap the next part:
    # overlapping parts are how the largest zip bombs reuse one payload many times.
    ordered = sorted(infos, key=lambda i: i.header_offset)
    for this, nxt in zip(ordered, [*ordered[1:], None], strict=True):
        end = this.header_offset + 30 + this.compress_size
        if end > (nxt.header_offset if nxt is not None else size):
            raise _refusal(path, BOMB_LIES)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with zf.open(info) as member:
        return member.read(limit)


_SPREADSHEET_TYPES = (b"spreadsheetml", b"ms-excel.sheet", b"ms-excel.template", b"ms-excel.addin")
_INNER_TABLES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".tsv", ".txt")


def _classify_zip(path: Path, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> FileKind:
    if "xl/workbook.xml" in names:
        return FileKind.XLSX
    if "xl/workbook.bin" in names:
        return FileKind.XLSB
    if "[content_types].xml" in names:
        types = _read_member(zf, names["[content_types].xml"], MiB).lower()
        if any(t in types for t in _SPREADSHEET_TYPES):
            return FileKind.XLSB if b"sheet.binary" in types else FileKind.XLSX
        if "word/document.xml" in names or b"wordprocessingml" in types:
            raise _refusal(path, NOT_SPREADSHEET, what="a Word document")
        if b"presentationml" in types:
            raise _refusal(path, NOT_SPREADSHEET, what="a PowerPoint presentation")
        raise _refusal(path, NOT_SPREADSHEET, what="an Office document of another kind")
    if "mimetype" in names:
        mime = _read_member(zf, names["mimetype"], 256).strip()
        if mime in _ODS_TYPES:
            return _check_ods(path, zf, names)
        if mime.startswith(b"application/vnd.oasis.opendocument."):
            raise _refusal(path, NOT_SPREADSHEET, what="an OpenDocument file of another kind")
        if mime == b"application/epub+zip":
            raise _refusal(path, NOT_SPREADSHEET, what="an e-book")
    if "content.xml" in names and "meta-inf/manifest.xml" in names:
        manifest = _read_member(zf, names["meta-inf/manifest.xml"], 4 * MiB)
        if b"opendocument.spreadsheet" in manifest:
            return _check_ods(path, zf, names)
    if "index/calculationengine.iwa" in names:
        raise _refusal(path, NUMBERS)
    if "index/document.iwa" in names:
        raise _refusal(path, NOT_SPREADSHEET, what="an Apple iWork document")
    if any(name.endswith(_INNER_TABLES) for name in names):
        raise _refusal(path, ZIP_WITH_SHEETS)
    raise _refusal(path, NOT_SPREADSHEET, what="a ZIP archive")


def _check_ods(path: Path, zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> FileKind:
    manifest = names.get("meta-inf/manifest.xml")
    if manifest is not None and b"encryption-data" in _read_member(zf, manifest, 4 * MiB):
        raise _refusal(path, PASSWORD)
    return FileKind.ODS


def _check_reader_layout(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse a package whose workbook part the reader cannot be pointed at unambiguously."""
    try:
        package.reader_aliases(zf)
    except package.PackageError:
        raise _refusal(path, LAYOUT) from None


# Parts the readers parse, by their names in the workbook part's folder.
_XLSX_PARSED = ("workbook.", "_rels/", "sharedstrings.", "styles.", "worksheets/")
_ODS_PARSED = ("content.xml", "styles.xml")


def _parsed_by_readers(kind: FileKind, main: str | None) -> Callable[[str], bool]:
    """A test for the parts the readers inflate and parse (themes, images and the like are not).

    ``main`` is the workbook part the package names (None: the usual ``xl/workbook.xml``).
    """
    if kind is FileKind.ODS:
        return lambda name: name.lower() in _ODS_PARSED
    key = package.slashed(main).lower() if main else None
    folder = posixpath.dirname(key) if key else "xl"
    prefixes = tuple(posixpath.join(folder, p) for p in _XLSX_PARSED)
    exact = {key, package.rels_part(key)} if key else set()

    def parsed(name: str) -> bool:
        name = package.slashed(name).lower()
        return name.startswith(prefixes) or name in exact

    return parsed


def _probe_members(path: Path, fh: BinaryIO, infos: list[zipfile.ZipInfo]) -> None:
    """Inflate the start of the parts a reader will parse and compare with what they declare.

    The central directory can understate a part's size; a bounded sample exposes that (the
    sample outgrows the declared size) and a sample ratio far above the limit. Parts small
    enough to read whole within the sample are also checked against their CRC, which not
    every reader does.
    """
    parsed = [i for i in infos if i.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)]
    parsed.sort(key=lambda i: i.compress_size, reverse=True)
    budget = _PROBE_OUTPUT_TOTAL
    for info in parsed[:_PROBE_MEMBERS]:
        if budget <= 0:
            break
        budget -= _probe_member(path, fh, info, min(budget, _PROBE_OUTPUT_PER_MEMBER))


def _packed_bytes(fh: BinaryIO, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", local, 26)
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    left = min(info.compress_size, limit)
    while left > 0:
        chunk = fh.read(min(left, 64 * KiB))
        if not chunk:
            raise EOFError("part is truncated")
        left -= len(chunk)
        yield chunk


def _probe_member(path: Path, fh: BinaryIO, info: zipfile.ZipInfo, out_limit: int) -> int:
    """Inflate a bounded sample of one part; returns the bytes produced."""
    if info.compress_type == zipfile.ZIP_STORED:
        return _probe_stored(path, fh, info)
    inflater = zlib.decompressobj(-15)
    produced = fed = crc = 0
    for chunk in _packed_bytes(fh, info, _PROBE_INPUT_PER_MEMBER):
        fed += len(chunk)
        data = chunk
        while data:
            out = inflater.decompress(data, MiB)
            data = inflater.unconsumed_tail
            produced += len(out)
            crc = zlib.crc32(out, crc)
            if produced > info.file_size or produced >= out_limit:
                ratio = produced / max(fed - len(data), 1)
                if produced > info.file_size:
                    # Far more than declared, at a bomb's ratio, is deliberate; else damage.
                    lying = ratio > MAX_COMPRESSION_RATIO
                    raise _refusal(path, BOMB_LIES if lying else DAMAGED)
                if ratio > MAX_COMPRESSION_RATIO and (
                    ratio * info.compress_size > RATIO_CHECK_MIN_BYTES
                ):
                    raise _refusal(path, BOMB_RATIO, ratio=MAX_COMPRESSION_RATIO)
                return produced
        if inflater.eof:
            break
    # A part inflated whole must end, and match its declared size and checksum.
    if fed >= info.compress_size and (
        not inflater.eof or produced != info.file_size or crc != info.CRC
    ):
        raise _refusal(path, DAMAGED)
    return produced


def _probe_stored(path: Path, fh: BinaryIO, info: zipfile.ZipInfo) -> int:
    """Check the CRC of a stored part small enough to read whole within the sample."""
    if info.compress_size > _PROBE_INPUT_PER_MEMBER:
        return 0
    crc = 0
    for chunk in _packed_bytes(fh, info, _PROBE_INPUT_PER_MEMBER):
        crc = zlib.crc32(chunk, crc)
    if crc != info.CRC:
        raise _refusal(path, DAMAGED)
    return info.compress_size


# -- text ---------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_BYTE_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1a\x1b")
_BYTE_BLANK = b" \t\n\x0b\x0c\r\x1a"
_CHAR_BAD = re.compile("[\x00-\x08\x0e-\x19\x1c-\x1f\ufffd\ud800-\udfff]")
_MIN_ASCII_SHARE = 0.3


def _sniff_text(path: Path, fh: BinaryIO, head: bytes, size: int) -> FileKind:
    bom, encoding = b"", None
    for mark, name in _BOMS:
        if head.startswith(mark):
            bom, encoding = mark, name
            break
    body = head[len(bom) :]
    if encoding in (None, "utf-8"):
        if body and not body.strip(b"\x00"):
            raise _refusal(path, ZEROS)
        if _control_share(body) <= MAX_CONTROL_SHARE:
            _refuse_markup(path, body[:4096].decode("latin-1"))
            return _check_not_blank(path, fh, body, len(bom), size, None)
        encoding = None if bom else _utf16_without_bom(body)
        if encoding is None:
            raise _refusal(path, NOT_TEXT)
    text = _decode_prefix(body, encoding)
    if text and len(_CHAR_BAD.findall(text)) > len(text) * MAX_CONTROL_SHARE:
        raise _refusal(path, NOT_TEXT)
    _refuse_markup(path, text[:4096])
    return _check_not_blank(path, fh, body, len(bom), size, encoding)


def _refuse_markup(path: Path, start: str) -> None:
    """Refuse web pages and XML, which spreadsheet exports often pass off as .xls files."""
    lead = start.lstrip(" \t\r\n\ufeff").lower()
    if lead.startswith(("<!doctype html", "<html", "<table", "<meta")):
        raise _refusal(path, WEB_PAGE)
    if lead.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in lead or "opendocument" in lead:
            raise _refusal(path, XML_SHEET)
        if "<html" in lead:
            raise _refusal(path, WEB_PAGE)
        raise _refusal(path, NOT_SPREADSHEET, what="an XML document")


def _control_share(data: bytes) -> float:
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _BYTE_CONTROLS))) / len(data)


def _decode_prefix(data: bytes, encoding: str) -> str:
    unit = 4 if "32" in encoding else 2
    return data[: len(data) - len(data) % unit].decode(encoding, "replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' if the bytes read as such text, judged by its ASCII share."""
    sample = data[: 16 * KiB]
    for encoding in ("utf-16-le", "utf-16-be"):
        text = _decode_prefix(sample, encoding)
        if not text:
            continue
        ascii_share = sum(1 for ch in text if ch < "\x80") / len(text)
        bad = len(_CHAR_BAD.findall(text))
        if ascii_share >= _MIN_ASCII_SHARE and bad <= len(text) * MAX_CONTROL_SHARE:
            return encoding
    return None


def _is_blank(data: bytes, encoding: str | None) -> bool:
    if encoding is None:
        return not data.strip(_BYTE_BLANK)
    return not _decode_prefix(data, encoding).strip().strip("\x1a\ufeff")


def _check_not_blank(
    path: Path, fh: BinaryIO, body: bytes, offset: int, size: int, encoding: str | None
) -> FileKind:
    """Refuse a file that holds only blank space (looking past the head when needed)."""
    if not _is_blank(body, encoding):
        return FileKind.TEXT
    scanned = offset + len(body)
    fh.seek(scanned)
    while scanned < min(size, BLANK_SCAN_BYTES):
        chunk = fh.read(MiB)
        if not chunk:
            break
        scanned += len(chunk)
        if not _is_blank(chunk, encoding):
            return FileKind.TEXT
    if scanned >= size:
        raise _refusal(path, EMPTY)
    return FileKind.TEXT


# -- reader exceptions ----------------------------------------------------------------------------

# Errno values that describe the disk or the network rather than the file's content.
_DEVICE_ERRNOS = frozenset(
    getattr(errno, name)
    for name in (
        "EIO",
        "ENXIO",
        "ESTALE",
        "ETIMEDOUT",
        "EHOSTDOWN",
        "ENOTCONN",
        "EAGAIN",
        "EBUSY",
        "ENOSPC",
        "ENODEV",
        "ENETDOWN",
        "ENETUNREACH",
        "EREMOTEIO",
    )
    if hasattr(errno, name)
)
_MISSING_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG})
_PERMISSION_ERRNOS = frozenset({errno.EACCES, errno.EPERM})
# Order of precedence when several exceptions are chained.
_PRECEDENCE = (
    PASSWORD,
    LEGACY,
    NO_MEMORY,
    TIMEOUT,
    UNSAFE_XML,
    MISSING,
    FOLDER,
    PERMISSION,
    OS_ERROR,
    PANIC,
    NO_SHEET,
    UNSUPPORTED,
    LAYOUT,
    NOT_READABLE,
    ENCODING,
    DAMAGED,
    UNREADABLE,
)
_MEMORY_WORDS = ("memory allocation", "out of memory", "capacity overflow", "cannot allocate")
#: Exceptions that show the file's structure is broken: a bad ZIP or compound file, data that
#: does not inflate or ends early, XML that is not well-formed, records shorter than declared.
_DAMAGE_TYPES = (zipfile.BadZipFile, zlib.error, EOFError, struct.error, CompoundFileError,
                 package.PackageError, ParseError, ExpatError)
#: The same, from the Rust readers, known by name (python-calamine) or by what they say.
_DAMAGE_NAMES = frozenset({"ZipError", "XmlError", "CalamineError"})
_DAMAGE_WORDS = ("zip error", "xml error", "cfb error", "i/o error", "failed to fill whole buffer",
                 "unexpected end", "invalid zip", "no item named", "points past end")
#: Exceptions that describe a value a reader cannot convert, not a broken file.
_CONVERSION_NAMES = frozenset({"CalamineCellError", "UnsupportedColumnTypeCombinationError"})


def refusal_for(exc: BaseException, path: Path) -> ImportRefused:
    """Map an exception from a reader (or the OS) to the one-sentence refusal for ``path``.

    Looks along the ``__cause__``/``__context__`` chain and picks the most telling class:
    password-protected or legacy, too large, unsafe XML, a problem with the disk or the
    permissions, a reader that panicked, no sheet, an unsupported feature or layout, not a
    spreadsheet, an unknown text encoding, damaged where the exception shows damage, and
    otherwise a reader that met something it cannot handle. Never quotes the exception beyond
    a short OS reason. ``KeyboardInterrupt`` and ``SystemExit`` are raised again.
    """
    path = Path(path)
    if isinstance(exc, ImportRefused):
        return exc
    if isinstance(exc, KeyboardInterrupt | SystemExit):
        raise exc
    for link in _exception_chain(exc):
        if isinstance(link, ImportRefused):
            return link  # a sentence made deeper down is the most specific one
    template, extra = _template_for(exc, path)
    return _refusal(path, template, **extra)


def _template_for(exc: BaseException, path: Path) -> tuple[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for link in _exception_chain(exc):
        template, extra = _classify(link, path)
        found.setdefault(template, extra)
    for template in _PRECEDENCE:
        if template in found:
            return template, found[template]
    return UNREADABLE, {}


_RESAVE = "re-saving the file as .xlsx in a spreadsheet program may help"
# What is said of one sheet that could not be read while others were, by the whole-file
# sentence the same failure would get.
_SHEET_PROBLEMS = {
    PANIC: f"could not be read: the spreadsheet reader stopped on an internal error ({_RESAVE})",
    DAMAGED: "is damaged and could not be read (ask the sender for a fresh copy)",
    NO_SHEET: "is missing from the file (ask the sender for a fresh copy)",
    NO_MEMORY: "is too large to read with the memory available (split the file)",
    UNSUPPORTED: f"uses a feature that cannot be read ({_RESAVE})",
    UNSAFE_XML: f"was not read because it contains XML constructs refused for safety ({_RESAVE})",
}
_SHEET_PROBLEM_OTHER = f"could not be read: the reader met something it cannot handle ({_RESAVE})"


def sheet_problem(exc: BaseException, path: Path) -> str:
    """What went wrong with one sheet, as the end of a note: "sheet 'X' " + this."""
    template, _extra = _template_for(exc, Path(path))
    return _SHEET_PROBLEMS.get(template, _SHEET_PROBLEM_OTHER)


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen and len(seen) < 8:
        seen.add(id(link))
        yield link
        link = link.__cause__ or link.__context__


def is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a Rust panic surfaced by pyo3 (a ``BaseException``, not ``Exception``)."""
    return type(exc).__name__ == "PanicException"


def _classify(exc: BaseException, path: Path) -> tuple[str, dict[str, object]]:
    kind = type(exc).__name__
    try:
        text = "" if isinstance(exc, MemoryError) else str(exc)[:2000].lower()
    except Exception:  # a broken __str__ must not hide the refusal
        text = ""
    if is_panic(exc):
        return PANIC, {}
    if kind == "PasswordError" or "password" in text or "encrypted" in text:
        return PASSWORD, {}
    if "biff5" in text or "excel 95" in text or "excel 5." in text:
        return LEGACY, {}
    if (
        isinstance(exc, MemoryError)
        or kind in ("ArrowMemoryError", "ArrowCapacityError")
        or any(word in text for word in _MEMORY_WORDS)
    ):
        return NO_MEMORY, {}
    if isinstance(exc, TimeoutError):
        return TIMEOUT, {}
    if isinstance(exc, DefusedXmlException):
        return UNSAFE_XML, {}
    if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
        return _classify_os_error(exc)
    if kind in ("WorksheetNotFound", "SheetNotFoundError"):
        return NO_SHEET, {}
    if isinstance(exc, NotImplementedError) or kind in ("TablesNotSupported",):
        return UNSUPPORTED, {}
    if kind == "InvalidFileException" or "cannot detect file format" in text:
        # Not a workbook the readers know: a container they cannot open, or something else.
        return (NOT_READABLE, {}) if _looks_like_text(path) else (LAYOUT, {})
    if isinstance(exc, UnicodeError):
        return (ENCODING, {}) if _looks_like_text(path) else (DAMAGED, {})
    if kind in _CONVERSION_NAMES:
        return UNREADABLE, {}
    if (
        isinstance(exc, _DAMAGE_TYPES)
        or kind in _DAMAGE_NAMES
        or any(word in text for word in _DAMAGE_WORDS)
    ):
        return DAMAGED, {}
    return UNREADABLE, {}


def _classify_os_error(exc: OSError) -> tuple[str, dict[str, object]]:
    if isinstance(exc, FileNotFoundError) or exc.errno in _MISSING_ERRNOS:
        return MISSING, {}
    if isinstance(exc, IsADirectoryError) or exc.errno == errno.EISDIR:
        return FOLDER, {}
    if isinstance(exc, PermissionError) or exc.errno in _PERMISSION_ERRNOS:
        return PERMISSION, {}
    if exc.errno == errno.ENOMEM:
        return NO_MEMORY, {}
    if exc.errno in _DEVICE_ERRNOS:
        return OS_ERROR, {"reason": _short_reason(exc)}
    return UNREADABLE, {}


def _short_reason(exc: OSError) -> str:
    reason = exc.strerror or errno.errorcode.get(exc.errno or 0, "input/output error")
    reason = "".join(ch for ch in reason if ch.isprintable()).strip().rstrip(".")
    return (reason[:60] or "input/output error").lower()


def _looks_like_text(path: Path) -> bool:
    """True if the file does not start like a spreadsheet container (for encoding errors)."""
    try:
        with path.open("rb") as fh:
            start = fh.read(8)
    except OSError:
        return False
    return bool(start) and not start.startswith((OLE_MAGIC, *_ZIP_MAGICS))
