"""The import dialog: see each file as the import will read it, adjust, import off the UI thread.

The dialog holds no import logic. Previews come from :func:`workbench.services.preview.
preview_file` and imports from :func:`workbench.services.importing.import_file`, both run in
worker threads that open the case themselves (SQLite connections belong to one thread). The
main window opens it with :func:`run_import_dialog`, or connects :attr:`ImportDialog.imported`.

Before the import, the mapping list marks each column's confidence and shows its first values;
key columns no column fills are listed in red with a Map… button, and the value column's total
stands above the preview. After it, the report page lists each file's findings
(:mod:`workbench.ui.import_findings`).

A file refused as not a customs extract (``NotShipments``) is offered to be kept as a source
instead, in the refusal and on the report page; the keeping runs on a worker too
(:class:`SourceKeeper`) and each kept source is announced with :attr:`ImportDialog.source_kept`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QThread,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QColor, QFont, QGuiApplication, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabBar,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.filters import Condition
from workbench.errors import NotShipments, WorkbenchError
from workbench.ingest.columns import BY_NAME, CANONICAL
from workbench.ingest.encoding import KNOWN
from workbench.services.cases import open_case
from workbench.services.importing import ImportCancelled, ImportOptions, ImportReport, import_file
from workbench.services.preview import (
    MAX_HEADER_ROW,
    MappingOrigin,
    Preview,
    RowRole,
    SheetPreview,
    preview_file,
)
from workbench.store.case import CaseFile
from workbench.store.events import Event
from workbench.ui.import_findings import (
    MissingColumns,
    ReportFindings,
    confidence_dot,
    confidence_tip,
)
from workbench.ui.models.discrepancies_model import DiscrepanciesModel
from workbench.ui.source_dialog import SourceKeeper

log = logging.getLogger(__name__)

CANCELLED_UNCHANGED = "Import cancelled; the case is unchanged."
UNEXPECTED = "{name} could not be {done} because of an unexpected error; details are in the log."
DELIMITERS = ((";", "Semicolon ;"), (",", "Comma ,"), ("\t", "Tab"), ("|", "Vertical bar |"))
DELIMITER_NAMES = {";": "semicolon-separated", ",": "comma-separated", "\t": "tab-separated",
                   "|": "bar-separated"}
DATE_ORDERS = ((None, "Automatic"), ("DMY", "Day first (DMY)"), ("MDY", "Month first (MDY)"))
ORIGIN_TEXT = {
    MappingOrigin.DETECTED: "detected",
    MappingOrigin.RECIPE: "saved recipe",
    MappingOrigin.CHOSEN: "your choice",
    MappingOrigin.NONE: "",
}
KEEP = "(keep as is)"
KEEP_OFFER = ("{what} not a customs extract as it stands. It can be kept as a source instead: "
              "stored in the case with its SHA-256, the text of every sheet searchable, and "
              "opened as a read-only table.")
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"})
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_COLUMN_WIDTH_MAX = 260
#: The dialog's size where the screen allows it; smaller screens (1366x768) get what fits.
_PREFERRED_SIZE = QSize(1180, 760)
#: Room left for the window frame and the desktop's panels on a small screen.
_SCREEN_MARGIN = QSize(24, 48)
#: The mapping list's columns.
MAP_HEADER, MAP_SAMPLES, MAP_MEANS, MAP_FROM = range(4)


# -- models -----------------------------------------------------------------------------------


class PreviewModel(QAbstractTableModel):
    """The first rows of one sheet: title rows greyed, the header row bold, then data rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sheet: SheetPreview | None = None
        self._width = 0
        self._title_colour = QColor()
        self._header_font = QFont()
        self._header_font.setBold(True)
        self._header_background = QColor()

    def set_sheet(self, sheet: SheetPreview | None, palette: QPalette) -> None:
        self.beginResetModel()
        self._sheet = sheet
        self._width = max((len(r) for r in sheet.rows), default=0) if sheet else 0
        self._title_colour = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        highlight.setAlpha(40)
        self._header_background = highlight
        self.endResetModel()

    @property
    def sheet(self) -> SheetPreview | None:
        return self._sheet

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._sheet is None else len(self._sheet.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._width

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        sheet = self._sheet
        if sheet is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        kind = sheet.roles[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = sheet.rows[row]
            return cells[col] if col < len(cells) else ""
        if role == Qt.ItemDataRole.ForegroundRole and kind is RowRole.TITLE:
            return self._title_colour
        if role == Qt.ItemDataRole.FontRole and kind is RowRole.HEADER:
            return self._header_font
        if role == Qt.ItemDataRole.BackgroundRole and kind is RowRole.HEADER:
            return self._header_background
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        sheet = self._sheet
        if sheet is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(sheet.rows):
                return None
            number = sheet.row_numbers[section]
            return f"header {number}" if sheet.roles[section] is RowRole.HEADER else str(number)
        if not 0 <= section < self._width:
            return None
        name = sheet.columns[section].canonical if section < len(sheet.columns) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Fills the case column {name}" if name else "Kept as an extra column"
        return f"→ {BY_NAME[name].label}" if name else KEEP

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


REJECT_FIELDS = ("file", "sheet", "row", "reason")


class RejectsModel(QAbstractTableModel):
    """The rejected rows of an import: file, sheet, row and reason."""

    HEADERS = ("File", "Sheet", "Row", "Reason")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []

    def set_rejects(self, rejects: Sequence[dict[str, object]]) -> None:
        self.beginResetModel()
        self._rows = [
            (str(r.get("file", "")), str(r.get("sheet", "")), str(r.get("row", "")),
             str(r.get("reason", "")))
            for r in rejects
        ]
        self.endResetModel()

    def as_tsv(self) -> str:
        """The rejects as tab-separated text with a header line, for the clipboard."""
        lines = ["\t".join(REJECT_FIELDS)]
        lines += ["\t".join(c.replace("\t", " ").replace("\n", " ") for c in r) for r in self._rows]
        return "\n".join(lines) + "\n"

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return str(section + 1)


# -- workers ----------------------------------------------------------------------------------


class PreviewWorker(QThread):
    """Reads one file for its preview in a thread of its own (with its own case connection)."""

    previewed = Signal(int, object)  # generation, Preview
    refused = Signal(int, str)  # generation, one sentence
    keepable = Signal(int)  # generation: the refusal is NotShipments (sent just before it)

    def __init__(
        self, case_path: Path, path: Path, options: ImportOptions, generation: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.case_path, self.path, self.options = case_path, path, options
        self.generation = generation
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            case, _ = open_case(self.case_path)
            try:
                preview = preview_file(case, self.path, self.options, cancelled=self._cancel.is_set)
            finally:
                case.close()
        except ImportCancelled:
            return
        except WorkbenchError as exc:
            if isinstance(exc, NotShipments):
                self.keepable.emit(self.generation)
            self.refused.emit(self.generation, str(exc))
        except Exception:
            log.exception("previewing %s failed", self.path.name)
            self.refused.emit(self.generation, UNEXPECTED.format(name=self.path.name, done="read"))
        else:
            self.previewed.emit(self.generation, preview)


class ImportWorker(QThread):
    """Imports files one after the other into the case, which it opens in its own thread."""

    progressed = Signal(str, float)  # message, fraction of the whole job
    file_imported = Signal(int, object)  # job index, ImportReport
    file_refused = Signal(int, str)  # job index, one sentence
    file_keepable = Signal(int)  # job index: refused as NotShipments (sent just before it)
    file_cancelled = Signal(int)  # job index; nothing of that file was written
    failed = Signal(str)  # the case itself could not be opened

    def __init__(
        self, case_path: Path, jobs: Sequence[tuple[Path, ImportOptions]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.case_path = case_path
        self.jobs = list(jobs)
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            case, _ = open_case(self.case_path)
        except WorkbenchError as exc:
            self.failed.emit(str(exc))
            return
        except Exception:
            log.exception("opening %s for an import failed", self.case_path.name)
            self.failed.emit(UNEXPECTED.format(name=self.case_path.name, done="opened"))
            return
        try:
            for i, (path, options) in enumerate(self.jobs):
                if not self._import_one(case, i, path, options):
                    return
        finally:
            case.close()

    def _import_one(self, case: CaseFile, i: int, path: Path, options: ImportOptions) -> bool:
        """Import one file; False when the reporter cancelled."""
        n = len(self.jobs)

        def progress(message: str, fraction: float) -> None:
            self.progressed.emit(message, (i + fraction) / n)

        try:
            report = import_file(
                case, path, options, progress=progress, cancelled=self._cancel.is_set
            )
        except ImportCancelled:
            self.file_cancelled.emit(i)
            return False
        except WorkbenchError as exc:
            if isinstance(exc, NotShipments):
                self.file_keepable.emit(i)
            self.file_refused.emit(i, str(exc))
        except Exception:
            log.exception("importing %s failed", path.name)
            self.file_refused.emit(i, UNEXPECTED.format(name=path.name, done="imported"))
        else:
            self.file_imported.emit(i, report)
        return True


# -- the dialog -------------------------------------------------------------------------------


@dataclass
class _FileState:
    """What the dialog knows about one file: its options, its latest preview, its outcome."""

    path: Path
    options: ImportOptions = field(default_factory=ImportOptions)
    preview: Preview | None = None
    refusal: str | None = None
    generation: int = 0
    detected_encoding: str | None = None
    detected_delimiter: str | None = None
    sheet: int = 0
    outcome: str = ""  # after the import: what became of the file, in words
    report: ImportReport | None = None
    keepable: bool = False  # refused as not a customs extract: can be kept as a source
    kept: Event | None = None  # the source it was kept as


class _MappingCombo(QComboBox):
    """A "Means" combo that ignores the mouse wheel unless focused (the table scrolls instead)."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class ImportDialog(QDialog):
    """Preview, adjust and import spreadsheets into the case at ``case_path``.

    ``imported`` is emitted once, when the import ends, with the reports of the files that
    went in (only if at least one did); the caller reloads the shipments.
    """

    imported = Signal(list)  # list[ImportReport]
    source_kept = Signal(object)  # Event: a refused file kept as a source instead

    def __init__(
        self, case_path: Path, files: Sequence[Path], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        if not files:
            raise ValueError("ImportDialog needs at least one file")
        self.setObjectName("dialog.import")
        self.setWindowTitle("Import spreadsheets")
        self.setSizeGripEnabled(True)
        self.case_path = Path(case_path)
        self.files = [_FileState(Path(f)) for f in files]
        self.reports: list[ImportReport] = []
        self.kept_sources: list[Event] = []
        self._keeper: SourceKeeper | None = None
        self._keeping: list[int] = []
        self._current = 0
        self._generation = 0
        self._previews: set[PreviewWorker] = set()
        self._import: ImportWorker | None = None
        self._import_indexes: list[int] = []
        self._cancel_requested = False
        self._cancelled_at: int | None = None
        self._close_when_done = False
        #: The table filter to set once the dialog closes (the report's "Show the rows…").
        self.show_rows: dict[str, Condition] = {}
        self._build()
        self._connect()
        self.resize(self.fitting_size())
        self._select_file(0)

    def fitting_size(self) -> QSize:
        """The preferred size, shrunk to the screen's free area (a 1366x768 laptop)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return _PREFERRED_SIZE
        room = screen.availableGeometry().size() - _SCREEN_MARGIN
        return _PREFERRED_SIZE.boundedTo(room).expandedTo(self.minimumSizeHint())

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.file_list = QListWidget(self)
        self.file_list.setObjectName("import.files")
        self.file_list.setIconSize(QSize(16, 16))
        file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        for state in self.files:
            item = QListWidgetItem(file_icon, state.path.name, self.file_list)
            item.setToolTip(str(state.path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
        self.file_list.setCurrentRow(0)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self._build_setup_page())
        self.pages.addWidget(self._build_report_page())

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.file_list)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 960])
        self.file_list.setVisible(len(self.files) > 1)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("import.progress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.status = QLabel(self)
        self.status.setObjectName("import.status")
        self.status.setMinimumWidth(320)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("import.run")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("import.cancel")
        self.import_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

    def _build_setup_page(self) -> QWidget:
        page = QWidget(self)
        self.file_title = QLabel(page)
        self.file_title.setObjectName("import.title")
        font = self.file_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.file_title.setFont(font)
        self.file_summary = QLabel(page)
        self.file_summary.setObjectName("import.summary")
        self.file_summary.setWordWrap(True)

        reading = QGroupBox("Reading", page)
        form = QFormLayout(reading)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.encoding_combo = QComboBox(reading)
        self.encoding_combo.setObjectName("import.encoding")
        self.encoding_combo.addItem("Detected", None)
        for name in KNOWN:
            self.encoding_combo.addItem(name, name)
        self.delimiter_combo = QComboBox(reading)
        self.delimiter_combo.setObjectName("import.delimiter")
        self.delimiter_combo.addItem("Detected", None)
        for value, text in DELIMITERS:
            self.delimiter_combo.addItem(text, value)
        self.header_spin = QSpinBox(reading)
        self.header_spin.setObjectName("import.header_row")
        self.header_spin.setRange(0, MAX_HEADER_ROW)
        self.header_spin.setSpecialValueText("Auto")  # 0: find the header row automatically
        self.header_spin.setKeyboardTracking(False)
        self.header_spin.setToolTip("The row that holds the column names (on every sheet).")
        self.header_auto = QToolButton(reading)
        self.header_auto.setObjectName("import.header_auto")
        self.header_auto.setText("Find")
        self.header_auto.setToolTip("Find the header row automatically")
        self.header_hint = QLabel(reading)
        self.header_hint.setObjectName("import.header_hint")
        header_row = QHBoxLayout()
        header_row.addWidget(self.header_spin)
        header_row.addWidget(self.header_auto)
        header_row.addWidget(self.header_hint, 1)
        self.date_combo = QComboBox(reading)
        self.date_combo.setObjectName("import.date_order")
        for value, text in DATE_ORDERS:
            self.date_combo.addItem(text, value)
        header_label = QLabel("&Header row:", reading)
        header_label.setBuddy(self.header_spin)
        form.addRow("&Encoding:", self.encoding_combo)
        form.addRow("&Delimiter:", self.delimiter_combo)
        form.addRow(header_label, header_row)
        form.addRow("D&ates:", self.date_combo)
        hint = QLabel(
            "Each change reads the file again. Nothing is written to the case until you "
            "press Import.",
            reading,
        )
        hint.setWordWrap(True)
        _mute(hint)
        form.addRow(hint)
        reading.setMinimumWidth(320)
        reading.setMaximumWidth(380)

        columns = QGroupBox("Columns", page)
        self.missing = MissingColumns(columns)
        self.mapping_table = QTableWidget(0, 4, columns)
        self.mapping_table.setObjectName("import.mapping")
        self.mapping_table.setHorizontalHeaderLabels(
            ["Column in file", "First values", "Means", "From"]
        )
        self.mapping_table.horizontalHeaderItem(MAP_HEADER).setToolTip(
            "The dot is the mapping's confidence: green high, yellow medium, orange low "
            "(check it), a grey ring for a column kept as is. Hover it for the reason."
        )
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.mapping_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.mapping_table.setWordWrap(False)
        self.mapping_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 12)
        head = self.mapping_table.horizontalHeader()
        head.setSectionResizeMode(MAP_HEADER, QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(MAP_SAMPLES, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(MAP_MEANS, QHeaderView.ResizeMode.Interactive)
        head.setSectionResizeMode(MAP_FROM, QHeaderView.ResizeMode.ResizeToContents)
        self.mapping_table.setColumnWidth(MAP_SAMPLES, 220)
        self.mapping_table.setColumnWidth(MAP_MEANS, 210)
        columns_layout = QVBoxLayout(columns)
        columns_layout.addWidget(self.missing)
        columns_layout.addWidget(self.mapping_table, 1)

        top = QHBoxLayout()
        top.addWidget(reading)
        top.addWidget(columns, 1)

        preview_box = QGroupBox("Preview: the first rows, as the import will read them", page)
        self.sheet_tabs = QTabBar(preview_box)
        self.sheet_tabs.setObjectName("import.sheets")
        self.sheet_tabs.setDocumentMode(True)
        self.sheet_tabs.setExpanding(False)
        self.preview_model = PreviewModel(self)
        self.preview_view = QTableView(preview_box)
        self.preview_view.setObjectName("import.preview")
        self.preview_view.setModel(self.preview_model)
        self.preview_view.setWordWrap(False)
        self.preview_view.setAlternatingRowColors(False)
        self.preview_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.preview_view.verticalHeader().setDefaultAlignment(RIGHT)
        self.value_total = QLabel(preview_box)
        self.value_total.setObjectName("import.value_total")
        self.value_total.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        total_font = self.value_total.font()
        total_font.setBold(True)
        self.value_total.setFont(total_font)
        rows = self.preview_view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.message = QLabel(preview_box)
        self.message.setObjectName("import.message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setVisible(False)
        self.preview_stack = QStackedWidget(preview_box)
        self.preview_stack.addWidget(self.preview_view)
        self.preview_stack.addWidget(self._build_refusal_panel())
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.value_total)
        preview_layout.addWidget(self.sheet_tabs)
        preview_layout.addWidget(self.preview_stack, 1)
        preview_layout.addWidget(self.message)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.file_title)
        layout.addWidget(self.file_summary)
        layout.addLayout(top, 2)
        layout.addWidget(preview_box, 3)
        return page

    def _build_refusal_panel(self) -> QWidget:
        """Where the one sentence goes when the file cannot be read as it is."""
        panel = QWidget(self)
        icon = QLabel(panel)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.refusal = QLabel(panel)
        self.refusal.setObjectName("import.refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setTextFormat(Qt.TextFormat.PlainText)
        self.refusal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.refusal.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.refusal.setFont(font)
        advice = QLabel(
            "Choose another encoding, delimiter or header row if the file is a spreadsheet "
            "read the wrong way, or leave the file out: the case is not changed.",
            panel,
        )
        advice.setWordWrap(True)
        _mute(advice)
        self.keep_offer = QLabel(panel)
        self.keep_offer.setObjectName("import.keep_offer")
        self.keep_offer.setWordWrap(True)
        self.keep_confidential = QCheckBox("Confidential (protects a human source)", panel)
        self.keep_confidential.setObjectName("import.keep_confidential")
        self.keep_button = QPushButton("&Keep as source", panel)
        self.keep_button.setObjectName("import.keep_source")
        self.keep_button.setAutoDefault(False)
        self.keep_button.setToolTip("Keep this file in the case as a source instead of "
                                    "importing it as shipments")
        self.keep_row = QWidget(panel)
        keep = QHBoxLayout(self.keep_row)
        keep.setContentsMargins(0, 8, 0, 0)
        keep.addWidget(self.keep_button)
        keep.addWidget(self.keep_confidential)
        keep.addStretch(1)
        text = QVBoxLayout()
        text.addWidget(self.refusal)
        text.addWidget(self.keep_offer)
        text.addWidget(self.keep_row)
        text.addWidget(advice)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(icon)
        row.addLayout(text, 4)
        row.addStretch(1)
        layout = QVBoxLayout(panel)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return panel

    def _build_report_page(self) -> QWidget:
        page = QWidget(self)
        self.headline = QLabel(page)
        self.headline.setObjectName("import.headline")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)

        self.results_table = QTableWidget(0, 5, page)
        self.results_table.setObjectName("import.results")
        self.results_table.setHorizontalHeaderLabels(
            ["File", "Imported", "Duplicates", "Rejected", "Result"]
        )
        self.results_table.verticalHeader().setVisible(False)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.setWordWrap(False)
        head = self.results_table.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for col in (1, 2, 3):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.results_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.results_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)

        self.rejects_label = QLabel(page)
        self.rejects_label.setObjectName("import.rejects_label")
        self.copy_button = QPushButton("&Copy rejects", page)
        self.copy_button.setObjectName("import.copy_rejects")
        self.copy_button.setAutoDefault(False)
        self.rejects_model = RejectsModel(self)
        self.rejects_view = QTableView(page)
        self.rejects_view.setObjectName("import.rejects")
        self.rejects_view.setModel(self.rejects_model)
        self.rejects_view.setWordWrap(False)
        self.rejects_view.verticalHeader().setVisible(False)
        self.rejects_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rejects_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        head = self.rejects_view.horizontalHeader()
        for col in (0, 1, 2):
            head.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

        self.findings = ReportFindings(page)
        self.findings.setVisible(False)

        rejects_bar = QHBoxLayout()
        rejects_bar.addWidget(self.rejects_label, 1)
        rejects_bar.addWidget(self.copy_button)
        self.rejects_line = QFrame(page)
        self.rejects_line.setFrameShape(QFrame.Shape.HLine)
        self.rejects_line.setFrameShadow(QFrame.Shadow.Sunken)

        self.discrepancies_label = QLabel(page)
        self.discrepancies_label.setObjectName("import.discrepancies_label")
        self.discrepancies_label.setWordWrap(True)
        self.discrepancies_model = DiscrepanciesModel(self)
        self.discrepancies_view = QTableView(page)
        self.discrepancies_view.setObjectName("import.discrepancies")
        self.discrepancies_view.setModel(self.discrepancies_model)
        self.discrepancies_view.setWordWrap(False)
        self.discrepancies_view.verticalHeader().setVisible(False)
        self.discrepancies_view.setSelectionBehavior(
            QAbstractItemView.SelectionBehavior.SelectRows)
        self.discrepancies_view.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 8)
        self.discrepancies_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.report_keep = QWidget(page)
        self.report_keep_label = QLabel(self.report_keep)
        self.report_keep_label.setObjectName("import.report_keep_offer")
        self.report_keep_label.setWordWrap(True)
        self.report_keep_confidential = QCheckBox("Confidential", self.report_keep)
        self.report_keep_confidential.setObjectName("import.report_keep_confidential")
        self.report_keep_button = QPushButton("&Keep as source", self.report_keep)
        self.report_keep_button.setObjectName("import.report_keep_source")
        self.report_keep_button.setAutoDefault(False)
        keep_bar = QHBoxLayout(self.report_keep)
        keep_bar.setContentsMargins(0, 0, 0, 0)
        keep_bar.addWidget(self.report_keep_label, 1)
        keep_bar.addWidget(self.report_keep_confidential)
        keep_bar.addWidget(self.report_keep_button)
        self.report_keep.setVisible(False)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.results_table)
        layout.addWidget(self.findings, 1)
        layout.addWidget(self.report_keep)
        layout.addWidget(self.rejects_line)
        layout.addLayout(rejects_bar)
        layout.addWidget(self.rejects_view, 1)
        layout.addWidget(self.discrepancies_label)
        layout.addWidget(self.discrepancies_view, 1)
        layout.addStretch(0)
        return page

    def _connect(self) -> None:
        self.file_list.currentRowChanged.connect(self._on_files_current_changed)
        self.file_list.itemChanged.connect(self._on_files_item_changed)
        self.encoding_combo.activated.connect(self._on_encoding_activated)
        self.delimiter_combo.activated.connect(self._on_delimiter_activated)
        self.header_spin.valueChanged.connect(self._on_header_spin_changed)
        self.header_auto.clicked.connect(self._on_header_auto_clicked)
        self.date_combo.activated.connect(self._on_date_combo_activated)
        self.sheet_tabs.currentChanged.connect(self._on_sheet_tabs_changed)
        self.mapping_table.currentCellChanged.connect(self._on_mapping_current_changed)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_rejects)
        self.missing.mapped.connect(self._on_missing_mapped)
        self.findings.show_rows_requested.connect(self._on_findings_show_rows)
        self.keep_button.clicked.connect(
            lambda: self.keep_as_sources([self._current], self.keep_confidential.isChecked()))
        self.report_keep_button.clicked.connect(
            lambda: self.keep_as_sources(self._keepable(),
                                         self.report_keep_confidential.isChecked()))

    # -- state ----------------------------------------------------------------------------

    @property
    def current(self) -> _FileState:
        return self.files[self._current]

    @property
    def running(self) -> bool:
        """True while an import runs."""
        return self._import is not None

    @property
    def previewing(self) -> bool:
        """True while the current file's preview is being read."""
        return any(w.generation == self.current.generation for w in self._previews)

    def _select_file(self, index: int) -> None:
        self._current = index
        state = self.current
        self.file_title.setText(state.path.name)
        if state.preview is None and state.refusal is None:
            self.refresh_preview()
        else:
            self._show_state()

    def refresh_preview(self) -> None:
        """Read the current file again with its options, in a worker thread."""
        state = self.current
        self._generation += 1
        state.generation = self._generation
        state.keepable = False  # until this preview says otherwise
        for worker in self._previews:
            if worker.path == state.path:
                worker.cancel()
        worker = PreviewWorker(
            self.case_path, state.path, _copy_options(state.options), state.generation, self
        )
        worker.previewed.connect(self._on_preview_previewed)
        worker.keepable.connect(self._on_preview_keepable)
        worker.refused.connect(self._on_preview_refused)
        worker.finished.connect(self._on_preview_finished)
        self._previews.add(worker)
        self.status.setText(f"Reading {state.path.name}…")
        worker.start()

    def _state_for(self, generation: int) -> _FileState | None:
        """The file a preview was read for, unless a newer preview of it was asked for."""
        return next((s for s in self.files if s.generation == generation), None)

    # -- slots: workers -------------------------------------------------------------------

    def _on_preview_previewed(self, generation: int, preview: Preview) -> None:
        state = self._state_for(generation)
        if state is None:
            return
        state.preview, state.refusal, state.keepable = preview, None, False
        if state.options.encoding is None:
            state.detected_encoding = preview.encoding
        if state.options.delimiter is None:
            state.detected_delimiter = preview.delimiter
        state.sheet = min(state.sheet, len(preview.sheets) - 1)
        self._after_preview(state)

    def _on_preview_keepable(self, generation: int) -> None:
        state = self._state_for(generation)
        if state is not None:
            state.keepable = True

    def _on_preview_refused(self, generation: int, sentence: str) -> None:
        state = self._state_for(generation)
        if state is None:
            return
        state.preview, state.refusal = None, sentence
        self._after_preview(state)

    def _after_preview(self, state: _FileState) -> None:
        row = self.files.index(state)
        item = self.file_list.item(row)
        style = self.style()
        icon = QStyle.StandardPixmap.SP_MessageBoxWarning if state.refusal else (
            QStyle.StandardPixmap.SP_FileIcon
        )
        item.setIcon(style.standardIcon(icon))
        item.setToolTip(state.refusal or str(state.path))
        if state is self.current:
            self.status.setText("")
            self._show_state()
        self._update_buttons()

    def _on_preview_finished(self) -> None:
        worker = self.sender()
        if isinstance(worker, PreviewWorker):
            self._previews.discard(worker)
            worker.deleteLater()

    def _on_import_progressed(self, message: str, fraction: float) -> None:
        self.progress.setValue(round(fraction * 1000))
        self.status.setText(message)

    def _on_import_file_imported(self, index: int, report: ImportReport) -> None:
        state = self.files[self._import_indexes[index]]
        state.report = report
        state.outcome = _outcome(report)
        self.reports.append(report)

    def _on_import_file_keepable(self, index: int) -> None:
        self.files[self._import_indexes[index]].keepable = True

    def _on_import_file_refused(self, index: int, sentence: str) -> None:
        self.files[self._import_indexes[index]].outcome = f"Not imported: {sentence}"

    def _on_import_file_cancelled(self, index: int) -> None:
        for i in self._import_indexes[index:]:
            self.files[i].outcome = "Cancelled: nothing from this file was written."
        self._cancelled_at = index

    def _on_import_failed(self, sentence: str) -> None:
        for i in self._import_indexes:
            self.files[i].outcome = sentence

    def _on_import_finished(self) -> None:
        worker = self._import
        self._import = None
        if worker is not None:
            worker.deleteLater()
        self._show_report()
        if self.reports:
            self.imported.emit(list(self.reports))
        if self._close_when_done:
            self.done(QDialog.DialogCode.Accepted if self.reports else QDialog.DialogCode.Rejected)

    # -- slots: controls ------------------------------------------------------------------

    def _on_files_current_changed(self, row: int) -> None:
        if 0 <= row < len(self.files) and row != self._current:
            self._select_file(row)

    def _on_files_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_buttons()

    def _on_encoding_activated(self, index: int) -> None:
        self.current.options.encoding = self.encoding_combo.itemData(index)
        self.refresh_preview()

    def _on_delimiter_activated(self, index: int) -> None:
        self.current.options.delimiter = self.delimiter_combo.itemData(index)
        self.refresh_preview()

    def _on_header_spin_changed(self, value: int) -> None:
        # The spin shows the sheet's own row; the reader counts from the sheet's first row.
        sheet = self._current_sheet()
        offset = sheet.header_row - sheet.header_option if sheet else 0
        self.current.options.header_row = max(1, value - offset) if value else None
        self.refresh_preview()

    def _on_header_auto_clicked(self) -> None:
        self.current.options.header_row = None
        self.refresh_preview()

    def _on_date_combo_activated(self, index: int) -> None:
        self.current.options.date_order = self.date_combo.itemData(index)
        self.refresh_preview()

    def _on_sheet_tabs_changed(self, index: int) -> None:
        if index >= 0 and self.current.preview is not None:
            self.current.sheet = index
            self._show_sheet()

    def _on_mapping_current_changed(self, row: int, *_: int) -> None:
        if row < 0 or self.preview_model.sheet is None:
            return
        header = self.preview_model.sheet.roles.index(RowRole.HEADER)
        self.preview_view.selectColumn(row)
        self.preview_view.scrollTo(self.preview_model.index(header, row))

    def _on_mapping_combo_activated(self, header: str, combo: QComboBox) -> None:
        self.current.options.mapping[header] = combo.currentData() or ""
        self.refresh_preview()

    def _on_missing_mapped(self, header: str, canonical: str) -> None:
        """A column chosen under Map…: it goes into the options, so the import (and the
        recipe it saves for the next file of this layout) keeps it."""
        self.current.options.mapping[header] = canonical
        self.refresh_preview()

    def _on_findings_show_rows(self, conditions: dict[str, Condition]) -> None:
        self.show_rows = dict(conditions)
        self.done(QDialog.DialogCode.Accepted)

    # -- showing --------------------------------------------------------------------------

    def _current_sheet(self) -> SheetPreview | None:
        preview = self.current.preview
        return preview.sheets[self.current.sheet] if preview is not None else None

    def _show_state(self) -> None:
        """Show the current file: its options, its preview or its refusal."""
        state, preview = self.current, self.current.preview
        # A file the preview refused may be text in an encoding to choose: keep them enabled.
        text = preview.is_text if preview is not None else (
            state.path.suffix.lower() not in WORKBOOK_SUFFIXES
        )
        detected = state.detected_encoding
        shown = dict(DELIMITERS).get(state.detected_delimiter or "", "")
        for combo, value, auto in (
            (self.encoding_combo, state.options.encoding, detected),
            (self.delimiter_combo, state.options.delimiter, shown),
        ):
            combo.setItemText(
                0, "Not needed for workbooks" if not text
                else f"Detected: {auto}" if auto else "Detect automatically"
            )
            self._set_combo(combo, value)
            combo.setEnabled(text)
        self._set_combo(self.date_combo, state.options.date_order)
        self.header_auto.setEnabled(state.options.header_row is not None)

        self.sheet_tabs.blockSignals(True)
        while self.sheet_tabs.count():
            self.sheet_tabs.removeTab(0)
        for sheet in preview.sheets if preview is not None else []:
            self.sheet_tabs.addTab(sheet.sheet or state.path.name)
        self.sheet_tabs.setCurrentIndex(state.sheet)
        self.sheet_tabs.blockSignals(False)
        self.sheet_tabs.setVisible(preview is not None and len(preview.sheets) > 1)

        if preview is None:
            self.preview_model.set_sheet(None, self.palette())
            self.mapping_table.setRowCount(0)
            self.missing.set_missing([])
            self.value_total.setText("")
            self.value_total.setVisible(False)
            self.refusal.setText(state.refusal or "")
            self._show_keep_offer(state)
            self.preview_stack.setCurrentIndex(1 if state.refusal else 0)
            self.header_spin.blockSignals(True)
            self.header_spin.setValue(state.options.header_row or 0)
            self.header_spin.blockSignals(False)
            self.file_summary.setText(
                "This file cannot be imported as it is." if state.refusal else "Reading…"
            )
            self.message.setVisible(False)
            self.header_hint.setText("")
            return
        self.preview_stack.setCurrentIndex(0)
        self._show_sheet()

    def _show_sheet(self) -> None:
        state, preview, sheet = self.current, self.current.preview, self._current_sheet()
        if preview is None or sheet is None:
            return
        self.preview_model.set_sheet(sheet, self.palette())
        self._fit_preview_columns(sheet)
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(min(max(sheet.header_row, 1), MAX_HEADER_ROW))
        self.header_spin.blockSignals(False)
        self.header_hint.setText(
            "set by hand" if state.options.header_row is not None else "found automatically"
        )
        saved = sheet.date_order if state.options.date_order is None else None
        self.date_combo.setItemText(0, f"Automatic (saved: {saved})" if saved else "Automatic")
        self.file_summary.setText(_summary(preview, sheet))
        self.missing.set_missing(sheet.missing)
        self._fill_mapping(sheet)
        self.value_total.setText(_value_total_text(sheet))
        self.value_total.setVisible(True)
        notes = [*sheet.warnings, *(f"Not imported: {n}." for n in preview.notes)]
        if sheet.ragged:
            notes.append(f"{sheet.ragged:,} rows have the wrong number of fields and will be "
                         "rejected.")
        self.message.setText("\n".join(notes))
        self.message.setVisible(bool(notes))

    def _fit_preview_columns(self, sheet: SheetPreview) -> None:
        view = self.preview_view
        view.clearSpans()
        for row, (role, cells) in enumerate(zip(sheet.roles, sheet.rows, strict=True)):
            # A title line is one cell: let it run across the columns instead of widening one.
            if role is RowRole.TITLE and not any(c for c in cells[1:]):
                span = self.preview_model.columnCount()
                if span > 1:
                    view.setSpan(row, 0, 1, span)
        view.resizeColumnsToContents()
        header = view.horizontalHeader()
        for col in range(self.preview_model.columnCount()):
            header.resizeSection(col, min(header.sectionSize(col), _COLUMN_WIDTH_MAX))

    def _fill_mapping(self, sheet: SheetPreview) -> None:
        table = self.mapping_table
        table.setRowCount(len(sheet.columns))
        for row, column in enumerate(sheet.columns):
            item = QTableWidgetItem(column.header or f"(column {column.position + 1}, no name)")
            item.setIcon(confidence_dot(column.confidence))
            item.setData(Qt.ItemDataRole.UserRole, column.confidence)
            item.setToolTip(f"{column.header}\n{confidence_tip(column)}")
            table.setItem(row, MAP_HEADER, item)
            samples = QTableWidgetItem(" · ".join(column.samples))
            samples.setToolTip("\n".join(column.samples) or "Empty in the rows read")
            samples.setForeground(self.palette().color(QPalette.ColorGroup.Disabled,
                                                       QPalette.ColorRole.Text))
            table.setItem(row, MAP_SAMPLES, samples)
            combo = _MappingCombo(table)
            combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            combo.setObjectName(f"import.means.{column.position}")
            combo.addItem(KEEP, "")
            for canonical in CANONICAL:
                combo.addItem(canonical.label, canonical.name)
            combo.setCurrentIndex(max(0, combo.findData(column.canonical)))
            combo.activated.connect(
                lambda _i, h=column.header, c=combo: self._on_mapping_combo_activated(h, c)
            )
            table.setCellWidget(row, MAP_MEANS, combo)
            origin = QTableWidgetItem(ORIGIN_TEXT[column.origin])
            if column.origin in (MappingOrigin.DETECTED, MappingOrigin.NONE):
                origin.setFlags(Qt.ItemFlag.NoItemFlags)  # drawn muted: only choices stand out
            table.setItem(row, MAP_FROM, origin)

    def _update_buttons(self) -> None:
        running = self.running
        done = self.pages.currentIndex() == 1
        self.import_button.setVisible(not done)
        self.import_button.setEnabled(not running and bool(self._importable()))
        self.cancel_button.setText("Close" if done else "Cancel")
        self.cancel_button.setEnabled(not (running and self._cancel_requested))
        for widget in (self.file_list, self.pages.widget(0)):
            widget.setEnabled(not running)
        keeping = self._keeper is not None
        if keeping:
            self.import_button.setEnabled(False)
        for widget in (self.keep_button, self.report_keep_button):
            widget.setEnabled(not running and not keeping)

    def _importable(self) -> list[int]:
        """The files the Import button will import: checked and not refused by the preview."""
        return [
            i for i, s in enumerate(self.files)
            if self.file_list.item(i).checkState() == Qt.CheckState.Checked and not s.refusal
        ]

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        combo.setCurrentIndex(max(0, combo.findData(value)))

    # -- importing ------------------------------------------------------------------------

    def start_import(self) -> None:
        """Import the checked files with their options, in a worker thread."""
        indexes = self._importable()
        if self.running or not indexes:
            return
        self._import_indexes = indexes
        self._cancel_requested = False
        self._cancelled_at = None
        jobs = [(self.files[i].path, _copy_options(self.files[i].options)) for i in indexes]
        worker = ImportWorker(self.case_path, jobs, self)
        worker.progressed.connect(self._on_import_progressed)
        worker.file_imported.connect(self._on_import_file_imported)
        worker.file_keepable.connect(self._on_import_file_keepable)
        worker.file_refused.connect(self._on_import_file_refused)
        worker.file_cancelled.connect(self._on_import_file_cancelled)
        worker.failed.connect(self._on_import_failed)
        worker.finished.connect(self._on_import_finished)
        self._import = worker
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText("Starting the import…")
        self._update_buttons()
        self.cancel_button.setFocus()
        worker.start()

    def cancel_import(self) -> None:
        """Ask the running import to stop; the file being imported leaves the case unchanged."""
        if self._import is None:
            return
        self._cancel_requested = True
        self._import.cancel()
        self.status.setText("Cancelling…")
        self._update_buttons()

    def _show_report(self) -> None:
        self.progress.setVisible(False)
        self.status.setText("")
        chosen = [self.files[i] for i in self._import_indexes]
        skipped = [s for i, s in enumerate(self.files) if i not in self._import_indexes]
        self.headline.setText(self._headline(chosen))
        table = self.results_table
        table.setRowCount(0)
        for state in chosen + [s for s in skipped if s.refusal]:
            row = table.rowCount()
            table.insertRow(row)
            report = state.report
            numbers = (
                [report.imported, report.duplicates, report.rejected] if report else [None] * 3
            )
            refused = f"Not imported: {state.refusal}" if state.refusal else "Not imported."
            outcome = state.outcome or refused
            cells = [state.path.name, *numbers, outcome]
            for col, value in enumerate(cells):
                text = "—" if value is None else f"{value:,}" if isinstance(value, int) else value
                item = QTableWidgetItem(str(text))
                if col in (1, 2, 3):
                    item.setTextAlignment(RIGHT)
                item.setToolTip(str(text))
                table.setItem(row, col, item)
        rejects = [r for report in self.reports for r in report.rejects]
        self.rejects_model.set_rejects(rejects)
        self.rejects_label.setText(
            f"Rejected rows ({len(rejects):,}): not imported, listed with the reason."
            if rejects else "No rows were rejected."
        )
        self.findings.set_reports(self.reports)
        self.copy_button.setEnabled(bool(rejects))
        self.rejects_view.setVisible(bool(rejects))
        for widget in (self.rejects_line, self.rejects_label, self.copy_button):
            widget.setVisible(bool(self.reports))
        self._show_discrepancies()
        _fit_height(table)
        self._show_report_keep()
        self.pages.setCurrentIndex(1)
        self.file_list.setVisible(False)
        self._update_buttons()
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()

    def _show_discrepancies(self) -> None:
        """Values other files give for shipments the case holds: listed, the held ones count."""
        listed = [d for report in self.reports for d in report.discrepancies.items]
        total = sum(report.discrepancies.total for report in self.reports)
        self.discrepancies_model.set_discrepancies(listed)
        more = (f" The first {len(listed):,} are listed; 'workbench discrepancies' lists all."
                if total > len(listed) else "")
        self.discrepancies_label.setText(
            f"Values that differ from the shipments the case holds ({total:,}): each shipment "
            "is kept once and its held value counts; select it to see both values in the "
            f"Details panel and choose which counts.{more}")
        self.discrepancies_label.setVisible(bool(total))
        self.discrepancies_view.setVisible(bool(total))

    def _headline(self, chosen: list[_FileState]) -> str:
        imported = sum(r.imported for r in self.reports)
        went_in = len(self.reports)
        if self._cancelled_at is not None and not self.reports:
            return CANCELLED_UNCHANGED
        if self._cancelled_at is not None:
            name = chosen[self._cancelled_at].path.name
            return (f"Import cancelled at {name}, which is not in the case; "
                    f"{imported:,} shipments from {went_in} earlier file(s) went in.")
        kept = len(self.kept_sources)
        if not self.reports and kept:
            return (f"No shipments were imported; {kept} file{'s were' if kept > 1 else ' was'} "
                    "kept as a source instead.")
        if not self.reports:
            return "Nothing was imported; the case is unchanged."
        files = "1 file" if went_in == 1 else f"{went_in} files"
        words = (f"Imported {imported:,} new shipments from {files}" if imported
                 else f"No new shipments in {files}")
        missed = len(chosen) - went_in + sum(1 for s in self.files if s not in chosen and s.refusal)
        if missed:
            words += f"; {missed} file{'s' if missed != 1 else ''} could not be imported"
        if kept:
            words += f"; {kept} kept as a source instead"
        return words + "."

    def copy_rejects(self) -> None:
        """Put the rejected rows on the clipboard as tab-separated text."""
        QGuiApplication.clipboard().setText(self.rejects_model.as_tsv())
        self.status.setText(f"Copied {self.rejects_model.rowCount():,} rejected rows.")

    # -- keeping a refused file as a source ------------------------------------------------

    def _keepable(self) -> list[int]:
        """Files refused as not customs extracts and not kept yet."""
        return [i for i, s in enumerate(self.files) if s.keepable and s.kept is None]

    def _show_keep_offer(self, state: _FileState) -> None:
        offer = state.keepable and state.refusal is not None
        if state.kept is not None:
            self.keep_offer.setText(f"Kept as the source '{state.kept.payload.get('title')}'.")
        else:
            self.keep_offer.setText(KEEP_OFFER.format(what="It is") if offer else "")
        self.keep_offer.setVisible(offer or state.kept is not None)
        self.keep_row.setVisible(offer and state.kept is None)

    def _show_report_keep(self) -> None:
        keepable = self._keepable()
        self.report_keep.setVisible(bool(keepable))
        if not keepable:
            return
        names = ", ".join(self.files[i].path.name for i in keepable)
        what = f"{names} is" if len(keepable) == 1 else f"{names} are"
        self.report_keep_label.setText(KEEP_OFFER.format(what=what))
        self.report_keep_button.setText(
            "&Keep as source" if len(keepable) == 1 else f"&Keep {len(keepable)} as sources")

    def keep_as_sources(self, indexes: list[int], confidential: bool = False) -> None:
        """Keep these refused files as sources instead, on a worker thread."""
        indexes = [i for i in indexes if self.files[i].keepable and self.files[i].kept is None]
        if self._keeper is not None or self.running or not indexes:
            return
        options: dict[str, object] = {"confidential": confidential}
        jobs = [(self.files[i].path, dict(options)) for i in indexes]
        self._keeping = indexes
        keeper = SourceKeeper(self.case_path, jobs, existing_ok=True, parent=self)
        keeper.kept.connect(self._on_source_kept)
        keeper.failed.connect(self._on_source_failed)
        keeper.finished.connect(self._on_keeping_finished)
        self._keeper = keeper
        names = ", ".join(self.files[i].path.name for i in indexes)
        self.status.setText(f"Keeping {names} as a source…")
        self.progress.setRange(0, 0)  # busy: reading the sheets takes what it takes
        self.progress.setVisible(True)
        self._update_buttons()
        keeper.start()

    @property
    def keeping(self) -> bool:
        return self._keeper is not None

    def _state_of(self, path: Path) -> _FileState | None:
        return next((self.files[i] for i in self._keeping if self.files[i].path == path), None)

    def _on_source_kept(self, path: Path, event: Event, already: bool) -> None:
        state = self._state_of(path)
        if state is None:
            return
        state.kept = event
        title = event.payload.get("title")
        state.outcome = (f"Already a source of this case ('{title}')." if already
                         else f"Kept as the source '{title}' instead of shipments.")
        row = self.files.index(state)
        item = self.file_list.item(row)
        item.setCheckState(Qt.CheckState.Unchecked)
        item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
        item.setToolTip(state.outcome)
        self.kept_sources.append(event)
        self.source_kept.emit(event)

    def _on_source_failed(self, path: Path, sentence: str) -> None:
        state = self._state_of(path)
        if state is not None:
            state.outcome = f"Not kept: {sentence}"
        self.status.setText(sentence)

    def _on_keeping_finished(self) -> None:
        keeper, self._keeper = self._keeper, None
        if keeper is not None:
            keeper.deleteLater()
        self.progress.setRange(0, 1000)
        self.progress.setVisible(False)
        kept = [self.files[i] for i in self._keeping if self.files[i].kept is not None]
        self._keeping = []
        if kept and self.status.text().startswith("Keeping"):
            self.status.setText("")
        on_report = self.pages.currentIndex() == 1
        # Nothing left to do here: close, so the window can show the source.
        if kept and not self._keepable() and (
                (on_report and not self.reports) or (not on_report and not self._importable())):
            self.done(QDialog.DialogCode.Accepted)
            return
        if on_report:
            self._show_report()
        else:
            self._show_state()
        self._update_buttons()

    # -- closing --------------------------------------------------------------------------

    def reject(self) -> None:
        """Esc and Cancel: stop a running import first; otherwise close."""
        if self._keeper is not None:
            self._keeper.cancel()
            self._keeper.wait()
        if self.running:
            self.cancel_import()
            return
        if self.reports:  # the import is over and something went in: close as accepted
            self.done(QDialog.DialogCode.Accepted)
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.running:
            self._close_when_done = True
            self.cancel_import()
            return
        self._stop_previews()
        if self._keeper is not None:
            self._keeper.cancel()
            self._keeper.wait()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            self._close_when_done = True
            self.cancel_import()
            event.ignore()
            return
        self._stop_previews()
        super().closeEvent(event)

    def _stop_previews(self) -> None:
        for worker in list(self._previews):
            worker.cancel()
        for worker in list(self._previews):
            worker.wait()


