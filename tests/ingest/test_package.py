"""Office Open XML packages are followed by their relationships, not by assumed part names.

Every package is a real workbook written by openpyxl, then rewritten here the way some
generators lay theirs out (the workbook part at the root, or named ``workbook2.xml``).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import fastexcel
import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from workbench.ingest import package
from workbench.ingest.package import PackageError, SheetKind


def workbook_bytes() -> bytes:
    book = openpyxl.Workbook()
    data = book.active
    data.title = "Data"
    data.append(["Declaration", "Value"])
    data.append(["10702070/030123/0001234", 12.5])
    chart = BarChart()
    chart.add_data(Reference(data, min_col=2, min_row=1, max_row=2))
    book.create_chartsheet("Chart").add_chart(chart)
    book.create_sheet("Второй").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def relocate(data: bytes, target: str) -> bytes:
    """The package with its workbook part moved to ``target`` and every reference to it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    folder = target.rpartition("/")[0]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            name, part = info.filename, source.read(info.filename)
            if name == "xl/workbook.xml":
                name = target
            elif name == "xl/_rels/workbook.xml.rels":
                name = package.rels_part(target)
                if folder != "xl":  # relative targets now start from another folder
                    part = re.sub(rb'Target="(?!/)', b'Target="xl/', part)
            elif name in ("_rels/.rels", "[Content_Types].xml"):
                part = part.replace(b"xl/workbook.xml", target.encode())
            zf.writestr(name, part)
    return out.getvalue()


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_usual_layout_needs_no_alias() -> None:
    zf = open_zip(workbook_bytes())
    assert package.main_part(zf) == "xl/workbook.xml"
    assert package.reader_aliases(zf) == {}
    sheets = package.sheets(zf, "xl/workbook.xml")
    assert [(s.name, s.kind) for s in sheets] == [
        ("Data", SheetKind.WORKSHEET),
        ("Chart", SheetKind.CHART),
        ("Второй", SheetKind.WORKSHEET),
    ]
    assert sheets[0].part == "xl/worksheets/sheet1.xml"
    assert sheets[1].part is not None
    assert sheets[1].part.startswith("xl/chartsheets/")


@pytest.mark.parametrize("target", ["xl/workbook2.xml", "workbook.xml", "book/main.xml"])
def test_the_workbook_part_is_found_where_the_package_says(target: str) -> None:
    zf = open_zip(relocate(workbook_bytes(), target))
    assert package.main_part(zf) == target
    names = [s.name for s in package.sheets(zf, target)]
    assert names == ["Data", "Chart", "Второй"]
    assert all(s.part in zf.namelist() for s in package.sheets(zf, target))


def test_a_renamed_workbook_part_gets_the_aliases_the_reader_needs() -> None:
    data = relocate(workbook_bytes(), "xl/workbook2.xml")
    with pytest.raises(fastexcel.CalamineError):  # what the reader does on its own
        fastexcel.read_excel(data)
    zf = open_zip(data)
    aliases = package.reader_aliases(zf)
    assert aliases == {
        "xl/workbook.xml": "xl/workbook2.xml",
        "xl/_rels/workbook.xml.rels": "xl/_rels/workbook2.xml.rels",
    }
    patched = package.with_aliases(data, aliases)
    reader = fastexcel.read_excel(patched)
    assert reader.sheet_names == ["Data", "Chart", "Второй"]
    rows = reader.load_sheet("Data", header_row=None, dtypes="string").to_arrow().to_pylist()
    assert rows[1] == {"__UNNAMED__0": "10702070/030123/0001234", "__UNNAMED__1": "12.5"}
    # Only entries were added: the original parts keep their bytes and places.
    parts_end = zf.start_dir  # where the original central directory began
    assert patched[:parts_end] == data[:parts_end]
    assert set(open_zip(patched).namelist()) == set(zf.namelist()) | set(aliases)


def test_the_root_workbook_part_is_read_by_the_reader_as_it_is() -> None:
    data = relocate(workbook_bytes(), "workbook.xml")
    assert package.reader_aliases(open_zip(data)) == {}
    assert fastexcel.read_excel(data).sheet_names == ["Data", "Chart", "Второй"]


def test_a_second_workbook_part_where_the_reader_looks_is_refused() -> None:
    data = relocate(workbook_bytes(), "xl/workbook2.xml")
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")  # a stale part the reader would open
    with pytest.raises(PackageError):
        package.reader_aliases(open_zip(out.getvalue()))


def test_relationship_targets_resolve_inside_the_package() -> None:
    assert package.resolve("xl/workbook.xml", "worksheets/sheet1.xml") == "xl/worksheets/sheet1.xml"
    assert package.resolve("xl/workbook.xml", "/xl/styles.xml") == "xl/styles.xml"
    assert package.resolve("xl/workbook.xml", "../docProps/app.xml") == "docProps/app.xml"
    assert package.resolve("", "xl/workbook.xml") == "xl/workbook.xml"
    assert package.resolve("xl/workbook.xml", "../../etc/passwd") == ""
    assert package.rels_part("xl/workbook2.xml") == "xl/_rels/workbook2.xml.rels"
    assert package.rels_part("workbook.xml") == "_rels/workbook.xml.rels"


def test_a_package_without_relationships_names_no_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "plain.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", b"x")
    with zipfile.ZipFile(path) as zf:
        assert package.main_part(zf) is None
        assert package.reader_aliases(zf) == {}


def test_malformed_relationships_are_a_package_error() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("_rels/.rels", b"<Relationships><Relationship Id=")
    with pytest.raises(PackageError):
        package.main_part(open_zip(out.getvalue()))
