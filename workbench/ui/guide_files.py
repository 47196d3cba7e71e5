"""Where the user guide's pages are: the one place that knows, with a fixed search order.

1. ``workbench/guide/`` beside the package: the copy an installed wheel (or a frozen app)
   carries as package data; in a checkout it is a link to ``docs/guide``.
2. ``docs/guide/`` of the checkout the package runs from (where the link is missing, e.g. a
   checkout without symbolic links).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
INDEX = "index.md"


def guide_candidates() -> tuple[Path, ...]:
    """The folders searched for the guide, in order."""
    return PACKAGE_DIR / "guide", PACKAGE_DIR.parent / "docs" / "guide"


def guide_dir() -> Path | None:
    """The first folder that holds the guide's index page, or None when none does."""
    return next((folder for folder in guide_candidates() if (folder / INDEX).is_file()), None)


def guide_page(name: str = INDEX) -> Path | None:
    """A page of the guide by file name (``index.md`` when not given), if it is there."""
    folder = guide_dir()
    if folder is None:
        return None
    page = folder / name
    return page if page.is_file() else None
