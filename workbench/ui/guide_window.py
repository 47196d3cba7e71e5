"""Help > User guide: the guide's Markdown pages in a browser with Back, Forward and Contents."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser, QToolBar, QVBoxLayout, QWidget

from workbench.ui.guide_files import guide_page

MAX_IMAGE_WIDTH = 860  # screenshots are scaled down to this, never up


class GuideBrowser(QTextBrowser):
    """Local pages only: links between pages navigate, screenshots fit the page."""

    def loadResource(self, kind: int, name: QUrl) -> object:
        resource = super().loadResource(kind, name)
        if kind != QTextDocument.ResourceType.ImageResource.value:
            return resource
        image = resource if isinstance(resource, QImage) else QImage.fromData(resource)
        if image.isNull() or image.width() <= MAX_IMAGE_WIDTH:
            return resource
        return image.scaledToWidth(MAX_IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)


class GuideWindow(QWidget):
    """One window for the guide; ``show_page`` brings it up on a page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("help.guide")
        self.setWindowTitle("Case Workbench guide")
        self.browser = GuideBrowser(self)
        self.browser.setObjectName("guide.browser")
        self.browser.setOpenExternalLinks(False)  # the guide is offline; nothing leaves
        self.missing = QLabel(self)
        self.missing.setObjectName("guide.missing")
        self.missing.setWordWrap(True)
        self.missing.hide()
        bar = QToolBar(self)
        back = bar.addAction("Back", self.browser.backward)
        forward = bar.addAction("Forward", self.browser.forward)
        bar.addAction("Contents", lambda: self.show_page())
        self.browser.backwardAvailable.connect(back.setEnabled)
        self.browser.forwardAvailable.connect(forward.setEnabled)
        back.setEnabled(False)
        forward.setEnabled(False)
        self.browser.sourceChanged.connect(self._on_browser_source_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.missing)
        layout.addWidget(self.browser, 1)
        self.resize(940, 720)

    def page_title(self) -> str:
        """The page's first heading (Markdown has no title of its own)."""
        return self.browser.document().firstBlock().text().strip()

    def _on_browser_source_changed(self, _url: QUrl) -> None:
        self.setWindowTitle(f"{self.page_title() or 'Guide'} — Case Workbench")

    def show_page(self, name: str | None = None) -> bool:
        """Show ``name`` (the contents when None); says so in the window when it is missing."""
        page: Path | None = guide_page(name) if name else guide_page()
        self.show()
        self.activateWindow()
        if page is None:
            self.missing.setText(f"The guide's page {name or 'index.md'} is not installed "
                                 "with this copy of the app.")
            self.missing.show()
            return False
        self.missing.hide()
        self.browser.setSource(QUrl.fromLocalFile(str(page)),
                               QTextDocument.ResourceType.MarkdownResource)
        return True
