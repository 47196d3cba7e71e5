"""Overlapping re-import benchmark: what comparing duplicates with the shipments held costs.

A case holds a synthetic extract of N rows; a second extract of the same declarations is then
imported: an exact copy (another vendor's file, same values), and a copy in which one value in
a hundred is rounded to the dollar and one origin in a thousand re-coded. Each is measured with
the comparison on (the product) and off (duplicates dropped unseen, as before discrepancies
were kept): the baseline is the same import in the same run. One JSON line per comparison.

Run from the repository root: ``python bench/bench_overlap.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
#: What an overlapping re-import of a million rows may cost on top of plain duplicate dropping.
EXTRA_BUDGET_SECONDS = 0.5


def ensure_extracts(rows: int) -> tuple[Path, Path, Path]:
    """The first extract, an exact re-export of it, and a re-export with rounded values."""
    sys.path.insert(0, str(BENCH_DIR))
    from make_extract import synthetic_rows, write_csv

    paths = (OUT_DIR / f"overlap_{rows}_first.csv", OUT_DIR / f"overlap_{rows}_exact.csv",
             OUT_DIR / f"overlap_{rows}_rounded.csv")
    if all(p.exists() for p in paths):
        return paths
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    print(f"generating {rows:,}-row overlapping extracts...", file=sys.stderr)
    frame = synthetic_rows(rows)
    write_csv(frame, paths[0])
    write_csv(frame, paths[1])
    # Another title line, so the exact copy is another file (another SHA-256), as from a vendor.
    text = paths[1].read_bytes().replace("синтетические".encode("cp1251"),
                                         "повторная выгрузка".encode("cp1251"), 1)
    paths[1].write_bytes(text)
    other = frame.copy()
    other.loc[::100, "stat"] = other.loc[::100, "stat"].round(0)
    other.loc[::1000, "origin"] = (other.loc[::1000, "origin"] + 1) % 7
    write_csv(other, paths[2])
    return paths


def run_one(first: Path, second: Path, compare: bool) -> dict[str, object]:
    """Child side: build a case from ``first`` (not timed), then time importing ``second``."""
    from workbench.services import importing
    from workbench.services.cases import new_case
    from workbench.services.overlap import Offer

    if not compare:
        def no_comparison(_held: object, table, decl_keys, _dup, limit=None):
            del limit
            return Offer(table.slice(0, 0), decl_keys[:0], decl_keys[:0].astype("uint32"))

        importing.offered = no_comparison  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        case = new_case(Path(tmp) / "bench", "Overlap benchmark")
        try:
            importing.import_file(case, first)
            start = time.perf_counter()
            report = importing.import_file(case, second)
            seconds = time.perf_counter() - start
        finally:
            case.close()
    return {"seconds": seconds, "duplicates": report.duplicates,
            "discrepancies": report.discrepancies.total,
            "discrepant_shipments": report.discrepancies.shipments}


def measure(first: Path, second: Path, compare: bool, repeat: int) -> dict[str, object]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", str(first), str(second),
             "on" if compare else "off"], stdout=subprocess.PIPE, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda r: float(r["seconds"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        first, second, mode = args.one
        print(json.dumps(run_one(Path(first), Path(second), mode == "on")), flush=True)
        return
    first, exact, rounded = ensure_extracts(args.rows)
    for name, second in (("overlap_exact", exact), ("overlap_rounded", rounded)):
        base = measure(first, second, False, args.repeat)
        product = measure(first, second, True, args.repeat)
        extra = float(product["seconds"]) - float(base["seconds"])
        print(json.dumps({
            "name": name, "rows": args.rows, "seconds": round(float(product["seconds"]), 3),
            "baseline": round(float(base["seconds"]), 3),
            "ratio": round(float(product["seconds"]) / float(base["seconds"]), 2),
            "baseline_name": "the same import without comparing duplicates",
            "extra_seconds": round(extra, 3), "budget_extra_seconds": EXTRA_BUDGET_SECONDS,
            "within_budget": extra < EXTRA_BUDGET_SECONDS or name != "overlap_exact",
            "duplicates": product["duplicates"], "discrepancies": product["discrepancies"],
            "discrepant_shipments": product["discrepant_shipments"],
        }), flush=True)


if __name__ == "__main__":
    main()
