"""Notes and sources: the analyst's Markdown notes with a live preview, and the case's sources."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.view_state import RECORD, StateChange
from workbench.errors import WorkbenchError
from workbench.ingest.documents import extract_text
from workbench.services.notes import notes, purge_source, save_note, sources
from workbench.services.source_content import index_note
from workbench.services.source_tables import is_spreadsheet_source
from workbench.store import files
from workbench.store.case import CaseFile
from workbench.ui import file_dialogs
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession
from workbench.ui.source_dialog import SourceDialog, extract_source, open_with_system_viewer

#: Milliseconds of quiet typing before the preview is drawn again.
PREVIEW_MS = 200
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SHA_ROLE = Qt.ItemDataRole.UserRole + 2
CONFIDENTIAL = QColor("#b22222")
SOURCE_FIELDS = (
    ("name", "File"), ("type", "Type"), ("size", "Bytes"), ("obtained_by", "Obtained by"),
    ("obtained_on", "Obtained on"), ("reliability", "Reliability"), ("author", "Added by"),
)


def item_label(entry: dict[str, Any], kind: str) -> str:
    """A list line: the title, a source's type, and a confidential mark."""
    label = str(entry.get("title", ""))
    if kind == "source":
        label += f"  ({entry.get('type', 'file')})"
    return label + "  [confidential]" if entry.get("confidential") else label


def source_metadata(entry: dict[str, Any]) -> str:
    """A source's metadata as Markdown."""
    lines = [f"# {entry.get('title', '')}", ""]
    if entry.get("confidential"):
        lines += ["**Confidential**", ""]
    lines += [f"- {label}: {entry[key]}" for key, label in SOURCE_FIELDS if entry.get(key)]
    if entry.get("companies"):
        lines.append(f"- Companies: {', '.join(entry['companies'])}")
    lines += [f"- {line}" for line in spreadsheet_lines(entry)]
    return "\n".join(lines)


def spreadsheet_lines(entry: dict[str, Any]) -> list[str]:
    """A spreadsheet source's sheets and how much of it Search covers, as list lines."""
    table = entry.get("table")
    if not isinstance(table, dict):
        return []
    lines = []
    for sheet in table.get("sheets", []):
        if isinstance(sheet, dict):
            name = sheet.get("name") or "the table"
            lines.append(f"Sheet {name}: {sheet.get('rows', 0):,} rows, "
                         f"{sheet.get('columns', 0):,} columns")
    note = index_note(table)
    lines.append(note or "Search covers every cell.")
    return lines


def spreadsheet_summary(entry: dict[str, Any]) -> str:
    """What the editor shows for a spreadsheet source (its cells are in the table view)."""
    return "\n".join([
        "A spreadsheet kept as a source: Open table shows its sheets as read-only tables, "
        "from the copy kept in the case; Search everything finds words in its cells and "
        "names the sheet and row.", "",
        *spreadsheet_lines(entry)])


