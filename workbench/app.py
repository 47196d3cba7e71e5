"""The ``workbench`` command line: a thin shell over the services.

Exit 0 on success; exit 2 with one plain sentence on stderr for bad input; ``--json`` prints one
JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from workbench import __version__
from workbench.errors import WorkbenchError

EXIT_BAD_INPUT = 2


class UsageError(WorkbenchError):
    """The command's words are off."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message[0].upper()}{message[1:].rstrip('.')}; see 'workbench --help'.")


def _progress(name: str) -> None:
    if sys.stderr.isatty():
        print(f"Importing {name}…", file=sys.stderr)


def _emit(data: dict[str, object], as_json: bool, text: Callable[[], str]) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=None, default=str))
    else:
        print(text())


# -- commands ---------------------------------------------------------------------------------


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
    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        reports = [import_file(case, path, options) for path in paths]
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
        "files": [r.as_json() for r in reports],
    }

    def text() -> str:
        lines = []
        for r in reports:
            lines.append(
                f"{r.file}: {r.imported:,} imported, {r.duplicates:,} duplicates, "
                f"{r.rejected:,} rejected"
            )
            lines.extend(f"  - {n}" for n in r.notes)
            for x in r.rejects[:20]:
                sheet = f" sheet {x['sheet']}" if x["sheet"] else ""
                lines.append(f"  rejected{sheet} row {x['row']}: {x['reason']}")
            if len(r.rejects) > 20:
                lines.append(f"  … and {len(r.rejects) - 20:,} more (use --json for all)")
        return "\n".join(lines)

    _emit(data, args.json, text)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from workbench.services.cases import case_info, open_case

    case, _ = open_case(Path(args.case), read_only=True, on_import=_progress)
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
        return "\n".join(lines)

    _emit(info, args.json, text)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.analysis.query import run_query
    from workbench.services.cases import load_shipments, open_case, value_column

    conditions = [parse_where(w) for w in args.where]
    case, _ = open_case(Path(args.case), read_only=True, on_import=_progress)
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

    _emit(data, args.json, text)
    return 0


def cmd_companies(args: argparse.Namespace) -> int:
    from workbench.services import companies as co
    from workbench.services.cases import load_shipments, open_case

    deciding = any((args.accept, args.reject, args.merge, args.split, args.rename, args.undo))
    case, _ = open_case(Path(args.case), read_only=not deciding, on_import=_progress)
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

    _emit(data, args.json, text)
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
    case, _ = open_case(Path(args.case), on_import=_progress)
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

    _emit(data, args.json, text)
    return 0


# -- notes, sources, annotations, search, history -----------------------------------------


def _record_done(data: dict[str, object], as_json: bool, what: str) -> None:
    _emit(data, as_json, lambda: f"{what} ({str(data['id'])[:12]}) by {data['author']}.")


