"""What the import dialog says beyond the mapping: confidence marks, missing key columns, findings.

Nothing missing in silence: before the import, every key column of the story that no column
fills is listed in red with a Map… button offering the sheet's unmapped columns (best content
fit first); after it, each file's report lists the same sentences first, then rows kept
without a value (with a way to show them in the table), values that look wrong, choices and
extra columns. The widgets show services' results; they decide nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.filters import Condition
from workbench.ingest.findings import KEY_LABELS, SheetFindings
from workbench.ingest.mapping import Confidence
from workbench.services.importing import ImportReport
from workbench.services.preview import ColumnPreview, MissingColumn

#: The red of what is missing (on light and dark palettes alike readable).
MISSING_COLOUR = QColor("#C62828")
CONFIDENCE_COLOURS = {
    Confidence.HIGH: QColor("#2E7D32"),
    Confidence.MEDIUM: QColor("#F9A825"),
    Confidence.LOW: QColor("#E65100"),
}
CONFIDENCE_WORDS = {
    Confidence.HIGH: "High confidence",
    Confidence.MEDIUM: "Medium confidence",
    Confidence.LOW: "Low confidence: check this column",
}
#: Keys of the table conditions the report sets (the filter bar names their owner).
EMPTY_KEY = "import:empty"
FILES_KEY = "import:files"


def sentence_case(text: str) -> str:
    """The report's sentences start in lower case after a sheet name; on their own, capital."""
    return text[:1].upper() + text[1:] if text else text


