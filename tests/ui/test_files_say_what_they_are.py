"""Files say what they are: bundles open after their passphrase, a path that does not open
shows the start page with the reason, a damaged case offers its last snapshot.

The command-line cases run the real ``workbench`` entry point (``workbench.app.main``), whose
window is driven from a timer and closed once it has been looked at.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from tests.ui.answering import ModalAnswerer, address
from workbench import app
from workbench.services.cases import open_case, resolve_case_path
from workbench.services.merging import take_snapshot
from workbench.services.notes import notes, save_note
from workbench.services.sharing import share_case
from workbench.store import bundle
from workbench.store.case import CaseFile
from workbench.ui.actions import ActionId
from workbench.ui.main_window import MainWindow, central_widget_name

pytestmark = pytest.mark.gui
PASSPHRASE = "harbour lights at dawn"
ASKED = "Passphrase for {name}:"


@pytest.fixture
def quick_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle, "_KDF_PARAMS", bundle.KdfParams(1024, 1, 1))


@pytest.fixture
def colleague_bundle(sample_case: Path, tmp_path: Path, quick_kdf: None) -> Path:
    """A colleague's encrypted share of the sample case, with a note of their own."""
    theirs, out = tmp_path / "colleague", tmp_path / "out"
    shutil.copytree(sample_case, theirs)
    out.mkdir()
    case, _ = open_case(theirs)
    try:
        save_note(case, "Hong Kong lead", "The freight forwarder named in the 2022 filings.")
        report = share_case(case, out / "from-hk", passphrase=PASSPHRASE)
    finally:
        case.close()
    path = Path(str(report["path"]))
    assert path.name == "from-hk.wbbundle"
    return path


def run_entry_point(argv: list[str], look: Callable[[MainWindow], None],
                    answerer: ModalAnswerer | None = None) -> int:
    """``workbench ARGV``: ``look`` sees the window once no dialog waits, then it closes."""
    for leftover in QApplication.topLevelWidgets():  # windows earlier tests left up
        if leftover.isVisible():
            leftover.close()
    seen: list[MainWindow] = []
    own = answerer is None
    answerer = answerer or ModalAnswerer({})

    def main_windows() -> list[MainWindow]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]

    before = {address(w) for w in main_windows()}  # other tests' windows, not main()'s

    def poll() -> None:
        windows = [w for w in main_windows() if w.isVisible() and address(w) not in before]
        if not windows or answerer.busy():
            return
        timer.stop()
        seen.append(windows[0])
        try:
            look(windows[0])
        finally:
            windows[0].close()
            windows[0].deleteLater()
            QApplication.exit(0)  # ends app.exec() now, whatever other tests left open

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(poll)
    timer.start()
    # Only the exit above ends the loop: a quit posted by the last window closing could land
    # after app.exec() returned and end every later dialog's loop at once.
    QApplication.setQuitOnLastWindowClosed(False)
    try:
        code = app.main(argv)
    finally:
        QApplication.setQuitOnLastWindowClosed(True)
        timer.stop()
        if own:
            answerer.stop()
            assert answerer.boxes == []
    assert seen, "the window never showed"
    return code


def problem_of(window: MainWindow) -> str:
    assert central_widget_name(window) == "start_page"
    label = window.centralWidget().findChild(QLabel, "start_page.problem")
    assert label is not None
    return "" if label.isHidden() else label.text()


def test_bundle_on_the_command_line_opens_as_a_new_case(qapp, colleague_bundle: Path) -> None:
    answerer = ModalAnswerer({ASKED.format(name=colleague_bundle.name): PASSPHRASE})
    titles: list[str] = []
    code = run_entry_point([str(colleague_bundle)],
                           lambda w: titles.append(w.session.summary.path.name if w.session
                                                   else problem_of(w)), answerer)
    answerer.stop()
    assert code == 0
    assert answerer.boxes == []
    assert titles == ["from-hk.wbcase"]
    new = colleague_bundle.with_suffix(".wbcase")
    with CaseFile.open(new, read_only=True) as case:
        assert "Hong Kong lead" in {n["title"] for n in notes(case)}
    assert not list(colleague_bundle.parent.glob("*.part"))  # no temporary file left beside it


