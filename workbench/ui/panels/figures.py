"""The Figures panel: every saved figure with its live value, the draft's value, and drift."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.view_state import COMPANIES, DATA, RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.services.figures import (
    FigureReport,
    expand_companies,
    figure_where,
    remove_figure,
)
from workbench.services.notes import annotate, annotations
from workbench.store.case import CaseFile
from workbench.ui.figure_dialog import FigureDialog
from workbench.ui.models.summary_model import Column, SummaryModel, count, money
from workbench.ui.panels.base import Panel, list_table
from workbench.ui.session import CaseSession

COLUMNS = [
    Column("name", "Figure"),
    Column("value", "Live value", money, numeric=True),
    Column("stated", "Draft says"),
    Column("state", "Check"),
    Column("rows", "Rows", count, numeric=True),
    Column("definition", "Definition"),
]
DRIFT_COLOUR = QColor("#b3261e")
#: The key prefix of the conditions a figure puts on the table.
FIGURE_KEY = "figure"


def load_reports(session: CaseSession) -> list[FigureReport]:
    """The case's figures recomputed over the session's shipments."""
    from workbench.services.figures import figure_reports

    case = CaseFile.open(session.summary.path, read_only=True)
    try:
        return figure_reports(case, session.frame, session.companies)
    finally:
        case.close()


def show_figure_rows(session: CaseSession, report: FigureReport, source: object) -> None:
    """Filter every panel to exactly the figure's rows (its conditions replace the filter)."""
    conditions = expand_companies(list(report.definition.conditions), session.companies)
    session.state.restore(
        {f"{FIGURE_KEY}.{i}": c for i, c in enumerate(conditions)}, "", source=source
    )


class FiguresPanel(Panel):
    """Saved figures: the numbers the story prints, checked against the data all the time."""

    NAME = "figures"
    TITLE = "Figures"
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.reports: list[FigureReport] = []
        self.model = SummaryModel(
            COLUMNS, self, colour=lambda row: DRIFT_COLOUR if row["state"] != "agrees" else None
        )
        self.table = list_table(self.model, "figures.table")
        self.table.activated.connect(lambda _index: self.show_rows())  # Enter, double-click

        self.save_button = QPushButton("Save filter as figure…")
        self.save_button.setObjectName("figures.save")
        self.save_button.setToolTip("Save the table's current filter as a figure (Ctrl+Shift+G)")
        self.save_button.clicked.connect(self.save_from_filter)
        self.show_button = QPushButton("Show rows")
        self.show_button.setObjectName("figures.show")
        self.show_button.clicked.connect(self.show_rows)
        self.annotate_button = QPushButton("Annotate…")
        self.annotate_button.setObjectName("figures.annotate")
        self.annotate_button.setToolTip("Add a note to the selected figure (shown on its rows)")
        self.annotate_button.clicked.connect(lambda: self.annotate_selected())
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("figures.remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel()
        self.message.setObjectName("figures.message")
        self.message.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.save_button, self.show_button, self.annotate_button,
                       self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.table.selectionModel().selectionChanged.connect(self._explain)
        self.reload()

    def refresh(self, change: StateChange) -> None:
        if RECORD in change or DATA in change or COMPANIES in change:
            self.reload()

    def reload(self) -> None:
        """Recompute every figure; drifting ones are drawn in red with their reasons."""
        chosen = self.selected()
        try:
            self.reports = load_reports(self.session)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        rows: list[dict[str, Any]] = [{
            "name": r.definition.name,
            "value": r.value,
            "stated": r.definition.stated or "",
            "state": "DRIFT: " + "; ".join(r.drift) if r.drift else "agrees",
            "rows": r.rows,
            "definition": r.described(),
        } for r in self.reports]
        self.model.set_frame(pd.DataFrame(rows, columns=[c.key for c in COLUMNS]))
        drifting = sum(bool(r.drift) for r in self.reports)
        self.message.setText(
            f"{drifting} of {len(self.reports)} figures drift from what was saved or stated."
            if drifting else f"{len(self.reports)} figures; all agree with the data and the draft."
        )
        if chosen is not None:
            self.choose(chosen.definition.name)

    def choose(self, name: str) -> None:
        for row, report in enumerate(self.reports):
            if report.definition.name == name:
                self.table.selectRow(row)

    def selected(self) -> FigureReport | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if len(rows) != 1:
            return None
        name = self.model.row_key(rows[0].row(), "name")
        return next((r for r in self.reports if r.definition.name == name), None)

    def _explain(self) -> None:
        report = self.selected()
        if report is None:
            return
        lines = [f"<b>{report.definition.name}</b>: {report.value:,.2f} in {report.rows:,} rows"]
        if report.definition.sentence:
            lines.append(f"Draft: “{report.definition.sentence}”")
        lines.extend(f"<span style='color:#b3261e'>Drift: {reason}</span>"
                     for reason in report.drift)
        lines.extend(f"✎ {html.escape(str(a.get('text', '')))} — {html.escape(str(a['author']))}"
                     for a in self.notes_on(report.definition.name))
        self.message.setText("<br>".join(lines))

    def notes_on(self, name: str) -> list[dict[str, Any]]:
        """The annotations on the figure called ``name``."""
        case = CaseFile.open(self.session.summary.path, read_only=True)
        try:
            return [a for a in annotations(case) if a.get("figure") == name]
        finally:
            case.close()

    def annotate_selected(self, text: str | None = None, tags: str = "") -> None:
        """Annotate the selected figure (asks for the text when none is given)."""
        report = self.selected()
        if report is None:
            self.message.setText("Choose a figure to annotate.")
            return
        if text is None:
            text, ok = QInputDialog.getMultiLineText(
                self, "Annotate figure", f"Note on '{report.definition.name}':")
            if not ok:
                return
            tags, _ = QInputDialog.getText(self, "Annotate figure", "Tags (comma-separated):")
        name = report.definition.name
        try:
            self.session.record(lambda case: annotate(
                case, text, figure=name, where=figure_where(case, name),
                tags=[t for t in tags.split(",") if t.strip()]))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.choose(name)
        self._explain()

    def show_rows(self) -> None:
        report = self.selected()
        if report is not None:
            show_figure_rows(self.session, report, self)
            self.message.setText(f"The table shows the {report.rows:,} rows of "
                                 f"'{report.definition.name}'.")

    def save_from_filter(self) -> None:
        """Ask for the figure's name and the draft's wording, then record it."""
        dialog = FigureDialog(self.session, self.window())
        if dialog.exec() and dialog.saved is not None:
            self.choose(str(dialog.saved.payload["name"]))

    def remove_selected(self) -> None:
        report = self.selected()
        if report is None:
            return
        try:
            self.session.record(lambda case: remove_figure(case, report.definition.name))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Removed '{report.definition.name}' (Edit > Undo brings it back).")
