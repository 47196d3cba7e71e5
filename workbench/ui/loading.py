"""Opening a case (file or folder) into a :class:`CaseSession` for the window.

Reading is split from building the session: :func:`read_case` makes no Qt object, so the window's
start can run it on a worker thread while the splash shows its progress.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from PySide6.QtCore import QObject

from workbench.services.cases import case_settings, load_shipments, open_case, timeline_markers
from workbench.services.companies import CompanyBook, company_book
from workbench.ui.session import CaseSession, CaseSummary


@dataclass(frozen=True)
class CaseRead:
    """What the window needs from a case, read and closed again."""

    path: Path
    summary: CaseSummary
    frame: pd.DataFrame
    companies: CompanyBook


def read_case(path: Path, on_import: Callable[[str], None] | None = None) -> CaseRead:
    """Open ``path`` (building a case folder's case file if needed) and read it; no Qt here.

    Raises :class:`workbench.errors.WorkbenchError` with one sentence when it cannot.
    """
    case, _reports = open_case(Path(path), on_import=on_import)
    try:
        settings = case_settings(case)
        summary = CaseSummary(
            path=case.path,
            title=str(settings["title"]),
            value_column=str(settings["value_column"]),
            key_date=settings["key_date"],  # type: ignore[arg-type]
            coverage_start=settings["coverage_start"],  # type: ignore[arg-type]
            coverage_end=settings["coverage_end"],  # type: ignore[arg-type]
            caveats=settings["caveats"],  # type: ignore[arg-type]
            markers=tuple(timeline_markers(case)),
        )
        frame = load_shipments(case)
        book = company_book(case, frame)
    finally:
        case.close()
    return CaseRead(Path(path), summary, frame, book)


def session_from(read: CaseRead, parent: QObject | None = None) -> CaseSession:
    """The window's session on what :func:`read_case` read."""
    return CaseSession(read.summary, read.frame, parent, companies=read.companies)


def load_session(path: Path, parent: QObject | None = None) -> CaseSession:
    """Open ``path`` and read it for the window (see :func:`read_case`)."""
    return session_from(read_case(path), parent)
