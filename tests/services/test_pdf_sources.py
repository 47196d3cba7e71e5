"""PDF sources: their text is searchable; encrypted, damaged and non-PDF files keep their title."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest

from tests.extracts import sample_items, write_gcode_xlsx
from workbench.ingest import documents
from workbench.services import notes
from workbench.services.cases import new_case
from workbench.services.importing import import_file
from workbench.services.search import search
from workbench.store.case import CaseFile


def pdf_bytes(pages: list[str]) -> bytes:
    """A valid PDF with one line of Helvetica text per page, written object by object."""
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, line in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {5 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted(data: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt("reader-pass", "owner-pass", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def case(tmp_path: Path) -> CaseFile:
    made = new_case(tmp_path / "c.wbcase", "Parts")
    import_file(made, write_gcode_xlsx(tmp_path / "g.xlsx", sample_items()))
    return made


def test_pdf_words_are_searchable(case: CaseFile, tmp_path: Path) -> None:
    pdf = tmp_path / "registry.pdf"
    pdf.write_bytes(pdf_bytes(["Registry extract for Zenith Trading", "Director Quillfeather"]))
    added = notes.add_source(case, pdf, title="Registry")
    assert added.payload["text_indexed"] is True
    ref = f"source:{added.payload['sha256']}"
    assert [h.ref for h in search(case, "quillfeather")] == [ref]
    assert [h.ref for h in search(case, "zenith")] == [ref]
    case.close()


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("locked.pdf", lambda: encrypted(pdf_bytes(["Hidden Marmalade words"]))),
        ("cut.pdf", lambda: pdf_bytes(["Hidden Marmalade words"])[:150]),
        ("noise.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40),
        ("not-a-pdf.pdf", lambda: b"PK\x03\x04 Hidden Marmalade words"),
        ("empty.pdf", lambda: b""),
    ],
)
def test_unreadable_pdf_keeps_its_title_only(
    case: CaseFile, tmp_path: Path, name: str, make: Callable[[], bytes]
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    added = notes.add_source(case, path, title="Statement Pelican")
    assert added.payload["text_indexed"] is False
    assert search(case, "marmalade") == []
    assert [h.title for h in search(case, "pelican")] == ["Statement Pelican"]
    case.close()


def test_pdf_reading_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    data = pdf_bytes([f"Page{i} word{i}" for i in range(5)])
    assert documents.extract_text("a.PDF", data) == "\n".join(
        f"Page{i} word{i}" for i in range(5)
    )
    monkeypatch.setattr(documents, "PDF_MAX_PAGES", 2)
    assert documents.pdf_text(data) == "Page0 word0\nPage1 word1"
    monkeypatch.setattr(documents, "PDF_MAX_CHARS", 8)
    assert documents.pdf_text(data) == "Page0 wo"
    monkeypatch.setattr(documents, "PDF_MAX_BYTES", len(data) - 1)
    assert documents.pdf_text(data) is None
