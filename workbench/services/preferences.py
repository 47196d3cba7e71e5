"""The reporter's own settings, shared by the window and the command line.

One small JSON file, ``preferences.json``, in the user's configuration folder (or in
``WORKBENCH_CONFIG_DIR`` when set, which tests always set): the reporter's name and initials (the
author of every change) and how numbers and dates are shown. It is read without Qt so
``workbench reply ...`` records the same author as the window. A file that cannot be read or
holds nonsense is reported by :func:`load` as a problem and the defaults are used; it is never
half-applied.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store.durable import atomic_target

VERSION = 1
FILE_NAME = "preferences.json"
APP_FOLDER = "case-workbench"

#: Number styles by their key: thousands separator and decimal mark.
NUMBER_STYLES: dict[str, tuple[str, str]] = {
    "1,234.56": (",", "."),
    "1 234,56": ("\u00a0", ","),
    "1.234,56": (".", ","),
}
#: Date styles by their key: a ``strftime`` pattern (ISO is the default and what --json prints).
DATE_STYLES: dict[str, str] = {
    "2024-06-05": "%Y-%m-%d",
    "05.06.2024": "%d.%m.%Y",
    "05/06/2024": "%d/%m/%Y",
    "5 Jun 2024": "%-d %b %Y" if sys.platform != "win32" else "%#d %b %Y",
}


@dataclass(frozen=True)
class Preferences:
    """What the reporter set; empty ``name`` means they have not said who they are yet."""

    name: str = ""
    initials: str = ""
    number_style: str = "1,234.56"
    date_style: str = "2024-06-05"

    def format_number(self, text: str) -> str:
        """``1,234.56`` (as Python formats with ``,``) in the chosen style."""
        thousands, decimal = NUMBER_STYLES.get(self.number_style, (",", "."))
        if (thousands, decimal) == (",", "."):
            return text
        return text.translate({ord(","): "\x00", ord("."): decimal}).replace("\x00", thousands)

    def format_date(self, day: date) -> str:
        return day.strftime(DATE_STYLES.get(self.date_style, "%Y-%m-%d"))


def config_dir() -> Path:
    """``WORKBENCH_CONFIG_DIR``, else the platform's folder for a user's settings."""
    override = os.environ.get("WORKBENCH_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP_FOLDER
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_FOLDER
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / APP_FOLDER


def path() -> Path:
    return config_dir() / FILE_NAME


def check(prefs: Preferences) -> Preferences:
    """``prefs`` with its text tidied; a style that does not exist is refused in a sentence."""
    if prefs.number_style not in NUMBER_STYLES:
        raise WorkbenchError(f"{prefs.number_style!r} is not a number style this app knows.")
    if prefs.date_style not in DATE_STYLES:
        raise WorkbenchError(f"{prefs.date_style!r} is not a date style this app knows.")
    name = " ".join(prefs.name.split())
    initials = "".join(prefs.initials.split())[:6]
    if len(name) > 120:
        raise WorkbenchError("A name of more than 120 characters is too long.")
    return replace(prefs, name=name, initials=initials)


def load() -> tuple[Preferences, str | None]:
    """The saved preferences and, when the file could not be used, the reason in a sentence."""
    file = path()
    if not file.exists():
        return Preferences(), None
    try:
        raw = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Preferences(), f"{file} could not be read ({exc}); the defaults are used."
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), int):
        return Preferences(), f"{file} is not a preferences file; the defaults are used."
    if raw["version"] > VERSION:
        return Preferences(), (f"{file} was written by a newer version of the app; "
                               "the defaults are used.")
    known = {f.name for f in fields(Preferences)}
    values = {k: v for k, v in raw.items() if k in known}
    if not all(isinstance(v, str) for v in values.values()):
        return Preferences(), f"{file} holds a setting that is not text; the defaults are used."
    try:
        return check(Preferences(**values)), None
    except WorkbenchError as exc:
        return Preferences(), f"{file}: {exc} The defaults are used."


def save(prefs: Preferences) -> Preferences:
    """Write ``prefs`` (checked) atomically; returns what was written."""
    prefs = check(prefs)
    file = path()
    file.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": VERSION, **asdict(prefs)}, ensure_ascii=False, indent=2)
    with atomic_target(file) as tmp:
        Path(tmp).write_text(text + "\n", encoding="utf-8")
    return prefs
