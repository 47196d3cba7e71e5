"""Who is working, and how numbers and dates look: the first-run question and Preferences.

The first run asks only for the name and initials; Edit > Preferences shows them with the number
and date styles and, with a case open, the case's value basis and key date.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workbench.errors import WorkbenchError
from workbench.labels import column_label
from workbench.services import case_settings, preferences
from workbench.services.preferences import DATE_STYLES, NUMBER_STYLES, Preferences
from workbench.store.case import CaseFile


def _initials_of(name: str) -> str:
    return "".join(part[:1].upper() for part in name.split())[:4]


class PreferencesDialog(QDialog):
    """Name and initials (always); styles and the case's settings unless ``first_run``."""

    def __init__(self, parent: QWidget | None = None, *, first_run: bool = False,
                 case_path: Path | None = None, opened_from: Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferences_dialog")
        self.setWindowTitle("Welcome to Case Workbench" if first_run else "Preferences")
        self.case_path = case_path
        self.saved: Preferences | None = None
        self.case_saved: case_settings.CaseSettings | None = None
        current, problem = preferences.load()
        self.name = QLineEdit(current.name)
        self.name.setObjectName("preferences.name")
        self.name.setPlaceholderText("e.g. Anna Petrova")
        self.initials = QLineEdit(current.initials)
        self.initials.setObjectName("preferences.initials")
        self.initials.setPlaceholderText("e.g. AP")
        self.initials.setMaxLength(6)
        self._initials_typed = bool(current.initials)
        self.initials.textEdited.connect(lambda: setattr(self, "_initials_typed", True))
        self.name.textChanged.connect(self._suggest_initials)
        form = QFormLayout()
        form.addRow("Your name", self.name)
        form.addRow("Initials", self.initials)
        self.numbers = self._styles("preferences.numbers", NUMBER_STYLES, current.number_style)
        self.dates = self._styles("preferences.dates", DATE_STYLES, current.date_style)
        self.value_column: QComboBox | None = None
        self.key_date: QLineEdit | None = None
        if not first_run:
            form.addRow("Numbers", self.numbers)
            form.addRow("Dates", self.dates)
            if case_path is not None:
                self._case_rows(form, case_path, opened_from)
        self.message = QLabel(problem or "")
        self.message.setObjectName("preferences.message")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("preferences.buttons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        if first_run:
            intro = QLabel("Every change you make to a case (notes, replies, figures) is "
                           "recorded with your name, so colleagues can see who did what. "
                           "You can change it later in Edit > Preferences.")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.name.setFocus()

    @staticmethod
    def _styles(name: str, styles: dict[str, str], current: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItems(list(styles))
        box.setCurrentText(current)
        return box

    def _case_rows(self, form: QFormLayout, path: Path, opened_from: Path | None) -> None:
        try:
            with CaseFile.open(path, read_only=True) as case:
                now = case_settings.read(case, opened_from)
        except WorkbenchError as exc:
            form.addRow(QLabel(str(exc)))
            return
        self.value_column = QComboBox()
        self.value_column.setObjectName("preferences.value_column")
        for column in case_settings.VALUE_COLUMNS:
            self.value_column.addItem(column_label(column), column)
        self.value_column.setCurrentIndex(case_settings.VALUE_COLUMNS.index(now.value_column)
                                          if now.value_column in case_settings.VALUE_COLUMNS
                                          else 0)
        self.key_date = QLineEdit(now.key_date or "")
        self.key_date.setObjectName("preferences.key_date")
        self.key_date.setPlaceholderText("e.g. 2022-02-24")
        for widget, key in ((self.value_column, "value_column"), (self.key_date, "key_date")):
            if key in now.fixed_by_folder:
                widget.setEnabled(False)
                widget.setToolTip("Set by the case folder's case.toml; change it there.")
        form.addRow("Value basis (this case)", self.value_column)
        form.addRow("Key date (this case)", self.key_date)

    def _suggest_initials(self, name: str) -> None:
        if not self._initials_typed:
            self.initials.setText(_initials_of(name))

    def save(self) -> None:
        """Write the preferences (and the case's settings); say why when they cannot be."""
        if not " ".join(self.name.text().split()):
            self.message.setText("Type your name: it is written into every change you make.")
            return
        chosen = Preferences(self.name.text(), self.initials.text(), self.numbers.currentText(),
                             self.dates.currentText())
        try:
            basis, key_date = self.value_column, self.key_date
            if self.case_path is not None and basis is not None and key_date is not None \
                    and (basis.isEnabled() or key_date.isEnabled()):
                with CaseFile.open(self.case_path) as case:
                    old = case_settings.read(case)
                    new = case_settings.write(
                        case, basis.currentData() if basis.isEnabled() else old.value_column,
                        key_date.text() if key_date.isEnabled() else old.key_date)
                if new != old:
                    self.case_saved = new
            self.saved = preferences.save(chosen)
        except (WorkbenchError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.accept()
