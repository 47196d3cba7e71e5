"""Commands on overlapping extracts: list the discrepancies, choose which value counts."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def cmd_discrepancies(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.discrepancies import field_label, format_value, list_discrepancies

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        found = list_discrepancies(case)
    finally:
        case.close()
    data = found.as_json()

    def text() -> str:
        if not found.items:
            lines = ["No discrepancies: every extract agrees on the shipments they share."]
        else:
            lines = [f"{found.summary.total:,} discrepancies in {found.summary.shipments:,} "
                     "shipments (the held value counts unless another was chosen):"]
        for x in found.items:
            d = x.discrepancy
            sheet = f" sheet {d.sheet}" if d.sheet else ""
            counted = "  [offered value counts]" if x.counted == "offered" else ""
            lines.append(
                f"  {x.id}  {d.declaration_no} item {d.item_no}  {field_label(d.field)} "
                f"({d.kind}): {format_value(d.field, d.held)} held, "
                f"{format_value(d.field, d.offered)} in {d.file}{sheet} row {d.row}{counted}")
        lines.extend(f"  not applied: {p}" for p in found.problems)
        if found.items:
            lines.append("Count an offered value with 'workbench choose-value CASE ID'.")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_choose_value(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.discrepancies import choose, find
    from workbench.services.history import event_json

    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        listed = find(case, args.id)
        data = event_json(choose(case, listed.discrepancy, keep_held=args.held))
    finally:
        case.close()
    emit(data, args.json, lambda: f"{str(data['summary'])[0].upper()}{str(data['summary'])[1:]}.")
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("discrepancies",
                       help="values on which overlapping extracts disagree, and which counts")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_discrepancies)

    p = sub.add_parser("choose-value",
                       help="count another extract's value for a shipment (an undoable change)")
    p.add_argument("case", metavar="CASE")
    p.add_argument("id", metavar="ID", help="the discrepancy's id from 'workbench discrepancies'")
    p.add_argument("--held", action="store_true",
                   help="count the value the case held first again")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_choose_value)
