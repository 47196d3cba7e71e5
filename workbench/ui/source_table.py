"""A spreadsheet source as read-only tables: a tab per sheet, row numbers as in the sheet.

The sheets are read from the copy kept in the case, on a worker thread (workbooks through the
sandboxed reader). Each tab is a ``QTableView`` over :class:`SheetModel`, a thin model over
the sheet's Arrow columns: ``data()`` looks a value up in a per-column list made once, sorting
keeps an order array computed with numpy/Arrow, and Find (Ctrl+F) matches whole columns at
once. Rows above and including a header row stay on top when the table is sorted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.ingest.sandbox import ReadCancelled
from workbench.ingest.tables import SheetTable, find_header
from workbench.services.source_tables import SourceTables, source_tables
from workbench.ui.source_dialog import open_with_system_viewer, stored_copy

Index = QModelIndex | QPersistentModelIndex
#: A column sorts as numbers when at least this share of its filled cells reads as one.
NUMERIC_SHARE = 0.9
#: Widest a column starts (the reporter can widen it); rows measured for the first widths.
COLUMN_WIDTH_MAX = 320
MEASURED_ROWS = 200
FIND_DELAY_MS = 200
CONFIDENTIAL = QColor("#b22222")


class SheetModel(QAbstractTableModel):
    """One sheet, read-only. View row -> data row through ``order``; never reorders data."""

    def __init__(self, sheet: SheetTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sheet = sheet
        self.header = find_header(sheet)
        self.pinned = 0 if self.header is None else self.header + 1
        n = sheet.kept_rows
        self.order = np.arange(n, dtype=np.int64)
        self._view_of = np.arange(n, dtype=np.int64)  # data row -> view row
        self._values: dict[int, list[str | None]] = {}
        titles = sheet.cells(self.header) if self.header is not None else []
        self.titles = [
            (titles[i].strip() if i < len(titles) and titles[i].strip() else f"Column {i + 1}")
            for i in range(len(sheet.columns))
        ]
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    # -- Qt -----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.sheet.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.values(index.column())[self.order[index.row()]]
            return value or ""
        if role == Qt.ItemDataRole.FontRole and self.header is not None \
                and self.order[index.row()] == self.header:
            return self._bold
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self.titles):
                return None
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Column {section + 1} of the sheet"
            return self.titles[section]
        if not 0 <= section < len(self.order):
            return None
        number = int(self.sheet.row_numbers[self.order[section]])
        return f"Row {number:,} of the sheet" if role == Qt.ItemDataRole.ToolTipRole \
            else str(number)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows below the header by one column: numbers as numbers, text ignoring
        case, empty cells last; the rows above stay where they are."""
        if not 0 <= column < len(self.sheet.columns):
            return
        rest = self.sheet.columns[column].slice(self.pinned)
        ranked = self.pinned + _sort_order(rest, descending=order == Qt.SortOrder.DescendingOrder)
        self.beginResetModel()
        self.order = np.concatenate([np.arange(self.pinned, dtype=np.int64), ranked])
        self._view_of = np.empty_like(self.order)
        self._view_of[self.order] = np.arange(len(self.order))
        self.sorted_by = (column, order)
        self.endResetModel()

    # -- looking up -----------------------------------------------------------------------

    def values(self, column: int) -> list[str | None]:
        """The column's cells as a list, made the first time the column is drawn."""
        found = self._values.get(column)
        if found is None:
            found = self._values[column] = self.sheet.columns[column].to_pylist()
        return found

    def view_row(self, sheet_row: int) -> int | None:
        """Where the sheet's row ``sheet_row`` is shown now; None when it is not kept."""
        numbers = self.sheet.row_numbers
        at = int(np.searchsorted(numbers, sheet_row))
        if at >= len(numbers) or numbers[at] != sheet_row:
            return None
        return int(self._view_of[at])

    def sheet_row(self, view_row: int) -> int:
        return int(self.sheet.row_numbers[self.order[view_row]])

    def find(self, text: str) -> np.ndarray:
        """Cells holding ``text`` (any case) as (view row, column) pairs in reading order."""
        if not text:
            return np.zeros((0, 2), dtype=np.int64)
        found = []
        for column, array in enumerate(self.sheet.columns):
            hit = pc.fill_null(pc.match_substring(array, text, ignore_case=True), False)
            rows = np.flatnonzero(np.asarray(hit, dtype=bool))
            if len(rows):
                found.append(np.column_stack([self._view_of[rows],
                                              np.full(len(rows), column)]))
        if not found:
            return np.zeros((0, 2), dtype=np.int64)
        cells = np.concatenate(found)
        return cells[np.lexsort((cells[:, 1], cells[:, 0]))]


