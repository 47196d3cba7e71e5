"""The shipment table's model: the session's frame, in the order of the session's view.

The model never reorders or copies the shipments. It keeps the view's row positions and, per
column, an array it can index (numpy for numbers and dates, Arrow for text); ``data()`` formats
one cell from them. Columns are prepared the first time a cell of theirs is shown, so hidden
columns cost nothing and a million rows open as fast as ten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap

from workbench import labels
from workbench.analysis.view_state import DATA, FILTER, StateChange
from workbench.ingest.columns import BY_NAME, Kind
from workbench.ingest.countries import country_label
from workbench.services.preferences import Preferences
from workbench.ui.annotation_layer import layer_of
from workbench.ui.session import CaseSession

Index = QModelIndex | QPersistentModelIndex

MONEY_COLUMNS = frozenset({"stat_value_usd", "invoice_value", "customs_value_rub"})
WEIGHT_COLUMNS = frozenset({"net_kg", "gross_kg"})
#: Whole numbers that identify rather than count: shown without thousands separators.
IDENTIFIER_NUMBERS = frozenset({"item_no", "source_row"})
#: Text longer than this also comes as a tooltip (the cell may elide it).
_LONG_TEXT = 40
#: What a value-basis cell shows when the shipment was kept without a value.
NO_VALUE = "— no value"
NO_VALUE_COLOUR = QColor("#B3261E")

# PySide picks a signal overload by signature; this one carries the sort hint that lets the
# selection model keep whole rows rather than every selected cell.
_LAYOUT_SIGNATURE = "QList<QPersistentModelIndex>,QAbstractItemModel::LayoutChangeHint"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def column_label(name: str) -> str:
    """The reader's name of a column, from the table of labels (unknown names made words)."""
    return labels.column_label(name)


#: How numbers and dates look (Edit > Preferences); the window sets it with set_styles().
_styles = Preferences()


def set_styles(prefs: Preferences) -> None:
    """Show numbers and dates in ``prefs``' styles from the next paint on."""
    global _styles
    _styles = prefs


def format_money(value: float) -> str:
    return _styles.format_number(f"{value:,.2f}")


def format_weight(value: float) -> str:
    return _styles.format_number(_trim(f"{value:,.3f}"))


def format_number(value: float) -> str:
    return _styles.format_number(_trim(f"{value:,.4f}"))


def format_day(day: date) -> str:
    return _styles.format_date(day)


def format_identifier(value: float) -> str:
    return str(int(value))


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=512)
def country_tooltip(code: str) -> str:
    """``"South Korea (KR)"``, or the code itself when it names no known country."""
    return country_label(code)


def number_format(name: str) -> Callable[[float], str]:
    if name in MONEY_COLUMNS:
        return format_money
    if name in WEIGHT_COLUMNS:
        return format_weight
    if name in IDENTIFIER_NUMBERS:
        return format_identifier
    return format_number


