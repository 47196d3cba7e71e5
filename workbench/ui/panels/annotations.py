"""Annotations: the case's notes and tags on a company or on shipments, and a form to add one.

The table lists the live annotations (what each is about, its text, tags, author and time);
the box above it keeps those whose text or tags hold every typed word. Double-click or Enter
filters the shipments to what the annotation covers, under condition keys of this panel's own.
The form annotates the selected shipments, the current filter or a company; Ctrl+Enter
records it through the session, so Edit > Undo takes it back.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from PySide6.QtCore import QModelIndex, QStringListModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.annotations import selection_conditions
from workbench.analysis.filters import Condition
from workbench.analysis.view_state import COMPANIES, DATA, FILTER, SELECTION, StateChange
from workbench.errors import WorkbenchError
from workbench.services.companies import Company
from workbench.services.notes import annotate
from workbench.ui.annotation_layer import AnnotationLayer, layer_of, shown_time, tags_text
from workbench.ui.models.summary_model import Column, SummaryModel
from workbench.ui.panels.base import Panel, list_table
from workbench.ui.panels.suppliers import KEY as SUPPLIER_KEY
from workbench.ui.session import CaseSession

#: The view-state key (and prefix, for more than one condition) of "show these rows".
KEY = "annotation"
COLUMNS = [
    Column("about", "About"),
    Column("text", "Text"),
    Column("tags", "Tags"),
    Column("author", "Author"),
    Column("time", "Time (UTC)"),
]
SELECTED, FILTERED, COMPANY = "selection", "filter", "company"
TARGETS = (("Selected shipments", SELECTED), ("Current filter", FILTERED), ("Company", COMPANY))


def split_tags(text: str) -> list[str]:
    """Comma-separated tags; spaces inside a tag are kept (``follow up, shell company``)."""
    return [" ".join(t.split()) for t in text.split(",") if t.strip()]


def matches(entry: dict[str, Any], words: list[str]) -> bool:
    """Whether every word is in the annotation's text or tags (ignoring case)."""
    haystack = f"{entry.get('text', '')} {tags_text(entry)}".casefold()
    return all(w in haystack for w in words)


