"""The central shipment table with its filter bar: quick search, filter chips, column chooser.

The bar shows every condition of the shared view state as a chip, whoever set it (the timeline,
the suppliers panel, the bar itself); its × removes that condition. The table shows the rows
the state lets through, in the view's sort order; selecting rows selects those shipments for
every panel.
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.filters import OPS, Condition, FilterError, condition_mask
from workbench.analysis.frame import column_kind
from workbench.analysis.view_state import DATA, FILTER, SELECTION, StateChange
from workbench.ingest.columns import Kind
from workbench.ingest.countries import country_label
from workbench.labels import lower_label
from workbench.ui.models.shipments_model import ShipmentsModel, column_label
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession

#: Columns shown until the reporter chooses others, in this order.
DEFAULT_COLUMNS = (
    "date", "declaration_no", "item_no", "sender", "origin_country", "trading_country",
    "hs_code", "description", "net_kg", "stat_value_usd", "source_file",
)
_WIDTHS = {
    "date": 112, "declaration_no": 190, "item_no": 90, "sender": 230, "receiver": 200,
    "origin_country": 105, "trading_country": 110, "departure_country": 125,
    "destination_country": 130, "sender_country": 110, "hs_code": 95, "description": 380,
    "net_kg": 110, "gross_kg": 110, "stat_value_usd": 160, "invoice_value": 120,
    "customs_value_rub": 140, "source_file": 260, "source_sha256": 140, "source_row": 90,
}
_DEFAULT_WIDTH = 120
#: How long typing pauses before the quick search runs.
SEARCH_DELAY_MS = 250
OP_WORDS = {
    "=": "is", "!=": "is not", "<": "below / before", "<=": "at most / up to",
    ">": "above / after", ">=": "at least / from", "in": "is one of (A, B, …)",
    "contains": "contains", "between": "between (A..B)", "empty": "is empty (no value)",
}
_OWNERS = {"bar": "the filter bar", "timeline": "the timeline", "supplier": "the suppliers panel",
           "import": "the import report"}
BAR_KEY = "bar"


def chip_text(condition: Condition) -> str:
    """``Origin country is KR``: the condition's own words with the column's label."""
    words = condition.describe()
    return column_label(condition.column) + words[len(lower_label(condition.column)):]


class SearchField(QLineEdit):
    """A line edit that Esc clears."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class FilterChip(QFrame):
    """One condition of the view state, with a button that removes it."""

    remove_requested = Signal(str)

    def __init__(self, key: str, condition: Condition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.condition = condition
        self.setObjectName("filterChip")
        self.setStyleSheet(
            "#filterChip { border: 1px solid palette(mid); border-radius: 10px;"
            " background: palette(alternate-base); }"
        )
        owner = _OWNERS.get(key.split(":")[0], key)
        self.setToolTip(f"Set by {owner}")
        self.label = QLabel(chip_text(condition), self)
        self.close_button = QToolButton(self)
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Remove this filter")
        self.close_button.clicked.connect(lambda: self.remove_requested.emit(self.key))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(self.label)
        layout.addWidget(self.close_button)

    def text(self) -> str:
        return self.label.text()


class AddFilterPopup(QFrame):
    """A small popup to build one condition: column, operator, value; Enter adds it."""

    condition_built = Signal(object)  # Condition

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.session = session
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.column_box = QComboBox(self)
        for name in session.frame.columns:
            self.column_box.addItem(column_label(name), name)
        self.op_box = QComboBox(self)
        for op in OPS:
            self.op_box.addItem(f"{op}   {OP_WORDS[op]}", op)
        self.value_box = QComboBox(self)
        self.value_box.setEditable(True)
        self.value_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.value_box.setMinimumWidth(self.value_box.fontMetrics().averageCharWidth() * 28)
        self.value_edit = self.value_box.lineEdit()
        self.value_edit.setPlaceholderText("Value")
        self.add_button = QPushButton("Add", self)
        self.add_button.setDefault(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: palette(link-visited);")
        self.error.hide()
        # One labelled row per part of the condition, so each is wide enough to read.
        layout = QFormLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addRow("&Column", self.column_box)
        layout.addRow("C&ondition", self.op_box)
        layout.addRow("&Value", self.value_box)
        layout.addRow(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        layout.addRow(buttons)
        self.column_box.currentIndexChanged.connect(self._on_column_changed)
        self.op_box.currentIndexChanged.connect(self._on_op_changed)
        self.value_edit.returnPressed.connect(self.add)
        self.add_button.clicked.connect(self.add)
        self._added = False
        self._on_column_changed()

    def choose(self, column: str, op: str, value: str) -> None:
        """Fill the form (for scripts and tests)."""
        self.column_box.setCurrentIndex(self.column_box.findData(column))
        self.op_box.setCurrentIndex(self.op_box.findData(op))
        self.value_edit.setText(value)

    def _on_column_changed(self) -> None:
        column = str(self.column_box.currentData())
        kind = column_kind(column)
        default_op = {Kind.TEXT: "contains", Kind.COUNTRY: "="}.get(kind, ">=")
        self.op_box.setCurrentIndex(self.op_box.findData(default_op))
        self.value_box.clear()
        if kind is Kind.COUNTRY:
            codes = sorted(self.session.frame[column].dropna().unique().tolist())
            for code in codes:
                label = country_label(str(code)).removesuffix(f" ({code})")
                self.value_box.addItem(f"{code} — {label}", str(code))
        hints = {Kind.DATE: "YYYY-MM-DD", Kind.NUMBER: "Number", Kind.INTEGER: "Number"}
        self.value_edit.setText("")
        self.value_edit.setPlaceholderText(hints.get(kind, "Value"))
        self.error.hide()

    def _on_op_changed(self) -> None:
        if self.op_box.currentData() == "empty":  # takes no value; Enter still adds it
            self.value_edit.setText("")
            self.value_edit.setPlaceholderText("No value needed")

    def _value_text(self) -> str:
        text = self.value_edit.text().strip()
        index = self.value_box.findText(text)
        return str(self.value_box.itemData(index)) if index >= 0 else text

    def condition(self) -> Condition:
        """The condition the form describes; raises FilterError when it cannot be applied."""
        column, op = str(self.column_box.currentData()), str(self.op_box.currentData())
        raw = self._value_text()
        if op == "empty":
            return Condition(column, op, "")
        if not raw:
            raise FilterError("Type a value.")
        value: str | list[str] = raw
        if op == "in":
            value = [v.strip() for v in raw.split(",") if v.strip()]
        elif op == "between":
            value = [v.strip() for v in re.split(r"\.\.|,", raw)]
        condition = Condition(column, op, value)
        condition_mask(self.session.frame.iloc[:0], condition)  # reads the value, or raises
        return condition

    def add(self) -> None:
        """Emit the condition and close, or say why it cannot be applied."""
        if self._added:  # an editable combo box reports one Enter twice
            return
        try:
            condition = self.condition()
        except FilterError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self._added = True
        self.condition_built.emit(condition)
        self.close()


class ShipmentsPanel(Panel):
    """The window's central widget: the filter bar above the shipment table."""

    NAME = "shipments"
    TITLE = "Shipments"

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.model = ShipmentsModel(session, self)
        self.chips: dict[str, FilterChip] = {}
        self.popup: AddFilterPopup | None = None
        self._hidden = {name for name in self.model.columns if name not in DEFAULT_COLUMNS}
        self._menu_columns: list[str] = []
        self._showing_selection = False
        self._bar_count = 0

        self.search = SearchField(self)
        self.search.setObjectName("shipments.search")
        self.search.setPlaceholderText("Search names, descriptions, HS codes… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        chars = self.search.fontMetrics().averageCharWidth()  # sized by what it shows
        self.search.setMinimumWidth(chars * 18)
        self.search.setMaximumWidth(chars * 48)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)

        self.add_filter_button = QToolButton(self)
        self.add_filter_button.setText("Add filter")
        self.add_filter_button.setToolTip("Filter by a column: origin country is KR, date from…")

        self._chips_box = QWidget(self)
        self._chips_layout = QHBoxLayout(self._chips_box)
        self._chips_layout.setContentsMargins(0, 0, 0, 0)
        self._chips_layout.setSpacing(4)
        self._chips_layout.addStretch(1)
        chips_area = QScrollArea(self)
        chips_area.setWidget(self._chips_box)
        chips_area.setWidgetResizable(True)
        chips_area.setFrameShape(QFrame.Shape.NoFrame)
        chips_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        chips_area.setFixedHeight(self.search.sizeHint().height() + 4)
        self.clear_link = QLabel('<a href="clear">Clear all</a>', self)
        self.clear_link.setToolTip("Remove every filter and the search")
        self.clear_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )

        self.columns_button = QToolButton(self)
        self.columns_button.setText("Columns")
        self.columns_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.columns_menu = QMenu(self.columns_button)
        self.columns_button.setMenu(self.columns_menu)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        bar.addWidget(self.search, 2)  # grows up to its longest readable width
        bar.addWidget(self.add_filter_button)
        bar.addWidget(chips_area, 3)
        bar.addWidget(self.clear_link)
        bar.addWidget(self.columns_button)

        self.table = QTableView(self)
        self.table.setObjectName("shipments.table")
        self._setup_table()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.returnPressed.connect(self._apply_search)
        self.search.escaped.connect(self._apply_search)
        self._search_timer.timeout.connect(self._apply_search)
        self.add_filter_button.clicked.connect(self.open_add_filter)
        self.clear_link.linkActivated.connect(lambda _link: self.clear_filters())
        self.model.modelReset.connect(self._on_model_reset)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._render_chips()

    def _setup_table(self) -> None:
        table = self.table
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 6)
        header = table.horizontalHeader()
        # Qt asks the header's selection model, on every header paint, whether each column is
        # wholly selected, which visits every selected row: seconds once a million rows are
        # selected. The header gets a selection model of its own that stays empty.
        header.setSelectionModel(QItemSelectionModel(self.model, header))
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(
            lambda pos: self.columns_menu.exec(header.mapToGlobal(pos))
        )
        header.setSortIndicatorClearable(True)
        header.sectionMoved.connect(lambda *_args: self._update_marker_section())
        view = self.session.view
        header.setSortIndicator(
            self.model.section(view.sort_column) if view.sort_column else -1,
            Qt.SortOrder.AscendingOrder if view.ascending else Qt.SortOrder.DescendingOrder,
        )
        table.setSortingEnabled(True)  # header clicks call model.sort
        self._lay_out_columns()

    # -- columns ------------------------------------------------------------------------------

    def _lay_out_columns(self) -> None:
        """Widths, order (the default columns first) and visibility; rebuilds the chooser."""
        header = self.table.horizontalHeader()
        columns = self.model.columns
        for section, name in enumerate(columns):
            header.resizeSection(section, _WIDTHS.get(name, _DEFAULT_WIDTH))
        first = [c for c in DEFAULT_COLUMNS if c in columns]
        for visual, name in enumerate(first + [c for c in columns if c not in first]):
            header.moveSection(header.visualIndex(columns.index(name)), visual)
        self._build_columns_menu()
        self._apply_hidden()

    def _build_columns_menu(self) -> None:
        self.columns_menu.clear()
        header = self.table.horizontalHeader()
        columns = self.model.columns
        for visual in range(len(columns)):
            name = columns[header.logicalIndex(visual)]
            action = self.columns_menu.addAction(column_label(name))
            action.setCheckable(True)
            action.setChecked(name not in self._hidden)
            action.setData(name)
            action.toggled.connect(
                lambda checked, n=name: self.set_column_visible(n, checked)
            )
        self._menu_columns = list(columns)

    def _apply_hidden(self) -> None:
        for section, name in enumerate(self.model.columns):
            self.table.setColumnHidden(section, name in self._hidden)
        self._update_marker_section()

    def _update_marker_section(self) -> None:
        """Annotation badges go in the first column shown, wherever it came from."""
        header = self.table.horizontalHeader()
        for visual in range(header.count()):
            section = header.logicalIndex(visual)
            if not header.isSectionHidden(section):
                self.model.set_marker_section(section)
                return

    def set_column_visible(self, name: str, visible: bool) -> None:
        """Show or hide a column of the table (the chooser's menu follows)."""
        if visible:
            self._hidden.discard(name)
        else:
            self._hidden.add(name)
        section = self.model.section(name)
        if section >= 0:
            self.table.setColumnHidden(section, not visible)
            self._update_marker_section()
        for action in self.columns_menu.actions():
            if action.data() == name and action.isChecked() != visible:
                action.setChecked(visible)

    def visible_columns(self) -> list[str]:
        """The shown columns in their on-screen order (for saving the layout)."""
        header = self.table.horizontalHeader()
        names = [self.model.columns[header.logicalIndex(v)] for v in range(header.count())]
        return [n for n in names if n not in self._hidden]

    def set_visible_columns(self, names: list[str]) -> None:
        """Show exactly these columns (unknown names are ignored)."""
        self._hidden = {n for n in self.model.columns if n not in names}
        self._apply_hidden()
        self._build_columns_menu()

    def _on_model_reset(self) -> None:
        if self.model.columns != self._menu_columns:  # new data with other columns
            self._hidden &= set(self.model.columns)
            self._hidden |= {
                n for n in self.model.columns
                if n not in self._menu_columns and n not in DEFAULT_COLUMNS
            }
            self._lay_out_columns()

    # -- filter bar -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the quick search (the window binds Ctrl+F to this)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search_text_changed(self, text: str) -> None:
        if not text:  # the clear button or Esc: no need to wait
            self._apply_search()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.session.state.set_search(self.search.text(), source=self)

    def add_condition(self, condition: Condition) -> str:
        """Add a condition of the filter bar's own; returns its key."""
        keys = self.session.state.keyed_conditions
        self._bar_count += 1
        while f"{BAR_KEY}:{self._bar_count}" in keys:
            self._bar_count += 1
        key = f"{BAR_KEY}:{self._bar_count}"
        self.session.state.set_condition(key, condition, source=self)
        return key

    def remove_condition(self, key: str) -> None:
        self.session.state.set_condition(key, None, source=self)

    def clear_filters(self) -> None:
        """Remove every condition (whoever set it) and the search."""
        self.search.clear()
        self.session.state.clear(source=self)

    def open_add_filter(self) -> AddFilterPopup:
        """Show the popup that builds a condition under the Add filter button."""
        if self.popup is not None:
            self.popup.deleteLater()
        self.popup = AddFilterPopup(self.session, self)
        self.popup.condition_built.connect(self.add_condition)
        button = self.add_filter_button
        self.popup.move(button.mapToGlobal(QPoint(0, button.height())))
        self.popup.show()
        self.popup.value_edit.setFocus()
        return self.popup

    def _render_chips(self) -> None:
        for chip in self.chips.values():
            self._chips_layout.removeWidget(chip)
            chip.deleteLater()
        self.chips = {}
        for key, condition in self.session.state.keyed_conditions.items():
            chip = FilterChip(key, condition, self._chips_box)
            chip.remove_requested.connect(self.remove_condition)
            self._chips_layout.insertWidget(self._chips_layout.count() - 1, chip)
            chip.show()
            self.chips[key] = chip
        state = self.session.state
        self.clear_link.setVisible(bool(self.chips) or bool(state.search))

    # -- reacting to the state ------------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        """Chips and search text for FILTER/DATA (the model resets itself); others' selection."""
        if FILTER in change or DATA in change:
            self._render_chips()
            search = self.session.state.search
            if search != self.search.text().strip() and not self._search_timer.isActive():
                self.search.blockSignals(True)
                self.search.setText(search)
                self.search.blockSignals(False)
            if DATA in change and self.session.state.selected_rows:
                # Values changed under a kept selection: select it again once the model,
                # which hears of the change after this panel, has reset.
                QTimer.singleShot(0, self._reselect)
            return
        if SELECTION in change and change.source is not self:
            self._show_selection(self.session.state.selected_rows)

    # -- selection -------------------------------------------------------------------------------

    def selected_positions(self) -> np.ndarray:
        """Frame positions of the selected table rows, ascending."""
        rows = self.model.rows
        ranges = self.table.selectionModel().selection()
        if len(ranges) == 1 and ranges[0].top() == 0 and ranges[0].bottom() == len(rows) - 1:
            return np.sort(rows) if self.session.view.sort_column else rows.copy()
        chosen = np.zeros(len(self.session.frame), dtype=bool)
        for r in ranges:
            chosen[rows[r.top() : r.bottom() + 1]] = True
        return np.flatnonzero(chosen)

    def _on_table_selection_changed(self, *_args: object) -> None:
        if self._showing_selection:
            return
        positions = self.selected_positions()
        self.session.state.select_rows(tuple(positions.tolist()), source=self)

    def _reselect(self) -> None:
        self._show_selection(self.session.state.selected_rows)

    def _show_selection(self, positions: tuple[int, ...]) -> None:
        """Select the rows another panel selected, in runs, and scroll to the first."""
        view_rows = np.sort(self.model.view_rows(positions))
        selection = QItemSelection()
        if len(view_rows):
            breaks = np.flatnonzero(np.diff(view_rows) != 1) + 1
            last_column = self.model.columnCount() - 1
            for run in np.split(view_rows, breaks):
                selection.select(
                    self.model.index(int(run[0]), 0), self.model.index(int(run[-1]), last_column)
                )
        self._showing_selection = True
        try:
            self.table.selectionModel().select(
                selection,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._showing_selection = False
        if len(view_rows):
            self.table.scrollTo(self.model.index(int(view_rows[0]), 0))
