"""``workbench share``: a self-contained copy of a case for another bureau."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import Parser, emit, progress


def _report_step(message: str, _fraction: float) -> None:
    if sys.stderr.isatty():
        print(f"{message}…", file=sys.stderr)


def cmd_share(args: argparse.Namespace) -> int:
    from workbench.services.cases import open_case
    from workbench.services.sharing import share_case
    from workbench.store import bundle

    passphrase = bundle.passphrase_from_env_or_prompt(confirm=True) if args.encrypt else None
    case, _ = open_case(Path(args.case), read_only=True, on_import=progress)
    try:
        data = share_case(case, Path(args.out), redact=args.redact, passphrase=passphrase,
                          progress=_report_step)
    finally:
        case.close()

    def text() -> str:
        what = "an encrypted bundle of " if data["encrypted"] else ""
        lines = [f"Wrote {what}a copy of the case to {data['path']} "
                 f"({data['events']:,} events, {data['files']:,} files)."]
        if data["redacted"] is not None:
            left = data["redacted"]
            lines.append(f"Left out {left['notes']} confidential notes, {left['sources']} "
                         f"confidential sources and {left['events']} events in all.")
        return "\n".join(lines)

    emit(data, args.json, text)
    return 0


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser("share", help="write a self-contained copy of the case to send to a "
                                     "colleague (optionally redacted and encrypted)")
    p.add_argument("case", metavar="CASE")
    p.add_argument("out", metavar="OUT")
    p.add_argument("--redact", action="store_true",
                   help="leave out confidential notes and sources and every event naming them")
    p.add_argument("--encrypt", action="store_true",
                   help="seal the copy with a passphrase (from WORKBENCH_PASSPHRASE or a prompt)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_share)
