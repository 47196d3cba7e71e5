"""A read-only table model over a small DataFrame of prepared, formatted values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    format: Callable[[object], str] = str
    numeric: bool = False


def money(value: object) -> str:
    return "" if pd.isna(value) else f"{float(value):,.2f}"  # type: ignore[arg-type]


def count(value: object) -> str:
    return "" if pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]


def day(value: object) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")  # type: ignore[arg-type]


class SummaryModel(QAbstractTableModel):
    """Rows of a DataFrame shown through declared columns; sorting reorders a copy."""

    KEY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: list[Column], parent: object | None = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.columns = columns
        self.frame = pd.DataFrame(columns=[c.key for c in columns])
        self._text: list[list[str]] = []

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self.frame = frame.reset_index(drop=True)
        self._text = [
            [c.format(v) for v in self.frame[c.key].tolist()] for c in self.columns
        ]
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
        if role == self.KEY_ROLE:
            value = self.frame.iloc[index.row()][column.key]
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
        return self.frame.iloc[row][key]
