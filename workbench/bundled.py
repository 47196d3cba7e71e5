"""What ships with the app (the icon, the sample case) and where to find it.

Three ways the code runs, one rule each: an installed wheel and the frozen app carry the files in
``workbench/_data`` beside this module (the wheel's build and the PyInstaller spec put them there);
a checkout has them at the repository's top (``resources/``, ``sample_cases/``). Nothing here
writes: the sample is copied out with :func:`copy_sample` before anything opens it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "_data"
CHECKOUT = PACKAGE.parent
SAMPLE_NAME = "aurus"
ICON_NAMES = ("workbench.svg", "workbench.png")


def data_root() -> Path:
    """The folder holding ``resources`` and ``sample_cases``: installed first, then checkout."""
    return INSTALLED if INSTALLED.is_dir() else CHECKOUT


def is_installed() -> bool:
    """Whether the files come from a wheel or the frozen app (a place not to write into)."""
    return INSTALLED.is_dir()


def icon_path(name: str = "workbench.svg") -> Path | None:
    """The app's icon (``workbench.svg``, or the ``workbench.png`` made from it), when shipped."""
    candidate = data_root() / "resources" / name
    return candidate if candidate.is_file() else None


def sample_case() -> Path | None:
    """The shipped sample case folder, when it is there (read it; never write into it)."""
    candidate = data_root() / "sample_cases" / SAMPLE_NAME
    return candidate if (candidate / "case.toml").is_file() else None


def copy_sample(dest_parent: Path) -> Path:
    """Copy the sample case folder into ``dest_parent`` (once) and return the copy.

    A copy already there is kept as it is, with the reporter's work in it. Raises
    :class:`FileNotFoundError` when this install carries no sample case.
    """
    source = sample_case()
    if source is None:
        raise FileNotFoundError("This copy of Case Workbench carries no sample case.")
    target = Path(dest_parent) / SAMPLE_NAME
    if (target / "case.toml").is_file():
        return target
    shutil.rmtree(target, ignore_errors=True)  # a copy cut short has no case.toml yet
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(source, partial, ignore=shutil.ignore_patterns("*.wbcase*", "__pycache__"))
    partial.replace(target)
    return target
