"""The Help menu as a reporter uses it: guide, shortcut sheet and About, fired from the menu."""

from __future__ import annotations

import re
from importlib.metadata import version

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QImage, QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QLabel, QMenu

from workbench.ui.actions import ActionId

pytestmark = pytest.mark.gui

NATIVE = QKeySequence.SequenceFormat.NativeText
TASK_PAGES = ("import-extract.md", "supplier-names.md", "right-of-reply.md", "save-figure.md",
              "export-for-desk.md", "share-and-merge.md")
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture
def bare_window(qtbot):
    from workbench.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


def _help_menu(window) -> QMenu:
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    return next(m for m in menus if m.title().replace("&", "") == "Help")


def test_help_menu_works_without_a_case(bare_window) -> None:
    menu = _help_menu(bare_window)
    names = [a.objectName() for a in menu.actions() if not a.isSeparator()]
    assert names == ["help.guide", "help.shortcuts", "help.about"]
    assert all(a.isEnabled() for a in menu.actions())
    assert bare_window.actions[ActionId.HELP_GUIDE].shortcut() == QKeySequence(
        QKeySequence.StandardKey.HelpContents)


def _click_link(qtbot, browser, text: str) -> None:
    cursor = browser.document().find(text)
    assert not cursor.isNull(), f"no link {text!r} on the page"
    cursor.setPosition(cursor.selectionStart() + 2)
    point: QPoint = browser.cursorRect(cursor).center()
    assert browser.anchorAt(point), f"{text!r} is not a link"
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_user_guide_opens_and_its_links_navigate(bare_window, qtbot) -> None:
    bare_window.actions[ActionId.HELP_GUIDE].trigger()
    guide = bare_window.help.guide
    assert guide is not None
    assert guide.isVisible()
    browser = guide.browser
    assert browser.source().fileName() == "index.md"
    first = browser.document().firstBlock()
    assert first.text() == "Case Workbench guide"
    assert first.blockFormat().headingLevel() == 1  # read as Markdown, not as plain text
    assert guide.windowTitle() == "Case Workbench guide — Case Workbench"

    _click_link(qtbot, browser, "Import a vendor extract")
    qtbot.waitUntil(lambda: browser.source().fileName() == "import-extract.md")
    assert "File > Import spreadsheets… (Ctrl+I)" in browser.toPlainText()
    assert guide.windowTitle() == "Import a vendor extract — Case Workbench"
    _click_link(qtbot, browser, "Clean up supplier names")  # the page's "Next" link
    qtbot.waitUntil(lambda: browser.source().fileName() == "supplier-names.md")

    back = next(a for a in guide.findChildren(type(bare_window.actions[ActionId.HELP_GUIDE]))
                if a.text() == "Back")
    back.trigger()
    assert browser.source().fileName() == "import-extract.md"
    contents = next(a for a in guide.findChildren(type(back)) if a.text() == "Contents")
    contents.trigger()
    assert browser.source().fileName() == "index.md"


def test_every_page_links_and_images_resolve(bare_window) -> None:
    from workbench.ui.guide_files import guide_dir
    from workbench.ui.guide_window import MAX_IMAGE_WIDTH

    folder = guide_dir()
    assert folder is not None
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert all(f"({page})" in index for page in TASK_PAGES)
    bare_window.actions[ActionId.HELP_GUIDE].trigger()
    browser = bare_window.help.guide.browser
    images = 0
    for page in ("index.md", *TASK_PAGES):
        text = (folder / page).read_text(encoding="utf-8")
        assert text.startswith("# "), page
        for target in LINK.findall(text):
            assert (folder / target).is_file(), f"{page} links to missing {target}"
        browser.setSource(QUrl.fromLocalFile(str(folder / page)))
        assert browser.source().fileName() == page
        for target in [t for t in LINK.findall(text) if t.endswith(".png")]:
            image = browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                         QUrl(target))
            loaded = image if isinstance(image, QImage) else QImage.fromData(image)
            assert not loaded.isNull(), f"{page}: {target} does not load"
            assert loaded.width() <= MAX_IMAGE_WIDTH
            images += 1
    assert images >= len(TASK_PAGES)


