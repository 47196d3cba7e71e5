"""Spreadsheet sources: keeping a large sheet as a source, opening its table view, searching it.

Prints one JSON object per line: ``name``, ``seconds`` (best of ``--repeat``), ``baseline``
(seconds, best of ``--repeat``, measured in the same run), ``ratio`` and extra keys. Each
measured operation runs in a fresh child process (this script again, with the hidden
``--one NAME`` option), so each peak RSS is that operation's own (the sandboxed reader's
child included).

- ``source_xlsx``/``source_csv``: a new case, ``add_source`` of the extract (the file stored
  with its SHA-256, every sheet read, its cells indexed within bounds), close. Baselines: a bare
  fastexcel read of every sheet into Arrow; ``pandas.read_csv`` of the CSV as text.
- ``table_view_*``: ``source_tables`` (the stored bytes read back and parsed as the window
  shows them), in a case where the source was kept; ``search_*`` a search in it.

Run from the repository root: ``python bench/bench_sources.py [--rows N] [--repeat K]``; the
extracts are those of ``bench_import.py`` (``bench/out/extract_N.*``, made when missing).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_import import _peak_rss_mb, ensure_extract, warm_cache


def _keep(path: Path) -> dict[str, object]:
    from workbench.services.cases import new_case
    from workbench.services.notes import add_source

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        start = time.perf_counter()
        case = new_case(Path(tmp) / "bench", "Sources benchmark")
        try:
            event = add_source(case, path)
        finally:
            case.close()
        seconds = time.perf_counter() - start
    table = event.payload.get("table") or {}
    return {"seconds": seconds, "indexed_rows": table.get("indexed_rows"),
            "index_cut": table.get("index_cut"),
            "sheet_rows": sum(s["rows"] for s in table.get("sheets", []))}


def _kept_case(path: Path, tmp: str) -> tuple[Path, str]:
    from workbench.services.cases import new_case
    from workbench.services.notes import add_source

    case = new_case(Path(tmp) / "bench", "Sources benchmark")
    try:
        sha = str(add_source(case, path).payload["sha256"])
        return case.path, sha
    finally:
        case.close()


def _table_view(path: Path) -> dict[str, object]:
    from workbench.services.source_tables import source_tables

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        case_path, sha = _kept_case(path, tmp)
        start = time.perf_counter()
        shown = source_tables(case_path, sha)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "shown_rows": sum(s.kept_rows for s in shown.sheets)}


def _search(path: Path) -> dict[str, object]:
    from workbench.services.search import search
    from workbench.store.case import CaseFile

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        case_path, _ = _kept_case(path, tmp)
        case = CaseFile.open(case_path)
        try:
            search(case, "warm")  # the first search brings the index up to date
            start = time.perf_counter()
            hits = search(case, "KR")
            seconds = time.perf_counter() - start
        finally:
            case.close()
    return {"seconds": seconds, "hits": len(hits), "matching_rows": hits[0].matches if hits
            else 0}


def _fastexcel_all(path: Path) -> dict[str, object]:
    import fastexcel

    start = time.perf_counter()
    reader = fastexcel.read_excel(path)
    rows = sum(reader.load_sheet(n, header_row=None, dtypes="string").to_arrow().num_rows
               for n in reader.sheet_names)
    return {"seconds": time.perf_counter() - start, "rows_read": rows}


def _pandas_csv_text(path: Path) -> dict[str, object]:
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str, header=None,
                        skip_blank_lines=False, names=range(14))
    return {"seconds": time.perf_counter() - start, "rows_read": len(frame)}


OPERATIONS: dict[str, Callable[[Path], dict[str, object]]] = {
    "keep": _keep, "table_view": _table_view, "search": _search,
    "fastexcel_all": _fastexcel_all, "pandas_csv_text": _pandas_csv_text,
}


def measure(name: str, path: Path, repeat: int) -> dict[str, Any]:
    runs = []
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", name,
                               "--file", str(path)], stdout=subprocess.PIPE, text=True,
                              check=True)
        runs.append(json.loads([t for t in proc.stdout.splitlines() if t.strip()][-1]))
    best = min(runs, key=lambda r: float(r["seconds"]))
    best["peak_rss_mb"] = max(float(r["peak_rss_mb"] or 0) for r in runs)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        result = OPERATIONS[args.one](args.file)
        result["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(result), flush=True)
        return
    csv_path, xlsx_path = ensure_extract(args.rows)
    for kind, path, baseline_name in (("xlsx", xlsx_path, "fastexcel_all"),
                                      ("csv", csv_path, "pandas_csv_text")):
        warm_cache(path)
        baseline = measure(baseline_name, path, args.repeat)
        for name in ("keep", "table_view", "search"):
            got = measure(name, path, args.repeat)
            seconds = float(got.pop("seconds"))
            print(json.dumps({
                "name": f"{'source' if name == 'keep' else name}_{kind}",
                "seconds": round(seconds, 3), "baseline": round(float(baseline["seconds"]), 3),
                "baseline_name": baseline_name, "ratio": round(seconds / baseline["seconds"], 2),
                "rows": args.rows, **got}), flush=True)


if __name__ == "__main__":
    main()
