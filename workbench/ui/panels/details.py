"""The details panel: where the selected shipments came from, and what one of them says.

One shipment: its provenance first (file, sheet, row, the file's SHA-256), then every field it
has. Several: how many, their total value, and the files and sheets they come from with their
row ranges. Provenance comes first because it is what a reporter cites.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.frame import column_kind
from workbench.analysis.view_state import DATA, SELECTION, StateChange
from workbench.ingest.columns import PROVENANCE, Kind
from workbench.ingest.countries import country_label
from workbench.ui.models.shipments_model import cell_text, column_label, format_money
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession

HINT = "Select shipments to see where they came from."
#: How many file/sheet groups a multiple selection lists before "and N more".
_MAX_GROUPS = 30
_SHORT_SHA = 12


class DetailsPanel(Panel):
    """Provenance and fields of the selected shipments."""

    NAME = "details"
    TITLE = "Details"
    AREA = Qt.DockWidgetArea.RightDockWidgetArea

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.hint = QLabel(HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setEnabled(False)  # greyed, as a hint
        self.provenance = _selectable(QLabel(self))
        self.provenance.setObjectName("details.provenance")
        self.provenance.setFrameShape(QFrame.Shape.StyledPanel)
        self.provenance.setMargin(6)
        self.provenance.setTextFormat(Qt.TextFormat.RichText)
        self.provenance.setWordWrap(True)
        self._form_box = QWidget(self)
        self.form = QFormLayout(self._form_box)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self._fields: dict[str, str] = {}
        self._source_index: _SourceCodes | None = None
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(6, 6, 6, 6)
        inner.addWidget(self.provenance)
        inner.addWidget(self._form_box)
        inner.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._content = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(scroll, 1)
        self._show()

    def refresh(self, change: StateChange) -> None:
        if SELECTION in change or DATA in change:
            self._show()

    def fields(self) -> dict[str, str]:
        """What the form shows for one shipment: column name -> text (empty otherwise)."""
        return dict(self._fields)

    # -- building the view ---------------------------------------------------------------------

    def _show(self) -> None:
        rows = self.session.state.selected_rows
        self._clear_form()
        self.hint.setVisible(not rows)
        self._content.setVisible(bool(rows))
        if len(rows) == 1:
            self._show_one(rows[0])
        elif rows:
            self._show_many(np.asarray(rows, dtype=np.int64))

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._fields = {}

    def _show_one(self, position: int) -> None:
        frame = self.session.frame
        row = frame.iloc[position]
        file, sheet, line, sha = (
            _text(row.get(name)) for name in ("source_file", "source_sheet", "source_row",
                                              "source_sha256")
        )
        where = ", ".join(
            part for part in (f"sheet {sheet}" if sheet else "", f"row {line}" if line else "")
            if part
        )
        self.provenance.setText(
            f"<b>{_html(file) or 'Unknown file'}</b><br>{_html(where)}"
            + (f"<br><small>SHA-256 {_html(sha[:_SHORT_SHA])}…</small>" if sha else "")
        )
        self.provenance.setToolTip(f"SHA-256 {sha}" if sha else "")
        for name in frame.columns:
            if name in PROVENANCE:
                continue
            text = cell_text(name, row[name])
            if not text:
                continue
            self._fields[name] = text
            shown = country_label(text) if column_kind(name) is Kind.COUNTRY else text
            value = _selectable(QLabel(shown, self._form_box))
            value.setWordWrap(True)
            self.form.addRow(column_label(name), value)

    def _show_many(self, positions: np.ndarray) -> None:
        frame = self.session.frame
        value_column = self.session.summary.value_column
        lines = [f"<b>{len(positions):,} shipments</b>"]
        if value_column in frame:
            values = frame[value_column].to_numpy(dtype="float64", na_value=np.nan)[positions]
            total = float(np.nansum(values))
            lines.append(f"{_html(column_label(value_column))}: {format_money(total)}")
        if all(c in frame for c in ("source_file", "source_sheet", "source_row")):
            lines.append("")
            lines.extend(self._sources(positions))
        self.provenance.setText("<br>".join(lines))
        self.provenance.setToolTip("")

    def _sources(self, positions: np.ndarray) -> list[str]:
        """``file · sheet S · rows 5–812 (120)`` per file and sheet, most shipments first."""
        src = self._source_codes()
        width = max(len(src.sheet_names), 1)
        keys = src.files[positions] * width + src.sheets[positions]
        rows = src.rows[positions]
        size = len(src.file_names) * width
        counts = np.bincount(keys, minlength=size)
        low, high = np.full(size, np.inf), np.full(size, -np.inf)
        np.fmin.at(low, keys, rows)
        np.fmax.at(high, keys, rows)
        groups = np.flatnonzero(counts)
        groups = groups[np.argsort(-counts[groups], kind="stable")]
        lines = []
        for key in groups[:_MAX_GROUPS]:
            file, sheet = _text(src.file_names[key // width]), _text(src.sheet_names[key % width])
            span = f"row {low[key]:.0f}" if low[key] == high[key] else (
                f"rows {low[key]:.0f}–{high[key]:.0f}"
            )
            sheet_text = f" · sheet {_html(sheet)}" if sheet else ""
            lines.append(f"{_html(file)}{sheet_text} · {span} ({counts[key]:,})")
        if len(groups) > _MAX_GROUPS:
            lines.append(f"and {len(groups) - _MAX_GROUPS:,} more files or sheets")
        return lines

    def _source_codes(self) -> _SourceCodes:
        """Each row's file and sheet as codes, computed once per frame."""
        frame = self.session.frame
        if self._source_index is None or self._source_index.frame is not frame:
            files, file_names = pd.factorize(frame["source_file"], use_na_sentinel=False)
            sheets, sheet_names = pd.factorize(frame["source_sheet"], use_na_sentinel=False)
            self._source_index = _SourceCodes(
                frame, files, sheets, np.asarray(file_names, dtype=object),
                np.asarray(sheet_names, dtype=object),
                frame["source_row"].to_numpy(dtype="float64", na_value=np.nan),
            )
        return self._source_index


@dataclass(frozen=True)
class _SourceCodes:
    frame: pd.DataFrame
    files: np.ndarray
    sheets: np.ndarray
    file_names: np.ndarray
    sheet_names: np.ndarray
    rows: np.ndarray


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)  # type: ignore[arg-type]


def _html(text: str) -> str:
    return html.escape(text, quote=False)


def _selectable(label: QLabel) -> QLabel:
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
