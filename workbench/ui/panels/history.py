"""The case's history: every change, newest first, filtered by company or by words."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.view_state import RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.labels import event_label, field_label
from workbench.services.history import history, summarise
from workbench.services.undo import NOT_UNDOABLE
from workbench.store import events
from workbench.store.case import CaseFile
from workbench.ui.models.summary_model import Column, SummaryModel
from workbench.ui.panels.base import Panel, list_table
from workbench.ui.session import CaseSession

COLUMNS = [
    Column("time", field_label("time")),
    Column("author", field_label("author")),
    Column("kind", field_label("kind")),
    Column("summary", field_label("summary")),
    Column("state", ""),
]
UNDONE_COLOUR = QColor("#8a8a8a")
#: Milliseconds to wait after typing before the filters apply.
DEBOUNCE_MS = 250


def _shown_time(iso: str) -> str:
    """``2024-05-27T09:00:00.000Z`` as ``2024-05-27 09:00:00``."""
    return iso[:19].replace("T", " ")


def _payload_names(payload: dict[str, Any]) -> list[str]:
    names: list[object] = [payload.get("company"), payload.get("name"), payload.get("display")]
    for key in ("names", "companies"):
        names.extend(payload.get(key) or [])
    return [n for n in names if isinstance(n, str) and n]


def company_names(case: CaseFile, session: CaseSession, text: str) -> list[str]:
    """Every company name (book or journal) containing ``text``, ignoring case."""
    wanted = text.casefold()
    found: set[str] = set()
    book = session.companies
    if book is not None:
        for company in book.companies:
            found.update([company.name, *company.aliases])
    for event in events.read(case.conn):
        found.update(_payload_names(event.payload))
    return sorted(n for n in found if wanted in n.casefold())


class HistoryPanel(Panel):
    """Who changed what, and when: the case's event log as a table."""

    NAME = "history"
    TITLE = "History"
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[dict[str, Any]] = []
        self.shown: list[dict[str, Any]] = []
        self.company = QLineEdit()
        self.company.setObjectName("history.company")
        self.company.setPlaceholderText("Company (part of a name)")
        self.company.setClearButtonEnabled(True)
        self.search = QLineEdit()
        self.search.setObjectName("history.search")
        self.search.setPlaceholderText("Words in the summary")
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("history.count")
        self._company_timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._company_timer.timeout.connect(self.reload)
        self._search_timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_search)
        self.company.textChanged.connect(self._company_timer.start)
        self.search.textChanged.connect(self._search_timer.start)
        self.company.returnPressed.connect(self.reload)
        self.search.returnPressed.connect(self.apply_search)

        self.model = SummaryModel(
            COLUMNS, self, colour=lambda row: UNDONE_COLOUR if row["state"] else None
        )
        self.table = list_table(self.model, "history.table", single=False)
        self.undo_button = QPushButton("Undo this change")
        self.undo_button.setObjectName("history.undo")
        self.undo_button.setToolTip("Undo the selected change (or redo it, if it is an undo); "
                                    "the undo is recorded too")
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_selected)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.message = QLabel()
        self.message.setObjectName("history.message")

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Company"))
        filters.addWidget(self.company, 1)
        filters.addWidget(QLabel("Text"))
        filters.addWidget(self.search, 2)
        filters.addWidget(self.count)
        filters.addWidget(self.undo_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.reload()

    def selected_row(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1:
            return None
        return self.shown[rows[0].row()]

    def _on_selection(self) -> None:
        row = self.selected_row()
        self.undo_button.setEnabled(
            row is not None and not row["undone"] and row["kind"] not in NOT_UNDOABLE
        )

    def undo_selected(self) -> None:
        """Undo the selected change through the session (so Edit > Undo can take it back)."""
        row = self.selected_row()
        if row is None:
            return
        try:
            done = self.session.undo_change(row["id"])
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Recorded: {summarise(done.kind, done.payload)}.")

    def refresh(self, change: StateChange) -> None:
        if RECORD in change:
            self.reload()

    def reload(self) -> None:
        """Read the history again (for the typed company, if any), newest first."""
        self._company_timer.stop()
        text = self.company.text().strip()
        try:
            case = CaseFile.open(self.session.summary.path, read_only=True)
        except WorkbenchError as exc:
            self.count.setText(str(exc))
            return
        try:
            if text:
                names = company_names(case, self.session, text)
                rows = history(case, text, aliases=tuple(names))
            else:
                rows = history(case)
        finally:
            case.close()
        self.rows = rows[::-1]
        self.apply_search()

    def apply_search(self) -> None:
        """Show the rows whose summary contains every typed word."""
        self._search_timer.stop()
        words = self.search.text().casefold().split()
        shown = [r for r in self.rows if all(w in r["summary"].casefold() for w in words)]
        self.shown = shown
        frame = pd.DataFrame(
            [{**r, "time": _shown_time(r["time"]), "kind": event_label(r["kind"]),
              "state": "undone" if r["undone"] else ""}
             for r in shown],
            columns=[c.key for c in COLUMNS],
        )
        self.model.set_frame(frame)
        total = len(self.rows)
        self.count.setText(f"{len(shown):,} of {total:,}" if words else f"{total:,} changes")
