"""Import recipes: the column mapping and options of a layout, reused for its next file."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

from workbench.store.case import utc_now


@dataclass(frozen=True)
class Recipe:
    id: int
    signature: str
    mapping: dict[str, str]  # header text -> canonical name ("" keeps it as an extra column)
    options: dict[str, object]


def signature(headers: list[str]) -> str:
    """A layout's identity: its header cells, trimmed and lower-cased, in order."""
    text = "\x1f".join(" ".join(h.split()).lower() for h in headers)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def find(conn: sqlite3.Connection, sig: str) -> Recipe | None:
    row = conn.execute(
        "SELECT id, signature, mapping, options FROM recipes WHERE signature = ?", (sig,)
    ).fetchone()
    if row is None:
        return None
    return Recipe(row[0], row[1], json.loads(row[2]), json.loads(row[3]))


def save(
    conn: sqlite3.Connection, sig: str, mapping: dict[str, str], options: dict[str, object]
) -> int:
    """Insert or update the recipe for ``sig`` inside the caller's transaction; its id."""
    now = utc_now()
    conn.execute(
        "INSERT INTO recipes(signature, mapping, options, created_at, used_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(signature) DO UPDATE SET "
        "mapping = excluded.mapping, options = excluded.options, used_at = excluded.used_at",
        (sig, json.dumps(mapping, ensure_ascii=False), json.dumps(options), now, now),
    )
    return int(conn.execute("SELECT id FROM recipes WHERE signature = ?", (sig,)).fetchone()[0])


def known_headers(conn: sqlite3.Connection) -> frozenset[str]:
    """Every header cell a saved recipe maps to a canonical column (compared lower-cased)."""
    out: set[str] = set()
    for (mapping,) in conn.execute("SELECT mapping FROM recipes"):
        out.update(" ".join(h.split()).lower() for h, name in json.loads(mapping).items() if name)
    return frozenset(out)