@lru_cache(maxsize=8)
def confidence_dot(confidence: Confidence | None, size: int = 12) -> QIcon:
    """A filled dot in the confidence's colour; a grey ring for a column kept as an extra."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(1.5, 1.5, size - 3, size - 3)
    if confidence is None:
        painter.setPen(QPen(QColor("#9E9E9E"), 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(QPen(CONFIDENCE_COLOURS[confidence].darker(130), 1))
        painter.setBrush(QBrush(CONFIDENCE_COLOURS[confidence]))
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


def confidence_tip(column: ColumnPreview) -> str:
    """``High confidence: G-code G46``; for an unmapped column, what becomes of it."""
    if column.confidence is None:
        return "Not mapped: kept as an extra column under its own name."
    return f"{CONFIDENCE_WORDS[column.confidence]}: {column.why}."


class MissingColumns(QWidget):
    """The key columns no column fills, in red, each with a Map… button.

    Map… opens a menu of the sheet's unmapped columns, best content fit first, with their
    sample values; choosing one emits :attr:`mapped` (header, canonical column).
    """

    mapped = Signal(str, str)  # header, canonical

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import.missing")
        self.labels: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        self.menu: QMenu | None = None  # the menu the last Map… opened
        self._missing: dict[str, MissingColumn] = {}
        self._rows: list[QWidget] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.setVisible(False)

    def set_missing(self, missing: Sequence[MissingColumn]) -> None:
        for row in self._rows:
            row.deleteLater()
        self._rows, self.labels, self.buttons = [], {}, {}
        self._missing = {m.column: m for m in missing}
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for m in missing:
            row = QWidget(self)
            mark = QLabel(row)
            mark.setPixmap(icon.pixmap(14, 14))
            label = QLabel(sentence_case(m.sentence) + ".", row)
            label.setObjectName(f"import.missing.{m.column}")
            label.setToolTip(label.text())
            # One line: a word-wrapped label asks for two lines' height whatever its width.
            # Ignored lets a narrow window clip it rather than grow; the tooltip has it all.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            label.setMinimumWidth(label.fontMetrics().averageCharWidth() * 24)
            palette = label.palette()
            palette.setColor(label.foregroundRole(), MISSING_COLOUR)
            label.setPalette(palette)
            button = QPushButton("Map…", row)
            button.setObjectName(f"import.map.{m.column}")
            button.setAutoDefault(False)
            button.setToolTip(f"Choose the column of this file that holds the {m.label.lower()}")
            button.clicked.connect(lambda _checked=False, c=m.column: self.open_menu(c))
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(6)
            line.addWidget(mark, 0, Qt.AlignmentFlag.AlignVCenter)
            line.addWidget(label, 1)
            line.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            self._layout.addWidget(row)
            self._rows.append(row)
            self.labels[m.column] = label
            self.buttons[m.column] = button
        self.setVisible(bool(missing))

    def open_menu(self, column: str) -> QMenu:
        """Offer the unmapped columns for ``column`` under its Map… button (no modal loop)."""
        missing = self._missing[column]
        if self.menu is not None:
            self.menu.deleteLater()
        menu = QMenu(self)
        menu.setObjectName(f"import.map_menu.{column}")
        menu.setToolTipsVisible(True)
        title = menu.addAction(f"Which column holds the {missing.label.lower()}?")
        title.setEnabled(False)
        for offer in missing.offers:
            samples = " · ".join(offer.samples) or "empty in the first rows"
            header = offer.header or f"(column {offer.position + 1}, no name)"
            action = QAction(f"{header}  —  {samples}", menu)
            action.setData(offer.header)
            tip = f"Its contents fit the {missing.label.lower()}." if offer.fit >= 0.7 else (
                f"It {offer.why}." if offer.why else "Its contents may not fit.")
            action.setToolTip(tip)
            action.triggered.connect(
                lambda _checked=False, h=offer.header, c=column: self.mapped.emit(h, c)
            )
            menu.addAction(action)
        if not missing.offers:
            none = menu.addAction("Every column is mapped: choose one in the list below.")
            none.setEnabled(False)
        button = self.buttons[column]
        menu.popup(button.mapToGlobal(QPoint(0, button.height())))
        self.menu = menu
        return menu

    def offers(self, column: str) -> list[QAction]:
        """The choosable entries of the menu last opened for ``column``."""
        if self.menu is None or self.menu.objectName() != f"import.map_menu.{column}":
            return []
        return [a for a in self.menu.actions() if a.isEnabled() and a.data() is not None]


class ReportFindings(QWidget):
    """Per imported file: the report's sentences (missing key columns in red first) and a
    button that shows the rows kept without a value in the table once the dialog closes."""

    show_rows_requested = Signal(object)  # dict[str, Condition] for the table

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("import.findings")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setRootIsDecorated(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.title = QLabel("What the import did not give, and what it noticed", self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.show_button = QPushButton(self)
        self.show_button.setObjectName("import.show_empty")
        self.show_button.setAutoDefault(False)
        self.show_button.setToolTip("Close this window and filter the table to these rows")
        self.show_button.clicked.connect(self._on_show_clicked)
        self._conditions: dict[str, Condition] = {}
        bar = QHBoxLayout()
        bar.addWidget(self.title, 1)
        bar.addWidget(self.show_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)

    def set_reports(self, reports: Sequence[ImportReport]) -> None:
        self.tree.clear()
        warning = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        info = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        bold = QFont(self.font())
        bold.setBold(True)
        empty_files: list[str] = []
        empty_rows = 0
        basis = ""
        for report in reports:
            top = QTreeWidgetItem(self.tree, [report.file])
            top.setFont(0, bold)
            lines = [line for f in report.findings for line in _lines(f)]
            for text, missing in lines:
                item = QTreeWidgetItem(top, [text])
                item.setIcon(0, warning if missing else info)
                item.setToolTip(0, text)
                if missing:
                    item.setForeground(0, MISSING_COLOUR)
            if not lines:
                QTreeWidgetItem(top, ["Every key column was found; nothing to report."])
            top.setExpanded(True)
            count = sum(f.empty_value_count for f in report.findings)
            if count:
                empty_files.append(report.file)
                empty_rows += count
                basis = basis or next(f.value_column for f in report.findings
                                      if f.empty_value_count)
        self._conditions = {}
        if empty_rows:
            label = KEY_LABELS.get(basis, basis)
            self.show_button.setText(f"Show the {empty_rows:,} rows without a {label} in "
                                     "the table")
            files = (Condition("source_file", "=", empty_files[0]) if len(empty_files) == 1
                     else Condition("source_file", "in", empty_files))
            self._conditions = {EMPTY_KEY: Condition(basis, "empty", ""), FILES_KEY: files}
        self.show_button.setVisible(bool(empty_rows))
        self.setVisible(bool(reports))

    @property
    def conditions(self) -> dict[str, Condition]:
        """The table filter the show button sets: the value basis is empty, in these files."""
        return dict(self._conditions)

    def lines(self) -> list[tuple[str, str]]:
        """(file, sentence) of every finding shown, top to bottom."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            out += [(top.text(0), top.child(j).text(0)) for j in range(top.childCount())]
        return out

    def _on_show_clicked(self) -> None:
        if self._conditions:
            self.show_rows_requested.emit(self.conditions)


def _lines(findings: SheetFindings) -> list[tuple[str, bool]]:
    """The sheet's sentences as shown, each with whether it names a missing key column."""
    sentences = findings.sentences()
    where = f"Sheet '{findings.sheet}': " if findings.sheet else ""
    out = []
    for i, sentence in enumerate(sentences):
        text = sentence.removeprefix(where)
        shown = f"{where}{text}" if where else sentence_case(text)
        out.append((shown, i < len(findings.missing)))
    return out