def _heading(text: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # drawn normally, never chosen
    font = item.font()
    font.setBold(True)
    item.setFont(font)
    return item


class NotesPanel(Panel):
    """The case's notes (editable, with a preview) and its sources (read-only)."""

    NAME = "notes"
    TITLE = "Notes"
    SHORTCUTS = (("Ctrl+S", "Save the note being edited"),)
    AREA = Qt.DockWidgetArea.RightDockWidgetArea
    TABIFY_WITH = "profile"

    #: A spreadsheet source to show as tables (its entry); the window opens it.
    table_requested = Signal(object)

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.notes: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self._source: dict[str, Any] | None = None
        self.items = QListWidget()
        self.items.setObjectName("notes.list")
        self.items.currentItemChanged.connect(self._on_current)
        self.items.itemActivated.connect(self._on_activated)  # Enter, double-click
        self.title = QLineEdit()
        self.title.setObjectName("notes.title")
        self.title.setPlaceholderText("Title")
        self.confidential = QCheckBox("Confidential")
        self.confidential.setObjectName("notes.confidential")
        self.new_button = QPushButton("New note")
        self.new_button.setObjectName("notes.new")
        self.new_button.clicked.connect(self.new_note)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("notes.save")
        self.save_button.setToolTip("Save a new version of this note (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        self.add_source_button = QPushButton("Add source…")
        self.add_source_button.setObjectName("notes.add_source")
        self.add_source_button.setToolTip("Keep a document inside the case, with where it came "
                                          "from and how far to trust it")
        self.add_source_button.clicked.connect(lambda: self.add_source())
        self.open_button = QPushButton("Open")
        self.open_button.setObjectName("notes.open_source")
        self.open_button.setToolTip("Open the source with the system's viewer")
        self.open_button.clicked.connect(lambda: self.open_source())
        self.purge_button = QPushButton("Purge…")
        self.purge_button.setObjectName("notes.purge_source")
        self.purge_button.setToolTip("Remove the source and its file for good, also from copies "
                                     "merged later (cannot be undone)")
        self.purge_button.clicked.connect(lambda: self.purge_source())
        for button in (self.open_button, self.purge_button):  # until a source is chosen
            button.setEnabled(False)
        shortcut = QShortcut(QKeySequence("Ctrl+S"), self, self.save)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("notes.editor")
        self.editor.setPlaceholderText("Write the note in Markdown…")
        self.preview = QTextBrowser()
        self.preview.setObjectName("notes.preview")
        self.preview.setOpenExternalLinks(False)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_MS)
        self._preview_timer.timeout.connect(self.render_preview)
        self.editor.textChanged.connect(self._preview_timer.start)
        self.message = QLabel()
        self.message.setObjectName("notes.message")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.confidential)
        # Two short rows (the note's buttons, the source's) keep the panel narrow enough to sit
        # beside the table on a laptop screen.
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        source_buttons = QHBoxLayout()
        source_buttons.addWidget(self.add_source_button)
        source_buttons.addStretch(1)
        source_buttons.addWidget(self.open_button)
        source_buttons.addWidget(self.purge_button)
        form = QWidget()
        form_layout = QVBoxLayout(form)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addLayout(row)
        form_layout.addWidget(self.editor, 1)
        form_layout.addLayout(buttons)
        form_layout.addLayout(source_buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.items)
        split.addWidget(form)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.reload()

    # -- showing ------------------------------------------------------------------------------

    def refresh(self, change: StateChange) -> None:
        if RECORD in change:
            self.reload()

    def reload(self) -> None:
        """Read the notes and sources again, keeping the chosen entry chosen."""
        chosen = self.current_entry()
        try:
            case = CaseFile.open(self.session.summary.path, read_only=True)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        try:
            self.notes, self.sources = notes(case), sources(case)
        finally:
            case.close()
        self.items.blockSignals(True)
        self.items.clear()
        self.items.addItem(_heading(f"Notes ({len(self.notes)})"))
        for entry in self.notes:
            self._add_item(entry, "note")
        self.items.addItem(_heading(f"Sources ({len(self.sources)})"))
        for entry in self.sources:
            self._add_item(entry, "source")
        self.items.blockSignals(False)
        if chosen is not None:
            self.choose(*chosen)

    def _add_item(self, entry: dict[str, Any], kind: str) -> None:
        item = QListWidgetItem(item_label(entry, kind))
        item.setData(ITEM_ROLE, (kind, str(entry.get("title", ""))))
        if kind == "source":
            item.setData(SHA_ROLE, str(entry.get("sha256", "")))
        if entry.get("confidential"):
            item.setForeground(CONFIDENTIAL)
        self.items.addItem(item)

    def current_entry(self) -> tuple[str, str] | None:
        """The chosen (kind, title), if any."""
        item = self.items.currentItem()
        return item.data(ITEM_ROLE) if item is not None else None

    def titles(self, kind: str = "note") -> list[str]:
        entries = self.notes if kind == "note" else self.sources
        return [str(e.get("title", "")) for e in entries]

    def choose(self, kind: str, title: str) -> bool:
        """Select the list entry of ``kind`` titled ``title``; False when there is none."""
        for row in range(self.items.count()):
            if self.items.item(row).data(ITEM_ROLE) == (kind, title):
                self.items.setCurrentRow(row)
                return True
        return False

    def choose_source(self, sha256: str) -> bool:
        """Select the source holding these bytes; False when there is none."""
        for row in range(self.items.count()):
            if self.items.item(row).data(SHA_ROLE) == sha256:
                self.items.setCurrentRow(row)
                return True
        return False

    def _on_activated(self, _item: QListWidgetItem) -> None:
        """Enter on a spreadsheet source shows its tables."""
        if self._source is not None and is_spreadsheet_source(self._source):
            self.table_requested.emit(dict(self._source))

    def _on_current(self, item: QListWidgetItem | None, _previous: object) -> None:
        data = item.data(ITEM_ROLE) if item is not None else None
        if not data:
            return
        kind, title = data
        if kind == "source":
            sha = item.data(SHA_ROLE) if item is not None else None
            entry = next((e for e in self.sources if e.get("sha256") == sha), None)
        else:
            entry = next((e for e in self.notes if e.get("title") == title), None)
        if entry is None:
            return
        if kind == "note":
            self.show_note(entry)
        else:
            self.show_source(entry)

    def show_note(self, entry: dict[str, Any]) -> None:
        self._source = None
        self._set_editable(True)
        self.title.setText(str(entry.get("title", "")))
        self.confidential.setChecked(bool(entry.get("confidential")))
        self.editor.setPlainText(str(entry.get("text", "")))
        self.render_preview()
        if entry.get("conflict"):
            who = " and ".join(str(c["author"]) for c in entry["conflict"])
            self.message.setText(f"Changed in two copies ({who}): both versions are in the "
                                 "Conflicts panel; saving here replaces both.")
        else:
            self.message.setText(f"Last saved by {entry.get('author', '?')}.")

    def show_source(self, entry: dict[str, Any]) -> None:
        """A source's extracted text in the editor (read-only) and its metadata as preview."""
        self._source = entry
        self._set_editable(False)
        self.title.setText(str(entry.get("title", "")))
        self.confidential.setChecked(bool(entry.get("confidential")))
        table = is_spreadsheet_source(entry)
        text = spreadsheet_summary(entry) if table else self._source_text(entry)
        self.editor.setPlainText(text if text is not None else "")
        self.editor.setPlaceholderText("No text could be extracted from this source.")
        self.open_button.setText("Open table" if table else "Open")
        self.open_button.setToolTip(
            "Show its sheets as read-only tables, from the copy kept in the case" if table
            else "Open the source with the system's viewer")
        self._preview_timer.stop()
        self.preview.setMarkdown(source_metadata(entry))
        self.message.setText("A source: read-only.")

    def _source_text(self, entry: dict[str, Any]) -> str | None:
        try:
            case = CaseFile.open(self.session.summary.path, read_only=True)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return None
        try:
            stored = files.find(case.conn, str(entry.get("sha256", "")))
            if stored is None:
                return None
            return extract_text(stored.name, files.read_bytes(case.conn, stored.id))
        except WorkbenchError:
            return None
        finally:
            case.close()

    # -- sources --------------------------------------------------------------------------

    def add_source(self, path: Path | None = None) -> SourceDialog | None:
        """Choose a file and describe it; the dialog records it (returns the open dialog)."""
        if path is None:
            chosen = file_dialogs.open_file(self, "Add a source",
                                            self.session.summary.path.parent)
            if chosen is None:
                return None
            path = chosen
        dialog = SourceDialog(self.session, path, self.window())
        dialog.accepted.connect(lambda: dialog.saved and self.choose(
            "source", str(dialog.saved.payload["title"])))
        dialog.open()
        return dialog

    def open_source(self, viewer: Callable[[Path], bool] = open_with_system_viewer,
                    ) -> Path | None:
        """Write the chosen source's bytes to a private temporary file and open it; a
        spreadsheet is asked to be shown as tables instead (``table_requested``)."""
        if self._source is None:
            return None
        if is_spreadsheet_source(self._source):
            self.table_requested.emit(dict(self._source))
            return None
        try:
            path = extract_source(self.session, str(self._source.get("sha256")),
                                  str(self._source.get("name") or "source"))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return None
        if not viewer(path):
            self.message.setText(f"No viewer opened {path.name}; it is at {path}.")
        return path

    def purge_source(self, confirm: bool = True) -> None:
        """Remove the chosen source and its file for good (asks first)."""
        if self._source is None:
            return
        title = str(self._source.get("title"))
        if confirm and QMessageBox.question(
                self, "Purge source", f"Remove '{title}' and its file from this case for good? "
                "Copies merged later will not bring it back, and this cannot be undone.",
        ) != QMessageBox.StandardButton.Yes:
            return
        event_id = str(self._source["id"])
        try:
            self.session.record(lambda case: purge_source(case, event_id), undoable=False)
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Purged '{title}'.")

    def _set_editable(self, editable: bool) -> None:
        if editable:
            self.open_button.setText("Open")
        self.open_button.setEnabled(not editable)
        self.purge_button.setEnabled(not editable)
        self.editor.setReadOnly(not editable)
        self.title.setReadOnly(not editable)
        self.confidential.setEnabled(editable)
        self.save_button.setEnabled(editable)
        if editable:
            self.editor.setPlaceholderText("Write the note in Markdown…")

    def render_preview(self) -> None:
        """Draw the editor's Markdown (not while a source is shown)."""
        self._preview_timer.stop()
        if self._source is None:
            self.preview.setMarkdown(self.editor.toPlainText())

    # -- editing ------------------------------------------------------------------------------

    def new_note(self) -> None:
        """An empty note, ready for its title."""
        self.items.blockSignals(True)
        self.items.setCurrentRow(-1)
        self.items.blockSignals(False)
        self._source = None
        self._set_editable(True)
        self.title.clear()
        self.confidential.setChecked(False)
        self.editor.clear()
        self.render_preview()
        self.message.clear()
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> None:
        """Save the note (a new version when its title exists), then reload and announce."""
        if self._source is not None:
            return
        title = " ".join(self.title.text().split())
        text, confidential = self.editor.toPlainText(), self.confidential.isChecked()
        try:
            self.session.record(
                lambda case: save_note(case, title, text, confidential=confidential))
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.choose("note", title)
        self.message.setText(f"Saved '{title}'.")
