"""Commands that write what leaves a case: the desk's Excel summary, a table as CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def _report_step(message: str, _fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"{message}…", file=sys.stderr)


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.summary import export_summary

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        data = export_summary(case, Path(args.out), progress=_report_step)
    finally:
        case.close()

    def text() -> str:
        lines = [f"Wrote {data['path']}: {len(data['sheets'])} sheets, "
                 f"{len(data['figures'])} figures with their evidence."]
        lines.extend(f"  {t['table']} is split across {', '.join(t['sheets'])}."
                     for t in data["split"])
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_export_csv(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import open_case
    from workbench.services.summary import export_table_csv

    conditions = [parse_where(w) for w in args.where or ()]
    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        data = export_table_csv(case, Path(args.out), conditions)
    finally:
        case.close()
    emit(data, args.json, lambda: f"Wrote {data['rows']:,} shipments to {data['path']}.")
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("export-xlsx", help="the Excel summary for the desk: figures, evidence, "
                                           "totals, replies, sources, timeline")
    p.add_argument("case", metavar="CASE")
    p.add_argument("out", metavar="OUT.xlsx")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export_xlsx)

    p = sub.add_parser("export-csv", help="shipments (all, or those a filter selects) as CSV")
    p.add_argument("case", metavar="CASE")
    p.add_argument("out", metavar="OUT.csv")
    p.add_argument("--where", action="append", metavar="C",
                   help="a filter condition (company=NAME follows merges)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export_csv)
