"""What the window shows with no case open: recent cases and the ways to open one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.ui.settings import recent_cases


def sample_case_path() -> Path | None:
    """The sample case shipped beside the package, when it is there."""
    candidate = Path(__file__).resolve().parents[2] / "sample_cases" / "aurus"
    return candidate if candidate.is_dir() else None


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
        if sample is not None:
            button = QPushButton("Open the sample case (Aurus)", self)
            button.setObjectName("start_page.sample")
            button.clicked.connect(lambda: self.open_requested.emit(sample))
            buttons.addWidget(button)
        buttons.addStretch(1)
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
        layout.addSpacing(16)
        layout.addWidget(QLabel("<b>Recent cases</b>" if self.recent.count() else
                                "<i>No recent cases yet.</i>"))
        layout.addWidget(self.recent, 1)
