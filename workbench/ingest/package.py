"""Find the parts of an Office Open XML package (.xlsx, .xlsm, .xlsb) by its relationships.

A package says where its workbook part lives in ``_rels/.rels`` (the ``officeDocument``
relationship); most generators write ``xl/workbook.xml``, but some write ``workbook.xml`` at
the root or ``xl/workbook2.xml``. Everything that looks inside a package follows that
relationship instead of assuming the path. The Rust reader (calamine) follows it only to the
folder and then expects the usual file name, so ``reader_aliases`` says which parts to add
under the names it expects (``with_aliases`` adds them without rewriting the file).

Typical use::

    with zipfile.ZipFile(path) as zf:
        main = main_part(zf)  # "xl/workbook.xml", or None when the package names none
        for sheet in sheets(zf, main):
            print(sheet.name, sheet.kind, sheet.part)
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from enum import StrEnum

import defusedxml.ElementTree as SafeET

#: The largest relationships or workbook part read here; real ones are kilobytes.
MAX_PART_BYTES = 64 * 1024 * 1024
_PACKAGE_RELS = "_rels/.rels"


class PackageError(ValueError):
    """The package's relationships cannot be followed (missing, malformed or contradictory)."""


class SheetKind(StrEnum):
    """What a sheet of a workbook holds, as the workbook declares it."""

    WORKSHEET = "worksheet"
    CHART = "chartsheet"
    DIALOG = "dialogsheet"
    MACRO = "macrosheet"


# Relationship types end with these words, in both the transitional and the strict namespace.
_SHEET_TYPES = {
    "/worksheet": SheetKind.WORKSHEET,
    "/chartsheet": SheetKind.CHART,
    "/dialogsheet": SheetKind.DIALOG,
    "/xlmacrosheet": SheetKind.MACRO,
    "/xlintlmacrosheet": SheetKind.MACRO,
}


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str  # the full relationship type URI
    target: str  # the part it points to, resolved to a name inside the package


@dataclass(frozen=True)
class SheetPart:
    name: str
    kind: SheetKind
    part: str | None  # None when the workbook names a relationship the package lacks


def slashed(name: str) -> str:
    """A part name with forward slashes: some Windows tools store ``xl\\workbook.xml``."""
    return name.replace("\\", "/")


def _names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Stored part names by their key: forward slashes, lower case (names compare without it)."""
    return {slashed(name).lower(): name for name in zf.namelist()}


def _read(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(name) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise PackageError(f"part {name} is larger than any real one")
    return data


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def resolve(source: str, target: str) -> str:
    """The part a relationship of ``source`` (a part name, "" for the package) points to."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = posixpath.join(posixpath.dirname(source), target)
    resolved = posixpath.normpath(joined)
    return "" if resolved in (".", "..") or resolved.startswith("../") else resolved


def rels_part(part: str) -> str:
    """Where the relationships of ``part`` are stored (``xl/_rels/workbook.xml.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relationships(zf: zipfile.ZipFile, part: str) -> list[Relationship]:
    """The relationships of ``part`` ("" for the package itself); none if it has no rels part."""
    names = _names(zf)
    part = slashed(part)
    stored = names.get((rels_part(part) if part else _PACKAGE_RELS).lower())
    if stored is None:
        return []
    try:
        root = SafeET.fromstring(_read(zf, stored))
    except SafeET.ParseError as exc:
        raise PackageError(f"{stored} is not well-formed") from exc
    found = []
    for rel in root:
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode", "") == "External":
            continue
        target = resolve(part, rel.get("Target", ""))
        found.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), target))
    return found


def main_part(zf: zipfile.ZipFile) -> str | None:
    """The workbook part the package's ``officeDocument`` relationship names, if it is there."""
    names = _names(zf)
    for rel in relationships(zf, ""):
        if rel.type.endswith("/officeDocument") and rel.target.lower() in names:
            return names[rel.target.lower()]
    return None


def sheets(zf: zipfile.ZipFile, main: str) -> list[SheetPart]:
    """The sheets an XML workbook part names, in workbook order, with their kind and part."""
    names = _names(zf)
    try:
        root = SafeET.fromstring(_read(zf, main))
    except SafeET.ParseError as exc:
        raise PackageError(f"{main} is not well-formed") from exc
    by_id = {rel.id: rel for rel in relationships(zf, main)}
    found = []
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        rel = by_id.get(rid)
        kind = SheetKind.WORKSHEET
        if rel is not None:
            kind = next(
                (k for suffix, k in _SHEET_TYPES.items() if rel.type.lower().endswith(suffix)),
                SheetKind.WORKSHEET,
            )
        part = names.get(rel.target.lower()) if rel is not None else None
        found.append(SheetPart(element.get("name", ""), kind, part))
    return found


def date1904(zf: zipfile.ZipFile, main: str) -> bool:
    """Whether an XML workbook part counts its dates from 1904 (older Mac workbooks)."""
    root = SafeET.fromstring(_read(zf, main))
    for element in root.iter():
        if _local(element.tag) == "workbookPr":
            return element.get("date1904", "0").lower() in ("1", "true")
    return False


def _expected_main(main: str) -> str:
    """The name the reader opens for a workbook part: ``workbook.xml`` in its folder, or
    ``xl/workbook.bin`` for a binary workbook."""
    if main.lower().endswith(".bin"):
        return "xl/workbook.bin"
    return posixpath.join(posixpath.dirname(main), "workbook.xml")


def reader_aliases(zf: zipfile.ZipFile) -> dict[str, str]:
    """Parts to add, new name -> existing part, so the reader finds a renamed workbook part.

    Empty for the usual layout. Raises ``PackageError`` when the name the reader would open
    is taken by another part, since the reader would then read the wrong workbook.
    """
    main = main_part(zf)
    if main is None:
        return {}
    key = slashed(main)
    expected = _expected_main(key)
    if expected.lower() == key.lower():
        return {}
    if key.lower().endswith(".bin") and posixpath.dirname(key).lower() != "xl":
        raise PackageError("a binary workbook outside xl/ cannot be read")
    names = _names(zf)
    aliases = {expected: main}
    main_rels = names.get(rels_part(key).lower())
    if main_rels is not None:
        aliases[rels_part(expected)] = main_rels
    for alias in aliases:
        if alias.lower() in names:
            raise PackageError(f"{alias} is another part than the workbook part {main}")
    return aliases


def with_aliases(data: bytes, aliases: dict[str, str]) -> bytes:
    """A copy of the package ``data`` with the ``aliases`` parts added after the others.

    The existing parts are left where they are (only a new central directory is written), so
    this costs a copy of ``data`` in memory and the aliased parts, not a recompression.
    """
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer) as zf:
        copies = {alias: _read(zf, source) for alias, source in aliases.items()}
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
        for alias, copy in copies.items():
            zf.writestr(alias, copy)
    return buffer.getvalue()
