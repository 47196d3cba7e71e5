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

from workbench.analysis import replies as replies_analysis
from workbench.analysis.frame_view import FrameView
from workbench.analysis.view_state import FILTER, FilterHistory, StateChange, ViewState
from workbench.services import companies as companies_service
from workbench.services import discrepancies as discrepancies_service
from workbench.services import undo as undo_service
from workbench.services.companies import CompanyBook, company_book
from workbench.services.discrepancies import ChoicesInForce, Listed
from workbench.services.history import summarise
from workbench.store import shipments as shipments_store
from workbench.store.case import CaseFile
from workbench.store.events import UNDO, Event

_LABEL_WIDTH = 40


#: Kinds of events that change who a company is or what its profile shows.
_COMPANY_KINDS = frozenset({*companies_service.DECISIONS, companies_service.SCREENED,
                            *replies_analysis.KINDS})


def _touches_companies(event: Event) -> bool:
    kind = event.payload.get("kind") if event.kind == UNDO else event.kind
    return kind == UNDO or kind in _COMPANY_KINDS  # an undo of an undo: refold to be safe


def _touches_counted_values(event: Event) -> bool:
    """A choice of which value counts, or an undo (of an undo) that may take one back."""
    kind = event.payload.get("kind") if event.kind == UNDO else event.kind
    return kind in (discrepancies_service.CHOSEN, UNDO)