def test_wrong_passphrase_says_so_on_the_start_page(colleague_bundle: Path, qtbot,
                                                   file_dialogs) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    file_dialogs.answers["Open case"] = colleague_bundle
    answerer = ModalAnswerer({ASKED.format(name=colleague_bundle.name): "not it"})
    window.actions[ActionId.CASE_OPEN].trigger()
    answerer.stop()
    assert "passphrase is wrong" in problem_of(window)
    assert answerer.boxes == []
    assert not colleague_bundle.with_suffix(".wbcase").exists()
    assert [p.name for p in colleague_bundle.parent.iterdir()] == ["from-hk.wbbundle"]


def test_bundle_opened_over_a_case_merges_into_it(private_window: MainWindow, qtbot,
                                                  colleague_bundle: Path, file_dialogs) -> None:
    window = private_window
    file_dialogs.answers["Open case"] = colleague_bundle
    answerer = ModalAnswerer({ASKED.format(name=colleague_bundle.name): PASSPHRASE},
                             choices=("Merge into this case",))
    window.actions[ActionId.CASE_OPEN].trigger()
    qtbot.waitUntil(lambda: window._job is None and not answerer.busy(), timeout=60_000)
    answerer.stop()
    assert answerer.boxes == []
    assert any("encrypted copy" in text for text in answerer.asked), answerer.asked
    # The status bar said "Merged from-hk.wbbundle…"; the layout's own notice may follow it.
    with CaseFile.open(window.session.summary.path, read_only=True) as case:
        assert "Hong Kong lead" in {n["title"] for n in notes(case)}
    assert not colleague_bundle.with_suffix(".wbcase").exists()  # merged, not opened


@pytest.mark.parametrize("name", ["missing.wbcase", "scan.wbcase"])
def test_a_path_that_does_not_open_shows_the_start_page_with_why(qapp, name: str,
                                                                 tmp_path: Path) -> None:
    path = tmp_path / name
    if name == "scan.wbcase":
        path.write_bytes(b"%PDF-1.7 not a case at all" * 100)
    problems: list[str] = []
    code = run_entry_point([str(path)], lambda w: problems.append(problem_of(w)))
    assert code == 0
    reason = "does not exist" if name == "missing.wbcase" else "is not a case file"
    assert problems == [f"{name} {reason}."]


def test_a_mistyped_command_is_refused_before_any_window(capsys) -> None:
    assert app.main(["frobnicate"]) == 2
    assert "neither a command nor a file" in capsys.readouterr().err


def test_a_damaged_case_offers_its_last_snapshot(qapp, sample_case: Path,
                                                 tmp_path: Path) -> None:
    folder = tmp_path / "aurus"
    shutil.copytree(sample_case, folder)
    case, _ = open_case(folder)
    try:
        save_note(case, "Before the crash", "Kept in the snapshot.")
        take_snapshot(case, "before-merge")
    finally:
        case.close()
    case_file = resolve_case_path(folder)
    with case_file.open("r+b") as fh:  # the first page torn, as a failing disk leaves it
        fh.write(b"\x00" * 4096)
    answerer = ModalAnswerer({}, choices=("Open the last snapshot",))
    opened: list[Path | None] = []
    code = run_entry_point([str(folder)], lambda w: opened.append(
        w.session.summary.path if w.session else None), answerer)
    answerer.stop()
    assert code == 0
    assert answerer.boxes == []
    assert any("Open its last snapshot instead?" in text for text in answerer.asked), \
        answerer.asked
    assert opened == [case_file]
    kept = case_file.with_name("case.wbcase.damaged")
    assert kept.read_bytes()[:4096] == b"\x00" * 4096  # the damaged file is kept, untouched
    with CaseFile.open(case_file, read_only=True) as case:
        assert "Before the crash" in {n["title"] for n in notes(case)}


def test_a_damaged_case_without_a_snapshot_says_why(qapp, sample_case: Path,
                                                    tmp_path: Path) -> None:
    path = tmp_path / "torn.wbcase"
    shutil.copyfile(resolve_case_path(sample_case), path)
    with path.open("r+b") as fh:
        fh.write(b"\x00" * 4096)
    problems: list[str] = []
    assert run_entry_point([str(path)], lambda w: problems.append(problem_of(w))) == 0
    assert problems == ["torn.wbcase is not a case file."]
