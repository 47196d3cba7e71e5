"""What an event kind's payload must hold, checked on every way in.

:func:`problem` is asked by :func:`workbench.store.events.append` (the case's own writes) and
:func:`workbench.store.events.foreign` (journals and merged copies), so an event that does not
hold what its kind needs never enters a case. Kinds without a check here are taken as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from workbench.store.offered import FIELD_KIND

VALUE_CHOSEN = "shipment.value_chosen"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TEXT_LIMIT = 4096
_ID_LIMIT = 200


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and value == value and abs(value) != float("inf"))


def value_problem(field: str, value: object) -> str | None:
    """Why ``value`` cannot be a value of ``field`` (None when it can)."""
    kind = FIELD_KIND.get(field)
    if kind is None:
        return f"'{field}' is not a field that is compared"
    if kind == "number":
        return None if _is_number(value) else f"{field} takes a number"
    if not isinstance(value, str) or not value or len(value) > _TEXT_LIMIT:
        return f"{field} takes text of 1 to {_TEXT_LIMIT} characters"
    if kind == "date" and not _DAY.fullmatch(value):
        return f"{field} takes a day written YYYY-MM-DD"
    if kind == "country" and not re.fullmatch(r"[A-Z]{2}", value):
        return f"{field} takes a two-letter country code"
    return None


def _value_chosen(p: dict[str, Any]) -> str | None:
    required = {"declaration_no", "item_no", "field", "value", "source"}
    missing = required - set(p)
    if missing:
        return f"it lacks {', '.join(sorted(missing))}"
    decl = p["declaration_no"]
    if not isinstance(decl, str) or not decl.strip() or len(decl) > _ID_LIMIT:
        return "its declaration number is not text"
    if not _is_int(p["item_no"]) or p["item_no"] < 0:
        return "its item number is not a whole number"
    field = p["field"]
    if not isinstance(field, str):
        return "its field is not text"
    why = value_problem(field, p["value"])
    if why:
        return why
    if p.get("previous") is not None and value_problem(field, p["previous"]):
        return "its previous value is not a value of the field"
    source = p["source"]
    if not isinstance(source, dict):
        return "its source is not a file, sheet and row"
    if not isinstance(source.get("sha256"), str) or not _SHA256.fullmatch(source["sha256"]):
        return "its source has no SHA-256"
    if not isinstance(source.get("sheet", ""), str) or not isinstance(source.get("file", ""), str):
        return "its source's file and sheet are not text"
    if not _is_int(source.get("row")) or source["row"] < 0:
        return "its source row is not a whole number"
    base = p.get("base", [])
    if not isinstance(base, list) or not all(isinstance(b, str) for b in base):
        return "its base is not a list of change ids"
    return None


_CHECKS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    VALUE_CHOSEN: _value_chosen,
}


def problem(kind: str, payload: dict[str, Any]) -> str | None:
    """What is wrong with ``payload`` for an event of ``kind``, or None when it is fine."""
    check = _CHECKS.get(kind)
    return None if check is None else check(payload)
