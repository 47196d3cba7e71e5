"""Search everything: notes, sources, annotations, replies, company names and goods, ranked.

The query runs on a worker thread with its own connection (the first search after a large
import also indexes the new descriptions); a result that arrives after the text changed again
is dropped. Enter or a double-click jumps to the place: the window routes ``jump_requested``.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QModelIndex, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.view_state import RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.services.search import Hit, search, unlisted_rows
from workbench.store.case import CaseFile
from workbench.ui.models.summary_model import Column, SummaryModel
from workbench.ui.panels.base import Panel, list_table
from workbench.ui.session import CaseSession

COLUMNS = [Column("kind", "What"), Column("title", "Title"), Column("snippet", "Found")]
DEBOUNCE_MS = 300
KIND_NAMES = {"note": "note", "source": "source", "annotation": "annotation",
              "company": "company", "description": "goods"}


class SearchWorker(QThread):
    """One search against the case file; reports the hits or one sentence."""

    found = Signal(int, object)  # generation, list[Hit]
    failed = Signal(int, str)

    def __init__(self, path: str, text: str, generation: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.path, self.text, self.generation = path, text, generation

    def run(self) -> None:
        try:
            case = CaseFile.open(self.path)  # writable: the index may need to catch up
            try:
                hits = search(case, self.text, limit=200)
            finally:
                case.close()
        except WorkbenchError as exc:
            self.failed.emit(self.generation, str(exc))
            return
        self.found.emit(self.generation, hits)


class SearchPanel(Panel):
    """One box for the whole case; results ranked with the words found in context."""

    NAME = "search"
    TITLE = "Search everything"
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea
    TABIFY_WITH = "timeline"

    jump_requested = Signal(object)  # the chosen Hit

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.hits: list[Hit] = []
        self._generation = 0
        self._workers: list[SearchWorker] = []
        self.box = QLineEdit()
        self.box.setObjectName("search.box")
        self.box.setPlaceholderText("Words in notes, sources, annotations, replies, companies, "
                                    "goods (Ctrl+Shift+F)")
        self.box.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("search.count")
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(self._timer.start)
        self.box.returnPressed.connect(self._on_return)
        self.model = SummaryModel(COLUMNS, self)
        self.table = list_table(self.model, "search.results")
        self.table.activated.connect(self._on_activated)  # Enter, double-click
        top = QHBoxLayout()
        top.addWidget(self.box, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def refresh(self, change: StateChange) -> None:
        if RECORD in change and self.box.text().strip():
            self._timer.start()

    def focus(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def run_search(self) -> SearchWorker | None:
        """Start the search for the box's words (the previous one's answer is dropped)."""
        self._timer.stop()
        self._generation += 1
        text = self.box.text().strip()
        if not text:
            self._show([])
            self.count.clear()
            return None
        worker = SearchWorker(str(self.session.summary.path), text, self._generation, self)
        worker.found.connect(self._on_found)
        worker.failed.connect(self._on_failed)
        worker.finished.connect(lambda: self._workers.remove(worker))
        self._workers.append(worker)
        self.count.setText("Searching…")
        worker.start()
        return worker

    def wait(self) -> None:
        """Let every running search finish (closing the case, tests)."""
        for worker in list(self._workers):
            worker.wait()

    def _on_found(self, generation: int, hits: list[Hit]) -> None:
        if generation == self._generation:
            self._show(hits)
            self.count.setText(f"{len(hits):,} found" if hits else "Nothing found")

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._show([])
            self.count.setText(message)

    def _show(self, hits: list[Hit]) -> None:
        self.hits = hits
        more = unlisted_rows(hits)
        last = {h.source_sha256: i for i, h in enumerate(hits) if h.source_sha256}
        rows = []
        for i, h in enumerate(hits):
            snippet = h.snippet
            sha = h.source_sha256
            if sha in more and last[sha] == i:
                snippet += f"  (and {more[sha]:,} more matching rows: Ctrl+F in its table)"
            rows.append({"kind": KIND_NAMES.get(h.kind, "reply" if h.kind.startswith("reply.")
                                                else h.kind),
                         "title": f"{h.title} · {h.place}" if h.place else h.title,
                         "snippet": snippet})
        self.model.set_frame(pd.DataFrame(rows, columns=[c.key for c in COLUMNS]))

    def _on_return(self) -> None:
        if self.hits and self._timer.isActive() is False:
            self.jump_requested.emit(self.hits[0])
        else:
            self.run_search()

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.jump_requested.emit(self.hits[index.row()])

    def closeEvent(self, event: object) -> None:
        self.wait()
        super().closeEvent(event)  # type: ignore[arg-type]
