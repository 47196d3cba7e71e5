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
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.frame import column_kind
from workbench.analysis.view_state import DATA, RECORD, SELECTION, StateChange
from workbench.errors import WorkbenchError
from workbench.ingest.columns import PROVENANCE, Kind
from workbench.ingest.countries import country_label
from workbench.services.discrepancies import Listed, format_value
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
    TABIFY_WITH = "profile"

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
        self.others = QGroupBox("Other extracts say otherwise", self)
        self.others.setObjectName("details.others")
        self._others_grid = QGridLayout(self.others)
        self._others_grid.setColumnStretch(0, 1)
        self.others_status = QLabel(self.others)
        self.others_status.setObjectName("details.others_status")
        self.others_status.setWordWrap(True)
        #: The buttons that make a value count: ``held:<field>`` or a discrepancy's id.
        self.choice_buttons: dict[str, QPushButton] = {}
        content = QWidget(self)
        inner = QVBoxLayout(content)
        inner.setContentsMargins(6, 6, 6, 6)
        inner.addWidget(self.provenance)
        inner.addWidget(self._form_box)
        inner.addWidget(self.others)
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
        if SELECTION in change or DATA in change or RECORD in change:
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
        others: list[Listed] = []
        if len(rows) == 1:
            others = self.session.discrepancies_at(rows[0])
            self._show_one(rows[0], {x.discrepancy.field for x in others})
        elif rows:
            self._show_many(np.asarray(rows, dtype=np.int64))
        self._show_others(others)

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._fields = {}

    def _show_one(self, position: int, disputed: set[str] | None = None) -> None:
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
            label = QLabel(column_label(name) + (" ≠" if name in (disputed or ()) else ""))
            if name in (disputed or ()):
                label.setToolTip("Another extract gives another value: both are shown below.")
            self.form.addRow(label, value)

    # -- values other extracts give ----------------------------------------------------------

    def _show_others(self, others: list[Listed]) -> None:
        """Both values of each field another extract disagrees on, and which one counts."""
        grid = self._others_grid
        while grid.count():
            item = grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.others_status:
                widget.hide()  # it may be the button being clicked: deleted once that is over
                widget.setObjectName("")
                widget.deleteLater()
        self.choice_buttons = {}
        self.others.setVisible(bool(others))
        if not others:
            return
        row = 0
        by_field: dict[str, list[Listed]] = {}
        for x in others:
            by_field.setdefault(x.discrepancy.field, []).append(x)
        for name, items in by_field.items():
            kinds = sorted({x.discrepancy.kind for x in items})
            title = QLabel(f"<b>{_html(column_label(name))}</b> · {_html(', '.join(kinds))}")
            grid.addWidget(title, row, 0, 1, 2)
            row += 1
            first = items[0].discrepancy
            held_counts = all(x.counted == "held" for x in items)
            entries = [(f"held:{name}", first.held, first.held_file, first.held_sheet,
                        first.held_row, held_counts, "first in the case")]
            entries += [(x.id, x.discrepancy.offered, x.discrepancy.file, x.discrepancy.sheet,
                         x.discrepancy.row, x.counted == "offered", "another extract")
                        for x in items]
            for key, value, file, sheet, line, counts, role in entries:
                where = " · ".join(p for p in (file, f"sheet {sheet}" if sheet else "",
                                               f"row {line}") if p)
                shown = format_value(name, value)
                if column_kind(name) is Kind.COUNTRY and value:
                    shown = country_label(str(value))
                text = QLabel(f"{_html(shown)}<br><small>{_html(where)} ({role})</small>")
                text.setTextFormat(Qt.TextFormat.RichText)
                text.setWordWrap(True)
                _selectable(text)
                grid.addWidget(text, row, 0)
                if counts:
                    mark = QLabel("<b>counts</b>")
                    mark.setObjectName(f"details.counts.{key}")
                    grid.addWidget(mark, row, 1)
                else:
                    button = QPushButton("Count this value")
                    button.setObjectName(f"details.count.{key}")
                    button.setToolTip("Make this value count in every total and figure "
                                      "(Edit > Undo takes it back).")
                    listed = next((x for x in items if x.id == key), items[0])
                    is_held = key.startswith("held:")
                    button.clicked.connect(
                        lambda _c=False, x=listed, held=is_held: self._on_count_clicked(x, held))
                    self.choice_buttons[key] = button
                    grid.addWidget(button, row, 1)
                row += 1
        grid.addWidget(self.others_status, row, 0, 1, 2)
        self.others_status.setVisible(bool(self.others_status.text()))

    def _on_count_clicked(self, listed: Listed, keep_held: bool) -> None:
        try:
            self.session.choose_value(listed, keep_held=keep_held)
        except WorkbenchError as exc:
            self.others_status.setText(str(exc))
            self.others_status.setVisible(True)
            return
        self.others_status.setText("")

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
