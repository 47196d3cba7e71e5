"""Opening a case (file or folder) into a :class:`CaseSession` for the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from workbench.services.cases import case_settings, load_shipments, open_case, timeline_markers
from workbench.services.companies import company_book
from workbench.ui.session import CaseSession, CaseSummary


def load_session(path: Path, parent: QObject | None = None) -> CaseSession:
    """Open ``path`` (building a case folder's case file if needed) and read it for the window.

    Raises :class:`workbench.errors.WorkbenchError` with one sentence when it cannot.
    """
    case, _reports = open_case(Path(path))
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
    return CaseSession(summary, frame, parent, companies=book)
