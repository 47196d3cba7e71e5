"""Merge benchmark: a copy holding the 1,000,000-shipment import merged into a case without it.

Prints JSON lines: the whole ``merge_case`` (untrusted checks, event union, the extract
checked against its SHA-256, every chunk with its keys, a snapshot first, one transaction)
against a same-run baseline, SQLite's backup API copying the same file once; then the same
merge again, when nothing is new.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import tempfile
import time
from pathlib import Path

from bench_case import build_case

BUDGET_SECONDS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    other = build_case(args.rows)

    from workbench.services.cases import new_case
    from workbench.services.merging import merge_case

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        source = sqlite3.connect(f"{other.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(Path(tmp) / "baseline.wbcase")
        source.backup(copy)
        copy.close()
        source.close()
        baseline = time.perf_counter() - start

        case = new_case(Path(tmp) / "mine.wbcase", "Merge benchmark")
        try:
            start = time.perf_counter()
            first = merge_case(case, other)
            seconds = time.perf_counter() - start
            start = time.perf_counter()
            again = merge_case(case, other)
            repeat = time.perf_counter() - start
        finally:
            case.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": "merge_new_import", "seconds": round(seconds, 3),
                      "baseline": round(baseline, 3), "ratio": round(seconds / baseline, 2),
                      "baseline_name": "SQLite backup API copy of the other case",
                      "rows": args.rows, "shipments_added": first["shipments"],
                      "peak_rss_mb": round(peak, 1), "budget_seconds": BUDGET_SECONDS,
                      "within_budget": seconds < BUDGET_SECONDS}))
    print(json.dumps({"name": "merge_nothing_new", "seconds": round(repeat, 3),
                      "baseline": round(baseline, 3), "shipments_added": again["shipments"]}))


if __name__ == "__main__":
    main()
