"""The open case's live annotations with what they cover, shared by every view that marks them.

One :class:`AnnotationLayer` per session, read from the case file when the record, the
companies or the data change. Every panel and model calls :meth:`AnnotationLayer.sync` with the
change it was told of; the first one to do so reloads, the others find it done and compare the
layer's generation with the one they drew, so the order in which Qt calls them does not matter
and the work is done once per change.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from workbench.analysis.annotations import AnnotationIndex, Target, date_span, describe, target_of
from workbench.analysis.view_state import COMPANIES, DATA, RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.export.charts import AnnotationSpan
from workbench.services.companies import Company
from workbench.services.history import hlc_time
from workbench.services.notes import annotations
from workbench.store.case import CaseFile
from workbench.ui.session import CaseSession

_CONCERNS = (RECORD, COMPANIES, DATA)


class AnnotationLayer:
    """Live annotations (newest last), their targets, and the per-row count of annotations."""

    def __init__(self, session: CaseSession) -> None:
        self._session = weakref.ref(session)
        self.entries: list[dict[str, Any]] = []
        self.targets: list[Target] = []
        self.error = ""
        self._index: AnnotationIndex | None = None
        self._seen: StateChange | None = None
        self.generation = 0  # bumped by every reload: a view compares it with what it drew
        self.reload()

    @property
    def session(self) -> CaseSession:
        session = self._session()
        assert session is not None, "the session was closed"
        return session

    def sync(self, change: StateChange) -> int:
        """Reload for a change that concerns annotations (once per change, whoever asks
        first); returns the generation, which a view compares with the one it drew."""
        if change is not self._seen and any(kind in change for kind in _CONCERNS):
            self._seen = change
            self.reload()
        return self.generation

    def reload(self) -> None:
        """Read the live annotations and resolve their companies against the session's book."""
        session = self.session
        try:
            case = CaseFile.open(session.summary.path, read_only=True)
        except WorkbenchError as exc:
            self.error = str(exc)
            return
        try:
            self.entries = annotations(case)
        finally:
            case.close()
        self.error = ""
        self.generation += 1
        book = session.companies
        company_of = book.company_of if book is not None else {}
        display = [c.name for c in book.companies] if book is not None else []
        self.targets = [target_of(e, company_of, display) for e in self.entries]

    @property
    def index(self) -> AnnotationIndex:
        frame = self.session.frame
        if self._index is None or self._index.frame is not frame:
            self._index = AnnotationIndex(frame)
        return self._index

    def counts(self) -> np.ndarray:
        """How many annotations cover each shipment (by frame position)."""
        return self.index.counts(self.targets)

    def mask(self, i: int) -> np.ndarray:
        return self.index.mask(self.targets[i])

    def covering(self, position: int) -> list[dict[str, Any]]:
        """The annotations covering the shipment at frame ``position``."""
        return [self.entries[i] for i in self.index.covering(self.targets, position)]

    def about(self, i: int) -> str:
        """What annotation ``i`` is about, in plain words (with its shipment count)."""
        target = self.targets[i]
        rows = None if target.company is not None else int(self.mask(i).sum())
        return describe(target, rows)

    def spans(self) -> list[AnnotationSpan]:
        """Dated annotations for the timeline: first day, last day, label."""
        found: list[AnnotationSpan] = []
        for entry, target in zip(self.entries, self.targets, strict=True):
            span = date_span(target.conditions)
            if span is not None:
                found.append((span[0], span[1], str(entry.get("text", ""))))
        return found

    def of_company(self, company: Company) -> list[dict[str, Any]]:
        """The annotations about ``company`` (any of its spellings)."""
        aliases = set(company.aliases)
        return [e for e, t in zip(self.entries, self.targets, strict=True)
                if t.company is not None and aliases & set(t.spellings)]


_layers: weakref.WeakKeyDictionary[CaseSession, AnnotationLayer] = weakref.WeakKeyDictionary()


def layer_of(session: CaseSession) -> AnnotationLayer:
    """The session's annotation layer (made on first use)."""
    layer = _layers.get(session)
    if layer is None:
        layer = _layers[session] = AnnotationLayer(session)
    return layer


def shown_time(hlc: str) -> str:
    """An event's hybrid clock as ``2024-05-20 09:00`` (UTC)."""
    return hlc_time(hlc)[:16].replace("T", " ")


def tags_text(entry: dict[str, Any]) -> str:
    return ", ".join(str(t) for t in entry.get("tags") or [])
