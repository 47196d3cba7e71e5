"""A read-only table model over a small DataFrame of prepared, formatted values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
#: Given one row's values (column key -> value), the colour its text is drawn in, or None.
RowColour = Callable[[dict[str, object]], QColor | None]


def text(values: pd.Series) -> list[str]:
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def money(values: pd.Series) -> list[str]:
    return [("" if v != v else f"{v:,.2f}") for v in values.astype("float64").tolist()]


def count(values: pd.Series) -> list[str]:
    return [("" if v != v else f"{int(v):,}") for v in values.astype("float64").tolist()]


def day(values: pd.Series) -> list[str]:
    return text(pd.to_datetime(values).dt.strftime("%Y-%m-%d"))


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    format: Callable[[pd.Series], list[str]] = text
    numeric: bool = False


class SummaryModel(QAbstractTableModel):
    """Rows of a DataFrame shown through declared columns; sorting reorders a copy."""

    KEY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(
        self, columns: list[Column], parent: object | None = None,
        colour: RowColour | None = None,
    ) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.columns = columns
        self.colour = colour
        self._colours: list[QColor | None] = []
        self.frame = pd.DataFrame(columns=[c.key for c in columns])
        self._text: list[list[str]] = []
        self._values: dict[str, list[object]] = {}

    def set_frame(self, frame: pd.DataFrame) -> None:
        """Show ``frame``: every cell is formatted here, once, column by column."""
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self._text = [c.format(self.frame[c.key]) for c in self.columns]
        self._values = {c.key: self.frame[c.key].tolist() for c in self.columns}
        colour = self.colour
        self._colours = (
            [colour(row) for row in self.frame.to_dict("records")] if colour is not None else []
        )
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[index.column()][index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._colours:
            return self._colours[index.row()]
        if role == self.KEY_ROLE:
            value = self._values[column.key][index.row()]
            return None if pd.isna(value) else str(value)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        key = self.columns[column].key
        ordered = self.frame.sort_values(
            key, ascending=order == Qt.SortOrder.AscendingOrder, kind="stable", na_position="last"
        )
        self.set_frame(ordered)  # a small table: a reset is simpler than moving indexes

    def row_key(self, row: int, key: str) -> object:
        return self._values[key][row]
