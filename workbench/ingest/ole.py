"""A small, bounded reader for OLE2 compound files and the BIFF records of legacy .xls books.

Only what the import boundary needs before a real reader touches the file: the entries at the
root of the directory, and one streaming pass over a ``Workbook`` stream's record headers.
Every size and sector number read from the file is checked against the file's real size,
chains are walked with a step limit, and nothing is loaded whole.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import BinaryIO

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

_HEADER_SIZE = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_HEADER_DIFAT_SLOTS = 109
_MAX_SECTOR_ID = 0xFFFFFFFA
_END_OF_CHAIN = 0xFFFFFFFE
_NO_STREAM = 0xFFFFFFFF
_ENTRY_SIZE = 128

#: Directories larger than this are not what a workbook looks like (a real .xls has a few
#: dozen entries; embedded objects add some more).
MAX_DIRECTORY_ENTRIES = 16_384
#: FAT sectors kept in memory at once while walking chains.
_FAT_CACHE_SECTORS = 1024
#: Chunk size for streaming a stream's bytes.
_CHUNK = 1 << 20

_STORAGE, _STREAM, _ROOT = 1, 2, 5

# BIFF record types.
_BOF = 0x0809
_EOF = 0x000A
_FILEPASS = 0x002F
_BOUNDSHEET = 0x0085
_SST = 0x00FC
_DIMENSIONS = 0x0200
_BIFF8 = 0x0600
_BIFF5 = 0x0500
#: Excel 97-2003 sheets have at most 65,536 rows and 256 columns.
BIFF8_MAX_ROWS = 65_536
BIFF8_MAX_COLUMNS = 256
#: Separate record walks allowed for sheet offsets that the sequential pass did not meet.
_MAX_EXTRA_WALKS = 64


class CompoundFileError(ValueError):
    """The compound file's structure is damaged or implausible."""


@dataclass(frozen=True, slots=True)
class DirEntry:
    """One directory entry of a compound file."""

    index: int
    name: str
    kind: int
    left: int
    right: int
    child: int
    start: int
    size: int

    @property
    def is_stream(self) -> bool:
        """True for a stream (as opposed to a storage or the root)."""
        return self.kind == _STREAM