def _sort_order(array: pa.Array, *, descending: bool) -> np.ndarray:
    """Positions of ``array`` in sorted order (stable, empty cells last)."""
    filled = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(array), 0), False), dtype=bool)
    text = pd.Series(array.to_pandas(), dtype=object)
    numbers = pd.to_numeric(text.str.replace(r"[\s\u00a0]", "", regex=True)
                            .str.replace(",", ".", regex=False), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    if filled.any() and np.isfinite(numbers[filled]).mean() >= NUMERIC_SHARE:
        key = -numbers if descending else numbers
        ranked = np.argsort(key, kind="stable")  # NaN sorts last either way
        return ranked.astype(np.int64)
    lowered = pc.utf8_lower(array)
    ranked = pc.array_sort_indices(lowered, order="descending" if descending else "ascending",
                                   null_placement="at_end")
    return np.asarray(ranked, dtype=np.int64)


# -- reading off the UI thread ----------------------------------------------------------------


class TableReader(QThread):
    """Reads a source's stored file as tables; reports them or one sentence."""

    read = Signal(object)  # SourceTables
    failed = Signal(str)

    def __init__(self, case_path: Path, sha256: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_path, self.sha256 = case_path, sha256
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def run(self) -> None:
        try:
            tables = source_tables(self.case_path, self.sha256, cancel=lambda: self._cancel)
        except ReadCancelled:
            return
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:  # an unforeseen failure still ends as one sentence
            self.failed.emit(f"The source could not be shown ({type(exc).__name__}).")
            return
        self.read.emit(tables)


# -- the window --------------------------------------------------------------------------------


def rows_line(sheet: SheetTable) -> str:
    """What the tab shows of the sheet, in words."""
    kept, total = sheet.kept_rows, sheet.total_rows
    if sheet.stopped:
        return f"The first {kept:,} rows; {sheet.stopped}."
    if total > kept:
        return (f"The first {kept:,} rows of {total:,}, numbered as in the sheet; the whole "
                "file is kept in the case.")
    return (f"{total:,} row{'s' if total != 1 else ''}, numbered as in the sheet; read-only "
            "(click a column title to sort, Ctrl+F to find).")


class SheetTab(QWidget):
    """One sheet: its table and the line saying how much of it is shown."""

    def __init__(self, sheet: SheetTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = SheetModel(sheet, self)
        self.view = QTableView(self)
        self.view.setObjectName("source_table.view")
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the sheet's order at first
        self.view.setSortingEnabled(True)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: fast at 100k
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        header.setResizeContentsPrecision(MEASURED_ROWS)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.line = QLabel(rows_line(sheet), self)
        self.line.setObjectName("source_table.rows")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.line)

    def fit_columns(self) -> None:
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(header.sectionSize(column), COLUMN_WIDTH_MAX))

    def select(self, view_row: int, column: int = 0, *, whole_row: bool = True) -> None:
        index = self.model.index(view_row, column)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        if whole_row:
            flags |= QItemSelectionModel.SelectionFlag.Rows
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)


