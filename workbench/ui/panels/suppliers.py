"""The suppliers panel: every sender of the case with its totals; choosing one filters."""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QTableView,
    QVBoxLayout,
)

from workbench.analysis.filters import Condition
from workbench.analysis.suppliers import SupplierIndex
from workbench.analysis.view_state import COMPANIES, DATA, FILTER, StateChange
from workbench.errors import WorkbenchError
from workbench.services import companies as decisions
from workbench.ui.models.summary_model import Column, SummaryModel, count, day, money
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession

KEY = "supplier"


class SuppliersPanel(Panel):
    """Companies with total value, shipments, first and last date; a company gathers the
    spellings its name key and the reporter's decisions put together."""

    NAME = "suppliers"
    TITLE = "Suppliers"
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    TABIFY_WITH = "profile"

    def __init__(self, session: CaseSession, parent: object | None = None) -> None:
        super().__init__(session, parent)  # type: ignore[arg-type]
        self.model = SummaryModel([
            Column("sender", "Supplier"),
            Column("country", "Origin"),
            Column("total", "Total", money, numeric=True),
            Column("shipments", "Shipments", count, numeric=True),
            Column("first", "First", day),
            Column("last", "Last", day),
        ], self)
        self.table = QTableView(self)
        self.table.setObjectName("suppliers.table")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((190, 52, 100, 70, 78, 78)):
            header.resizeSection(column, width)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._on_header_clicked)
        self.caption = QLabel(self)
        self.caption.setObjectName("suppliers.caption")
        self.caption.setWordWrap(True)  # wraps rather than widening the panel
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.table)
        self._sort = (2, Qt.SortOrder.DescendingOrder)
        self._index: SupplierIndex | None = None
        self._spellings: dict[str, list[str]] = {}
        self._index_frame: object = None
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self._reload()

    # -- reacting to the state --------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        if change.source is self:
            return
        if FILTER in change or DATA in change or COMPANIES in change:
            self._reload()

    def _reload(self) -> None:
        """Totals over the rows every other condition lets through, so a choice stays visible."""
        state, view = self.session.state, self.session.view
        others = [c for k, c in state.keyed_conditions.items() if k != KEY]
        rows = view.mask(others, state.search).nonzero()[0]
        if self._index is None or self._index_frame is not self.session.frame:
            self._index = SupplierIndex(self.session.frame, self.session.summary.value_column)
            self._index_frame = self.session.frame
        totals = self._by_company(self._index.totals(rows))
        column, order = self._sort
        key = self.model.columns[column].key
        totals = totals.sort_values(
            key, ascending=order == Qt.SortOrder.AscendingOrder, kind="stable", na_position="last"
        )
        self.model.set_frame(totals)
        self.caption.setText(f"{len(totals):,} suppliers · click to filter, Ctrl+click for more")
        self._select_chosen()

    def _by_company(self, totals: pd.DataFrame) -> pd.DataFrame:
        """Spelling totals summed per company (the case's merge decisions decide who is who)."""
        book = self.session.companies
        if book is None or totals.empty:
            self._spellings = {str(s): [str(s)] for s in totals.get("sender", [])}
            return totals
        senders = totals["sender"].astype(str).tolist()
        # Spellings the book does not know (none, normally) stand for themselves.
        owner = [book.company_of.get(s, -1 - i) for i, s in enumerate(senders)]
        work = totals.assign(owner=owner)
        grouped = work.groupby("owner", sort=False)
        out = grouped.agg(total=("total", "sum"), shipments=("shipments", "sum"),
                          first=("first", "min"), last=("last", "max"),
                          country=("country", "first"), sender=("sender", "first"))
        names, spellings = [], {}
        for o, first_spelling in zip(out.index, out["sender"], strict=True):
            company = book.companies[o] if o >= 0 else None
            name = company.name if company else str(first_spelling)
            names.append(name)
            spellings[name] = list(company.aliases) if company else [str(first_spelling)]
        self._spellings = spellings
        out["sender"] = names
        return out.reset_index(drop=True)[["sender", "total", "shipments", "first", "last",
                                           "country"]]

    def _select_chosen(self) -> None:
        chosen = self.chosen()
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        for row in range(self.model.rowCount()):
            if set(self._spellings.get(str(self.model.row_key(row, "sender")), [])) & set(chosen):
                selection.select(
                    self.model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.Select
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        selection.blockSignals(False)
        self.table.viewport().update()

    def chosen(self) -> list[str]:
        """The suppliers the filter holds now (empty when none)."""
        condition = self.session.state.keyed_conditions.get(KEY)
        if condition is None:
            return []
        value = condition.value
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    # -- reporter's actions -----------------------------------------------------------------

    def choose(self, names: list[str]) -> None:
        """Filter the case to these suppliers (none: remove the supplier filter)."""
        if not names:
            condition = None
        elif len(names) == 1:
            condition = Condition("sender", "=", names[0])
        else:
            condition = Condition("sender", "in", sorted(names))
        self.session.state.set_condition(KEY, condition, source=self)

    def _on_selection_changed(self, *_args: object) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        names = [str(self.model.row_key(r, "sender")) for r in rows]
        self.choose([s for n in names for s in self._spellings.get(n, [n])])

    def selected_companies(self) -> list[str]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [str(self.model.row_key(r, "sender")) for r in rows]

    def merge_selected(self) -> None:
        """Merge the selected companies into one (an event in the log; undo in the profile)."""
        companies = self.selected_companies()
        if len(companies) < 2:
            return
        spellings = [s for c in companies for s in self._spellings.get(c, [c])]
        try:
            self.session.decide(decisions.merge, spellings)
        except WorkbenchError as exc:
            QMessageBox.warning(self, "Merge companies", str(exc))
            return
        self.choose(spellings)

    def _on_context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        merge = menu.addAction("Merge the selected companies into one")
        merge.setEnabled(len(self.selected_companies()) >= 2)
        if menu.exec(self.table.viewport().mapToGlobal(position)) is merge:
            self.merge_selected()

    def _on_header_clicked(self, section: int) -> None:
        column, order = self._sort
        if section == column:
            order = (
                Qt.SortOrder.AscendingOrder
                if order == Qt.SortOrder.DescendingOrder
                else Qt.SortOrder.DescendingOrder
            )
        else:
            order = Qt.SortOrder.DescendingOrder if section >= 2 else Qt.SortOrder.AscendingOrder
        self._sort = (section, order)
        self.table.horizontalHeader().setSortIndicator(section, order)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.model.sort(section, order)
        self._select_chosen()
