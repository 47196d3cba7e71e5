"""What one sheet's import did not give, said out loud.

A file that lacks its origin column imports, but "produced in South Korea" then silently comes
out short; so every import names the story's columns it did not find, the columns it kept as
extras, the rows kept with an empty value, the values that look wrong for their column, and the
choices it made between candidate columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The story's key columns and what their absence costs, in the words the report uses.
KEY_COLUMNS: dict[str, str] = {
    "date": "timelines and date filters",
    "sender": "supplier totals",
    "origin_country": "figures by origin",
    "hs_code": "goods by HS heading",
    "description": "searches of the goods",
}
#: How the report names the key columns.
KEY_LABELS: dict[str, str] = {
    "date": "date",
    "sender": "sender",
    "origin_country": "origin country",
    "hs_code": "HS code",
    "description": "description",
    "stat_value_usd": "statistical value (USD)",
    "invoice_value": "invoice value",
    "customs_value_rub": "customs value (RUB)",
}
#: Rows listed by number in a finding; the count is always whole.
ROWS_LISTED = 200


def rows_text(n: int) -> str:
    """``1 row``, ``2,000 rows``."""
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


@dataclass(frozen=True)
class Missing:
    """A key column of the story that this sheet does not have."""

    column: str
    rows: int
    consequence: str

    def sentence(self) -> str:
        label = KEY_LABELS.get(self.column, self.column)
        return (f"{label} was not found: {self.consequence} will not include this file's "
                f"{rows_text(self.rows)}")


@dataclass
class SheetFindings:
    """Everything the import of one sheet has to say beyond its counts."""

    sheet: str = ""
    missing: list[Missing] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)  # headers kept as extra columns
    value_column: str = ""
    empty_value_rows: list[int] = field(default_factory=list)  # source rows (first ones)
    empty_value_count: int = 0
    warnings: list[str] = field(default_factory=list)  # values that look wrong, units, dates
    choices: list[str] = field(default_factory=list)  # which column was chosen over which

    def sentences(self, with_sheet: bool = True) -> list[str]:
        """The findings as sentences a reporter reads, most important first."""
        out = [m.sentence() + "." for m in self.missing]
        if self.empty_value_count:
            label = KEY_LABELS.get(self.value_column, self.value_column)
            rows = ", ".join(str(r) for r in self.empty_value_rows[:10])
            more = "…" if self.empty_value_count > 10 else ""
            if self.empty_value_count == 1:
                out.append(f"1 row was kept with an empty {label} (row {rows}); it counts as a "
                           "shipment but adds nothing to totals.")
            else:
                out.append(f"{self.empty_value_count:,} rows were kept with an empty {label} "
                           f"(rows {rows}{more}); they count as shipments but add nothing to "
                           "totals.")
        out += self.warnings
        out += self.choices
        if self.extras:
            kept = ("1 column was kept as an extra column" if len(self.extras) == 1
                    else f"{len(self.extras)} columns were kept as extra columns")
            out.append(f"{kept}: " + ", ".join(f"'{h}'" for h in self.extras[:12])
                       + ("…" if len(self.extras) > 12 else "") + ".")
        where = f"Sheet '{self.sheet}': " if self.sheet and with_sheet else ""
        return [where + s for s in out]

    def as_json(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "missing": [{"column": m.column, "rows": m.rows, "sentence": m.sentence()}
                        for m in self.missing],
            "extras": self.extras,
            "empty_value": {"column": self.value_column, "count": self.empty_value_count,
                            "rows": self.empty_value_rows},
            "warnings": self.warnings,
            "choices": self.choices,
        }

    @classmethod
    def from_json(cls, data: object) -> SheetFindings:
        """Findings read back from a case file (which may be another copy's: checked)."""
        if not isinstance(data, dict):
            return cls()
        empty = data.get("empty_value") if isinstance(data.get("empty_value"), dict) else {}
        missing = []
        for m in data.get("missing") or []:
            if isinstance(m, dict) and isinstance(m.get("column"), str):
                rows = m.get("rows") if isinstance(m.get("rows"), int) else 0
                missing.append(Missing(m["column"], rows,
                                       KEY_COLUMNS.get(m["column"], "totals")))
        return cls(
            sheet=str(data.get("sheet") or ""),
            missing=missing,
            extras=_strings(data.get("extras")),
            value_column=str(empty.get("column") or ""),
            empty_value_rows=[r for r in empty.get("rows") or [] if isinstance(r, int)],
            empty_value_count=empty.get("count") if isinstance(empty.get("count"), int) else 0,
            warnings=_strings(data.get("warnings")),
            choices=_strings(data.get("choices")),
        )


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
