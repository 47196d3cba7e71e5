"""Commands on companies: the spellings behind them, decisions, sanctions screening."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def cmd_companies(args: argparse.Namespace) -> int:
    from workbench.services import companies as co
    from workbench.services.cases import load_shipments, open_case

    deciding = any((args.accept, args.reject, args.merge, args.split, args.rename, args.undo))
    case, _ = open_case(Path(args.case), read_only=not deciding, on_import=progress)
    try:
        frame = load_shipments(case)
        book = co.company_book(case, frame)
        done = None
        if args.accept:
            done = co.accept(case, book, args.accept)
        elif args.reject:
            done = co.reject(case, book, args.reject)
        elif args.merge:
            done = co.merge(case, args.merge)
        elif args.split:
            done = co.split(case, args.split)
        elif args.rename:
            done = co.rename(case, args.rename[0], args.rename[1])
        elif args.undo:
            done = co.undo_last(case)
        if done is not None:
            book = co.company_book(case, frame)
    finally:
        case.close()
    data = book.as_json()
    if done is not None:
        data["decision"] = {"id": done.id, "kind": done.kind, "author": done.author,
                            "payload": done.payload}

    def text() -> str:
        lines = []
        if done is not None:
            lines.append(f"Recorded {done.kind} ({done.id[:12]}) by {done.author}.")
        for c in book.companies:
            lines.append(f"{c.name}: {c.total:,.2f} in {c.shipments:,} shipments "
                         f"({c.first} to {c.last})")
            if len(c.aliases) > 1:
                lines.extend(f"    also {a} ({n:,})" for a, n in c.aliases.items() if a != c.name)
        if book.suggestions:
            lines.append("Suggestions (accept with --accept N, reject with --reject N):")
            for i, sug in enumerate(book.suggestions, start=1):
                lines.append(f"  {i}. {' = '.join(sug.names)}  [{sug.score:.0f}: {sug.reason}]")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from workbench.analysis.sanctions import (
        FORMAT_NAMES,
        case_companies,
        check_threshold,
        list_format,
        load_list,
        screen,
    )
    from workbench.services.cases import load_shipments, open_case, value_column
    from workbench.services.companies import record_screening

    check_threshold(args.threshold)
    list_format(Path(args.list_file))  # refuse a file that is no list before opening the case
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        frame = load_shipments(case)
        value = value_column(case)
        listed = load_list(Path(args.list_file), names=case_companies(frame))
        result = screen(frame, listed, threshold=args.threshold, value=value)
        record_screening(case, Path(args.list_file), result.as_json())
    finally:
        case.close()
    data = result.as_json()
    if args.rows:
        for hit, hit_json in zip(result.hits, data["hits"], strict=True):  # type: ignore[arg-type]
            hit_json["rows"] = hit.shipments_around(frame)

    def text() -> str:
        head = (f"{result.source}: {result.entities:,} listed entities "
                f"({FORMAT_NAMES[result.source_format]}), threshold {result.threshold:g}")
        if not result.hits:
            return f"{head}\nNo company of the case ({result.companies:,} names) is on the list."
        lines = [head]
        for hit, hit_json in zip(result.hits, data["hits"], strict=True):  # type: ignore[arg-type]
            lines.append(hit.describe())
            lines.extend(
                f"    {r['date']}  {r['declaration_no']} item {r['item_no']}: {r['listing']} "
                f"the listing ({r['source_file']} row {r['source_row']})"
                for r in hit_json.get("rows", [])
            )
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


# -- notes, sources, annotations, search, history -----------------------------------------


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("companies", help="companies behind the spellings; accept or undo merges")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--json", action="store_true")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--accept", type=int, metavar="N", help="accept suggestion N")
    group.add_argument("--reject", type=int, metavar="N", help="reject suggestion N")
    group.add_argument("--merge", nargs="+", metavar="NAME", help="merge these spellings")
    group.add_argument("--split", nargs="+", metavar="NAME", help="split these spellings off")
    group.add_argument("--rename", nargs=2, metavar=("SPELLING", "DISPLAY"),
                       help="display name of the company holding SPELLING")
    group.add_argument("--undo", action="store_true", help="undo the last company decision")
    p.set_defaults(run=cmd_companies)

    p = sub.add_parser("screen", help="match the case's companies against a sanctions list")
    p.add_argument("case", metavar="CASE")
    p.add_argument("list_file", metavar="LIST_FILE",
                   help="OpenSanctions targets.simple.csv, FollowTheMoney JSON lines, or a CSV "
                        "of name, list, listing date")
    p.add_argument("--threshold", type=float, default=90.0, metavar="N",
                   help="lowest fuzzy score counted as a hit, 0-100 (default: 90)")
    p.add_argument("--rows", action="store_true",
                   help="list every shipment of a listed company, before or after its listing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_screen)
