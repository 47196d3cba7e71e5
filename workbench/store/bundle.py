"""Passphrase-protected bundles: a case file sealed for a trip by USB stick, Signal or email.

Format version 1 is a fixed 59-byte header followed by the sealed chunks (all integers
big-endian):

=======  ====  ===================================================
offset   size  field
=======  ====  ===================================================
0        8     magic ``WBBUNDLE``
8        2     format version (1)
10       1     key derivation id (1 = Argon2id)
11       1     cipher id (1 = AES-256-GCM)
12       4     Argon2id memory cost in KiB
16       4     Argon2id iterations
20       4     Argon2id lanes
24       16    random salt
40       7     random nonce prefix
47       4     chunk size in bytes
51       8     plaintext length in bytes
=======  ====  ===================================================

The key is Argon2id(passphrase in NFC form, salt). The plaintext is cut into chunks of
``chunk size`` bytes (at least one chunk, possibly empty); chunk ``i`` is stored as its
AES-256-GCM ciphertext followed by the 16-byte tag, with the nonce
``prefix || i (4 bytes) || final flag (1 byte)`` and the associated data
``header || i (4 bytes) || final flag``. Changing any header byte, reordering, dropping
or appending chunks, or cutting the file after any chunk therefore fails authentication.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import struct
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from workbench.errors import WorkbenchError
from workbench.store.durable import fsync_folder

MAGIC = b"WBBUNDLE"
BUNDLE_SUFFIX = ".wbbundle"  # an encrypted case never carries the case file's own extension
FORMAT_VERSION = 1
PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"

_KDF_ARGON2ID = 1
_CIPHER_AES256GCM = 1
_HEADER = struct.Struct(">8sHBBIII16s7sIQ")
_PREFIX = struct.Struct(">8sH")
_TAG_SIZE = 16
_KEY_SIZE = 32
_SALT_SIZE = 16
_NONCE_PREFIX_SIZE = 7
_MAX_CHUNKS = 2**32 - 1

# Bounds for parameters read from an untrusted header.
_MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
_MAX_ITERATIONS = 10
_MAX_LANES = 16
_MIN_CHUNK = 4 * 1024
_MAX_CHUNK = 16 * 1024 * 1024

_CHUNK_SIZE = 1024 * 1024

Progress = Callable[[float], None]


class BundleError(WorkbenchError):
    """A bundle cannot be made or opened; ``str(err)`` says why in one sentence."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: memory in KiB, passes over it, and parallel lanes."""

    memory_kib: int
    iterations: int
    lanes: int


DEFAULT_KDF_PARAMS = KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4)
_KDF_PARAMS = DEFAULT_KDF_PARAMS  # tests lower this to stay fast

_WRONG_OR_CHANGED = "The passphrase is wrong, or the bundle was changed after it was made."
_CHANGED = "The bundle was damaged or changed after it was made."
_CUT_SHORT = "The bundle is cut short: it was not copied completely."
_NOT_A_BUNDLE = "This is not a Case Workbench bundle."
_EMPTY_PASSPHRASE = "The passphrase is empty; a bundle needs a passphrase."


