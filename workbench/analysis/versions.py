"""Versions of one field (a note's text, a company's display name, a figure's definition).

Each new version names the versions it replaces (``base``: a list of event ids). After two
copies of a case changed the same field from the same starting point and were merged, the
field has two **heads**: versions nothing replaces. That is a conflict; it stays one until a
later version names both as its base. Laptop clocks never decide between heads. A version
written before versions named their base replaces the one before it in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from workbench.store.events import Event, canonical_json


def same_value(event: Event) -> str:
    """What a version says, leaving out which versions it replaces."""
    return canonical_json({k: v for k, v in event.payload.items() if k != "base"})


@dataclass(frozen=True)
class Field:
    """A field's current state: its heads in id order (a conflict when they disagree)."""

    key: str
    heads: tuple[Event, ...]

    @property
    def current(self) -> Event:
        """The version shown: the only head, or (in a conflict) the first by id."""
        return self.heads[0]

    @property
    def in_conflict(self) -> bool:
        """Two copies wrote different values from the same version (the same value is no
        conflict: two reporters fixing the same typo agree)."""
        return len({same_value(h) for h in self.heads}) > 1


def base_of(event: Event) -> list[str] | None:
    """The ids a version replaces; None for a version that does not say."""
    base = event.payload.get("base")
    if base is None:
        return None
    return [str(b) for b in base] if isinstance(base, list) else [str(base)]


def heads(versions: list[Event]) -> tuple[Event, ...]:
    """The versions (in clock order) that no other version replaces, in id order."""
    replaced: set[str] = set()
    for i, version in enumerate(versions):
        base = base_of(version)
        if base is None:
            if i:
                replaced.add(versions[i - 1].id)
        else:
            replaced.update(base)
    return tuple(sorted((v for v in versions if v.id not in replaced), key=lambda v: v.id))


def fields(log: Iterable[Event], key: Callable[[Event], str]) -> dict[str, Field]:
    """Group versions (live events in clock order) by ``key`` and find each field's heads."""
    grouped: dict[str, list[Event]] = {}
    for e in log:
        grouped.setdefault(key(e), []).append(e)
    return {k: Field(k, heads(vs)) for k, vs in grouped.items()}
