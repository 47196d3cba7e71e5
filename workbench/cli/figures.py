"""Commands on figures: list them with their drift, save one from a filter."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def cmd_figures(args: argparse.Namespace) -> int:
    from workbench.services.cases import load_shipments, open_case
    from workbench.services.companies import company_book
    from workbench.services.figures import figure_reports

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        frame = load_shipments(case)
        reports = figure_reports(case, frame, company_book(case, frame))
    finally:
        case.close()
    data = {"figures": [r.as_json() for r in reports]}

    def text() -> str:
        if not reports:
            return "No figures saved yet (save one with 'workbench figure')."
        lines = []
        for r in reports:
            stated = f"  stated '{r.definition.stated}'" if r.definition.stated else ""
            lines.append(f"{r.definition.name}: {r.value:,.2f} in {r.rows:,} rows{stated}")
            lines.append(f"    {r.definition.describe()}")
            lines.extend(f"    DRIFT: {reason}" for reason in r.drift)
            lines.extend(f"    NOTE: {caveat}" for caveat in r.caveats)
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_figure(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import load_shipments, open_case
    from workbench.services.companies import company_book
    from workbench.services.figures import figure_reports, remove_figure, save_figure

    conditions = [parse_where(w) for w in args.where or ()]
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        frame = load_shipments(case)
        book = company_book(case, frame)
        if args.remove:
            remove_figure(case, args.name)
            data: dict[str, object] = {"removed": args.name}
        else:
            save_figure(case, frame, args.name, conditions, book=book, measure_name=args.measure,
                        value_column=args.value, distinct_column=args.distinct,
                        stated=args.stated, sentence=args.sentence)
            [saved] = [r for r in figure_reports(case, frame, book)
                       if r.definition.name == " ".join(args.name.split())]
            data = saved.as_json()
    finally:
        case.close()

    def text() -> str:
        if "removed" in data:
            return f"Removed figure '{args.name}'."
        reasons: list[str] = data["drift_reasons"]  # type: ignore[assignment]
        drift = "".join(f"\n    DRIFT: {r}" for r in reasons)
        return (f"Saved figure '{data['name']}': {data['value']:,.2f} "
                f"in {data['rows']:,} rows{drift}")

    emit(data, args.json, text)
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("figures", help="saved figures: live value, stated value, drift")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_figures)

    p = sub.add_parser("figure", help="save a figure from a filter (or remove one)")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--name", required=True)
    p.add_argument("--where", action="append", metavar="C",
                   help="a filter condition (company=NAME follows merges)")
    p.add_argument("--value", metavar="COL", help="the value column to add up")
    p.add_argument("--measure", choices=("sum", "count", "distinct"), default="sum")
    p.add_argument("--distinct", metavar="COL", help="the column whose distinct values to count")
    p.add_argument("--stated", metavar="TEXT", help="the value as the draft states it")
    p.add_argument("--sentence", metavar="TEXT", help="the draft's sentence")
    p.add_argument("--remove", action="store_true", help="take the figure off the list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_figure)