@dataclass(frozen=True)
class _Header:
    raw: bytes
    kdf: KdfParams
    salt: bytes
    nonce_prefix: bytes
    chunk_size: int
    length: int

    @property
    def chunks(self) -> int:
        return max(1, -(-self.length // self.chunk_size))

    @property
    def sealed_size(self) -> int:
        return _HEADER.size + self.length + self.chunks * _TAG_SIZE


def is_bundle(path: Path) -> bool:
    """Whether ``path`` starts with the bundle magic (reads only the first bytes)."""
    try:
        with open(path, "rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def encrypt_file(
    src: Path, dst: Path, passphrase: str, *, progress: Progress | None = None
) -> None:
    """Seal ``src`` into the bundle ``dst``, written atomically.

    ``progress`` gets the fraction done after each chunk; it may raise to cancel, and
    then nothing is left behind.
    """
    src, dst = Path(src), Path(dst)
    key_material = _passphrase_bytes(passphrase)
    _refuse_same_file(src, dst)
    chunk_size = _CHUNK_SIZE
    try:
        source = open(src, "rb")  # noqa: SIM115 - closed by the with block below
    except OSError as err:
        raise BundleError(f"The file to seal cannot be read: {err.strerror}.") from None
    with source:
        length = os.fstat(source.fileno()).st_size
        if -(-length // chunk_size) > _MAX_CHUNKS:
            raise BundleError("The file is too large to put in a bundle.")
        kdf = _KDF_PARAMS
        raw = _HEADER.pack(
            MAGIC, FORMAT_VERSION, _KDF_ARGON2ID, _CIPHER_AES256GCM,
            kdf.memory_kib, kdf.iterations, kdf.lanes,
            os.urandom(_SALT_SIZE), os.urandom(_NONCE_PREFIX_SIZE), chunk_size, length,
        )
        header = _parse_header(raw)
        aead = AESGCM(_derive_key(key_material, header))
        with _atomic_output(dst) as out:
            out.write(raw)
            done = 0
            chunks = _read_chunks(source, chunk_size)
            for index, (chunk, final) in enumerate(chunks):
                nonce, ad = _nonce_and_ad(header, index, final)
                out.write(aead.encrypt(nonce, chunk, ad))
                done += len(chunk)
                if progress is not None:
                    progress(done / length if length else 1.0)
            if done != length:
                raise BundleError("The file changed while the bundle was being made.")


def decrypt_file(
    src: Path, dst: Path, passphrase: str, *, progress: Progress | None = None
) -> None:
    """Open the bundle ``src`` into ``dst``, which appears only once every chunk authenticated.

    On any failure ``dst`` is left as it was and no temporary file remains.
    """
    src, dst = Path(src), Path(dst)
    key_material = _passphrase_bytes(passphrase)
    _refuse_same_file(src, dst)
    try:
        source = open(src, "rb")  # noqa: SIM115 - closed by the with block below
    except OSError as err:
        raise BundleError(f"The bundle cannot be read: {err.strerror}.") from None
    with source:
        header = _read_header(source)
        size = os.fstat(source.fileno()).st_size
        if size < header.sealed_size:
            raise BundleError(_CUT_SHORT)
        if size > header.sealed_size:
            raise BundleError("The bundle was changed after it was made: it has extra bytes.")
        aead = AESGCM(_derive_key(key_material, header))
        with _atomic_output(dst) as out:
            chunks = header.chunks
            for index in range(chunks):
                final = index == chunks - 1
                plain_size = min(header.chunk_size, header.length - index * header.chunk_size)
                sealed = source.read(plain_size + _TAG_SIZE)
                if len(sealed) < plain_size + _TAG_SIZE:
                    raise BundleError(_CUT_SHORT)
                nonce, ad = _nonce_and_ad(header, index, final)
                try:
                    plain = aead.decrypt(nonce, sealed, ad)
                except InvalidTag:
                    raise BundleError(_WRONG_OR_CHANGED if index == 0 else _CHANGED) from None
                out.write(plain)
                if progress is not None:
                    progress((index + 1) / chunks)
            if source.read(1):
                raise BundleError("The bundle was changed after it was made: it has extra bytes.")


def passphrase_from_env_or_prompt(confirm: bool = False) -> str:
    """The passphrase from ``WORKBENCH_PASSPHRASE``, else asked for (twice if ``confirm``)."""
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env is not None:
        if not from_env:
            raise BundleError(f"{PASSPHRASE_ENV} is set but empty; a bundle needs a passphrase.")
        return from_env
    try:
        passphrase = getpass.getpass("Passphrase: ")
        if not passphrase:
            raise BundleError(_EMPTY_PASSPHRASE)
        if confirm and getpass.getpass("Repeat the passphrase: ") != passphrase:
            raise BundleError("The two passphrases do not match.")
    except EOFError:
        raise BundleError(
            f"No passphrase was given; type one at the prompt or set {PASSPHRASE_ENV}."
        ) from None
    return passphrase


def _passphrase_bytes(passphrase: str) -> bytes:
    """The passphrase as key material; NFC so the same words typed on any system match."""
    if not passphrase:
        raise BundleError(_EMPTY_PASSPHRASE)
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _refuse_same_file(src: Path, dst: Path) -> None:
    if dst.exists() and src.exists() and os.path.samefile(src, dst):
        raise BundleError("The output would overwrite the file it is made from.")


def _read_header(f: BinaryIO) -> _Header:
    """Read and check the header; parameters are bounded before anything is allocated."""
    start = f.read(_PREFIX.size)
    if len(start) < len(MAGIC) or start[: len(MAGIC)] != MAGIC:
        raise BundleError(_NOT_A_BUNDLE)
    if len(start) < _PREFIX.size:
        raise BundleError(_CUT_SHORT)
    _, version = _PREFIX.unpack(start)
    if version > FORMAT_VERSION:
        raise BundleError(
            f"This bundle was made by a newer version of Case Workbench (format {version})."
        )
    if version != FORMAT_VERSION:
        raise BundleError(_CHANGED)
    rest = f.read(_HEADER.size - _PREFIX.size)
    if len(rest) < _HEADER.size - _PREFIX.size:
        raise BundleError(_CUT_SHORT)
    return _parse_header(start + rest)


def _parse_header(raw: bytes) -> _Header:
    (_, _, kdf_id, cipher_id, memory_kib, iterations, lanes,
     salt, prefix, chunk_size, length) = _HEADER.unpack(raw)
    if kdf_id != _KDF_ARGON2ID or cipher_id != _CIPHER_AES256GCM:
        raise BundleError(_CHANGED)
    if not (
        1 <= lanes <= _MAX_LANES
        and 1 <= iterations <= _MAX_ITERATIONS
        and 8 * lanes <= memory_kib <= _MAX_MEMORY_KIB
        and _MIN_CHUNK <= chunk_size <= _MAX_CHUNK
    ):
        raise BundleError(
            "The bundle's settings are outside the safe limits, so it was damaged or changed."
        )
    header = _Header(raw, KdfParams(memory_kib, iterations, lanes), salt, prefix,
                     chunk_size, length)
    if header.chunks > _MAX_CHUNKS:
        raise BundleError(_CHANGED)
    return header


def _derive_key(key_material: bytes, header: _Header) -> bytes:
    """Argon2id over the passphrase; there is deliberately no weaker fallback."""
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        kdf = Argon2id(
            salt=header.salt, length=_KEY_SIZE, iterations=header.kdf.iterations,
            lanes=header.kdf.lanes, memory_cost=header.kdf.memory_kib,
        )
        return kdf.derive(key_material)
    except (ImportError, UnsupportedAlgorithm):
        raise BundleError(
            "This installation cannot seal or open bundles: its cryptography library "
            "lacks Argon2id."
        ) from None
    except MemoryError:
        raise BundleError("There is not enough free memory to open this bundle.") from None


def _nonce_and_ad(header: _Header, index: int, final: bool) -> tuple[bytes, bytes]:
    position = index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")
    return header.nonce_prefix + position, header.raw + position


def _read_chunks(f: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """Chunks of ``f`` with a flag on the last one; an empty file gives one empty chunk."""
    current = _read_full(f, size)
    while True:
        following = _read_full(f, size) if len(current) == size else b""
        if not following:
            yield current, True
            return
        yield current, False
        current = following


def _read_full(f: BinaryIO, size: int) -> bytes:
    parts: list[bytes] = []
    remaining = size
    while remaining:
        part = f.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


@contextlib.contextmanager
def _atomic_output(dst: Path) -> Iterator[BinaryIO]:
    """A temporary file next to ``dst`` that replaces it only if the block completes."""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".part")
    except OSError as err:
        raise BundleError(f"The output file cannot be written: {err.strerror}.") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dst)
    except BaseException as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(err, OSError):
            reason = err.strerror or str(err)
            raise BundleError(f"Writing {dst.name} failed: {reason}.") from None
        raise
    fsync_folder(dst.parent)


