"""Encrypted bundles: round trips, and every kind of damage refused with one sentence."""

from __future__ import annotations

import os
import struct
import time
import unicodedata
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from workbench.errors import WorkbenchError
from workbench.services.cases import new_case
from workbench.store import bundle
from workbench.store.bundle import (
    MAGIC,
    BundleError,
    KdfParams,
    decrypt_file,
    encrypt_file,
    is_bundle,
    passphrase_from_env_or_prompt,
)

PASS = "correct horse battery staple"
CANARY = "CANARY-informant-Olga-7731"
CHUNK = 4096
HEADER = 59
SEALED_CHUNK = CHUNK + 16
WRONG_OR_CHANGED = "The passphrase is wrong, or the bundle was changed after it was made."
CUT_SHORT = "The bundle is cut short: it was not copied completely."
STRONG_DEFAULT = bundle._KDF_PARAMS


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap Argon2id and small chunks so many bundles stay fast; one test restores the default."""
    monkeypatch.setattr(bundle, "_KDF_PARAMS", KdfParams(memory_kib=64, iterations=1, lanes=1))
    monkeypatch.setattr(bundle, "_CHUNK_SIZE", CHUNK)
    monkeypatch.delenv(bundle.PASSPHRASE_ENV, raising=False)


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    """A real, closed case file whose title is a canary string."""
    case = new_case(tmp_path / "story", CANARY)
    path = case.path
    case.close()
    return path


@pytest.fixture
def sealed(case_file: Path, tmp_path: Path) -> Path:
    out = tmp_path / "story.wbbundle"
    encrypt_file(case_file, out, PASS)
    return out


def _refused(src: Path, tmp_path: Path, passphrase: str = PASS) -> str:
    """Open ``src``; it must fail and leave no output or temporary file behind."""
    folder = tmp_path / "opened"
    folder.mkdir(exist_ok=True)
    dst = folder / "out.wbcase"
    with pytest.raises(BundleError) as info:
        decrypt_file(src, dst, passphrase)
    assert list(folder.iterdir()) == []
    message = str(info.value)
    assert message.endswith(".")
    assert "\n" not in message
    return message


def _variant(src: Path, data: bytes, name: str = "variant.wbbundle") -> Path:
    path = src.with_name(name)
    path.write_bytes(data)
    return path


def test_round_trip_of_a_case_file_is_byte_identical(
    case_file: Path, sealed: Path, tmp_path: Path
) -> None:
    out = tmp_path / "back.wbcase"
    decrypt_file(sealed, out, PASS)
    assert out.read_bytes() == case_file.read_bytes()
    assert is_bundle(sealed)
    assert not is_bundle(case_file)
    assert sealed.stat().st_size > HEADER + 3 * SEALED_CHUNK  # several chunks exercised


def test_round_trip_of_the_sample_case(sample_case: Path, tmp_path: Path) -> None:
    src = sample_case / "case.wbcase"
    sealed = tmp_path / "aurus.wbbundle"
    out = tmp_path / "aurus.wbcase"
    encrypt_file(src, sealed, PASS)
    decrypt_file(sealed, out, PASS)
    assert out.read_bytes() == src.read_bytes()


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_round_trip_at_chunk_edges(size: int, tmp_path: Path) -> None:
    src = tmp_path / "plain.bin"
    src.write_bytes(os.urandom(size))
    sealed, out = tmp_path / "b", tmp_path / "out.bin"
    seen: list[float] = []
    encrypt_file(src, sealed, PASS, progress=seen.append)
    chunks = max(1, -(-size // CHUNK))
    assert sealed.stat().st_size == HEADER + size + 16 * chunks
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    decrypt_file(sealed, out, PASS)
    assert out.read_bytes() == src.read_bytes()


def test_default_kdf_is_the_strong_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert KdfParams(memory_kib=64 * 1024, iterations=3, lanes=4) == STRONG_DEFAULT
    assert bundle.DEFAULT_KDF_PARAMS == STRONG_DEFAULT
    monkeypatch.setattr(bundle, "_KDF_PARAMS", bundle.DEFAULT_KDF_PARAMS)
    src = tmp_path / "plain.txt"
    src.write_text("short", encoding="utf-8")
    sealed, out = tmp_path / "b", tmp_path / "out.txt"
    encrypt_file(src, sealed, PASS)
    memory, iterations, lanes = struct.unpack(">III", sealed.read_bytes()[12:24])
    assert (memory, iterations, lanes) == (65536, 3, 4)
    decrypt_file(sealed, out, PASS)
    assert out.read_text(encoding="utf-8") == "short"


def test_header_layout(sealed: Path) -> None:
    raw = sealed.read_bytes()
    assert raw[:8] == MAGIC == b"WBBUNDLE"
    version, kdf_id, cipher_id = struct.unpack(">HBB", raw[8:12])
    assert (version, kdf_id, cipher_id) == (1, 1, 1)
    chunk_size, length = struct.unpack(">IQ", raw[47:59])
    assert chunk_size == CHUNK
    assert length == (sealed.stat().st_size - HEADER) - 16 * -(-length // CHUNK)


def test_two_bundles_of_the_same_file_differ(case_file: Path, sealed: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.wbbundle"
    encrypt_file(case_file, again, PASS)
    first, second = sealed.read_bytes(), again.read_bytes()
    assert first[24:40] != second[24:40]  # salt
    assert first[40:47] != second[40:47]  # nonce prefix
    assert first[HEADER:] != second[HEADER:]


def test_plaintext_never_appears_in_the_bundle(case_file: Path, sealed: Path) -> None:
    assert CANARY.encode() in case_file.read_bytes()
    data = sealed.read_bytes()
    for needle in (CANARY.encode(), CANARY.encode("utf-16-le"), b"SQLite format 3"):
        assert needle not in data


def test_wrong_passphrase_is_one_clear_sentence(sealed: Path, tmp_path: Path) -> None:
    assert _refused(sealed, tmp_path, "Correct horse battery staple") == WRONG_OR_CHANGED


def test_wrong_passphrase_leaves_an_existing_output_untouched(
    sealed: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "keep.wbcase"
    dst.write_bytes(b"earlier work")
    with pytest.raises(BundleError):
        decrypt_file(sealed, dst, "nope")
    assert dst.read_bytes() == b"earlier work"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["keep.wbcase", "story.wbcase", "story.wbbundle"]
    )


def test_passphrase_in_nfc_or_nfd_opens_the_same_bundle(tmp_path: Path) -> None:
    src = tmp_path / "plain.txt"
    src.write_text("data", encoding="utf-8")
    sealed, out = tmp_path / "b", tmp_path / "out.txt"
    encrypt_file(src, sealed, unicodedata.normalize("NFC", "Café Пётр"))
    decrypt_file(sealed, out, unicodedata.normalize("NFD", "Café Пётр"))
    assert out.read_text(encoding="utf-8") == "data"


def test_a_flipped_bit_anywhere_is_refused(sealed: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    size = len(data)
    chunk_starts = range(HEADER, size, SEALED_CHUNK)
    positions = {
        *range(HEADER),  # every header byte, the magic included
        HEADER, HEADER + 1, HEADER + 100,  # first chunk
        HEADER + SEALED_CHUNK - 1,  # first chunk's tag
        HEADER + (size - HEADER) // 2,  # middle
        *(start - 1 for start in chunk_starts if start > HEADER),  # each tag's last byte
        size - 17, size - 1,  # last chunk's data and tag
    }
    for position in sorted(positions):
        for bit in (0, 7):
            damaged = bytearray(data)
            damaged[position] ^= 1 << bit
            message = _refused(_variant(sealed, bytes(damaged)), tmp_path)
            if HEADER <= position < HEADER + SEALED_CHUNK:
                assert message == WRONG_OR_CHANGED, position


def test_a_flipped_bit_after_the_first_chunk_says_the_bundle_was_changed(
    sealed: Path, tmp_path: Path
) -> None:
    damaged = bytearray(sealed.read_bytes())
    damaged[HEADER + 2 * SEALED_CHUNK + 5] ^= 0x10
    message = _refused(_variant(sealed, bytes(damaged)), tmp_path)
    assert message == "The bundle was damaged or changed after it was made."


def test_truncation_is_refused_also_at_chunk_boundaries(sealed: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    boundaries = list(range(HEADER, len(data), SEALED_CHUNK))
    cuts = {9, 10, 30, HEADER - 1, *boundaries, HEADER + 10, len(data) - 16, len(data) - 1}
    for cut in sorted(cuts):
        assert _refused(_variant(sealed, data[:cut]), tmp_path) == CUT_SHORT, cut


def test_final_flag_separates_a_last_chunk_from_any_other() -> None:
    header = bundle._parse_header(
        bundle._HEADER.pack(MAGIC, 1, 1, 1, 64, 1, 1, b"s" * 16, b"p" * 7, CHUNK, 2 * CHUNK)
    )
    aead = AESGCM(bytes(32))
    nonce, ad = bundle._nonce_and_ad(header, 0, final=False)
    sealed_chunk = aead.encrypt(nonce, b"x" * CHUNK, ad)
    as_final_nonce, as_final_ad = bundle._nonce_and_ad(header, 0, final=True)
    with pytest.raises(InvalidTag):
        aead.decrypt(as_final_nonce, sealed_chunk, as_final_ad)
    moved_nonce, moved_ad = bundle._nonce_and_ad(header, 1, final=False)
    with pytest.raises(InvalidTag):
        aead.decrypt(moved_nonce, sealed_chunk, moved_ad)


def test_reordered_or_dropped_chunks_are_refused(sealed: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    head, body = data[:HEADER], data[HEADER:]
    chunks = [body[i : i + SEALED_CHUNK] for i in range(0, len(body), SEALED_CHUNK)]
    swapped = [chunks[1], chunks[0], *chunks[2:]]
    assert _refused(_variant(sealed, head + b"".join(swapped)), tmp_path) == WRONG_OR_CHANGED
    middle_swapped = [chunks[0], chunks[2], chunks[1], *chunks[3:]]
    _refused(_variant(sealed, head + b"".join(middle_swapped)), tmp_path)
    dropped = [chunks[0], *chunks[2:]]
    _refused(_variant(sealed, head + b"".join(dropped)), tmp_path)


def test_appended_bytes_are_refused(sealed: Path, tmp_path: Path) -> None:
    data = sealed.read_bytes()
    for extra in (b"\x00", b"x" * SEALED_CHUNK, data[HEADER : HEADER + SEALED_CHUNK]):
        message = _refused(_variant(sealed, data + extra), tmp_path)
        assert "changed after it was made" in message


@pytest.mark.parametrize(
    ("offset", "value"),
    [
        (12, 0xFFFFFFFF),  # memory cost: 4 TiB
        (12, 1024 * 1024 + 1),  # just above the 1 GiB cap
        (16, 0xFFFFFFFF),  # iterations
        (16, 0),
        (20, 0xFFFFFFFF),  # lanes
        (20, 0),
        (47, 0xFFFFFFFF),  # chunk size
        (47, 1),
    ],
)
def test_hostile_header_parameters_are_refused_before_any_key_derivation(
    sealed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offset: int, value: int
) -> None:
    def no_kdf(*_args: object) -> bytes:
        raise AssertionError("the key derivation ran on a hostile header")

    monkeypatch.setattr(bundle, "_derive_key", no_kdf)
    damaged = bytearray(sealed.read_bytes())
    damaged[offset : offset + 4] = struct.pack(">I", value)
    started = time.perf_counter()
    message = _refused(_variant(sealed, bytes(damaged)), tmp_path)
    assert time.perf_counter() - started < 1.0
    assert "outside the safe limits" in message


def test_a_huge_declared_length_is_refused_without_reading(
    sealed: Path, tmp_path: Path
) -> None:
    damaged = bytearray(sealed.read_bytes())
    damaged[51:59] = struct.pack(">Q", 2**63)
    _refused(_variant(sealed, bytes(damaged)), tmp_path)


def test_not_a_bundle(case_file: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    for path in (case_file, empty, _variant(case_file, b"WBBUND", "short")):
        assert not is_bundle(path)
        assert _refused(path, tmp_path) == "This is not a Case Workbench bundle."
    assert not is_bundle(tmp_path / "missing")
    assert not is_bundle(tmp_path)
    assert _refused(_variant(case_file, MAGIC + b"\x00", "magic"), tmp_path) == CUT_SHORT


def test_a_newer_format_names_its_version(sealed: Path, tmp_path: Path) -> None:
    damaged = bytearray(sealed.read_bytes())
    damaged[8:10] = struct.pack(">H", 7)
    assert _refused(_variant(sealed, bytes(damaged)), tmp_path) == (
        "This bundle was made by a newer version of Case Workbench (format 7)."
    )


def test_empty_passphrase_is_refused(case_file: Path, sealed: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="empty"):
        encrypt_file(case_file, tmp_path / "x", "")
    assert not (tmp_path / "x").exists()
    assert "empty" in _refused(sealed, tmp_path, "")


def test_bundle_error_is_a_workbench_error() -> None:
    assert issubclass(BundleError, WorkbenchError)


def test_cancelling_through_progress_leaves_nothing(case_file: Path, tmp_path: Path) -> None:
    def cancel(fraction: float) -> None:
        if fraction > 0.3:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KeyboardInterrupt):
        encrypt_file(case_file, out / "b", PASS, progress=cancel)
    assert list(out.iterdir()) == []


def test_writing_over_the_source_is_refused(case_file: Path) -> None:
    before = case_file.read_bytes()
    with pytest.raises(BundleError):
        encrypt_file(case_file, case_file, PASS)
    assert case_file.read_bytes() == before


def test_a_missing_source_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="cannot be read"):
        encrypt_file(tmp_path / "missing", tmp_path / "b", PASS)
    with pytest.raises(BundleError, match="cannot be read"):
        decrypt_file(tmp_path / "missing", tmp_path / "c", PASS)


def test_passphrase_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_prompt(_prompt: str = "") -> str:
        raise AssertionError("prompted although the environment holds a passphrase")

    monkeypatch.setattr(bundle.getpass, "getpass", no_prompt)
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", "from the script")
    assert passphrase_from_env_or_prompt() == "from the script"
    assert passphrase_from_env_or_prompt(confirm=True) == "from the script"
    monkeypatch.setenv("WORKBENCH_PASSPHRASE", "")
    with pytest.raises(BundleError, match="empty"):
        passphrase_from_env_or_prompt()


def test_passphrase_from_the_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["first", "first", "first", "first", "second", ""])
    prompts: list[str] = []

    def typed(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(bundle.getpass, "getpass", typed)
    assert passphrase_from_env_or_prompt() == "first"
    assert passphrase_from_env_or_prompt(confirm=True) == "first"
    assert len(prompts) == 3
    with pytest.raises(BundleError, match="do not match"):
        passphrase_from_env_or_prompt(confirm=True)
    with pytest.raises(BundleError, match="empty"):
        passphrase_from_env_or_prompt()


def test_no_terminal_for_the_prompt_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(_prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr(bundle.getpass, "getpass", closed)
    with pytest.raises(BundleError, match="WORKBENCH_PASSPHRASE"):
        passphrase_from_env_or_prompt()


def test_missing_argon2id_is_refused_not_weakened(
    sealed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.kdf import argon2

    class Unsupported:
        def __init__(self, **_kwargs: object) -> None:
            raise UnsupportedAlgorithm("no argon2")

    monkeypatch.setattr(argon2, "Argon2id", Unsupported)
    assert "Argon2id" in _refused(sealed, tmp_path)
