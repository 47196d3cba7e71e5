"""Commands on the shipment table: new, import, info, query."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import Parser, UsageError, emit, progress
from workbench.errors import NotShipments

if TYPE_CHECKING:
    from workbench.store.case import CaseFile


def cmd_new(args: argparse.Namespace) -> int:
    from workbench.services.cases import new_case

    case = new_case(Path(args.case), args.title)
    print(f"Created {case.path.name}: {case.title}")
    case.close()
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.ingest.sniff import sniff
    from workbench.services.cases import open_case
    from workbench.services.importing import ImportOptions, import_file

    paths = [Path(p) for p in args.files]
    for path in paths:
        sniff(path)  # refuse a bad file before anything is written
    options = ImportOptions(
        encoding=args.encoding,
        delimiter=_delimiter(args.delimiter),
        header_row=args.header_row,
        date_order=args.date_order,
        mapping=dict(_mapping_pair(m) for m in args.map),
    )
    case, _ = open_case(Path(args.case), on_import=progress)
    reports, kept = [], []
    try:
        for path in paths:
            try:
                reports.append(import_file(case, path, options))
            except NotShipments as exc:
                if not args.as_source:
                    raise NotShipments(_keep_hint(str(exc), args.case, path),
                                       exc.missing) from None
                kept.append(_keep_as_source(case, path, exc))
    finally:
        case.close()
    mapping: dict[str, str] = {}
    for r in reports:
        mapping.update(r.mapping)
    data = {
        "imported": sum(r.imported for r in reports),
        "duplicates": sum(r.duplicates for r in reports),
        "rejected": sum(r.rejected for r in reports),
        "rejects": [x for r in reports for x in r.rejects],
        "mapping": mapping,
        "warnings": [f"{r.file}: {w}" for r in reports for w in r.warnings],
        "missing": sorted({m.column for r in reports for f in r.findings for m in f.missing}),
        "discrepancies": [d.as_json() for r in reports for d in r.discrepancies.items],
        "files": [r.as_json() for r in reports],
        "sources": kept,
    }

    def text() -> str:
        lines = []
        for r in reports:
            lines.append(
                f"{r.file}: {r.imported:,} imported, {r.duplicates:,} duplicates, "
                f"{r.rejected:,} rejected"
            )
            lines.extend(f"  - {n}" for n in r.notes)
            lines.extend(f"  ! {w}" for w in r.warnings)
            for x in r.rejects[:20]:
                sheet = f" sheet {x['sheet']}" if x["sheet"] else ""
                lines.append(f"  rejected{sheet} row {x['row']}: {x['reason']}")
            if len(r.rejects) > 20:
                lines.append(f"  … and {len(r.rejects) - 20:,} more (use --json for all)")
            if r.discrepancies.total:
                kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(r.discrepancies.by_kind.items()))
                lines.append(f"  {r.discrepancies.total:,} values differ from the shipments "
                             f"held in {r.discrepancies.shipments:,} duplicates ({kinds}); the "
                             "held values still count: see 'workbench discrepancies'")
        for k in kept:
            lines.append(f"{k['name']}: not a customs extract ({k['refusal']}); kept as "
                         f"source '{k['title']}' ({str(k['id'])[:12]}){k['words']}")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def _keep_hint(sentence: str, case: str, path: Path) -> str:
    """The refusal, with the command that keeps the file as a source instead (naming the
    files by their names, as every sentence does, not by the machine's paths)."""
    import shlex

    command = f"workbench source {shlex.quote(Path(case).name)} {shlex.quote(path.name)}"
    return (f"{sentence.rstrip('.')}, or keep it as a source instead with `{command}` "
            "(or import with --as-source).")


def _keep_as_source(case: CaseFile, path: Path, refusal: NotShipments) -> dict[str, object]:
    from workbench.cli.record import source_words
    from workbench.services.notes import add_source, find_source
    from workbench.store.files import sha256_of

    existing = find_source(case, sha256_of(path))
    event = existing or add_source(case, path)
    words = " (it already was)" if existing else source_words(event.payload)
    return {"name": path.name, "id": event.id, "title": event.payload.get("title"),
            "sha256": event.payload.get("sha256"), "table": event.payload.get("table"),
            "refusal": str(refusal).rstrip("."), "words": words}


def cmd_info(args: argparse.Namespace) -> int:
    from workbench.services.cases import case_info, open_case

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        info = case_info(case)
    finally:
        case.close()

    def text() -> str:
        cov = info["coverage"]
        assert isinstance(cov, dict)
        lines = [
            f"{info['title']}",
            f"  shipments: {info['shipments']:,}  ({info['date_min']} to {info['date_max']})",
            f"  total {info['value_column']}: {info['total']:,.2f}",
            f"  coverage: {cov['start'] or 'not set'} to {cov['end'] or 'not set'}",
        ]
        lines.extend(f"  caveat: {c}" for c in cov["caveats"])
        files = info["files"]
        assert isinstance(files, list)
        for f in files:
            lines.append(
                f"  file {f['name']}: {f['imported']:,} rows, {f['duplicates']:,} duplicates, "
                f"{f['rejected']:,} rejected (sha256 {f['sha256'][:12]}…)"
            )
            lines.extend(f"    ! {w}" for w in f["warnings"])
        return "\n".join(lines)

    emit(info, args.json, text)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.analysis.query import run_query
    from workbench.services.cases import load_shipments, open_case, value_column

    conditions = [parse_where(w) for w in args.where]
    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        frame = load_shipments(case)
        value = args.value or value_column(case)
    finally:
        case.close()
    result = run_query(frame, conditions, value=value, group_by=args.group_by)
    data = {**result.as_json(), "where": [c.as_json() for c in conditions]}

    def text() -> str:
        lines = [f"{result.rows:,} rows, total {result.value}: {result.total:,.2f}"]
        width = max((len(k) for k in result.groups), default=0)
        lines.extend(f"  {k:<{width}}  {v:>18,.2f}" for k, v in result.groups.items())
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def _delimiter(value: str | None) -> str | None:
    names = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}
    if value is None:
        return None
    value = names.get(value.lower(), value)
    if len(value) != 1:
        raise UsageError(f"{value!r} is not a single delimiter character.")
    return value


