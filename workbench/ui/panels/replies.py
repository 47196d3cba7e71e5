"""Right of reply: every company asked for comment, its status, its log, and quick entry."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from PySide6.QtCore import QDate, QItemSelection, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis import replies as rr
from workbench.analysis.view_state import RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.services import replies as service
from workbench.store.case import CaseFile
from workbench.store.events import Event
from workbench.ui.models.summary_model import Column, SummaryModel
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession

KINDS = ("request", "attempt", "reply", "declined")
OVERDUE = QColor("#b22222")
UNREACHABLE = QColor("#8a5a00")
COLUMNS = [
    Column("name", "Company"),
    Column("status", "Status"),
    Column("deadline", "Deadline"),
    Column("last_contact", "Last contact"),
    Column("wording", "Wording the story may print"),
]
#: What the text box means for each kind of entry.
TEXT_HINTS = {
    "request": "Questions sent (optional)",
    "attempt": "Outcome: bounced, no answer, left message…",
    "reply": "What they said",
    "declined": "Their words, if any (optional)",
}
WHO_HINTS = {"request": "To", "attempt": "To", "reply": "Who", "declined": "Who"}
#: The text box's label for each kind of entry.
TEXT_LABELS = {"request": "Questions", "attempt": "Outcome", "reply": "Reply",
               "declined": "Their words"}
#: Widths of the form's fields, in average characters of the panel's font.
FIELD_CHARS = {"company": 26, "who": 22, "text": 30}


def _status_colour(row: dict[str, object]) -> QColor | None:
    if row.get("overdue") or row.get("status") == rr.NO_RESPONSE:
        return OVERDUE
    if row.get("status") == rr.UNREACHABLE:
        return UNREACHABLE
    return None


def _frame(records: list[rr.CompanyReplies]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"name": r.name, "status": r.status, "deadline": r.deadline,
          "last_contact": r.last_contact, "wording": r.wording or "", "overdue": r.overdue}
         for r in records],
        columns=[*(c.key for c in COLUMNS), "overdue"],
    )


def _date_edit(name: str, value: QDate) -> QDateEdit:
    edit = QDateEdit(value)
    edit.setObjectName(name)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setCalendarPopup(True)
    return edit


class RepliesPanel(Panel):
    """The right-of-reply log: who was asked, who answered, what the story may say."""

    NAME = "replies"
    TITLE = "Right of reply"
    SHORTCUTS = (("Alt+R", "Go to the form that records a request or reply"),)
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.records: dict[str, rr.CompanyReplies] = {}
        self.model = SummaryModel(COLUMNS, self, colour=_status_colour)
        self.table = QTableView()
        self.table.setObjectName("replies.table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.log = QPlainTextEdit()
        self.log.setObjectName("replies.log")
        self.log.setReadOnly(True)
        self.log.setPlaceholderText("Choose a company to see its log.")

        self.kind = QComboBox()
        self.kind.setObjectName("replies.kind")
        self.kind.addItems(KINDS)
        self.kind.currentTextChanged.connect(self._on_kind)
        self.channel = QComboBox()
        self.channel.setObjectName("replies.channel")
        self.channel.addItems(rr.CHANNELS)
        today = QDate.currentDate()
        self.date = _date_edit("replies.date", today)
        self.deadline = _date_edit("replies.deadline", today.addDays(7))
        self.deadline_label = QLabel("reply due")
        self.company = QLineEdit()
        self.company.setObjectName("replies.company")
        self.company.setPlaceholderText("Company asked for comment")
        self.who = QLineEdit()
        self.who.setObjectName("replies.who")
        self.text = QLineEdit()
        self.text.setObjectName("replies.text")
        self.who_label = QLabel()
        self.text_label = QLabel()
        for name, chars in FIELD_CHARS.items():  # wide enough to read what is typed
            field: QLineEdit = getattr(self, name)
            field.setMinimumWidth(field.fontMetrics().averageCharWidth() * chars)
        self.record_button = QPushButton("Record")
        self.record_button.setObjectName("replies.record")
        self.record_button.clicked.connect(self.record)
        for line in (self.company, self.who, self.text):
            line.returnPressed.connect(self.record)
        self.message = QLabel()
        self.message.setObjectName("replies.message")
        self.message.setWordWrap(True)
        QShortcut(QKeySequence("Alt+R"), self, self.focus_entry)

        # The entry form beside the log: one labelled row per field, readable on a laptop.
        entry = QWidget()
        entry.setObjectName("replies.form")
        form = QFormLayout(entry)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind, 1)
        kind_row.addWidget(QLabel("by"))
        kind_row.addWidget(self.channel, 1)
        date_row = QHBoxLayout()
        date_row.addWidget(self.date)
        date_row.addWidget(self.deadline_label)
        date_row.addWidget(self.deadline)
        date_row.addStretch(1)
        form.addRow("Entry", kind_row)
        form.addRow("Date", date_row)
        form.addRow("Company", self.company)
        form.addRow(self.who_label, self.who)
        form.addRow(self.text_label, self.text)
        record_row = QHBoxLayout()
        record_row.addStretch(1)
        record_row.addWidget(self.record_button)
        form.addRow(record_row)
        form.addRow(self.message)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.log)
        split.addWidget(entry)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        self._on_kind(self.kind.currentText())
        self.reload()
        self.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)

    # -- showing ------------------------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        if RECORD in change:
            self.reload()

    def reload(self) -> None:
        """Read the log again from the case file and keep the chosen company chosen."""
        chosen = self.selected_company()
        try:
            case = CaseFile.open(self.session.summary.path, read_only=True)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        try:
            records = service.reply_records(case, date.today())
        finally:
            case.close()
        self.records = {rr.company_key(r.name): r for r in records}
        header = self.table.horizontalHeader()
        self.model.set_frame(_frame(records))
        if self.table.isSortingEnabled():
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.select(chosen)

    def selected_company(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return str(self.model.row_key(rows[0].row(), "name")) if rows else None

    def select(self, name: str | None) -> None:
        """Choose the row of ``name`` (any spelling differing only in case or spacing)."""
        key = rr.company_key(name) if name else None
        for row in range(self.model.rowCount()):
            if rr.company_key(str(self.model.row_key(row, "name"))) == key:
                self.table.selectRow(row)
                return
        self.table.clearSelection()
        self.log.clear()

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        name = self.selected_company()
        record = self.records.get(rr.company_key(name)) if name else None
        self.log.setPlainText(rr.log_text(record) if record else "")
        if name and rr.company_key(name) != rr.company_key(self.company.text()):
            self.company.setText(name)
            self.clear_entry()  # the contact and text were for another company

    def clear_entry(self) -> None:
        """Empty what belongs to one entry (contact, text, deadline); keep kind, channel, date."""
        self.who.clear()
        self.text.clear()
        self.deadline.setDate(self.date.date().addDays(7))

    # -- quick entry --------------------------------------------------------------------------

    def focus_entry(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()

    def _on_kind(self, kind: str) -> None:
        is_request = kind == "request"
        self.deadline.setVisible(is_request)
        self.deadline_label.setVisible(is_request)
        self.who.setPlaceholderText(WHO_HINTS[kind] + ": name, role or address")
        self.who_label.setText(WHO_HINTS[kind])
        self.text_label.setText(TEXT_LABELS[kind])
        self.text.setPlaceholderText(TEXT_HINTS[kind] + " (Alt+R)")

    def record(self) -> None:
        """Log the form's entry with the matching service, then reload and announce it."""
        kind, company = self.kind.currentText(), self.company.text().strip()
        common: dict[str, Any] = {
            "channel": self.channel.currentText(),
            "date": self.date.date().toString("yyyy-MM-dd"),
        }
        who, text = self.who.text().strip() or None, self.text.text().strip()
        def write(case: CaseFile) -> Event:
            if kind == "request":
                return service.log_request(
                    case, company, **common, to=who, questions=text or None,
                    deadline=self.deadline.date().toString("yyyy-MM-dd"),
                )
            if kind == "attempt":
                return service.log_attempt(case, company, **common, outcome=text, to=who)
            if kind == "reply":
                return service.log_response(case, company, **common, text=text, who=who)
            return service.log_declined(case, company, **common, who=who, text=text or None)

        try:
            self.session.record(write)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Recorded the {kind} for {company}.")
        self.clear_entry()
        self.select(company)
