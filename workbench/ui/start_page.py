"""What the window shows with no case open: recent cases and the ways to open one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench import bundled
from workbench.ui.settings import recent_cases

#: What to click first on the sample case, shown beside its button.
TOUR = (
    "Open the sample case: 2,650 shipments from three vendor extracts.",
    "Drag across 2022 on the Timeline: the table, Suppliers and the status bar total follow.",
    "Choose a supplier in Suppliers: its Supplier profile shows every spelling and the "
    "suggested ones.",
    "Open the Figures panel and press Enter on a figure: the rows behind the story's number.",
    "Press F1 for the guide: import, clean up names, right of reply, figures, export, share.",
)


def sample_case_path() -> Path | None:
    """The sample case to open: a checkout's own folder, or a copy of an installed one.

    A wheel or the frozen app is no place to write a case file into, so its sample is copied
    once into the user's data folder and opened there.
    """
    source = bundled.sample_case()
    if source is None or not bundled.is_installed():
        return source
    data = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    try:
        return bundled.copy_sample(Path(data or Path.home() / ".local" / "share") / "sample")
    except OSError:
        return None  # no button rather than one that fails; the cases of the reporter still open


class StartPage(QWidget):
    """Buttons emit what the reporter asked for; the main window does it."""

    open_requested = Signal(Path)
    new_requested = Signal()
    open_file_requested = Signal()
    open_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None, problem: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("start_page")
        self.problem = QLabel(problem, self)  # why the case asked for did not open
        self.problem.setObjectName("start_page.problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a61b1b; font-weight: bold;")
        if not problem:
            self.problem.hide()
        title = QLabel("<h1>Case Workbench</h1>"
                       "<p>Build the story out of customs records, and prove every number.</p>")
        title.setTextFormat(Qt.TextFormat.RichText)
        buttons = QHBoxLayout()
        for text, signal in (
            ("New case…", self.new_requested),
            ("Open case…", self.open_file_requested),
            ("Open folder…", self.open_folder_requested),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(signal.emit)
            buttons.addWidget(button)
        sample = sample_case_path()
        buttons.addStretch(1)
        tour_row = QHBoxLayout()
        if sample is not None:
            button = QPushButton("Open the sample case (Aurus)", self)
            button.setObjectName("start_page.sample")
            button.clicked.connect(lambda: self.open_requested.emit(sample))
            tour = QLabel("<b>New here? A five-minute tour</b><ol>"
                          + "".join(f"<li>{step}</li>" for step in TOUR) + "</ol>", self)
            tour.setObjectName("start_page.tour")
            tour.setTextFormat(Qt.TextFormat.RichText)
            tour.setWordWrap(True)
            tour_row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            tour_row.addWidget(tour, 1)
        self.recent = QListWidget(self)
        self.recent.setObjectName("start_page.recent")
        self.recent.itemActivated.connect(
            lambda item: self.open_requested.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        for path in recent_cases():
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addWidget(title)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        layout.addSpacing(12)
        layout.addLayout(tour_row)
        layout.addSpacing(16)
        layout.addWidget(QLabel("<b>Recent cases</b>" if self.recent.count() else
                                "<i>No recent cases yet.</i>"))
        layout.addWidget(self.recent, 1)
