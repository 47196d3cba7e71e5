"""What every dockable panel has: a name for its dock, a title, and the session it shows."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from workbench.analysis.view_state import StateChange
from workbench.ui.session import CaseSession


class Panel(QWidget):
    """A view of the open case. Subclasses set NAME, TITLE, AREA and implement ``refresh``.

    ``refresh`` is called with each :class:`StateChange`; a panel refreshes only what the
    change concerns, and skips changes it made itself (``change.source is self``).
    """

    NAME: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    AREA: ClassVar[Qt.DockWidgetArea] = Qt.DockWidgetArea.RightDockWidgetArea
    TABIFY_WITH: ClassVar[str | None] = None
    #: The panel's own keyboard shortcuts, (keys, what they do), for Help > Keyboard shortcuts.
    SHORTCUTS: ClassVar[tuple[tuple[QKeySequence.StandardKey | str, str], ...]] = ()

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName(f"panel.{self.NAME}")
        session.changed.connect(self._on_session_changed)

    def _on_session_changed(self, change: StateChange) -> None:
        self.refresh(change)

    def refresh(self, change: StateChange) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


def list_table(model: QAbstractItemModel, name: str, *, single: bool = True,
               wrap: bool = False) -> QTableView:
    """A read-only table of whole-row selections, columns sized to their contents."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(wrap)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table
