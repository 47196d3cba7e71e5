"""Commands on the analyst's record: right of reply, notes, sources, annotations, search,
history."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from workbench.cli.common import Parser, UsageError, emit, progress


def _record_done(data: dict[str, object], as_json: bool, what: str) -> None:
    emit(data, as_json, lambda: f"{what} ({str(data['id'])[:12]}) by {data['author']}.")


def cmd_note(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import save_note

    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        done = save_note(case, args.title, args.text, confidential=args.confidential)
    finally:
        case.close()
    _record_done(event_json(done), args.json, f"Saved note '{done.payload['title']}'")
    return 0


def cmd_source(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import add_source

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path.name or path} does not exist or is not a file.")
    where = [parse_where(w).as_json() for w in args.where]
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        done = add_source(case, path, title=args.title, confidential=args.confidential,
                          companies=args.company, where=where, obtained_by=args.obtained_by,
                          obtained_on=args.obtained_on, reliability=args.reliability)
    finally:
        case.close()
    _record_done(event_json(done), args.json,
                 f"Added source '{done.payload['title']}'{source_words(done.payload)}")
    return 0


def source_words(payload: dict[str, object]) -> str:
    """What became of a new source's content, as the end of a sentence."""
    from workbench.services.source_content import index_note

    table = payload.get("table")
    if isinstance(table, dict):
        sheets = [s for s in table.get("sheets", []) if isinstance(s, dict)]
        rows = sum(int(s.get("rows", 0)) for s in sheets)
        words = (f"; a spreadsheet of {len(sheets)} sheet{'s' if len(sheets) != 1 else ''} "
                 f"and {rows:,} rows, its cells searchable")
        note = index_note(table)
        return words + (f" ({note[0].lower()}{note[1:].rstrip('.')})" if note else "")
    if payload.get("unreadable"):
        return f"; it could not be read ({str(payload['unreadable']).rstrip('.')}), title only"
    return "" if payload.get("text_indexed") else "; its text could not be read, title only"


def cmd_annotate(args: argparse.Namespace) -> int:
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.notes import annotate

    where = [parse_where(w).as_json() for w in args.where or ()]
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        if args.figure:
            from workbench.services.figures import figure_where

            where = figure_where(case, args.figure)
        done = annotate(case, args.text, company=args.company, where=where,
                        tags=args.tag or (), figure=args.figure)
    finally:
        case.close()
    _record_done(event_json(done), args.json, "Added annotation")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.search import fts_query, search, unlisted_rows

    fts_query(args.text)  # refuse an empty search before opening the case
    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        hits = search(case, args.text, limit=args.limit)
    finally:
        case.close()
    data = {"query": args.text, "hits": [h.as_json() for h in hits]}

    def text() -> str:
        if not hits:
            return f"Nothing in the case matches {args.text!r}."
        more = unlisted_rows(hits)
        last = {h.source_sha256: i for i, h in enumerate(hits) if h.source_sha256}
        lines = []
        for i, h in enumerate(hits):
            place = f" — {h.place}" if h.place else ""
            lines.append(f"{h.kind:<11} {h.title}{place}\n            {h.snippet}")
            sha = h.source_sha256
            if sha in more and last[sha] == i:
                lines.append(f"            … and {more[sha]:,} more matching rows in "
                             f"'{h.title}'")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import history

    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        changes = history(case, company=args.company)
    finally:
        case.close()

    def text() -> str:
        return "\n".join(
            f"{e['time'] or 'undated'}  {e['id'][:12]}  {e['author']:<12} {e['summary']}"
            + ("  (undone)" if e["undone"] else "")
            for e in changes
        )

    emit({"events": changes}, args.json, text)
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.history import event_json
    from workbench.services.undo import undo

    case, _ = open_case(Path(args.case), on_import=progress)
    try:
        data = event_json(undo(case, args.event))
    finally:
        case.close()
    summary = str(data["summary"])
    emit(data, args.json, lambda: f"{summary[:1].upper()}{summary[1:]} "
                                  f"({str(data['id'])[:12]}) by {data['author']}.")
    return 0


def _add_record_commands(sub: argparse._SubParsersAction[Parser]) -> None:
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
    p.add_argument("--where", action="append", default=[], metavar="C",
                   help="a filter condition on the shipments the source is about (repeatable)")
    p.add_argument("--obtained-by", metavar="WHO")
    p.add_argument("--obtained-on", metavar="DATE", help="ISO date")
    p.add_argument("--reliability", metavar="GRADE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_source)

    p = sub.add_parser("annotate",
                       help="annotate a company, the shipments a filter selects, or a figure")
    p.add_argument("case", metavar="CASE")
    about = p.add_mutually_exclusive_group(required=True)
    about.add_argument("--company", metavar="NAME")
    about.add_argument("--where", action="append", metavar="C", help="a filter condition")
    about.add_argument("--figure", metavar="NAME", help="a saved figure")
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

    p = sub.add_parser("undo", help="undo one change of the record (an undo's id redoes it)")
    p.add_argument("case", metavar="CASE")
    p.add_argument("event", metavar="ID", help="the change's id (or its first 8+ characters)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_undo)


def cmd_replies(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.replies import replies_report

    today = _iso_date(args.today, "--today") if args.today else None
    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
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

    emit(data, args.json, text)
    return 0


def cmd_reply(args: argparse.Namespace) -> int:
    from workbench.services import replies as rs
    from workbench.services.cases import open_case

    common = {"channel": args.channel, "date": args.date}
    case, _ = open_case(Path(args.case), on_import=progress)
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
    emit(data, args.json, lambda: f"Recorded {done.kind} for {done.payload['company']} "
                                   f"({done.id[:12]}) by {done.author}.")
    return 0


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} {value!r} is not a date (use YYYY-MM-DD).") from None


def register(sub: argparse._SubParsersAction[Parser]) -> None:
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
