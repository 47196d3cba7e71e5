"""The supplier profile: one company, all its spellings, what it shipped, and its decisions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.filters import Condition
from workbench.analysis.profile import Profile, company_profile, label
from workbench.analysis.view_state import COMPANIES, DATA, FILTER, RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.services import companies as decisions
from workbench.services.companies import Company
from workbench.ui.annotation_layer import layer_of, shown_time, tags_text
from workbench.ui.panels.base import Panel
from workbench.ui.panels.suppliers import KEY as SUPPLIER_KEY
from workbench.ui.session import CaseSession


class Sparkline(QWidget):
    """Monthly values as a small line, the key date marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profile.sparkline")
        self.setMinimumHeight(48)
        self.values = np.zeros(0)
        self.marker: float | None = None  # position 0..1 of the key date

    def set_series(self, monthly: pd.Series, key_date: str | None) -> None:
        self.values = monthly.to_numpy(dtype=float) if len(monthly) else np.zeros(0)
        self.marker = None
        if key_date and len(monthly) > 1:
            start, end = monthly.index[0], monthly.index[-1]
            self.marker = (pd.Timestamp(key_date) - start) / (end - start)
        self.update()

    def paintEvent(self, _event: object) -> None:
        if len(self.values) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h, pad = self.width(), self.height(), 4
        top = float(self.values.max()) or 1.0
        xs = np.linspace(pad, w - pad, len(self.values))
        ys = h - pad - (self.values / top) * (h - 2 * pad)
        if self.marker is not None and 0 <= self.marker <= 1:
            painter.setPen(QPen(QColor("#b22222"), 1, Qt.PenStyle.DashLine))
            x = pad + self.marker * (w - 2 * pad)
            painter.drawLine(QPointF(x, 0), QPointF(x, h))
        painter.setPen(QPen(QColor("#1f5f99"), 1.6))
        painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in zip(xs, ys, strict=True)]))
        painter.end()


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _fill(
    table: QTableWidget, rows: list[list[str]], numeric: frozenset[int] = frozenset()
) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in numeric:
                item.setTextAlignment(RIGHT)
            table.setItem(r, c, item)
    table.resizeRowsToContents()
    rows_height = sum(table.rowHeight(r) for r in range(table.rowCount())) or 24
    scrollbar = table.horizontalScrollBar().sizeHint().height()
    table.setFixedHeight(min(280, table.horizontalHeader().height() + rows_height + scrollbar + 4))


