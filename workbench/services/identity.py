"""Who is working: the author name written into every event."""

from __future__ import annotations

import getpass
import os

from workbench.services import preferences


def current_author() -> str:
    """Who is working: ``WORKBENCH_AUTHOR`` if set (an override for scripts and tests), else
    the name saved in the preferences (the window asks for it on first run), else the login
    name."""
    name = os.environ.get("WORKBENCH_AUTHOR", "").strip()
    if name:
        return name
    saved, _problem = preferences.load()
    if saved.name:
        return saved.name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


#: What the case folder itself brings (its notes, sources and dated events) is written by the
#: folder, at clock zero: every copy built from the same folder writes the same events, with
#: the same ids, so merging two copies does not double them or see edits where there are none.
FOLDER_AUTHOR = "case folder"
FOLDER_REPLICA = "case-folder"
FOLDER_CLOCK = "0000000000000.00000"


def writer(replica: str, payload: dict[str, object]) -> dict[str, str | None]:
    """Author, replica and clock for an event: the folder's for what came from the folder."""
    if payload.get("origin"):
        return {"author": FOLDER_AUTHOR, "replica": FOLDER_REPLICA, "hlc": FOLDER_CLOCK}
    return {"author": current_author(), "replica": replica, "hlc": None}
