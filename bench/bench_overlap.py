"""Overlapping re-import benchmark: what comparing duplicates with the shipments held costs.

A case holds a synthetic extract of N rows; a second extract of the same declarations is then
imported: an exact copy (another vendor's file, same values), and a copy in which one value in
a hundred is rounded to the dollar and one origin in a thousand re-coded.

- ``overlap_*``: the whole import, with the comparison on (the product) and off (duplicates
  dropped unseen), each in a fresh process; the baseline is the same import in the same run.
- ``overlap_*_steps``: only what changed, best of ``--repeat`` in one process on the same
  parsed rows: finding the duplicates and comparing them with the rows held, against finding
  them as the importer did before (``np.isin``, without comparing).

One JSON line per comparison.

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


def _isin_duplicates(decl, content, known_decl, known_content):
    """The importer's duplicate test before discrepancies were kept (``np.isin``)."""
    import numpy as np
    import pandas as pd

    has_decl = decl != 0
    dup = np.zeros(len(decl), dtype=bool)
    known = known_decl[known_decl != 0]
    seen = np.isin(decl, known) if len(known) else np.zeros(len(decl), dtype=bool)
    dup |= has_decl & (seen | pd.Series(decl).duplicated(keep="first").to_numpy())
    rest = ~has_decl
    if rest.any():
        uniq, counts = np.unique(known_content, return_counts=True)
        keys = content[rest]
        at = np.minimum(np.searchsorted(uniq, keys), max(len(uniq) - 1, 0))
        found = (uniq[at] == keys) if len(uniq) else np.zeros(len(keys), dtype=bool)
        dup[rest] = pd.Series(keys).groupby(keys).cumcount().to_numpy() < np.where(
            found, counts[at] if len(uniq) else 0, 0)
    return dup


def run_steps(first: Path, second: Path, repeat: int) -> dict[str, object]:
    """Child side: the duplicate test and comparison alone, best of ``repeat``."""
    import numpy as np

    from workbench.ingest.dedupe import find_duplicates
    from workbench.ingest.normalise import normalise
    from workbench.services import importing
    from workbench.services.cases import new_case
    from workbench.services.overlap import HeldRows, offered
    from workbench.store import shipments

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        case = new_case(Path(tmp) / "bench", "Overlap benchmark")
        try:
            importing.import_file(case, first)
            (grid,), _ = importing.read_grids(second, importing.ImportOptions())
            batch = normalise(grid, importing.column_mapping(grid, None, {}),
                              sha256="0" * 64, file_name=second.name)
            known_decl, known_content = shipments.keys(case.conn)
            product, baseline, found = [], [], 0
            for _ in range(repeat):
                start = time.perf_counter()
                dup = find_duplicates(batch.decl_keys, batch.content_keys, known_decl,
                                      known_content)
                held = HeldRows(case.conn, known_decl, case.path)
                held.add(batch.table, np.where(dup, np.uint64(0), batch.decl_keys))
                found = offered(held, batch.table, batch.decl_keys, dup).discrepancies.total
                product.append(time.perf_counter() - start)
                start = time.perf_counter()
                _isin_duplicates(batch.decl_keys, batch.content_keys, known_decl,
                                 known_content)
                baseline.append(time.perf_counter() - start)
        finally:
            case.close()
    return {"seconds": min(product), "baseline": min(baseline), "discrepancies": found}


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
    parser.add_argument("--steps", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.steps:
        print(json.dumps(run_steps(Path(args.steps[0]), Path(args.steps[1]), args.repeat)),
              flush=True)
        return
    if args.one:
        first, second, mode = args.one
        print(json.dumps(run_one(Path(first), Path(second), mode == "on")), flush=True)
        return
    first, exact, rounded = ensure_extracts(args.rows)
    for name, second in (("overlap_exact", exact), ("overlap_rounded", rounded)):
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--steps", str(first), str(second),
             "--repeat", str(max(args.repeat, 3))], stdout=subprocess.PIPE, text=True, check=True)
        steps = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps({
            "name": f"{name}_steps", "rows": args.rows, "seconds": round(steps["seconds"], 3),
            "baseline": round(steps["baseline"], 3),
            "ratio": round(steps["seconds"] / steps["baseline"], 2),
            "baseline_name": "the duplicate test before (np.isin), without comparing",
            "discrepancies": steps["discrepancies"],
        }), flush=True)
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