def _mapping_pair(text: str) -> tuple[str, str]:
    header, sep, name = text.rpartition("=")
    if not sep or not header:
        raise UsageError(f"{text!r} is not HEADER=COLUMN (COLUMN empty keeps it as is).")
    return header, name.strip()


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("new", help="create an empty case file")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--title", help="the case's title")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("import", help="import spreadsheets (xlsx, xls, ods, csv, tsv, txt)")
    p.add_argument("case", metavar="CASE", help="case file or case folder")
    p.add_argument("files", metavar="FILE", nargs="+")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--encoding", help="text encoding (default: detected)")
    p.add_argument("--delimiter", help="field separator: ';' ',' tab '|' (default: detected)")
    p.add_argument("--header-row", type=int, help="1-based row of the header (default: found)")
    p.add_argument("--date-order", choices=("DMY", "MDY"), help="for slash dates like 03/04/2022")
    p.add_argument("--map", action="append", default=[], metavar="HEADER=COLUMN",
                   help="map a header to a canonical column (repeatable)")
    p.add_argument("--as-source", action="store_true",
                   help="keep a file that is not a customs extract as a source instead")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("info", help="what a case holds")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_info)

    p = sub.add_parser("query", help="count and add up shipments meeting conditions")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--where", action="append", default=[], metavar="C",
                   help="COL=V, COL!=V, COL>=V, COL<=V, COL>V, COL<V, COL=V1,V2, COL~TEXT")
    p.add_argument("--group-by", metavar="COL", help="a column, or year / quarter / month")
    p.add_argument("--value", metavar="COL", help="the value column (default: the case's)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_query)
