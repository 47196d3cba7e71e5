"""Every file dialog the window shows, in one place (tests answer them by replacing these).

Each function returns a :class:`~pathlib.Path` (or a list of them), or ``None`` / ``[]`` when the
reporter cancels. Callers never use ``QFileDialog`` themselves.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def open_file(parent: QWidget | None, title: str, start: Path | str = "",
              pattern: str = "") -> Path | None:
    """One existing file to read."""
    name, _ = QFileDialog.getOpenFileName(parent, title, str(start), pattern)
    return Path(name) if name else None


def open_files(parent: QWidget | None, title: str, start: Path | str = "",
               pattern: str = "") -> list[Path]:
    """Existing files to read (none when cancelled)."""
    names, _ = QFileDialog.getOpenFileNames(parent, title, str(start), pattern)
    return [Path(n) for n in names]


def open_folder(parent: QWidget | None, title: str, start: Path | str = "") -> Path | None:
    """An existing folder."""
    name = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(name) if name else None


def save_file(parent: QWidget | None, title: str, suggested: Path | str,
              pattern: str = "") -> tuple[Path, str] | None:
    """Where to write a new file, with the file type chosen (the pattern's entry)."""
    name, chosen = QFileDialog.getSaveFileName(parent, title, str(suggested), pattern)
    return (Path(name), chosen) if name else None


def suggested_output(case_path: Path, title: str, what: str, suffix: str,
                     on: date | None = None) -> Path:
    """``<title> - <what> <date><suffix>`` in the folder that holds the case file.

    For a case folder that folder is the case folder itself, whose own inputs live in its
    sub-folders, so an export never lands among the spreadsheets it is built from.
    """
    day = (on or date.today()).isoformat()
    name = " ".join(re.sub(r'[\\/:*?"<>|]+', " ", title).split()) or Path(case_path).stem
    return Path(case_path).parent / f"{name} - {what} {day}{suffix}"
