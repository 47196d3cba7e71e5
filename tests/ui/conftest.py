"""Fixtures for the window's tests: fresh settings and a session on the sample case."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the real user settings; the reporter has said who they are (the
    first-run question has its own test, which starts from no preferences at all)."""
    from workbench.services import preferences

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "config"))
    preferences.save(preferences.Preferences("Test Reporter", "TR"))


@pytest.fixture
def session(qapp, sample_case: Path):
    from workbench.ui.loading import load_session

    s = load_session(sample_case)
    yield s
    s.close()


@pytest.fixture
def private_window(qtbot, sample_case: Path, tmp_path: Path):
    """The window on a private copy of the sample case, for tests that write to the case."""
    import shutil

    from workbench.ui.main_window import MainWindow

    own = tmp_path / "aurus"
    shutil.copytree(sample_case, own)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    assert win.open_case(own)
    return win


class FileDialogAnswers:
    """Answers for every file dialog the window shows (see ``workbench.ui.file_dialogs``).

    ``answers`` maps a dialog's title to what the reporter picks; a save dialog without an
    answer takes the suggested path, as pressing Save does; an open dialog without one is
    cancelled. ``asked`` lists ``(title, start or suggested path)`` in order.
    """

    def __init__(self) -> None:
        self.answers: dict[str, object] = {}
        self.asked: list[tuple[str, Path]] = []

    def open_file(self, _parent, title: str, start="", _pattern: str = "") -> Path | None:
        self.asked.append((title, Path(start)))
        answer = self.answers.get(title)
        return Path(answer) if answer is not None else None  # type: ignore[arg-type]

    def open_files(self, _parent, title: str, start="", _pattern: str = "") -> list[Path]:
        self.asked.append((title, Path(start)))
        return [Path(p) for p in self.answers.get(title, [])]  # type: ignore[attr-defined]

    def open_folder(self, _parent, title: str, start="") -> Path | None:
        return self.open_file(_parent, title, start)

    def save_file(self, _parent, title: str, suggested,
                  pattern: str = "") -> tuple[Path, str] | None:
        self.asked.append((title, Path(suggested)))
        answer = self.answers.get(title, suggested)
        if answer is None:
            return None
        return Path(answer), pattern.split(";;")[0]  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def file_dialogs(monkeypatch: pytest.MonkeyPatch) -> FileDialogAnswers:
    """The one seam for file dialogs: no test opens a native one, each can answer them."""
    from workbench.ui import file_dialogs as module

    answers = FileDialogAnswers()
    for name in ("open_file", "open_files", "open_folder", "save_file"):
        monkeypatch.setattr(module, name, getattr(answers, name))
    return answers