class SourceTableWindow(QWidget):
    """A spreadsheet source, read-only: a tab per sheet, Find with Ctrl+F."""

    loaded = Signal()  # the tables are shown (or the sentence saying why not)
    #: Its keyboard shortcuts, (keys, what they do), for Help > Keyboard shortcuts.
    SHORTCUTS: ClassVar[tuple[tuple[QKeySequence.StandardKey | str, str], ...]] = (
        (QKeySequence.StandardKey.Find, "Find in the sheet"),
        (QKeySequence.StandardKey.FindNext, "Next match"),
        (QKeySequence.StandardKey.FindPrevious, "Previous match"),
        ("Shift+Return", "Previous match (in the find box)"),
        ("Esc", "Close the find bar"),
    )

    def __init__(self, case_path: Path, entry: dict[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("source_table")
        self.case_path = Path(case_path)
        self.entry = dict(entry)
        self.sha256 = str(entry.get("sha256", ""))
        self.tables: SourceTables | None = None
        self.error: str | None = None
        self._pending: tuple[str | None, int] | None = None
        self._matches = np.zeros((0, 2), dtype=np.int64)
        self._match = -1
        title = str(entry.get("title") or entry.get("name") or "Source")
        self.setWindowTitle(f"{title} — source (read-only)")
        self.resize(1100, 680)

        heading = QLabel(title, self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        self.info = QLabel(self._info_text(), self)
        self.info.setObjectName("source_table.info")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confidential = QLabel("Confidential: left out of redacted copies", self)
        self.confidential.setObjectName("source_table.confidential")
        palette = self.confidential.palette()
        palette.setColor(self.confidential.foregroundRole(), CONFIDENTIAL)
        self.confidential.setPalette(palette)
        self.confidential.setVisible(bool(entry.get("confidential")))
        self.status = QLabel("Reading the sheets from the copy kept in the case…", self)
        self.status.setObjectName("source_table.status")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("source_table.sheets")
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(lambda _i: self._run_find())
        self.tabs.setVisible(False)

        self.find_bar = QWidget(self)
        self.find_box = QLineEdit(self.find_bar)
        self.find_box.setObjectName("source_table.find")
        self.find_box.setPlaceholderText("Find in this sheet (Enter: next, Shift+Enter: previous)")
        self.find_box.setClearButtonEnabled(True)
        self.find_count = QLabel(self.find_bar)
        self.find_count.setObjectName("source_table.find_count")
        previous = QToolButton(self.find_bar)
        previous.setText("↑")
        previous.setToolTip("Previous match (Shift+F3)")
        previous.clicked.connect(lambda: self.find_next(backwards=True))
        following = QToolButton(self.find_bar)
        following.setText("↓")
        following.setToolTip("Next match (F3)")
        following.clicked.connect(lambda: self.find_next())
        close = QToolButton(self.find_bar)
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_find)
        bar = QHBoxLayout(self.find_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(QLabel("Find:", self.find_bar))
        bar.addWidget(self.find_box, 1)
        bar.addWidget(self.find_count)
        bar.addWidget(previous)
        bar.addWidget(following)
        bar.addWidget(close)
        self.find_bar.setVisible(False)
        self._find_timer = QTimer(self, singleShot=True, interval=FIND_DELAY_MS)
        self._find_timer.timeout.connect(self._run_find)
        self.find_box.textChanged.connect(self._find_timer.start)
        self.find_box.returnPressed.connect(self.find_next)

        for keys, slot in ((QKeySequence.StandardKey.Find, self.open_find),
                           (QKeySequence.StandardKey.FindNext, self.find_next),
                           (QKeySequence.StandardKey.FindPrevious,
                            lambda: self.find_next(backwards=True))):
            QShortcut(QKeySequence(keys), self, slot)
        QShortcut(QKeySequence("Shift+Return"), self.find_box,
                  lambda: self.find_next(backwards=True),
                  context=Qt.ShortcutContext.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self.find_box, self.close_find,
                  context=Qt.ShortcutContext.WidgetShortcut)

        self.external = QPushButton("Open with system viewer", self)
        self.external.setObjectName("source_table.open_external")
        self.external.setToolTip("Write a private copy of the stored file and open it in "
                                 "another program (all of it, also rows not shown here)")
        self.external.setAutoDefault(False)
        self.external.clicked.connect(lambda: self.open_external())
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.confidential)
        top.addWidget(self.external)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

        self.reader = TableReader(self.case_path, self.sha256, self)
        self.reader.read.connect(self._on_read)
        self.reader.failed.connect(self._on_failed)
        self.reader.start()

    def _info_text(self) -> str:
        e = self.entry
        size = e.get("size")
        parts = [str(e.get("name") or ""),
                 f"{size:,} bytes" if isinstance(size, int) else "",
                 f"SHA-256 {self.sha256}", "read from the copy kept in the case"]
        return " · ".join(p for p in parts if p)

    @property
    def loading(self) -> bool:
        return self.tables is None and self.error is None

    # -- reading ------------------------------------------------------------------------

    def _on_read(self, tables: SourceTables) -> None:
        self.tables = tables
        for sheet in tables.sheets:
            tab = SheetTab(sheet, self.tabs)
            self.tabs.addTab(tab, sheet.name or tables.name)
            tab.fit_columns()
        self.tabs.tabBar().setVisible(len(tables.sheets) > 1)
        self.tabs.setVisible(True)
        self.status.setText(tables.index_note or "")
        self.status.setVisible(bool(tables.index_note))
        if self._pending is not None:
            self.show_row(*self._pending)
        self.loaded.emit()

    def _on_failed(self, sentence: str) -> None:
        self.error = sentence
        self.status.setText(sentence)
        self.loaded.emit()

    # -- moving ---------------------------------------------------------------------------

    def tab(self, index: int | None = None) -> SheetTab | None:
        widget = self.tabs.widget(self.tabs.currentIndex() if index is None else index)
        return widget if isinstance(widget, SheetTab) else None

    def show_row(self, sheet: str | None, row: int) -> bool:
        """Select the sheet's row (as the sheet numbers it); once read, if still reading."""
        if self.tables is None:
            self._pending = (sheet, row)
            return False
        self._pending = None
        index = self.tables.sheet_index(sheet) if sheet else 0
        tab = self.tab(index if index is not None else 0)
        if tab is None:
            return False
        self.tabs.setCurrentWidget(tab)
        view_row = tab.model.view_row(row)
        if view_row is None:
            self.status.setText(f"Row {row:,} is not among the rows shown of "
                                f"{sheet or self.tables.name}.")
            return False
        tab.select(view_row)
        tab.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def open_external(self, viewer: Callable[[Path], bool] = open_with_system_viewer,
                      ) -> Path | None:
        """The stored file, written to a private temporary folder and opened elsewhere."""
        try:
            path = stored_copy(self.case_path, self.sha256, str(self.entry.get("name") or
                                                                "source"))
        except WorkbenchError as exc:
            self.status.setText(str(exc))
            self.status.setVisible(True)
            return None
        if not viewer(path):
            self.status.setText(f"No viewer opened {path.name}; it is at {path}.")
            self.status.setVisible(True)
        return path

    # -- find -------------------------------------------------------------------------------

    def open_find(self) -> None:
        self.find_bar.setVisible(True)
        self.find_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_box.selectAll()

    def close_find(self) -> None:
        self.find_bar.setVisible(False)
        tab = self.tab()
        if tab is not None:
            tab.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _run_find(self) -> None:
        """Find the box's text in the current sheet and go to the first cell holding it."""
        self._find_timer.stop()
        tab = self.tab()
        text = self.find_box.text()
        self._matches = (tab.model.find(text) if tab is not None and text
                         else np.zeros((0, 2), dtype=np.int64))
        self._match = -1
        if not text:
            self.find_count.clear()
        elif not len(self._matches):
            self.find_count.setText("Not found in this sheet")
        else:
            self._go(0)

    def find_next(self, *, backwards: bool = False) -> None:
        """Go to the next (or previous) cell holding the words, wrapping around."""
        if self._find_timer.isActive():  # typed but not searched yet
            self._run_find()
            return
        total = len(self._matches)
        if total:
            self._go((self._match + (-1 if backwards else 1)) % total)

    def _go(self, match: int) -> None:
        tab = self.tab()
        if tab is None:
            return
        self._match = match
        row, column = (int(v) for v in self._matches[match])
        tab.select(row, column, whole_row=False)
        self.find_count.setText(f"{match + 1:,} of {len(self._matches):,}")

    # -- closing ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop()
        super().closeEvent(event)

    def stop(self) -> None:
        """Stop a read still running (closing the window or the case)."""
        if self.reader.isRunning():
            self.reader.cancel()
            self.reader.wait()