def _mute(label: QLabel) -> None:
    """Secondary text: the placeholder colour, greyed like any text when disabled."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorGroup.Disabled,
        QPalette.ColorRole.PlaceholderText,
        palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text),
    )
    label.setPalette(palette)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def _fit_height(table: QTableWidget, most_rows: int = 8) -> None:
    """Make a short table as tall as its rows (up to ``most_rows``; it scrolls beyond)."""
    rows = min(table.rowCount(), most_rows)
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(rows))
    table.setFixedHeight(height)


def _copy_options(options: ImportOptions) -> ImportOptions:
    """A copy a worker can own: the dialog goes on changing its own."""
    return dataclasses.replace(options, mapping=dict(options.mapping))


def _outcome(report: ImportReport) -> str:
    """What became of an imported file, in words."""
    if not report.imported and report.duplicates:
        words = "Nothing new: every row is already in the case"
    elif not report.imported:
        words = "No rows could be imported"
    else:
        words = f"Imported {report.imported:,} new shipments"
        if report.duplicates:
            words += f"; {report.duplicates:,} rows were already in the case"
    if report.rejected:
        rows = "1 row" if report.rejected == 1 else f"{report.rejected:,} rows"
        words += f"; {rows} rejected (listed below)"
    if report.discrepancies.total:
        n = report.discrepancies.shipments
        words += (f"; {n:,} of them give other values than the case holds (listed below)"
                  if report.duplicates else f"; {n:,} give other values (listed below)")
    return words + "".join(f"; {note}" for note in report.notes) + "."


def _summary(preview: Preview, sheet: SheetPreview) -> str:
    """One line about the file as it will be read."""
    if preview.is_text:
        parts = ["Text file", str(preview.encoding), DELIMITER_NAMES.get(
            preview.delimiter or "", f"split by {preview.delimiter!r}"
        )]
    else:
        count = len(preview.sheets)
        parts = [f"Workbook with {count} sheet{'s' if count != 1 else ''} to import"]
        parts.append(f"sheet {sheet.sheet}: header on row {sheet.header_row}")
    if preview.is_text:
        parts.append(f"header on row {sheet.header_row}")
    parts.append(f"{sheet.data_rows:,} data rows")
    parts.append(f"{len(sheet.mapping)} of {len(sheet.columns)} columns recognised")
    return " · ".join(parts)


def _value_total_text(sheet: SheetPreview) -> str:
    """``Statistical value, USD: 15,431,906.12 over 1,140 rows; 12 rows empty``."""
    if sheet.value_total is not None:
        return sheet.value_total.sentence()
    label = BY_NAME[sheet.value_column].label if sheet.value_column in BY_NAME else (
        sheet.value_column)
    return f"{label}: no column of this sheet holds it, so nothing can be added up."


@dataclass
class ImportOutcome:
    """What the dialog ended with: the reports of the files that went in (maybe none), and
    the table filter the reporter asked to see (the rows kept without a value), if any."""

    reports: list[ImportReport] = field(default_factory=list)
    show_rows: dict[str, Condition] = field(default_factory=dict)


def run_import_dialog(
    parent: QWidget | None, case_path: Path, files: Sequence[Path],
    on_kept: Callable[[Event], None] | None = None,
) -> ImportOutcome:
    """Show the import dialog modally; what went in and what to show afterwards.

    ``on_kept`` hears of every refused file the reporter kept as a source instead.
    """
    dialog = ImportDialog(case_path, files, parent)
    if on_kept is not None:
        dialog.source_kept.connect(on_kept)
    try:
        dialog.exec()
        return ImportOutcome(list(dialog.reports), dict(dialog.show_rows))
    finally:
        dialog.deleteLater()
