"""Real vendor header spellings, each with the column it must fill ("" = kept as an extra).

The table holds the headers of real trade-data workbooks from many countries' vendors (English
field names in every style), and the spellings of Russian vendor dumps (G-codes, numbered boxes,
plain Russian). A header is judged alone, as a one-column sheet, so this tests recognition; the
choice between several candidate columns by their contents is tested in test_mapping.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from workbench.ingest.columns import BY_NAME
from workbench.ingest.mapping import plan_mapping

TABLE = Path(__file__).parent / "data" / "vendor_headers.tsv"


def _rows() -> list[dict[str, str]]:
    with TABLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


ROWS = _rows()


def test_the_table_is_large_and_covers_every_story_column() -> None:
    mapped = [r for r in ROWS if r["column"]]
    assert len(mapped) >= 150
    assert len({r["header"] for r in ROWS}) == len(ROWS)
    story = {"declaration_no", "item_no", "date", "sender", "receiver", "hs_code",
             "description", "origin_country", "trading_country", "departure_country",
             "net_kg", "gross_kg", "stat_value_usd", "customs_value_rub", "invoice_value"}
    assert story <= {r["column"] for r in mapped}
    assert {r["kind"] for r in ROWS} >= {"g-code", "numbered", "russian", "english-vendor",
                                          "us-bol"}
    assert all(r["column"] in BY_NAME for r in mapped)


@pytest.mark.parametrize("row", ROWS, ids=[r["header"] for r in ROWS])
def test_header_maps_to_its_column(row: dict[str, str]) -> None:
    plan = plan_mapping([row["header"]])
    got = plan.assignments[0].canonical if plan.assignments else ""
    assert got == row["column"], row["note"]
