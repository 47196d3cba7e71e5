"""What every command shares: one-sentence usage errors, JSON or text output, progress."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import NoReturn

from workbench.errors import WorkbenchError

EXIT_BAD_INPUT = 2


class UsageError(WorkbenchError):
    """The command's words are off."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message[0].upper()}{message[1:].rstrip('.')}; see 'workbench --help'.")


def progress(name: str) -> None:
    if sys.stderr.isatty():
        print(f"Importing {name}…", file=sys.stderr)


def emit(data: dict[str, object], as_json: bool, text: Callable[[], str]) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=None, default=str))
    else:
        print(text())
