"""The open case as the window sees it: the shipment frame, the shared view state, the markers.

The session is the one adapter between the Qt-free :class:`ViewState` and the panels: it
recomputes the filtered rows once per change and then emits ``changed`` for every panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, Signal

from workbench.analysis.frame_view import FrameView
from workbench.analysis.view_state import FILTER, FilterHistory, StateChange, ViewState
from workbench.services import companies as companies_service
from workbench.services.companies import CompanyBook, company_book
from workbench.store.case import CaseFile


@dataclass(frozen=True)
class CaseSummary:
    """What the panels need to know about the case besides its shipments."""

    path: Path
    title: str
    value_column: str = "stat_value_usd"
    key_date: str | None = None
    coverage_start: str | None = None
    coverage_end: str | None = None
    caveats: tuple[str, ...] = ()
    markers: tuple[dict[str, str], ...] = field(default_factory=tuple)


class CaseSession(QObject):
    """One open case. Panels read ``frame``, ``view`` and ``state`` and listen to ``changed``."""

    changed = Signal(object)  # StateChange

    def __init__(
        self,
        summary: CaseSummary,
        frame: pd.DataFrame,
        parent: QObject | None = None,
        companies: CompanyBook | None = None,
    ):
        super().__init__(parent)
        self.summary = summary
        self.frame = frame
        self.companies = companies
        self.state = ViewState()
        # Subscribed before the session itself, so undo is ready when panels hear of a change.
        self.history = FilterHistory(self.state)
        self.view = FrameView(frame)
        self._unsubscribe = self.state.subscribe(self._on_state_changed)

    def _on_state_changed(self, change: StateChange) -> None:
        if FILTER in change:
            self.view.set_filter(self.state.conditions, self.state.search)
        self.changed.emit(change)

    def decide(self, decision: Callable[..., object], *args: object) -> None:
        """Record a company decision (a function of ``services.companies``) and refold."""
        case = CaseFile.open(self.summary.path)
        try:
            book = self.companies or company_book(case, self.frame)
            if decision in (companies_service.accept, companies_service.reject):
                decision(case, book, *args)
            else:
                decision(case, *args)
            self.companies = company_book(case, self.frame)
        finally:
            case.close()
        self.state.companies_changed(source=self)

    def replace_frame(self, frame: pd.DataFrame) -> None:
        """New shipments (after an import): keep the filter, recompute everything."""
        sort = (self.view.sort_column, self.view.ascending)
        self.frame = frame
        self.view = FrameView(frame)
        self.view.set_sort(*sort)
        case = CaseFile.open(self.summary.path, read_only=True)
        try:
            self.companies = company_book(case, frame)
        finally:
            case.close()
        self.state.data_changed(source=self)

    @property
    def filtered_rows(self) -> np.ndarray:
        return self.view.filtered

    def filtered_total(self) -> float:
        """Sum of the case's value basis over the filtered rows."""
        column = self.summary.value_column
        if column not in self.frame:
            return 0.0
        values = self.frame[column].to_numpy(dtype="float64", na_value=np.nan)
        return float(np.nansum(values[self.view.filtered]))

    def close(self) -> None:
        self._unsubscribe()
