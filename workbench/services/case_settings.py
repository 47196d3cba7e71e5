"""A case's own settings a reporter edits in Preferences: its value basis and key date.

They live in the case file's meta table (every copy of the case carries them). A case folder's
``case.toml`` that names either one wins each time the folder is opened, so for such a case they
are edited in ``case.toml``; :func:`read` says which ones the folder fixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.labels import column_label
from workbench.services.cases import read_config, value_column
from workbench.store.case import CaseFile

#: The value columns a case may total: the basis every figure and total uses.
VALUE_COLUMNS = ("stat_value_usd", "invoice_value", "customs_value_rub")


@dataclass(frozen=True)
class CaseSettings:
    value_column: str
    key_date: str | None
    #: Settings the case folder's case.toml names (they are edited there, not here).
    fixed_by_folder: frozenset[str] = frozenset()


def read(case: CaseFile, opened_from: Path | None = None) -> CaseSettings:
    fixed: set[str] = set()
    if opened_from is not None and Path(opened_from).is_dir():
        config = read_config(Path(opened_from))
        fixed = {k for k in ("value_column", "key_date") if getattr(config, k) is not None}
    return CaseSettings(value_column(case), case.meta("key_date") or None, frozenset(fixed))


def write(case: CaseFile, value_column: str, key_date: str | None) -> CaseSettings:
    """Set the value basis and key date (ISO, or None for none); refused in one sentence when
    the column is not a value column or the date is not a date."""
    if value_column not in VALUE_COLUMNS:
        shown = ", ".join(column_label(c) for c in VALUE_COLUMNS)
        raise WorkbenchError(f"The value basis must be one of {shown}.")
    key = (key_date or "").strip() or None
    if key is not None:
        try:
            key = date.fromisoformat(key).isoformat()
        except ValueError:
            raise WorkbenchError(f"{key!r} is not a date like 2022-02-24 (key date).") from None
    with case.transaction():
        case.set_meta("value_column", value_column)
        case.set_meta("key_date", key or "")
    return CaseSettings(value_column, key)
