"""Telling the encoding of a text extract, never falling back to latin-1 in silence.

Russian customs dumps come as UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or
cp1251. Reading cp1251 as latin-1 gives mojibake without an error, so a file that is not UTF
is checked against the Cyrillic code pages and the guess is reported to the reporter.
"""

from __future__ import annotations

import codecs

from workbench.errors import ImportRefused

SAMPLE_BYTES = 256 * 1024
#: Encodings a reporter may choose by hand (the first ones are the ones detected).
KNOWN = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1251", "koi8-r",
         "cp866", "cp1252", "iso-8859-5", "mac-cyrillic")


def detect(data: bytes, name: str = "the file") -> str:
    """The encoding of ``data``; raises :class:`ImportRefused` when it cannot be told."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:SAMPLE_BYTES]
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16
    if _is_utf8(head, truncated=len(data) > SAMPLE_BYTES):
        return "utf-8"
    return _single_byte(head, name)


def decode(data: bytes, encoding: str, name: str = "the file") -> str:
    """Decode strictly: a byte that does not fit is an error, never a silent replacement."""
    try:
        return codecs.lookup(encoding).decode(data, "strict")[0]
    except LookupError as exc:
        raise ImportRefused(f"{encoding!r} is not an encoding Case Workbench knows.") from exc
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name} is not valid {encoding} text (byte {exc.start}); choose its encoding by hand."
        ) from exc


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _is_utf8(head: bytes, *, truncated: bool) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        decoder.decode(head, final=not truncated)
    except UnicodeDecodeError:
        return False
    return True


#: The single-byte code pages customs extracts come in: Cyrillic ones first, then Western.
SINGLE_BYTE = ["cp1251", "koi8_r", "cp866", "mac_cyrillic", "iso8859_5", "cp1252"]


def _single_byte(head: bytes, name: str) -> str:
    """Choose among the known code pages by which reads as coherent language."""
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=SINGLE_BYTE).best()
    if best is None or best.chaos > 0.3:
        raise ImportRefused(
            f"The encoding of {name} could not be told; choose it by hand "
            "(for example cp1251 or utf-16)."
        )
    return str(best.encoding).replace("_", "-")