def cmd_note(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import save_note

    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        done = save_note(case, args.title, args.text, confidential=args.confidential)
    finally:
        case.close()
    _record_done(event_json(done), args.json, f"Saved note '{done.payload['title']}'")
    return 0


def cmd_source(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import add_source

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path.name or path} does not exist or is not a file.")
    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        done = add_source(case, path, title=args.title, confidential=args.confidential,
                          companies=args.company, obtained_by=args.obtained_by,
                          obtained_on=args.obtained_on, reliability=args.reliability)
    finally:
        case.close()
    extra = "" if done.payload["text_indexed"] else "; its text could not be read, title only"
    _record_done(event_json(done), args.json, f"Added source '{done.payload['title']}'{extra}")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import annotate

    where = [parse_where(w).as_json() for w in args.where]
    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        done = annotate(case, args.text, company=args.company, where=where, tags=args.tag)
    finally:
        case.close()
    _record_done(event_json(done), args.json, "Added annotation")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.search import fts_query, search

    fts_query(args.text)  # refuse an empty search before opening the case
    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        hits = search(case, args.text, limit=args.limit)
    finally:
        case.close()
    data = {"query": args.text, "hits": [h.as_json() for h in hits]}

    def text() -> str:
        if not hits:
            return f"Nothing in the case matches {args.text!r}."
        return "\n".join(f"{h.kind:<11} {h.title}\n            {h.snippet}" for h in hits)

    _emit(data, args.json, text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import history

    case, _ = open_case(Path(args.case), read_only=True, on_import=_progress)
    try:
        changes = history(case, company=args.company)
    finally:
        case.close()

    def text() -> str:
        return "\n".join(f"{e['time']}  {e['author']:<12} {e['summary']}" for e in changes)

    _emit({"events": changes}, args.json, text)
    return 0


def _add_record_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    p = sub.add_parser("note", help="save a Markdown note")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--title", required=True)
    p.add_argument("--text", required=True, help="the note's Markdown text")
    p.add_argument("--confidential", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_note)

    p = sub.add_parser("source", help="keep a source document inside the case")
    p.add_argument("case", metavar="CASE")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--title", help="default: the file name")
    p.add_argument("--confidential", action="store_true",
                   help="protects the identity of a human source")
    p.add_argument("--company", action="append", default=[], metavar="NAME",
                   help="a company the source is about (repeatable)")
    p.add_argument("--obtained-by", metavar="WHO")
    p.add_argument("--obtained-on", metavar="DATE", help="ISO date")
    p.add_argument("--reliability", metavar="GRADE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_source)

    p = sub.add_parser("annotate", help="annotate a company or the shipments a filter selects")
    p.add_argument("case", metavar="CASE")
    about = p.add_mutually_exclusive_group(required=True)
    about.add_argument("--company", metavar="NAME")
    about.add_argument("--where", action="append", metavar="C", help="a filter condition")
    p.add_argument("--text", required=True)
    p.add_argument("--tag", action="append", default=[], metavar="X", help="repeatable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_annotate)

    p = sub.add_parser("search", help="search notes, sources, annotations, companies, goods")
    p.add_argument("case", metavar="CASE")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("history", help="who changed what, and when")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--company", metavar="NAME", help="only changes naming this company")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_history)


def cmd_replies(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.replies import replies_report

    today = _iso_date(args.today, "--today") if args.today else None
    case, _ = open_case(Path(args.case), read_only=True, on_import=_progress)
    try:
        data = replies_report(case, today)
    finally:
        case.close()

    def text() -> str:
        companies = data["companies"]
        if not companies:
            return "No right-of-reply entry yet."
        lines = []
        for c in companies:
            flag = " (overdue)" if c["overdue"] else ""
            lines.append(f"{c['name']}: {c['status']}{flag}")
            lines.append(f"  wording: {c['wording'] or '(nothing to print yet)'}")
            lines.append(f"  deadline: {c['deadline'] or 'none'}  "
                         f"last contact: {c['last_contact'] or 'none'}")
            for r in c["replies"]:
                who = f", {r['who']}" if r.get("who") else ""
                mark = "  [contradicts the earlier answer]" if r["contradicts"] else ""
                late = " (late)" if r["late"] else ""
                said = r.get("text") or r["kind"]
                lines.append(f"  {r['date']} {r['channel']}{who}{late}: {said}{mark}")
        return "\n".join(lines)

    _emit(data, args.json, text)
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    from workbench.services import replies as rs
    from workbench.services.cases import open_case

    common = {"channel": args.channel, "date": args.date}
    case, _ = open_case(Path(args.case), on_import=_progress)
    try:
        if args.kind == "request":
            done = rs.log_request(case, args.company, **common, to=args.to,
                                  deadline=args.deadline, questions=args.text,
                                  extension_until=args.extension_until)
        elif args.kind == "attempt":
            done = rs.log_attempt(case, args.company, **common, outcome=args.outcome or "",
                                  to=args.to, text=args.text)
        elif args.kind == "reply":
            done = rs.log_response(case, args.company, **common, text=args.text or "",
                                   who=args.who, on_record=args.on_record)
        else:
            done = rs.log_declined(case, args.company, **common, who=args.who, text=args.text)
    finally:
        case.close()
    data = {"id": done.id, "kind": done.kind, "author": done.author, "payload": done.payload}
    _emit(data, args.json, lambda: f"Recorded {done.kind} for {done.payload['company']} "
                                   f"({done.id[:12]}) by {done.author}.")
    return 0


def cmd_open(path: str | None) -> int:
    """Open the window on a case file or folder (none: the start page)."""
    if path is not None and not Path(path).exists():
        raise UsageError(f"{Path(path).name or path} does not exist.")
    from workbench.ui.app import run

    return run(path)


# -- parsing ----------------------------------------------------------------------------------


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


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date (use YYYY-MM-DD).") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="workbench",
        description="Case Workbench: build a story out of customs records and prove every number.",
        epilog="Run 'workbench PATH' to open a case file or case folder.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

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

    p = sub.add_parser("replies", help="right of reply per company: status and wording")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--today", metavar="YYYY-MM-DD", help="judge deadlines as of this date")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_replies)

    p = sub.add_parser("reply", help="log a comment request, attempt, reply or refusal")
    p.add_argument("case", metavar="CASE")
    p.add_argument("--company", required=True, metavar="NAME")
    p.add_argument("--kind", required=True, choices=("request", "attempt", "reply", "declined"))
    p.add_argument("--channel", required=True, metavar="C",
                   help="email, phone, letter, visit or messenger")
    p.add_argument("--date", required=True, metavar="YYYY-MM-DD")
    p.add_argument("--deadline", metavar="YYYY-MM-DD", help="for a request")
    p.add_argument("--extension-until", metavar="YYYY-MM-DD", help="an extended deadline")
    p.add_argument("--to", metavar="WHO", help="the company, its press office, a named person")
    p.add_argument("--who", metavar="WHO", help="who answered")
    p.add_argument("--text", metavar="T", help="the questions, the answer or a note")
    p.add_argument("--outcome", metavar="O", help="for an attempt: 'no answer', 'bounced'...")
    p.add_argument("--on-record", dest="on_record", action="store_true", default=True)
    p.add_argument("--off-record", dest="on_record", action="store_false")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_reply)
    _add_record_commands(sub)
    return parser


COMMANDS = ("new", "import", "info", "query", "companies", "screen", "replies", "reply")
COMMANDS += ("note", "source", "annotate", "search", "history")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
            return cmd_open(argv[0] if argv else None)
        args = build_parser().parse_args(argv)
        if not getattr(args, "run", None):
            build_parser().print_help()
            return 0
        return int(args.run(args))
    except WorkbenchError as exc:
        print(_one_sentence(str(exc)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        sys.stderr.close()  # the reader of our output went away (``| head``); nothing to say
        return 0
    except KeyboardInterrupt:
        print("Interrupted; nothing half-written was kept.", file=sys.stderr)
        return 130


def _one_sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."
