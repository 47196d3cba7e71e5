"""Import benchmarks: the product's CSV and xlsx imports against bare reads of the same files.

Prints one JSON object per line: ``name``, ``seconds`` (best of ``--repeat``), ``baseline``
(seconds, best of ``--repeat``), ``ratio`` (seconds / baseline) and extra keys for the budgets
and peak memory. Every measured operation runs in a fresh child process (this script again,
with the hidden ``--one NAME`` option), so each peak RSS is that operation's own.

Run from the repository root: ``python bench/bench_import.py [--rows N] [--skip-slow-baselines]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
MIB = 1024 * 1024

CSV_BUDGET_SECONDS = 5.0
CSV_BUDGET_RATIO = 10.0
XLSX_BUDGET_RATIO = 1.5
RSS_BUDGET_MB = 1.5 * 1024  # 1.5 GB, in MiB


# -- the measured operations (each runs in its own child process) ----------------------------


def _import_through_service(path: Path) -> dict[str, object]:
    """New case in a temporary folder, ``import_file``, close; returns timing and counts."""
    from workbench.services.cases import new_case
    from workbench.services.importing import import_file

    with tempfile.TemporaryDirectory(prefix="wb-bench-") as tmp:
        start = time.perf_counter()
        case = new_case(Path(tmp) / "bench", "Import benchmark")
        try:
            report = import_file(case, path)
        finally:
            case.close()
        seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "imported": report.imported,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
    }


def _pandas_read_csv(path: Path) -> dict[str, object]:
    """Bare ``pandas.read_csv`` of the vendor CSV (two title lines above the header)."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_csv(path, sep=";", encoding="cp1251", skiprows=2)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_read": len(frame)}


def _fastexcel_read(path: Path) -> dict[str, object]:
    """Bare fastexcel read of the first sheet into an Arrow record batch."""
    import fastexcel

    start = time.perf_counter()
    batch = fastexcel.read_excel(path).load_sheet(0).to_arrow()
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_read": batch.num_rows}


def _pandas_read_excel(path: Path) -> dict[str, object]:
    """``pandas.read_excel`` with openpyxl, its default engine for xlsx, named so that the
    baseline stays the same when pandas changes its default (it announces calamine)."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.read_excel(path, engine="openpyxl")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows_read": len(frame)}


OPERATIONS: dict[str, Callable[[Path], dict[str, object]]] = {
    "import": _import_through_service,
    "pandas_read_csv": _pandas_read_csv,
    "fastexcel_read": _fastexcel_read,
    "pandas_read_excel": _pandas_read_excel,
}


def _peak_rss_mb() -> float | None:
    """Peak resident set size in MiB of this process or any child it waited for (the import
    parses workbooks in a child process); None where ``resource`` is missing."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    # Linux reports KiB, macOS bytes.
    return peak / MIB if sys.platform == "darwin" else peak / 1024


def run_one(name: str, path: Path) -> None:
    """Child side: run one operation and print its result as the last line of stdout."""
    result = OPERATIONS[name](path)
    result["peak_rss_mb"] = _peak_rss_mb()
    print(json.dumps(result), flush=True)


# -- the parent: fresh children, best of N, one JSON line per comparison ---------------------


@dataclass
class Measurement:
    """Best time over the repeats, the highest peak RSS, and the last run's extra fields."""

    seconds: float
    peak_rss_mb: float | None
    extra: dict[str, object]


class ChildFailed(RuntimeError):
    """A measured operation raised; its traceback went to stderr."""


def measure(name: str, path: Path, repeat: int) -> Measurement:
    """Run ``name`` on ``path`` in ``repeat`` fresh processes; keep the best time."""
    runs: list[dict[str, Any]] = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--one", name, "--file", str(path)],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise ChildFailed(f"{name} on {path.name} failed (exit code {proc.returncode}).")
        lines = [text for text in proc.stdout.splitlines() if text.strip()]
        runs.append(json.loads(lines[-1]))
    best = min(runs, key=lambda r: float(r["seconds"]))
    peaks = [float(r["peak_rss_mb"]) for r in runs if r.get("peak_rss_mb") is not None]
    extra = {k: v for k, v in best.items() if k not in ("seconds", "peak_rss_mb")}
    return Measurement(float(best["seconds"]), max(peaks) if peaks else None, extra)