class ProfilePanel(Panel):
    """Shows the company the suppliers panel (or anyone) chose; decisions are recorded here."""

    NAME = "profile"
    TITLE = "Supplier profile"
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.company: Company | None = None
        self.profile: Profile | None = None
        self.hint = QLabel("Choose a supplier to see its profile.")
        self.hint.setObjectName("profile.hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel()
        self.title.setObjectName("profile.title")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.show_rows = QPushButton("Show its shipments")
        self.show_rows.clicked.connect(self._on_show_rows)
        self.rename_button = QPushButton("Rename…")
        self.rename_button.clicked.connect(self._on_rename)
        self.undo_button = QPushButton("Undo last company decision")
        self.undo_button.setObjectName("profile.undo")
        self.undo_button.clicked.connect(lambda: self._decide(decisions.undo_last))
        self.facts = QFormLayout()
        self.spellings = _table(["Spelling", "Rows"], "profile.spellings")
        self.split_button = QPushButton("Split the selected spelling off")
        self.split_button.clicked.connect(self._on_split)
        self.countries = QLabel()
        self.countries.setWordWrap(True)
        self.goods = _table(["HS code", "Description", "Value", "Rows"], "profile.goods")
        self.sparkline = Sparkline()
        self.annotations = layer_of(session)
        self.reply_log = QPlainTextEdit()
        self.reply_log.setObjectName("profile.reply_log")
        self.reply_log.setReadOnly(True)
        self.reply_log.setFixedHeight(150)
        self.notes = _table(["Annotation", "Tags", "Author", "Date"], "profile.annotations")
        self.notes.setWordWrap(True)
        self.notes.horizontalHeader().setStretchLastSection(False)
        self.notes.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.suggestions = QVBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("profile.message")
        self.message.setWordWrap(True)

        body = QWidget()
        layout = QVBoxLayout(body)
        buttons = QHBoxLayout()
        for b in (self.show_rows, self.rename_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addLayout(self.facts)
        layout.addWidget(QLabel("<b>Monthly value</b> (dashed: the key date)"))
        layout.addWidget(self.sparkline)
        layout.addWidget(QLabel("<b>Spellings in the data</b>"))
        layout.addWidget(self.spellings)
        layout.addWidget(self.split_button)
        layout.addWidget(QLabel("<b>Countries</b>"))
        layout.addWidget(self.countries)
        layout.addWidget(QLabel("<b>Goods</b> (largest first)"))
        layout.addWidget(self.goods)
        layout.addWidget(QLabel("<b>Right-of-reply log</b> (record entries in the Right of "
                                "reply panel)"))
        layout.addWidget(self.reply_log)
        layout.addWidget(QLabel("<b>Annotations</b>"))
        layout.addWidget(self.notes)
        layout.addWidget(QLabel("<b>Suggested spellings</b>"))
        layout.addLayout(self.suggestions)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.body = body
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.hint)
        outer.addWidget(scroll)
        self.scroll = scroll
        self._show_company(None)

    # -- which company ------------------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        self.annotations.sync(change)
        if FILTER in change or DATA in change or COMPANIES in change or RECORD in change:
            self._show_company(self._chosen_company())

    def _chosen_company(self) -> Company | None:
        book = self.session.companies
        condition = self.session.state.keyed_conditions.get(SUPPLIER_KEY)
        if book is None or condition is None:
            return None
        value = condition.value
        names = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        owners = {book.company_of[n] for n in names if n in book.company_of}
        return book.companies[owners.pop()] if len(owners) == 1 else None

    def show_company(self, spelling: str) -> None:
        """Show (and filter to) the company holding ``spelling``."""
        book = self.session.companies
        if book is None or spelling not in book.company_of:
            return
        company = book.companies[book.company_of[spelling]]
        self.session.state.set_condition(
            SUPPLIER_KEY, Condition("sender", "in", sorted(company.aliases)), source=self
        )

    # -- drawing ------------------------------------------------------------------------------

    def _show_company(self, company: Company | None) -> None:
        self.company = company
        self.hint.setVisible(company is None)
        self.scroll.setVisible(company is not None)
        if company is None:
            return
        summary = self.session.summary
        self.profile = profile = company_profile(
            self.session.frame, list(company.aliases), value=summary.value_column,
            key_date=summary.key_date,
        )
        self.title.setText(company.name)
        while self.facts.rowCount():
            self.facts.removeRow(0)
        self.facts.addRow("Shipments", QLabel(f"{profile.shipments:,}"))
        self.facts.addRow("First and last", QLabel(f"{profile.first} to {profile.last}"))
        for column, total in profile.totals.items():
            if total:
                self.facts.addRow(label(column), QLabel(f"{total:,.2f}"))
        if profile.key_date:
            (nb, vb), (na, va) = profile.before, profile.after
            self.facts.addRow(f"Before {profile.key_date}", QLabel(f"{nb:,} shipments, {vb:,.2f}"))
            self.facts.addRow(f"Since {profile.key_date}", QLabel(f"{na:,} shipments, {va:,.2f}"))
        reply = QLabel(company.reply_status + (f": the story may print “{company.reply_wording}”"
                                               if company.reply_wording else ""))
        reply.setWordWrap(True)
        self.facts.addRow("Right of reply", reply)
        self.reply_log.setPlainText(company.reply_log or "No request for comment logged yet.")
        sanctions = QLabel("<br>".join(
            f"<b>Listed</b> as {h.get('listed_name')} ({', '.join(h.get('lists') or [])}) "
            f"since {h.get('listed_on') or 'an unknown date'}, score {h.get('score'):.0f}"
            for h in company.sanctions
        ) or "No hit in the lists screened so far")
        sanctions.setWordWrap(True)
        self.facts.addRow("Sanctions", sanctions)
        _fill(self.spellings, [[s, f"{n:,}"] for s, n in profile.spellings.items()], frozenset({1}))
        self.countries.setText("<br>".join(
            f"{label(c)}: " + ", ".join(
                f"{k} {v / (sum(d.values()) or 1):.0%}" for k, v in list(d.items())[:5]
            )
            for c, d in profile.countries.items()
        ))
        _fill(self.goods, [
            [str(r.hs_code), str(r.description)[:80], f"{r.value:,.2f}", f"{r.rows:,}"]
            for r in profile.goods.itertuples()
        ], frozenset({2, 3}))
        self.sparkline.set_series(profile.monthly, profile.key_date)
        notes = self.annotations.of_company(company)[::-1]
        _fill(self.notes, [
            [" ".join(str(e.get("text", "")).split()), tags_text(e), str(e.get("author", "")),
             shown_time(str(e.get("hlc", "")))[:10]]
            for e in notes
        ])
        self._show_suggestions(company)

    def _show_suggestions(self, company: Company) -> None:
        while self.suggestions.count():
            item = self.suggestions.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        book = self.session.companies
        shown = 0
        for number, s in enumerate(book.suggestions if book else [], start=1):
            if not set(s.names) & set(company.aliases):
                continue
            row = QWidget()
            column = QVBoxLayout(row)
            column.setContentsMargins(0, 4, 0, 4)
            text = QLabel(f"{' = '.join(s.names)}<br><i>{s.score:.0f}: {s.reason}</i>")
            text.setWordWrap(True)
            column.addWidget(text)
            line = QHBoxLayout()
            column.addLayout(line)
            accept = QPushButton("Same company")
            accept.setObjectName(f"profile.accept.{number}")
            accept.clicked.connect(lambda _=False, n=number: self._decide(decisions.accept, n))
            reject = QPushButton("Different")
            reject.setObjectName(f"profile.reject.{number}")
            reject.clicked.connect(lambda _=False, n=number: self._decide(decisions.reject, n))
            line.addWidget(accept)
            line.addWidget(reject)
            line.addStretch(1)
            self.suggestions.addWidget(row)
            shown += 1
        if not shown:
            self.suggestions.addWidget(QLabel("<i>None open.</i>"))

    # -- decisions ----------------------------------------------------------------------------

    def _decide(self, decision: object, *args: object) -> None:
        spelling = next(iter(self.company.aliases)) if self.company else None
        try:
            self.session.decide(decision, *args)  # type: ignore[arg-type]
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("Recorded in the case's log.")
        if spelling is not None:
            self.show_company(spelling)

    def _on_show_rows(self) -> None:
        if self.company is not None:
            self.show_company(next(iter(self.company.aliases)))

    def _on_rename(self) -> None:
        if self.company is None:
            return
        name, ok = QInputDialog.getText(self, "Rename company", "Display name:",
                                        text=self.company.name)
        if ok and name.strip():
            self._decide(decisions.rename, next(iter(self.company.aliases)), name.strip())

    def _on_split(self) -> None:
        rows = {i.row() for i in self.spellings.selectedIndexes()}
        names = [self.spellings.item(r, 0).text() for r in sorted(rows)]
        if names and self.company is not None and len(names) < len(self.company.aliases):
            self._decide(decisions.split, names)
