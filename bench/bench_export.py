"""Excel summary benchmark on a 1,000,000-shipment case, against a bare ``DataFrame.to_excel``.

Prints one JSON line: ``name``, ``seconds`` (the whole ``export_summary``: read the case, gather
figures and totals, draw the timeline, write and publish the workbook; best of ``--repeat``),
``baseline`` (``pandas.DataFrame.to_excel`` with the openpyxl engine writing the same tables into
one workbook, the tables prepared beforehand and not timed), ``ratio``, ``peak_rss_mb`` of each
and the budget. Each operation runs in a fresh child process (this script with ``--one``), on a
temporary copy of the benchmark case in which a few figures of a few thousand rows are saved.

Run from the repository root: ``python bench/bench_export.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_case import build_case

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
BUDGET_SECONDS = 10.0
FIGURES = (
    ("Korean-made, March 2022", ["origin_country=KR", "date=2022-03-01..2022-03-31"]),
    ("First week of June 2023", ["date=2023-06-01..2023-06-07"]),
    ("Chinese-made, January 2019", ["origin_country=CN", "date=2019-01-01..2019-01-31"]),
)


def prepare(source: Path, folder: Path) -> tuple[Path, list[int]]:
    """A copy of the case with the benchmark's figures saved; returns it and their row counts."""
    from workbench.analysis.filters import parse_where
    from workbench.services.cases import load_shipments, open_case
    from workbench.services.companies import company_book
    from workbench.services.figures import figure_reports, save_figure

    target = folder / "bench.wbcase"
    shutil.copyfile(source, target)  # the source is closed: no WAL beside it
    case, _ = open_case(target)
    try:
        frame = load_shipments(case)
        book = company_book(case, frame)
        for name, where in FIGURES:
            save_figure(case, frame, name, [parse_where(w) for w in where], book=book)
        rows = [r.rows for r in figure_reports(case, frame, book)]
    finally:
        case.close()
    return target, rows


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def run_export(case_path: Path) -> dict[str, Any]:
    from workbench.services.cases import open_case
    from workbench.services.summary import export_summary

    out = case_path.with_name("summary.xlsx")
    start = time.perf_counter()
    case, _ = open_case(case_path, read_only=True)
    try:
        result = export_summary(case, out)
    finally:
        case.close()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "sheets": len(result["sheets"]),
            "bytes": out.stat().st_size}


def run_baseline(case_path: Path) -> dict[str, Any]:
    """``to_excel`` of the same tables (evidence, totals, record) into one workbook."""
    import pandas as pd

    from workbench.services.cases import open_case
    from workbench.services.summary import gather_summary

    case, _ = open_case(case_path, read_only=True)
    try:
        data = gather_summary(case, chart=False)
    finally:
        case.close()
    tables = [(f"Evidence {i}", f.rows) for i, f in enumerate(data.figures, start=1)]
    tables += [(t.title, t.frame) for t in [*data.totals, *data.record]]
    out = case_path.with_name("baseline.xlsx")
    start = time.perf_counter()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in tables:
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cells": sum(f.size for _, f in tables)}


def measure(name: str, case_path: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, __file__, "--one", name, "--case", str(case_path)],
                              stdout=subprocess.PIPE, text=True, check=True)
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    best["peak_rss_mb"] = max(r["peak_rss_mb"] or 0 for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", choices=("export", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = (run_export if args.one == "export" else run_baseline)(args.case)
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result), flush=True)
        return

    source = build_case(args.rows)
    with tempfile.TemporaryDirectory(prefix="wb-bench-export-") as tmp:
        case_path, figure_rows = prepare(source, Path(tmp))
        baseline = measure("baseline", case_path, args.repeat)
        export = measure("export", case_path, args.repeat)
    print(json.dumps({
        "name": "export_xlsx_summary",
        "seconds": round(export["seconds"], 3),
        "baseline": round(baseline["seconds"], 3),
        "ratio": round(export["seconds"] / baseline["seconds"], 2),
        "rows": args.rows,
        "figure_rows": figure_rows,
        "baseline_name": "DataFrame.to_excel(engine='openpyxl') of the same tables",
        "baseline_cells": baseline["cells"],
        "sheets": export["sheets"],
        "peak_rss_mb": export["peak_rss_mb"],
        "baseline_peak_rss_mb": baseline["peak_rss_mb"],
        "budget_seconds": BUDGET_SECONDS,
        "within_budget": export["seconds"] < BUDGET_SECONDS,
    }), flush=True)


if __name__ == "__main__":
    main()
