"""Help > About Case Workbench: the version, Qt's, and the licence of every library it ships."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.services.about import app_version, bundled_libraries


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("help.about")
        self.setWindowTitle("About Case Workbench")
        self.libraries = bundled_libraries()
        heading = QLabel(
            f"<h2>Case Workbench {app_version()}</h2>"
            "<p>Build the story out of customs records, and prove every number.</p>"
            f"<p>Qt {qVersion()}, PySide6 {PySide6.__version__}</p>", self)
        heading.setObjectName("about.heading")
        self.table = QTableWidget(len(self.libraries), 3, self)
        self.table.setObjectName("about.libraries")
        self.table.setHorizontalHeaderLabels(["Library", "Version", "Licence"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, library in enumerate(self.libraries):
            for column, text in enumerate((library.name, library.version, library.licence)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(QLabel("Libraries shipped with the app, as their own metadata "
                                "states them:", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(620, 520)
