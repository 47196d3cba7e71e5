"""The discrepancies of an import as a table: shipment, field, both values, where each is from."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from workbench.ingest.differences import Discrepancy
from workbench.services.discrepancies import field_label, format_value
from workbench.store.offered import FIELD_KIND

Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class DiscrepanciesModel(QAbstractTableModel):
    """One row per field on which another extract's copy of a held shipment differs."""

    HEADERS = ("Declaration", "Item", "Field", "Kind", "Held (counts)", "Offered", "File",
               "Sheet", "Row")
    _NUMBERS = frozenset({1, 8})  # item and row; held and offered when the field is a number

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []
        self._amounts: list[bool] = []

    def set_discrepancies(self, found: Sequence[Discrepancy]) -> None:
        self.beginResetModel()
        self._rows = [
            (d.declaration_no, str(d.item_no), field_label(d.field), d.kind,
             format_value(d.field, d.held), format_value(d.field, d.offered), d.file, d.sheet,
             str(d.row))
            for d in found
        ]
        self._amounts = [FIELD_KIND.get(d.field) == "number" for d in found]
        self.endResetModel()

    def as_tsv(self) -> str:
        """The rows as tab-separated text with a header line, for the clipboard."""
        lines = ["\t".join(self.HEADERS)]
        lines += ["\t".join(c.replace("\t", " ").replace("\n", " ") for c in r)
                  for r in self._rows]
        return "\n".join(lines) + "\n"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and (
                index.column() in self._NUMBERS
                or (index.column() in (4, 5) and self._amounts[index.row()])):
            return _RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1)
