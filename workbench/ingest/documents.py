"""Plain text out of a source document, for the case's full-text search.

Text, Markdown and CSV are decoded directly, HTML with the standard library's parser, DOCX by
reading ``word/document.xml`` with defusedxml, PDF with pypdf.

A PDF is treated as hostile and read in this process under bounds: files above
``PDF_MAX_BYTES``, encrypted files and files pypdf cannot parse give None (the source is then
indexed by its title only); at most ``PDF_MAX_PAGES`` pages, ``PDF_MAX_CHARS`` characters and
``PDF_MAX_SECONDS`` seconds (checked between pages) are read, and pypdf's own decompression and
parsing limits are tightened for the read.
"""

from __future__ import annotations

import io
import logging
import time
import warnings
import zipfile
from html.parser import HTMLParser

from defusedxml import ElementTree

PLAIN_SUFFIXES = {".txt", ".md", ".markdown", ".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
PDF_MAX_BYTES = 64 * 1024**2
PDF_MAX_PAGES = 500
PDF_MAX_CHARS = 2_000_000
PDF_MAX_SECONDS = 10.0
#: pypdf's resource limits while reading a source (its defaults are several times larger).
_PDF_LIMITS = {
    "maximum_declared_stream_length": 32 * 1024**2,
    "zlib_maximum_output_length": 32 * 1024**2,
    "lzw_maximum_output_length": 32 * 1024**2,
    "run_length_maximum_output_length": 32 * 1024**2,
    "array_based_stream_maximum_output_length": 32 * 1024**2,
    "stream_decoding_work_maximum_length": 64 * 1024**2,
    "stream_parsing_work_maximum_count": 1_000_000,
    "xform_maximum_invocations_per_extraction": 500,
    "jbig2dec_binary": None,  # text only: never start an image decoder
}
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1251, the usual encodings of the sources."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def html_text(data: bytes) -> str:
    parser = _HtmlText()
    parser.feed(decode_text(data))
    parser.close()
    return "\n".join(parser.parts)


def docx_text(data: bytes) -> str:
    """The paragraphs of a Word document, one a line."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    root = ElementTree.fromstring(xml)
    lines = []
    for para in root.iter(f"{_WORD}p"):
        line = "".join(t.text or "" for t in para.iter(f"{_WORD}t"))
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str | None:
    """The text of a PDF's pages within the bounds above; None when it cannot be read."""
    if len(data) > PDF_MAX_BYTES or b"%PDF-" not in data[:1024]:
        return None
    import pypdf

    started = time.monotonic()
    parts: list[str] = []
    size = 0
    pypdf_log = logging.getLogger("pypdf")
    level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # a damaged file's complaints are not the app's
    try:
        with warnings.catch_warnings(), pypdf.apply_configuration(**_PDF_LIMITS):
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return None
            for number, page in enumerate(reader.pages):
                if number >= PDF_MAX_PAGES or time.monotonic() - started > PDF_MAX_SECONDS:
                    break
                text = page.extract_text().strip()
                if text:
                    parts.append(text[: PDF_MAX_CHARS - size])
                    size += len(parts[-1]) + 1
                if size >= PDF_MAX_CHARS:
                    break
    except Exception:  # pypdf raises many types on hostile input; the title is still kept
        return None
    finally:
        pypdf_log.setLevel(level)
    return "\n".join(parts)


def extract_text(name: str, data: bytes) -> str | None:
    """The document's text, or None when its type cannot be read (images, unknown, bad PDF)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if suffix in PLAIN_SUFFIXES:
            return decode_text(data)
        if suffix in HTML_SUFFIXES:
            return html_text(data)
        if suffix in DOCX_SUFFIXES:
            return docx_text(data)
        if suffix in PDF_SUFFIXES:
            return pdf_text(data)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return None
    return None