class AnnotationsPanel(Panel):
    """The live annotations, searchable, and the form that adds one."""

    NAME = "annotations"
    TITLE = "Annotations"
    SHORTCUTS = (("Ctrl+Return", "Record the annotation being written"),
                 ("Ctrl+Enter", "Record the annotation being written"))
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.layer: AnnotationLayer = layer_of(session)
        self.shown: list[int] = []  # indexes into the layer's entries, as listed
        self._drawn = -1  # the layer's generation listed

        self.search = QLineEdit()
        self.search.setObjectName("annotations.search")
        self.search.setPlaceholderText("Words in the text or tags")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_search)
        self.count = QLabel()
        self.count.setObjectName("annotations.count")
        self.annotate_button = QPushButton("Annotate…")
        self.annotate_button.setObjectName("annotations.open_form")
        self.annotate_button.setCheckable(True)
        self.annotate_button.toggled.connect(self._on_annotate_toggled)

        self.model = SummaryModel(COLUMNS, self)
        self.table = list_table(self.model, "annotations.table")
        self.table.setToolTip("Double-click or press Enter to show the annotated shipments")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((260, 360, 160, 120)):
            header.resizeSection(column, width)
        self.table.activated.connect(self._on_activated)  # Enter, and double-click

        self.form = self._build_form()
        self.form.setVisible(False)
        self.message = QLabel()
        self.message.setObjectName("annotations.message")
        self.message.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Find"))
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        bar.addWidget(self.annotate_button)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("annotations.remove")
        self.remove_button.setToolTip("Take the selected annotation back (an undo, recorded; "
                                      "Edit > Undo brings it back)")
        self.remove_button.clicked.connect(self.remove_selected)
        bar.addWidget(self.remove_button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.form)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.fill()
        self._update_target_hint()

    def _build_form(self) -> QGroupBox:
        form = QGroupBox("Annotate")
        form.setObjectName("annotations.form")
        self.text = QPlainTextEdit()
        self.text.setObjectName("annotations.text")
        self.text.setPlaceholderText("What you found, what to check…")
        self.text.setTabChangesFocus(True)  # a form: Tab goes on to the tags
        self.tags = QLineEdit()
        self.tags.setObjectName("annotations.tags")
        self.tags.setPlaceholderText("Comma-separated: follow up, shell company")
        self.target = QComboBox()
        self.target.setObjectName("annotations.target")
        for label, data in TARGETS:
            self.target.addItem(label, data)
        self.target.currentIndexChanged.connect(self._update_target_hint)
        self.company = QLineEdit()
        self.company.setObjectName("annotations.company")
        self.company.setPlaceholderText("The profile's company, or type a name")
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self.company)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.company.setCompleter(completer)
        self.target_hint = QLabel()
        self.target_hint.setObjectName("annotations.target_hint")
        self.target_hint.setWordWrap(True)
        self.record_button = QPushButton("Record")
        self.record_button.setObjectName("annotations.record")
        self.record_button.setToolTip("Record the annotation in the case (Ctrl+Enter)")
        self.record_button.clicked.connect(self.record)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), form, self.record)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        layout = QFormLayout(form)
        layout.addRow("Text", self.text)
        layout.addRow("Tags", self.tags)
        layout.addRow("About", self.target)
        layout.addRow("Company", self.company)
        layout.addRow("", self.target_hint)
        layout.addRow("", self.record_button)
        self._fill_company_names()
        return form

    # -- reacting to the state --------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        if self.layer.sync(change) != self._drawn or DATA in change:
            self.fill()
        if COMPANIES in change:
            self._fill_company_names()
        if FILTER in change or SELECTION in change or COMPANIES in change:
            self._update_target_hint()

    def fill(self) -> None:
        """List the annotations again (newest first), keeping the typed search."""
        if self.layer.error:
            self.message.setText(self.layer.error)
        self._drawn = self.layer.generation
        self.apply_search()

    def apply_search(self) -> None:
        """Show the annotations whose text or tags hold every typed word."""
        words = self.search.text().casefold().split()
        entries = self.layer.entries
        self.shown = [i for i in reversed(range(len(entries))) if matches(entries[i], words)]
        rows = [{
            "about": self.layer.about(i),
            "text": " ".join(str(entries[i].get("text", "")).split()),
            "tags": tags_text(entries[i]),
            "author": entries[i].get("author", ""),
            "time": shown_time(str(entries[i].get("hlc", ""))),
        } for i in self.shown]
        self.model.set_frame(pd.DataFrame(rows, columns=[c.key for c in COLUMNS]))
        total = len(entries)
        self.count.setText(f"{len(self.shown):,} of {total:,}" if words else f"{total:,}")

    def texts(self) -> list[str]:
        """The listed annotations' texts, in the listed order."""
        return [str(self.layer.entries[i].get("text", "")) for i in self.shown]

    # -- showing an annotation's shipments --------------------------------------------------

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_rows(index.row())

    def show_rows(self, row: int) -> None:
        """Filter the shipments to what the listed annotation ``row`` covers."""
        i = self.shown[row]
        target = self.layer.targets[i]
        if target.company is not None:
            conditions = [Condition("sender", "in", list(target.spellings))]
        else:
            conditions = list(target.conditions)
        kept = {k: c for k, c in self.session.state.keyed_conditions.items()
                if k != KEY and not k.startswith(f"{KEY}:")}
        own = {(KEY if n == 0 else f"{KEY}:{n + 1}"): c for n, c in enumerate(conditions)}
        self.session.state.set_conditions({**kept, **own}, source=self)
        self.message.setText(f"Showing: {self.layer.about(i)}")

    def remove_selected(self) -> None:
        """Take back the selected annotation: an undo of it, so it stays in the history."""
        rows = self.table.selectionModel().selectedRows()
        if len(rows) != 1:
            self.message.setText("Choose the annotation to remove.")
            return
        entry = self.layer.entries[self.shown[rows[0].row()]]
        try:
            self.session.undo_change(str(entry["id"]))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText("Removed; Edit > Undo brings it back.")

    def show_annotation(self, event_id: str) -> bool:
        """List and select the annotation ``event_id`` and show its shipments."""
        self.search.clear()
        self.apply_search()
        for row, i in enumerate(self.shown):
            if self.layer.entries[i].get("id") == event_id:
                self.table.selectRow(row)
                self.show_rows(row)
                return True
        return False

    # -- the form ---------------------------------------------------------------------------

    def _on_annotate_toggled(self, shown: bool) -> None:
        self.form.setVisible(shown)
        if shown:
            self._update_target_hint()
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_form(self, target: str = SELECTED) -> None:
        """Show the form with ``target`` chosen (``selection``, ``filter`` or ``company``)."""
        self.target.setCurrentIndex(self.target.findData(target))
        self.annotate_button.setChecked(True)

    def _fill_company_names(self) -> None:
        book = self.session.companies
        names: set[str] = set()
        for company in book.companies if book is not None else []:
            names.update([company.name, *company.aliases])
        self._names.setStringList(sorted(names, key=str.casefold))

    def chosen_company(self) -> Company | None:
        """The company the profile shows (the suppliers panel's choice), if one."""
        book = self.session.companies
        condition = self.session.state.keyed_conditions.get(SUPPLIER_KEY)
        if book is None or condition is None:
            return None
        value = condition.value
        names = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        owners = {book.company_of[n] for n in names if n in book.company_of}
        return book.companies[owners.pop()] if len(owners) == 1 else None

    def _update_target_hint(self) -> None:
        kind = self.target.currentData()
        state = self.session.state
        self.company.setEnabled(kind == COMPANY)
        if kind == SELECTED:
            text = f"{len(state.selected_rows):,} shipments selected in the table."
        elif kind == FILTERED:
            described = "; ".join(c.describe() for c in state.conditions) or "no filter set"
            text = f"{len(self.session.view.filtered):,} shipments: {described}."
        else:
            chosen = self.chosen_company()
            if chosen is not None and not self.company.text().strip():
                self.company.setText(chosen.name)
            text = "The company named above (all its spellings)."
        self.target_hint.setText(text)

    def _about(self) -> dict[str, Any]:
        """The annotation's target as ``annotate`` takes it; raises WorkbenchError."""
        kind = self.target.currentData()
        state = self.session.state
        if kind == SELECTED:
            rows = state.selected_rows
            conditions = selection_conditions(self.session.frame, rows)
            return {"where": [c.as_json() for c in conditions]}
        if kind == FILTERED:
            if state.search:
                raise WorkbenchError("The quick search cannot be kept with an annotation; "
                                     "add it as a filter (Add filter) instead.")
            if not state.conditions:
                raise WorkbenchError("There is no filter to annotate: set one first.")
            return {"where": [c.as_json() for c in state.conditions]}
        name = " ".join(self.company.text().split())
        book = self.session.companies
        known = book is not None and (name in book.company_of
                                      or any(c.name == name for c in book.companies))
        if not name or not known:
            not_this = f", not {name!r}" if name else ""
            raise WorkbenchError(f"Choose a company of this case{not_this}.")
        return {"company": name}

    def record(self) -> None:
        """Record the form's annotation through the session (undoable), then clear the form."""
        text, tags = self.text.toPlainText().strip(), split_tags(self.tags.text())
        try:
            about = self._about()
            self.session.record(lambda case: annotate(case, text, tags=tags, **about))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.text.clear()
        self.tags.clear()
        self.message.setText("Annotation recorded (Edit > Undo takes it back).")