def cell_text(name: str, value: object) -> str:
    """One value as the table shows it (for panels that show single shipments)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if isinstance(value, pd.Timestamp | np.datetime64):
        return format_day(pd.Timestamp(value).date())
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return number_format(name)(float(value))
    return str(value)


@dataclass(frozen=True)
class _Cells:
    """One column, ready to format any of its cells by frame position."""

    text: Callable[[int], str]
    tooltip: Callable[[int], str | None] | None = None
    numeric: bool = False
    #: Per frame position: the cell carries the warning mark (a value basis left empty).
    flagged: np.ndarray | None = None


def _prepare(name: str, series: pd.Series) -> _Cells:
    kind = BY_NAME[name].kind if name in BY_NAME else None
    dtype = series.dtype
    if dtype.kind == "M":
        days = series.to_numpy().astype("datetime64[D]")

        def date_text(pos: int) -> str:
            day = days[pos]
            return "" if np.isnat(day) else format_day(day.item())

        return _Cells(date_text)
    if dtype.kind in "fiub" or str(dtype) in ("Int64", "Float64"):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        fmt = number_format(name)

        def number_text(pos: int) -> str:
            value = numbers[pos]
            return "" if value != value else fmt(value)

        return _Cells(number_text, numeric=True)
    text = _text_reader(series)
    if kind is Kind.COUNTRY:

        def country_tip(pos: int) -> str | None:
            code = text(pos)
            return country_tooltip(code) if code else None

        return _Cells(text, country_tip)

    def long_text_tip(pos: int) -> str | None:
        value = text(pos)
        return value if len(value) > _LONG_TEXT else None

    return _Cells(text, long_text_tip)


def _prepare_value_basis(name: str, series: pd.Series) -> _Cells:
    """The case's value column: an empty cell says so, in the warning colour, with a reason.

    A shipment kept without a value counts as a row but adds nothing to any total; the mark is
    one boolean array computed once, so painting stays a lookup at a million rows.
    """
    if not (series.dtype.kind in "fiu" or str(series.dtype) in ("Int64", "Float64")):
        return _prepare(name, series)
    numbers = series.to_numpy(dtype="float64", na_value=np.nan)
    empty = np.isnan(numbers)
    empty.setflags(write=False)
    fmt = number_format(name)
    label = column_label(name)
    tip = (f"This shipment came without a {label[:1].lower()}{label[1:]}: it counts as a "
           "shipment but adds nothing to totals. The import report lists these rows.")

    def value_text(pos: int) -> str:
        return NO_VALUE if empty[pos] else fmt(numbers[pos])

    def value_tip(pos: int) -> str | None:
        return tip if empty[pos] else None

    return _Cells(value_text, value_tip, numeric=True, flagged=empty)


ANNOTATION_COLOUR = QColor("#7A3E9D")
#: Annotation texts listed in a marked row's tooltip.
_TOOLTIP_ANNOTATIONS = 8


#: The mark of a row another extract gives other values for.
DISCREPANCY_COLOUR = QColor("#C25E00")
_BADGE_W, _BADGE_H, _BADGE_GAP = 18, 14, 2


def _draw_badge(painter: QPainter, left: float, colour: QColor, text: str) -> None:
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(left + 0.5, 0.5, _BADGE_W - 1, _BADGE_H - 1), 4, 4)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(left, 0, _BADGE_W, _BADGE_H), Qt.AlignmentFlag.AlignCenter, text)


@lru_cache(maxsize=64)
def row_badge(annotations: int, discrepancies: int = 0) -> QPixmap:
    """A row's marks: a purple badge with its number of annotations (9+ beyond nine), and an
    orange ≠ where another extract gives other values."""
    shown = [(ANNOTATION_COLOUR, str(annotations) if annotations < 10 else "9+")
             if annotations else None, (DISCREPANCY_COLOUR, "≠") if discrepancies else None]
    badges = [b for b in shown if b is not None]
    width = max(1, len(badges) * _BADGE_W + (len(badges) - 1) * _BADGE_GAP)
    pixmap = QPixmap(width, _BADGE_H)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(10)
    font.setBold(True)
    painter.setFont(font)
    for i, (colour, text) in enumerate(badges):
        _draw_badge(painter, i * (_BADGE_W + _BADGE_GAP), colour, text)
    painter.end()
    return pixmap



def _text_reader(series: pd.Series) -> Callable[[int], str]:
    """Text cells by position: straight from Arrow for string columns (no copy)."""
    if isinstance(series.dtype, pd.StringDtype):
        arrow = pa.array(series.array)

        def arrow_text(pos: int) -> str:
            return arrow[pos].as_py() or ""

        return arrow_text
    values = series.to_numpy(dtype=object)

    def object_text(pos: int) -> str:
        value = values[pos]
        return "" if pd.isna(value) else str(value)

    return object_text


class ShipmentsModel(QAbstractTableModel):
    """Every column of the session's frame; rows are ``session.view.rows`` (display order).

    Resets itself when the filter or the data change; :meth:`sort` sorts through the view.
    """

    COLUMN_ROLE = Qt.ItemDataRole.UserRole  # on horizontal headers: the column's name
    #: On cells: how many annotations cover the row (any column).
    ANNOTATIONS_ROLE = Qt.ItemDataRole.UserRole + 2
    #: On cells: on how many fields another extract gives the row other values.
    DISCREPANCIES_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.columns: list[str] = list(session.frame.columns)
        self._rows: np.ndarray = session.view.rows
        self._cells: dict[int, _Cells] = {}
        self._inverse: np.ndarray | None = None  # frame position -> view row, -1 if hidden
        self.annotations = layer_of(session)
        self._drawn = self.annotations.generation
        self._counts: np.ndarray = self.annotations.counts()  # per frame position
        self._others: np.ndarray = session.discrepancy_counts()  # per frame position
        #: The column whose cells carry the annotation badge (the panel sets the first shown).
        self.marker_section = 0
        session.changed.connect(self._on_session_changed)

    # -- the rows -----------------------------------------------------------------------------

    @property
    def rows(self) -> np.ndarray:
        """Frame positions in display order."""
        return self._rows

    def frame_row(self, view_row: int) -> int:
        return int(self._rows[view_row])

    def view_rows(self, positions: np.ndarray | tuple[int, ...]) -> np.ndarray:
        """The view rows showing these frame positions (those filtered out are left out)."""
        found = self._lookup(np.asarray(positions, dtype=np.int64))
        return found[found >= 0]

    def _lookup(self, positions: np.ndarray) -> np.ndarray:
        """View row of each frame position, -1 where it is filtered out."""
        if self._inverse is None:
            inverse = np.full(len(self.session.frame), -1, dtype=np.int64)
            inverse[self._rows] = np.arange(len(self._rows), dtype=np.int64)
            self._inverse = inverse
        return self._inverse[positions]

    def column_name(self, section: int) -> str:
        return self.columns[section]

    def section(self, name: str) -> int:
        """The section of column ``name``, or -1."""
        return self.columns.index(name) if name in self.columns else -1

    def reload(self, *, data: bool = False) -> None:
        """Take the view's rows again (after a filter); with ``data``, also the frame's columns."""
        self.beginResetModel()
        if data:
            self.columns = list(self.session.frame.columns)
            self._cells.clear()
        self._rows = self.session.view.rows
        self._inverse = None
        self.endResetModel()

    def _on_session_changed(self, change: StateChange) -> None:
        generation = self.annotations.sync(change)
        if generation != self._drawn or DATA in change:
            self._drawn = generation
            self._counts = self.annotations.counts()
            self._others = self.session.discrepancy_counts()
            if not (DATA in change or FILTER in change):
                self._marks_changed(self.marker_section)
        if DATA in change or FILTER in change:
            self.reload(data=DATA in change)

    # -- annotation markers --------------------------------------------------------------------

    def annotation_count(self, view_row: int) -> int:
        """How many annotations cover the shipment shown in ``view_row``."""
        return int(self._counts[self._rows[view_row]])

    def set_marker_section(self, section: int) -> None:
        """Carry the badges in column ``section`` (the first one shown)."""
        if section == self.marker_section:
            return
        old, self.marker_section = self.marker_section, section
        self._marks_changed(old)
        self._marks_changed(section)

    def _marks_changed(self, section: int) -> None:
        if len(self._rows) and 0 <= section < len(self.columns):
            roles = [Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole]
            self.dataChanged.emit(self.index(0, section),
                                  self.index(len(self._rows) - 1, section), roles)

    def _annotation_tooltip(self, position: int) -> str:
        found = self.annotations.covering(position)
        lines = [f"• {' '.join(str(e.get('text', '')).split())}"
                 for e in found[:_TOOLTIP_ANNOTATIONS]]
        if len(found) > _TOOLTIP_ANNOTATIONS:
            lines.append(f"… and {len(found) - _TOOLTIP_ANNOTATIONS} more")
        return f"{len(found)} annotation{'s' if len(found) != 1 else ''}:\n" + "\n".join(lines)

    # -- Qt's model interface ----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            cells = self._cells.get(column) or self._column_cells(column)
            return cells.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            column = index.column()
            cells = self._cells.get(column) or self._column_cells(column)
            return _RIGHT if cells.numeric else None
        if role == Qt.ItemDataRole.ForegroundRole:
            column = index.column()
            cells = self._cells.get(column) or self._column_cells(column)
            if cells.flagged is not None and cells.flagged[self._rows[index.row()]]:
                return NO_VALUE_COLOUR
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            if index.column() != self.marker_section:
                return None
            position = self._rows[index.row()]
            count, others = int(self._counts[position]), int(self._others[position])
            return row_badge(count, others) if count or others else None
        if role == Qt.ItemDataRole.ToolTipRole:
            column = index.column()
            position = self._rows[index.row()]
            cells = self._cells.get(column) or self._column_cells(column)
            tip = cells.tooltip(position) if cells.tooltip else None
            if column == self.marker_section:
                marks = [self._annotation_tooltip(int(position))] if self._counts[position] else []
                if self._others[position]:
                    n = int(self._others[position])
                    marks.append(f"Another extract gives other values for {n} field"
                                 f"{'s' if n != 1 else ''}; the Details panel shows both "
                                 "and lets you choose which counts.")
                if marks:
                    return "\n\n".join([tip, *marks] if tip else marks)
            return tip
        if role == self.ANNOTATIONS_ROLE:
            return int(self._counts[self._rows[index.row()]])
        if role == self.DISCREPANCIES_ROLE:
            return int(self._others[self._rows[index.row()]])
        return None

    def _column_cells(self, column: int) -> _Cells:
        name = self.columns[column]
        prepare = _prepare_value_basis if name == self.value_column else _prepare
        cells = self._cells[column] = prepare(name, self.session.frame[name])
        return cells

    @property
    def value_column(self) -> str:
        """The case's value basis, whose empty cells carry the warning mark."""
        return self.session.summary.value_column

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        name = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column_label(name)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column_label(name)}: written {name} in the command line's filters"
        if role == self.COLUMN_ROLE:
            return name
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort through the view (no data moves); ``column`` -1 restores the frame order."""
        name = self.columns[column] if 0 <= column < len(self.columns) else None
        ascending = name is None or order == Qt.SortOrder.AscendingOrder
        view = self.session.view
        if (name, ascending) == (view.sort_column, view.ascending):
            return
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)
        persistent = self.persistentIndexList()
        before = self._rows[[i.row() for i in persistent]] if persistent else None
        view.set_sort(name, ascending)
        self._rows = view.rows
        self._inverse = None
        if before is not None:
            after = self._lookup(before)
            self.changePersistentIndexList(
                persistent,
                [self.index(int(r), i.column()) for r, i in zip(after, persistent, strict=True)],
            )
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)