class CompoundFile:
    """Read-only view of a compound file's directory and streams, with every read bounded."""

    def __init__(self, fh: BinaryIO, file_size: int) -> None:
        self._fh = fh
        self._file_size = file_size
        fh.seek(0)
        header = fh.read(_HEADER_SIZE)
        if len(header) < _HEADER_SIZE or header[:8] != MAGIC:
            raise CompoundFileError("header is truncated or has no signature")
        (_minor, major, byte_order, sector_shift, mini_shift) = struct.unpack_from(
            "<5H", header, 24
        )
        (n_dir, n_fat, first_dir, _txn, cutoff, first_minifat, n_minifat, first_difat, n_difat) = (
            struct.unpack_from("<9I", header, 40)
        )
        if byte_order != 0xFFFE or mini_shift != 6 or cutoff != _MINI_CUTOFF:
            raise CompoundFileError("header fields are invalid")
        if (major, sector_shift) not in ((3, 9), (4, 12)):
            raise CompoundFileError("unknown version or sector size")
        self.major = major
        self._ss = 1 << sector_shift
        self._n_sectors = max(0, (file_size - self._ss + self._ss - 1) // self._ss)
        for count in (n_dir, n_fat, n_minifat, n_difat):
            if count > self._n_sectors:
                raise CompoundFileError("header declares more sectors than the file holds")
        if n_fat == 0:
            raise CompoundFileError("no allocation table")
        self._n_fat = n_fat
        self._header_difat = struct.unpack_from(f"<{_HEADER_DIFAT_SLOTS}I", header, 76)
        self._first_difat = first_difat
        self._n_difat = n_difat
        self._difat_extra: list[int] | None = None
        self._first_minifat = first_minifat
        self._n_minifat = n_minifat
        self._fat_cache: dict[int, tuple[int, ...]] = {}
        self._minifat: tuple[int, ...] | None = None
        self._root_chain: list[int] = []
        self.entries = self._read_directory(first_dir)
        root = self.entries[0]
        if root.kind != _ROOT:
            raise CompoundFileError("first directory entry is not the root")
        self._root = root

    # -- sectors and chains ---------------------------------------------------------------

    def _check_sid(self, sid: int) -> None:
        if sid > _MAX_SECTOR_ID or sid >= self._n_sectors:
            raise CompoundFileError("sector number points outside the file")

    def _read_sector(self, sid: int) -> bytes:
        self._check_sid(sid)
        self._fh.seek((sid + 1) * self._ss)
        data = self._fh.read(self._ss)
        return data.ljust(self._ss, b"\0")

    def _load_difat_extra(self) -> list[int]:
        if self._difat_extra is None:
            extra: list[int] = []
            per = self._ss // 4 - 1
            sid = self._first_difat
            for _ in range(self._n_difat):
                if sid in (_END_OF_CHAIN, _NO_STREAM):
                    break
                values = struct.unpack(f"<{per + 1}I", self._read_sector(sid))
                extra.extend(values[:per])
                sid = values[per]
            self._difat_extra = extra
        return self._difat_extra

    def _fat_sector(self, index: int) -> tuple[int, ...]:
        cached = self._fat_cache.get(index)
        if cached is not None:
            return cached
        if index >= self._n_fat:
            raise CompoundFileError("chain runs past the allocation table")
        if index < _HEADER_DIFAT_SLOTS:
            sid = self._header_difat[index]
        else:
            extra = self._load_difat_extra()
            if index - _HEADER_DIFAT_SLOTS >= len(extra):
                raise CompoundFileError("allocation table index is missing")
            sid = extra[index - _HEADER_DIFAT_SLOTS]
        values = struct.unpack(f"<{self._ss // 4}I", self._read_sector(sid))
        if len(self._fat_cache) >= _FAT_CACHE_SECTORS:
            self._fat_cache.clear()
        self._fat_cache[index] = values
        return values

    def _next(self, sid: int) -> int:
        per = self._ss // 4
        return self._fat_sector(sid // per)[sid % per]

    def _chain(self, start: int) -> Iterator[int]:
        """Sector ids of a chain; raises on a loop or a bad link."""
        sid = start
        for _ in range(self._n_sectors + 1):
            if sid == _END_OF_CHAIN:
                return
            self._check_sid(sid)
            yield sid
            sid = self._next(sid)
        raise CompoundFileError("sector chain loops")

    # -- directory ------------------------------------------------------------------------

    def _read_directory(self, first: int) -> list[DirEntry]:
        entries: list[DirEntry] = []
        per_sector = self._ss // _ENTRY_SIZE
        for sid in self._chain(first):
            if len(entries) >= MAX_DIRECTORY_ENTRIES:
                raise CompoundFileError("directory is implausibly large")
            sector = self._read_sector(sid)
            for i in range(per_sector):
                entries.append(self._parse_entry(len(entries), sector, i * _ENTRY_SIZE))
        if not entries:
            raise CompoundFileError("directory is empty")
        return entries

    def _parse_entry(self, index: int, buf: bytes, off: int) -> DirEntry:
        name_len, kind = struct.unpack_from("<HB", buf, off + 64)
        left, right, child = struct.unpack_from("<3I", buf, off + 68)
        start, size_lo, size_hi = struct.unpack_from("<3I", buf, off + 116)
        raw = buf[off : off + min(max(name_len - 2, 0), 62)]
        name = raw.decode("utf-16-le", "replace")
        # Version 3 readers must ignore the high half of the size (old writers left junk there).
        size = size_lo if self.major == 3 else size_lo | (size_hi << 32)
        if kind in (_STREAM, _ROOT) and size > self._file_size:
            raise CompoundFileError("a stream declares more bytes than the file holds")
        return DirEntry(index, name, kind, left, right, child, start, size)

    def children(self, parent: DirEntry | None = None) -> list[DirEntry]:
        """Entries directly inside ``parent`` (the root by default), in tree order."""
        node = (parent or self.entries[0]).child
        found: list[DirEntry] = []
        seen: set[int] = set()
        stack = [node]
        while stack:
            index = stack.pop()
            if index == _NO_STREAM:
                continue
            if index >= len(self.entries) or index in seen:
                raise CompoundFileError("directory tree is broken")
            seen.add(index)
            entry = self.entries[index]
            found.append(entry)
            stack.extend((entry.right, entry.left))
        return found

    # -- streams --------------------------------------------------------------------------

    def _load_minifat(self) -> tuple[int, ...]:
        if self._minifat is None:
            values: list[int] = []
            for count, sid in enumerate(self._chain(self._first_minifat)):
                if count >= self._n_minifat:
                    break
                values.extend(struct.unpack(f"<{self._ss // 4}I", self._read_sector(sid)))
            self._minifat = tuple(values)
        return self._minifat

    def _root_sector(self, index: int) -> int:
        """The ``index``-th sector of the mini stream's container (the root's chain)."""
        chain = self._root_chain
        if not chain:
            if self._root.start == _END_OF_CHAIN:
                raise CompoundFileError("mini stream is missing")
            self._check_sid(self._root.start)
            chain.append(self._root.start)
        while len(chain) <= index:
            if len(chain) > self._n_sectors:
                raise CompoundFileError("mini stream chain loops")
            nxt = self._next(chain[-1])
            if nxt == _END_OF_CHAIN:
                raise CompoundFileError("mini stream is shorter than its contents")
            self._check_sid(nxt)
            chain.append(nxt)
        return chain[index]

    def _iter_mini(self, entry: DirEntry) -> Iterator[bytes]:
        minifat = self._load_minifat()
        remaining = entry.size
        msid = entry.start
        for _ in range(_MINI_CUTOFF // _MINI_SECTOR + 1):
            if remaining <= 0:
                return
            if msid >= len(minifat):
                raise CompoundFileError("mini sector number points outside the mini stream")
            offset = msid * _MINI_SECTOR
            sector = self._read_sector(self._root_sector(offset // self._ss))
            inner = offset % self._ss
            piece = sector[inner : inner + min(_MINI_SECTOR, remaining)]
            yield piece
            remaining -= len(piece)
            msid = minifat[msid]
        if remaining > 0:
            raise CompoundFileError("mini stream chain loops")

    def _iter_regular(self, entry: DirEntry) -> Iterator[bytes]:
        remaining = entry.size
        needed = -(-entry.size // self._ss)
        max_run = _CHUNK // self._ss
        run_start = run_len = count = 0
        for sid in self._chain(entry.start):
            if count == needed:
                break
            count += 1
            if run_len and sid == run_start + run_len and run_len < max_run:
                run_len += 1
                continue
            if run_len:
                piece = self._read_run(run_start, run_len, remaining)
                remaining -= len(piece)
                yield piece
            run_start, run_len = sid, 1
        if count < needed:
            raise CompoundFileError("a stream is shorter than its declared size")
        if run_len:
            yield self._read_run(run_start, run_len, remaining)

    def _read_run(self, start: int, count: int, remaining: int) -> bytes:
        self._check_sid(start + count - 1)
        self._fh.seek((start + 1) * self._ss)
        want = min(count * self._ss, remaining)
        return self._fh.read(want).ljust(want, b"\0")

    def iter_stream(self, entry: DirEntry) -> Iterator[bytes]:
        """The stream's bytes in chunks of at most about 1 MiB."""
        if not entry.is_stream:
            raise CompoundFileError("not a stream")
        if entry.size < _MINI_CUTOFF:
            yield from self._iter_mini(entry)
        else:
            yield from self._iter_regular(entry)


# -- BIFF (Excel 5 to 2003) workbook streams -------------------------------------------------


class BiffVerdict(Enum):
    """What a ``Workbook``/``Book`` stream turned out to be."""

    BIFF8 = "biff8"  # Excel 97-2003
    BIFF5 = "biff5"  # Excel 5.0 and 95
    OLDER = "older"  # Excel 2.x-4.x layouts in a compound file: not expected in practice
    ENCRYPTED = "encrypted"


_WATCHED = frozenset({_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _SST, _DIMENSIONS})
_MULRK = 0x00BD
#: Cell records that readers place by their row and column (FORMULA, MULRK, RSTRING, LABELSST,
#: NUMBER, LABEL, BOOLERR, RK); the column is the u16 at data offset 2.
_CELL_RECORDS = frozenset({0x0006, _MULRK, 0x00D6, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})


def _walk_records(chunks: Iterator[bytes], start: int = 0) -> Iterator[tuple[int, int, bytes]]:
    """Yields (offset, type, first bytes of data) for the BIFF records that matter here.

    Holds only a window of about one chunk; other records are stepped over by their length,
    except that cell records are checked to lie within the sheet's 256 columns.
    """
    buf = b""
    base = 0  # stream offset of buf[0]
    pos = start
    unpack = struct.unpack_from
    watched = _WATCHED
    cells = _CELL_RECORDS
    exhausted = False
    while True:
        # Refill so that the record header and its first 16 bytes are in the window.
        if pos + 20 > base + len(buf) and not exhausted:
            keep = max(0, min(pos - base, len(buf)))
            buf, base = buf[keep:], base + keep
            while base + len(buf) < pos + 20:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                buf += chunk
                if base + len(buf) <= pos:  # a chunk wholly inside a skipped record
                    base, buf = base + len(buf), b""
        rel = pos - base
        end = len(buf)
        if rel < 0 or end - rel < 4:
            return
        # Step over records quickly while the window holds them.
        limit = end - 20
        while True:
            kind, length = unpack("<HH", buf, rel)
            if kind in cells:
                # Readers lay cells out densely: one cell far to the right of the rest would
                # make them allocate rows x columns cells, so keep within a sheet's 256 columns.
                if rel + 8 <= end and (
                    buf[rel + 7]
                    or (kind == _MULRK and buf[rel + 6] + (length - 6) // 6 > BIFF8_MAX_COLUMNS)
                ):
                    raise CompoundFileError("a cell lies beyond the 256 columns of a sheet")
            elif kind in watched:
                yield base + rel, kind, buf[rel + 4 : rel + 4 + min(length, 16)]
            rel += 4 + length
            if rel > limit:
                break
        pos = base + rel
        if exhausted and end - rel < 4:
            return


def _check_dimensions(data: bytes) -> None:
    if len(data) >= 12:
        first_row, last_row = struct.unpack_from("<II", data, 0)
        first_col, last_col = struct.unpack_from("<HH", data, 8)
    elif len(data) >= 8:
        first_row, last_row, first_col, last_col = struct.unpack_from("<4H", data, 0)
    else:
        return
    if last_row > BIFF8_MAX_ROWS or last_col > BIFF8_MAX_COLUMNS:
        raise CompoundFileError("a sheet declares more rows or columns than Excel allows")
    if last_row >= 1 and last_col >= 1 and (first_row >= last_row or first_col >= last_col):
        raise CompoundFileError("a sheet declares an inverted cell range")


def inspect_workbook(cf: CompoundFile, entry: DirEntry) -> BiffVerdict:
    """Classify a workbook stream and reject records known to crash or exhaust a reader.

    Walks every record header once (and again from any sheet offset the first pass did not
    meet), checking the BOF version, FILEPASS (encryption), the sizes that readers use to
    reserve memory up front (DIMENSIONS and the shared-string count) and that every cell lies
    within the 256 columns a sheet can have.
    """
    records = _walk_records(cf.iter_stream(entry))
    first = next(records, None)
    if first is None or first[1] != _BOF or len(first[2]) < 2:
        raise CompoundFileError("workbook stream does not start with a BOF record")
    version = struct.unpack_from("<H", first[2])[0]
    if version not in (_BIFF8, _BIFF5, 0):
        return BiffVerdict.OLDER
    in_globals = True
    sheet_offsets: list[int] = []
    bof_offsets: set[int] = {first[0]}
    for offset, kind, data in records:
        if kind == _BOF:
            bof_offsets.add(offset)
        elif kind == _EOF:
            in_globals = False
        elif kind == _FILEPASS and in_globals:
            return BiffVerdict.ENCRYPTED
        elif kind == _BOUNDSHEET and len(data) >= 4:
            sheet_offsets.append(struct.unpack_from("<I", data)[0])
        elif kind == _SST and len(data) >= 8:
            unique = struct.unpack_from("<I", data, 4)[0]
            # Each string takes at least three bytes of the stream.
            if unique > entry.size // 3:
                raise CompoundFileError("shared-string count is implausible")
        elif kind == _DIMENSIONS:
            _check_dimensions(data)
    extra = [off for off in sheet_offsets if off not in bof_offsets]
    if len(extra) > _MAX_EXTRA_WALKS:
        raise CompoundFileError("sheet offsets do not match the stream")
    for offset in extra:
        if offset >= entry.size:
            raise CompoundFileError("a sheet offset points past the end of the stream")
        for _pos, kind, data in _walk_records(cf.iter_stream(entry), offset):
            if kind == _EOF:
                break
            if kind == _DIMENSIONS:
                _check_dimensions(data)
    return BiffVerdict.BIFF5 if version == _BIFF5 else BiffVerdict.BIFF8