def test_guide_search_order_and_a_missing_guide_said_plainly(bare_window, tmp_path,
                                                              monkeypatch) -> None:
    from workbench.ui import guide_files

    package, checkout = guide_files.guide_candidates()
    assert package == guide_files.PACKAGE_DIR / "guide"
    assert checkout == guide_files.PACKAGE_DIR.parent / "docs" / "guide"

    installed = tmp_path / "site" / "workbench"
    (installed / "guide").mkdir(parents=True)
    (installed / "guide" / "index.md").write_text("# Installed\n", encoding="utf-8")
    monkeypatch.setattr(guide_files, "PACKAGE_DIR", installed)
    assert guide_files.guide_dir() == installed / "guide"

    bare = tmp_path / "checkout" / "workbench"
    bare.mkdir(parents=True)
    (tmp_path / "checkout" / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "checkout" / "docs" / "guide" / "index.md").write_text("# Checkout\n")
    monkeypatch.setattr(guide_files, "PACKAGE_DIR", bare)
    assert guide_files.guide_dir() == tmp_path / "checkout" / "docs" / "guide"

    monkeypatch.setattr(guide_files, "PACKAGE_DIR", tmp_path / "nowhere" / "workbench")
    bare_window.actions[ActionId.HELP_GUIDE].trigger()
    guide = bare_window.help.guide
    assert not guide.missing.isHidden()
    assert guide.missing.text() == ("The guide's page index.md is not installed with this "
                                    "copy of the app.")


def _sheet_keys(sheet) -> list[tuple[str, str, str]]:
    table = sheet.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]


def test_shortcut_sheet_lists_every_shortcut_there_is(private_window, qtbot) -> None:
    window = private_window
    window.actions[ActionId.HELP_SHORTCUTS].trigger()
    sheet = window.help.shortcuts
    assert sheet is not None
    assert sheet.isVisible()
    rows = _sheet_keys(sheet)
    for action_id, action in window.actions.items():
        if action.shortcut().isEmpty():
            continue
        keys = action.shortcut().toString(NATIVE)
        text = action.text().replace("&", "").rstrip("…")
        assert any(k.split(", ")[0] == keys and w.endswith(text) for k, w, _ in rows), action_id
    assert ("Ctrl+Shift+E", "File > Export summary for the desk (Excel)", "Menu") in rows
    assert any(w == "Help > User guide" for _, w, _ in rows)

    notes = window.panels["notes"]
    entry = next(e for e in notes.sources if str(e.get("name", "")).endswith(".csv"))
    table = window.show_source_table(entry)
    assert table is not None
    listed = {(where, keys) for keys, _, where in rows}
    titles = {panel.objectName(): panel.TITLE for panel in window.panels.values()}
    shortcuts = window.findChildren(QShortcut) + table.findChildren(QShortcut)
    assert len(shortcuts) >= 8
    for shortcut in shortcuts:
        owner, where = shortcut.parent(), None
        while owner is not None and where is None:
            where = titles.get(owner.objectName())
            if owner is table:
                where = "Spreadsheet source window"
            owner = owner.parent()
        keys = shortcut.key().toString(NATIVE)
        assert where is not None, keys
        assert any(w == where and keys in k.split(", ") for w, k in listed), (where, keys)


def test_about_names_the_version_qt_and_the_libraries_licences(bare_window) -> None:
    import PySide6
    from PySide6.QtCore import qVersion

    bare_window.actions[ActionId.HELP_ABOUT].trigger()
    about = bare_window.help.about
    assert about is not None
    assert about.isVisible()
    text = about.findChild(QLabel, "about.heading").text()
    assert f"Case Workbench {version('case-workbench')}" in text
    assert f"Qt {qVersion()}" in text
    assert f"PySide6 {PySide6.__version__}" in text
    table = about.table
    rows = {table.item(r, 0).text().lower(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}
    pyside = rows["pyside6_essentials"]
    assert pyside[0] == version("PySide6-Essentials")
    assert "LGPL" in pyside[1]
    assert rows["pandas"][0] == version("pandas")
    assert "BSD" in rows["pandas"][1]
    assert "pytest" not in rows  # a test tool is not shipped with the app


def test_start_page_tour_sits_beside_the_sample_and_opens_it(bare_window, qtbot) -> None:
    from PySide6.QtWidgets import QPushButton

    from workbench.ui.panels.registry import DOCK_PANELS

    page = bare_window.centralWidget()
    tour = page.findChild(QLabel, "start_page.tour")
    sample = page.findChild(QPushButton, "start_page.sample")
    assert tour is not None
    assert sample is not None
    assert tour.isVisible()
    assert abs(tour.geometry().top() - sample.geometry().top()) < sample.height()
    titles = {panel.TITLE for panel in DOCK_PANELS}
    for named in ("Timeline", "Suppliers", "Supplier profile", "Figures"):
        assert named in titles
        assert named in tour.text()
    f1 = bare_window.actions[ActionId.HELP_GUIDE].shortcut().toString(NATIVE)
    assert f"Press {f1} for the guide" in tour.text()
    qtbot.mouseClick(sample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bare_window.session is not None)
    assert bare_window.status_rows.text() == "2,650 of 2,650 shipments"