def ensure_extract(rows: int) -> tuple[Path, Path]:
    """The CSV and xlsx extracts of ``rows`` rows, generated by ``make_extract.py`` if missing."""
    csv_path = OUT_DIR / f"extract_{rows}.csv"
    xlsx_path = OUT_DIR / f"extract_{rows}.xlsx"
    if not (csv_path.exists() and xlsx_path.exists()):
        print(f"generating {rows:,}-row extracts (the xlsx takes a while)...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(BENCH_DIR / "make_extract.py"),
                "--rows",
                str(rows),
                "--out",
                str(OUT_DIR),
            ],
            check=True,
        )
    return csv_path, xlsx_path


def warm_cache(path: Path) -> None:
    """Read the file once so the first measurement does not pay for a cold disk."""
    with path.open("rb") as fh:
        while fh.read(16 * MIB):
            pass


def line(
    name: str,
    rows: int,
    measured: Measurement,
    baseline: Measurement,
    baseline_name: str,
    *,
    budget_seconds: float | None = None,
    budget_ratio: float | None = None,
    budget_rss_mb: float | None = None,
) -> dict[str, object]:
    """One output record; ``within_budget`` holds only when every given budget is met."""
    ratio = measured.seconds / baseline.seconds
    record: dict[str, object] = {
        "name": name,
        "seconds": round(measured.seconds, 3),
        "baseline": round(baseline.seconds, 3),
        "ratio": round(ratio, 2),
        "rows": rows,
        "baseline_name": baseline_name,
        **measured.extra,
        "peak_rss_mb": _round(measured.peak_rss_mb),
        "baseline_peak_rss_mb": _round(baseline.peak_rss_mb),
    }
    checks: list[bool] = []
    if budget_seconds is not None:
        record["budget_seconds"] = budget_seconds
        checks.append(measured.seconds < budget_seconds)
    if budget_ratio is not None:
        record["budget_ratio"] = budget_ratio
        checks.append(ratio < budget_ratio)
    if budget_rss_mb is not None:
        record["budget_peak_rss_mb"] = budget_rss_mb
        checks.append(measured.peak_rss_mb is not None and measured.peak_rss_mb < budget_rss_mb)
    if checks:
        record["within_budget"] = all(checks)
    return record


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def emit(record: dict[str, object]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def run_all(rows: int, repeat: int, skip_slow: bool) -> None:
    """Measure everything for ``rows`` rows and print one JSON line per comparison."""
    csv_path, xlsx_path = ensure_extract(rows)
    warm_cache(csv_path)
    warm_cache(xlsx_path)

    csv_base = measure("pandas_read_csv", csv_path, repeat)
    csv_import = measure("import", csv_path, repeat)
    emit(
        line(
            "import_csv",
            rows,
            csv_import,
            csv_base,
            "pandas.read_csv",
            budget_seconds=CSV_BUDGET_SECONDS,
            budget_ratio=CSV_BUDGET_RATIO,
            budget_rss_mb=RSS_BUDGET_MB,
        )
    )

    fx_base = measure("fastexcel_read", xlsx_path, repeat)
    xlsx_import = measure("import", xlsx_path, repeat)
    emit(
        line(
            "import_xlsx",
            rows,
            xlsx_import,
            fx_base,
            "fastexcel.load_sheet(0).to_arrow",
            budget_ratio=XLSX_BUDGET_RATIO,
            budget_rss_mb=RSS_BUDGET_MB,
        )
    )

    if not skip_slow:
        pd_base = measure("pandas_read_excel", xlsx_path, repeat)
        emit(
            line("import_xlsx_vs_pandas", rows, xlsx_import, pd_base, "pandas.read_excel(openpyxl)")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Import benchmarks (JSON lines on stdout).")
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the extract")
    parser.add_argument("--repeat", type=int, default=1, help="runs per timing; best is kept")
    parser.add_argument(
        "--skip-slow-baselines",
        action="store_true",
        help="skip pandas.read_excel (minutes for 1M rows)",
    )
    parser.add_argument("--one", choices=sorted(OPERATIONS), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        run_one(args.one, args.file)
        return
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    try:
        run_all(args.rows, args.repeat, args.skip_slow_baselines)
    except ChildFailed as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()