@dataclass
class EditStep:
    """One step of Edit > Undo: a filter change, or a change to the record (an event id)."""

    label: str
    event_id: str | None = None  # None for a filter step
    undo_id: str | None = None  # the undo event, once undone


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
        self.history.on_step = lambda: self._push(EditStep("filter change"))
        self._past: list[EditStep] = []
        self._future: list[EditStep] = []
        self.view = FrameView(frame)
        self._row_keys: np.ndarray | None = None
        self._choices: ChoicesInForce | None = None
        self._discrepancy_counts: np.ndarray | None = None
        self._unsubscribe = self.state.subscribe(self._on_state_changed)

    def _on_state_changed(self, change: StateChange) -> None:
        if FILTER in change:
            self.view.set_filter(self.state.conditions, self.state.search)
        self.changed.emit(change)

    # -- changing the record ------------------------------------------------------------------

    def record(self, write: Callable[[CaseFile], Event], *, undoable: bool = True) -> Event:
        """Run one write against the case file, refold the companies and announce it.

        ``write`` records one event (through a service) and returns it; the step goes on the
        window's undo stack unless ``undoable`` is False.
        """
        if self._choices is None:  # what counts before the write, to take back what it undoes
            self._choices = self._load_choices()
        case = CaseFile.open(self.summary.path)
        recounted = False
        try:
            event = write(case)
            if _touches_counted_values(event):
                recounted = self._recount(case)
            if recounted or _touches_companies(event):  # ~0.2 s at a million rows
                self.companies = company_book(case, self.frame)
        finally:
            case.close()
        self._announce(event, undoable, recounted)
        return event

    def recorded(self, event: Event, *, undoable: bool = True) -> None:
        """An event a worker thread wrote (on its own connection): refold if it concerns the
        companies, put it on the undo stack and announce it, as :meth:`record` does."""
        if _touches_companies(event):
            case = CaseFile.open(self.summary.path, read_only=True)
            try:
                self.companies = company_book(case, self.frame)
            finally:
                case.close()
        self._announce(event, undoable)

    def _announce(self, event: Event, undoable: bool, recounted: bool = False) -> None:
        if undoable:
            summary = (f"removal of {event.payload.get('summary')}" if event.kind == UNDO
                       else summarise(event.kind, event.payload))
            label = summary if len(summary) <= _LABEL_WIDTH else summary[:_LABEL_WIDTH - 1] + "…"
            self._push(EditStep(label, event.id))
        if recounted:
            self.state.values_changed(source=self)
        else:
            self.state.record_changed(source=self)

    # -- which value counts where extracts disagree ------------------------------------------

    def _open_read_only(self) -> CaseFile:
        return CaseFile.open(self.summary.path, read_only=True)

    @property
    def row_keys(self) -> np.ndarray:
        """Each frame row's declaration key (0 for rows matched by content)."""
        if self._row_keys is None:
            case = self._open_read_only()
            try:
                self._row_keys = shipments_store.keys(case.conn)[0]
            finally:
                case.close()
        return self._row_keys

    @property
    def choices(self) -> ChoicesInForce:
        """The chosen values the frame counts (as it was loaded, or since recounted)."""
        if self._choices is None:
            self._choices = self._load_choices()
        return self._choices

    def _load_choices(self) -> ChoicesInForce:
        case = self._open_read_only()
        try:
            return discrepancies_service.in_force(case, self._row_keys)
        finally:
            case.close()

    def discrepancy_counts(self) -> np.ndarray:
        """Per frame row, on how many fields another extract says something else."""
        if self._discrepancy_counts is None:
            case = self._open_read_only()
            try:
                if discrepancies_service.any_offered(case):
                    self._discrepancy_counts = discrepancies_service.marks(case, self.row_keys)
                else:  # most cases: no row keys to read
                    self._discrepancy_counts = np.zeros(len(self.frame), dtype=np.int8)
            finally:
                case.close()
        return self._discrepancy_counts

    def discrepancies_at(self, position: int) -> list[Listed]:
        """What other extracts say about the shipment in frame row ``position``."""
        key = int(self.row_keys[position]) if position < len(self.row_keys) else 0
        if not key or not self.discrepancy_counts()[position]:
            return []
        case = self._open_read_only()
        try:
            return discrepancies_service.shipment_discrepancies(case, key)
        finally:
            case.close()

    def choose_value(self, listed: Listed, *, keep_held: bool = False) -> Event:
        """Count another extract's value (or the held one again): an undoable change."""
        return self.record(lambda case: discrepancies_service.choose(
            case, listed.discrepancy, keep_held=keep_held))

    def _recount(self, case: CaseFile) -> bool:
        """Apply the choices now in force to the frame; True when a value changed."""
        before = self.choices
        now = discrepancies_service.in_force(case, self.row_keys)
        self._choices = now
        frame = discrepancies_service.apply_choices(self.frame, now, before)
        if frame is self.frame:
            return False
        sort = (self.view.sort_column, self.view.ascending)
        self.frame = frame
        self.view = FrameView(frame)
        self.view.set_sort(*sort)
        return True

    def decide(self, decision: Callable[..., Event], *args: object) -> Event:
        """Record a company decision (a function of ``services.companies``) and refold."""

        def write(case: CaseFile) -> Event:
            if decision in (companies_service.accept, companies_service.reject):
                book = self.companies or company_book(case, self.frame)
                return decision(case, book, *args)
            return decision(case, *args)

        return self.record(write)

    def undo_change(self, event_id: str) -> Event:
        """Undo any change of the record (one's own or a colleague's, from any day)."""
        return self.record(lambda case: undo_service.undo(case, event_id))

    # -- Edit > Undo and Redo -------------------------------------------------------------------

    def _push(self, step: EditStep) -> None:
        self._past.append(step)
        self._future.clear()
        if step.event_id is not None:
            self.history.forget_redo()

    @property
    def undo_label(self) -> str | None:
        return self._past[-1].label if self._past else None

    @property
    def redo_label(self) -> str | None:
        return self._future[-1].label if self._future else None

    def undo(self) -> None:
        """Undo the latest step, a filter change or a change to the record."""
        if not self._past:
            return
        step = self._past.pop()
        if step.event_id is None:
            self.history.undo()
        else:
            undone = self.record(lambda case: undo_service.undo(case, str(step.event_id)),
                                 undoable=False)
            step.undo_id = undone.id
        self._future.append(step)

    def redo(self) -> None:
        """Redo the step undone last (for the record: an undo of the undo, also logged)."""
        if not self._future:
            return
        step = self._future.pop()
        if step.event_id is None:
            self.history.redo()
        else:
            self.record(lambda case: undo_service.undo(case, str(step.undo_id)), undoable=False)
            step.undo_id = None
        self._past.append(step)

    def replace_frame(self, frame: pd.DataFrame) -> None:
        """New shipments (after an import): keep the filter, recompute everything."""
        sort = (self.view.sort_column, self.view.ascending)
        self.frame = frame
        self.view = FrameView(frame)
        self.view.set_sort(*sort)
        self._row_keys = self._choices = self._discrepancy_counts = None
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
