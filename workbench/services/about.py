"""What the app is built from: its version and the libraries it ships, read from their metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution

DISTRIBUTION = "case-workbench"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_LICENCE_CLASSIFIER = "License :: "
NOT_STATED = "not stated in its metadata"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def app_version() -> str:
    """The installed version of the app, or 'unknown' when it runs without its metadata."""
    try:
        return distribution(DISTRIBUTION).version
    except PackageNotFoundError:
        return "unknown"


def licence_of(metadata: object) -> str:
    """The licence a distribution declares: its SPDX expression, else a short License field,
    else its licence classifiers."""
    get = metadata.get  # type: ignore[attr-defined]
    expression = (get("License-Expression") or "").strip()
    if expression:
        return expression
    field = (get("License") or "").strip()
    if field and "\n" not in field and len(field) <= 60:
        return field
    classifiers = [c.rsplit(" :: ", 1)[-1] for c in metadata.get_all("Classifier") or []  # type: ignore[attr-defined]
                   if c.startswith(_LICENCE_CLASSIFIER) and c.count(" :: ") >= 2]
    if classifiers:
        return ", ".join(dict.fromkeys(classifiers))
    if field:
        return field.splitlines()[0].strip()[:60]
    return NOT_STATED


def _runtime_requirements(name: str) -> list[str]:
    """Names of what ``name`` needs at run time (requirements behind an extra left out)."""
    try:
        requirements = distribution(name).requires or []
    except PackageNotFoundError:
        return []
    names = []
    for requirement in requirements:
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        match = _NAME.match(spec.strip())
        if match:
            names.append(match.group(0))
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def bundled_libraries() -> list[Library]:
    """Every library the app depends on, directly or through another, installed here, by name."""
    seen: dict[str, Library] = {}
    waiting = _runtime_requirements(DISTRIBUTION)
    while waiting:
        name = waiting.pop()
        if _key(name) in seen:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen[_key(name)] = Library(dist.metadata["Name"] or name, dist.version,
                                   licence_of(dist.metadata))
        waiting.extend(_runtime_requirements(name))
    return sorted(seen.values(), key=lambda lib: lib.name.lower())
