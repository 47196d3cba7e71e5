"""The Conflicts panel: fields two copies changed from the same version, with both values."""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.view_state import DATA, RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.services.conflicts import conflicts, resolve
from workbench.store.case import CaseFile
from workbench.ui.models.summary_model import Column, SummaryModel
from workbench.ui.panels.base import Panel, list_table
from workbench.ui.session import CaseSession

COLUMNS = [
    Column("kind", "Field"),
    Column("key", "Of"),
    Column("author", "Written by"),
    Column("time", "At (UTC)"),
    Column("value", "Value"),
]


class ConflictsPanel(Panel):
    """Every open conflict, one row per value; keeping a value resolves the conflict."""

    NAME = "conflicts"
    TITLE = "Conflicts"
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.rows: list[dict[str, Any]] = []
        self.model = SummaryModel(COLUMNS, self)
        self.table = list_table(self.model, "conflicts.table", wrap=True)
        self.keep_button = QPushButton("Keep this value")
        self.keep_button.setObjectName("conflicts.keep")
        self.keep_button.setToolTip("Resolve the conflict with the selected value "
                                    "(recorded, and undoable)")
        self.keep_button.clicked.connect(self.keep_selected)
        self.summary = QLabel()
        self.summary.setObjectName("conflicts.summary")
        self.summary.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.reload()

    def refresh(self, change: StateChange) -> None:
        if RECORD in change or DATA in change:
            self.reload()

    def reload(self) -> None:
        case = CaseFile.open(self.session.summary.path, read_only=True)
        try:
            found = conflicts(case)
        finally:
            case.close()
        self.rows = [{"kind": c["kind"], "key": c["key"], **v} for c in found for v in c["values"]]
        self.model.set_frame(pd.DataFrame(
            [{**r, "time": str(r["time"])[:19].replace("T", " "),
              "value": " ".join(str(r["value"]).split())[:300]} for r in self.rows],
            columns=[c.key for c in COLUMNS]))
        self.summary.setText(
            f"{len(found)} conflict{'s' if len(found) > 1 else ''} after merging copies: "
            "choose the value to keep."
            if found else "No conflicts: every field has one value.")
        self.keep_button.setEnabled(bool(found))

    def keep_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1:
            self.summary.setText("Choose the value to keep.")
            return
        chosen = self.rows[rows[0].row()]
        try:
            self.session.record(lambda case: resolve(case, str(chosen["id"])))
        except WorkbenchError as exc:
            self.summary.setText(str(exc))
