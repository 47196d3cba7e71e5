"""Declared, versioned user settings, kept apart from the window layout.

Settings live in INI files in the user's configuration folder (the same folder as the
reporter's ``preferences.json``, see ``workbench.services.preferences``), or under
``WORKBENCH_CONFIG_DIR`` when that is set (tests set it, so they never touch real settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from workbench.services import preferences

SETTINGS_VERSION = 1
LAYOUT_VERSION = 3  # bump when docks change so an old saved layout is not restored
MAX_RECENT = 10


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    doc: str


#: The reporter's name, initials and number and date styles are not here but in
#: ``preferences.json`` (``workbench.services.preferences``, versioned there), which the command
#: line reads too; the case's value basis and key date are the case's own (its meta table).
RECENT = Setting("cases/recent", [], "Case files and folders opened lately, newest first")


def config_dir() -> Path:
    return preferences.config_dir()


def _store(name: str) -> QSettings:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / name), QSettings.Format.IniFormat)


def settings() -> QSettings:
    """User settings (``settings.ini``)."""
    s = _store("settings.ini")
    if s.value("meta/version") is None:
        s.setValue("meta/version", SETTINGS_VERSION)
    return s


def layout_store() -> QSettings:
    """Window geometry and dock layout (``layout.ini``), separate from settings."""
    return _store("layout.ini")


def recent_cases() -> list[Path]:
    value = settings().value(RECENT.key, [])
    items = [value] if isinstance(value, str) else list(value or [])
    return [Path(p) for p in items if p]


def remember_case(path: Path) -> None:
    path = Path(path).resolve()
    items = [p for p in recent_cases() if p != path]
    settings().setValue(RECENT.key, [str(p) for p in [path, *items][:MAX_RECENT]])


def save_layout(geometry: QByteArray, state: QByteArray) -> None:
    store = layout_store()
    store.setValue("layout/version", LAYOUT_VERSION)
    store.setValue("window/geometry", geometry)
    store.setValue("window/state", state)


def saved_layout() -> tuple[QByteArray, QByteArray] | None:
    store = layout_store()
    if int(store.value("layout/version", 0) or 0) != LAYOUT_VERSION:
        return None
    geometry, state = store.value("window/geometry"), store.value("window/state")
    if not isinstance(geometry, QByteArray) or not isinstance(state, QByteArray):
        return None
    return geometry, state
