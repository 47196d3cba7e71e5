"""Who is working: the author name written into every event."""

from __future__ import annotations

import getpass
import os


def current_author() -> str:
    """``WORKBENCH_AUTHOR`` if set, else the login name."""
    name = os.environ.get("WORKBENCH_AUTHOR", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
