"""Save as figure: the table's current filter, a name, and the draft's sentence and value."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from workbench.analysis.figures import parse_stated
from workbench.analysis.filters import Condition, FilterError
from workbench.errors import WorkbenchError
from workbench.labels import lower_label
from workbench.services.companies import CompanyBook
from workbench.services.figures import save_figure
from workbench.store.events import Event
from workbench.ui.session import CaseSession

MEASURES = {"Sum of the value column": "sum", "Number of shipments": "count"}


def company_condition(condition: Condition, book: CompanyBook | None) -> Condition:
    """``sender in <a company's spellings>`` as ``company in <them>``, so a later merge that
    gives the company another spelling moves the figure (and says so)."""
    if book is None or condition.column != "sender" or condition.op != "in":
        return condition
    spellings = set(map(str, condition.value))
    owners = {book.company_of.get(s) for s in spellings}
    if len(owners) != 1 or None in owners:
        return condition
    company = book.companies[owners.pop()]  # type: ignore[index]
    if spellings != set(company.aliases):
        return condition
    return Condition("company", "in", sorted(spellings))


class FigureDialog(QDialog):
    """Name the current filter as a figure; the stated value is checked as it is typed."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Save filter as figure")
        self.setObjectName("figure_dialog")
        conditions = session.state.conditions
        where = "; ".join(c.describe() for c in conditions) or "all shipments"
        self.definition = QLabel(f"Rows where {where}: {len(session.filtered_rows):,} rows, "
                                 f"{session.filtered_total():,.2f} "
                                 f"{lower_label(session.summary.value_column)}")
        self.definition.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("figure_dialog.name")
        self.name.setPlaceholderText("e.g. Produced in South Korea")
        self.measure = QComboBox()
        self.measure.addItems(list(MEASURES))
        self.sentence = QPlainTextEdit()
        self.sentence.setObjectName("figure_dialog.sentence")
        self.sentence.setPlaceholderText("The sentence of the draft that prints this number")
        lines = self.sentence.fontMetrics().lineSpacing()  # four lines of the draft
        self.sentence.setMinimumHeight(lines * 4 + 12)
        self.sentence.setMaximumHeight(lines * 8 + 12)
        self.sentence.setTabChangesFocus(True)
        self.stated = QLineEdit()
        self.stated.setObjectName("figure_dialog.stated")
        self.stated.setPlaceholderText("As the draft states it: almost $15.5 million")
        self.check = QLabel()
        self.check.setObjectName("figure_dialog.check")
        self.check.setWordWrap(True)
        self.stated.textChanged.connect(self._check_stated)
        self.message = QLabel()
        self.message.setObjectName("figure_dialog.message")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        chars = self.fontMetrics().averageCharWidth()
        for field in (self.name, self.measure, self.sentence, self.stated):
            field.setMinimumWidth(chars * 44)  # long enough to read a name or a sentence
        form.addRow(self.definition)
        form.addRow("&Name", self.name)
        form.addRow("&Measure", self.measure)
        form.addRow("Draft &sentence", self.sentence)
        form.addRow("S&tated value", self.stated)
        form.addRow("", self.check)
        form.addRow(self.message)
        form.addRow(self.buttons)
        self.saved: Event | None = None
        self.resize(self.sizeHint())
        if session.state.search:
            self.message.setText("The quick search is not part of a figure: turn it into a "
                                 "filter condition first.")
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)

    def _check_stated(self, text: str) -> None:
        if not text.strip():
            self.check.clear()
            return
        try:
            stated = parse_stated(text)
        except FilterError as exc:
            self.check.setText(str(exc))
            return
        value = (self.session.filtered_total() if MEASURES[self.measure.currentText()] == "sum"
                 else float(len(self.session.filtered_rows)))
        fits = "fits" if stated.admits(value) else "does NOT fit"
        self.check.setText(f"Admits {stated.low:,.2f} to {stated.high:,.2f}; "
                           f"the live value {value:,.2f} {fits}.")

    def save(self) -> None:
        """Record the figure (an undoable event) and close; a bad entry says why and stays."""
        name = self.name.text()
        conditions = [company_condition(c, self.session.companies)
                      for c in self.session.state.conditions]
        options = {
            "book": self.session.companies,
            "measure_name": MEASURES[self.measure.currentText()],
            "stated": self.stated.text().strip() or None,
            "sentence": self.sentence.toPlainText().strip() or None,
        }
        try:
            self.saved = self.session.record(
                lambda case: save_figure(case, self.session.frame, name, conditions, **options)
            )
        except WorkbenchError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
