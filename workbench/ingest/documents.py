"""Plain text out of a source document, for the case's full-text search.

Text, Markdown and CSV are decoded directly, HTML with the standard library's parser, DOCX by
reading ``word/document.xml`` with defusedxml. PDF needs a pure-Python reader that is not
installed, so a PDF is indexed by its title only.
"""

from __future__ import annotations

import io
import zipfile
from html.parser import HTMLParser

from defusedxml import ElementTree

PLAIN_SUFFIXES = {".txt", ".md", ".markdown", ".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
DOCX_SUFFIXES = {".docx"}
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


def extract_text(name: str, data: bytes) -> str | None:
    """The document's text, or None when its type cannot be read (PDF, images, unknown)."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        if suffix in PLAIN_SUFFIXES:
            return decode_text(data)
        if suffix in HTML_SUFFIXES:
            return html_text(data)
        if suffix in DOCX_SUFFIXES:
            return docx_text(data)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return None
    return None
