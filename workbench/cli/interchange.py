"""Commands that write a case for other tools: FollowTheMoney entities for Aleph."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def cmd_export_ftm(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.interchange import export_ftm

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        data = export_ftm(case, Path(args.out))
    finally:
        case.close()

    def text() -> str:
        return (f"Wrote {data['entities']:,} entities to {Path(args.out).name}: "
                f"{data['companies']:,} companies, {data['declarations']:,} declarations.")

    emit(data, args.json, text)
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("export-ftm", help="write the case as FollowTheMoney entities (JSON lines)")
    p.add_argument("case", metavar="CASE")
    p.add_argument("out", metavar="OUT.jsonl")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_export_ftm)
