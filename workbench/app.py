"""The ``workbench`` command line and the window's entry: the composition root.

Exit 0 on success; exit 2 with one plain sentence on stderr for bad input; ``--json`` prints one
JSON object on stdout. The commands live in ``workbench/cli``, one module per group.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from workbench import __version__
from workbench.cli import (
    companies,
    discrepancies,
    export,
    figures,
    interchange,
    merging,
    record,
    sharing,
    shipments,
)
from workbench.cli.common import EXIT_BAD_INPUT, Parser, UsageError
from workbench.errors import WorkbenchError

GROUPS = (shipments, discrepancies, companies, record, figures, export, interchange, sharing,
          merging)


def cmd_open(path: str | None) -> int:
    """Open the window on a case file, folder or bundle (none: the start page).

    A path that cannot be opened shows the start page with the reason, never an empty window;
    a bare word that is no file is a mistyped command, refused before any window appears.
    """
    if path is not None and not Path(path).exists() and looks_like_a_command(path):
        raise UsageError(f"{path} is neither a command nor a file or folder; "
                         "see 'workbench --help'.")
    from workbench.ui.app import run

    global _window_ran
    _window_ran = True
    return run(path)


#: Set once the window has run in this process: the console entry then ends it at once.
_window_ran = False


def exit_process(code: int) -> NoReturn:
    """The console entry's end: quick after the window (see :func:`_leave`), else plain."""
    if _window_ran:
        _leave(code)
    sys.exit(code)


def _leave(code: int) -> NoReturn:
    """End the process once the window has closed, without the interpreter's slow teardown.

    Everything the reporter did is committed by then (each change is its own SQLite
    transaction), so only the exit handlers (logging's flush among them) are still run.
    Freeing every pandas frame and Qt object one by one would keep a dead window's process
    alive for half a second or more.
    """
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def looks_like_a_command(word: str) -> bool:
    """A word without a folder or an extension (``frobnicate``), not a path (``x.wbcase``)."""
    return "/" not in word and "\\" not in word and not Path(word).suffix


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="workbench",
        description="Case Workbench: build a story out of customs records and prove every number.",
        epilog="Run 'workbench PATH' to open a case file or case folder.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this install headless on a copy of the sample case")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for group in GROUPS:
        group.register(sub)
    return parser


def _commands() -> tuple[str, ...]:
    actions = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return tuple(actions[0].choices) if actions else ()


COMMANDS = _commands()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
            return cmd_open(argv[0] if argv else None)
        args = build_parser().parse_args(argv)
        if args.self_test:
            from workbench.cli import selftest

            return selftest.run()
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
