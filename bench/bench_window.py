"""Window benchmarks on a 1,000,000-shipment case, measured through the Qt model and view.

Prints one JSON line per measurement: ``name``, ``seconds`` (best of ``--repeat``), ``baseline``
(the bare numpy/pandas operation on the same columns, measured in the same run), ``ratio`` and
``budget_seconds``/``within_budget``. The case is built once from the generated CSV extract
(``bench/make_extract.py``) and kept in ``bench/out``.

Run from the repository root: ``python bench/bench_window.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_case import build_case

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
BUDGETS = {"open": 2.0, "sort": 0.2, "filter": 0.2, "timeline": 0.1}


def best(
    repeat: int, run: Callable[[], object], before: Callable[[], object] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def emit(name: str, seconds: float, baseline: float, budget: float, **extra: object) -> None:
    print(json.dumps({
        "name": name, "seconds": round(seconds, 4), "baseline": round(baseline, 4),
        "ratio": round(seconds / baseline, 2) if baseline > 0 else None,
        "budget_seconds": budget, "within_budget": seconds < budget, **extra,
    }), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    case_path = build_case(args.rows)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from workbench.analysis.filters import Condition
    from workbench.ui.app import application
    from workbench.ui.main_window import MainWindow

    app = application()
    os.environ["WORKBENCH_CONFIG_DIR"] = str(OUT / "config")

    # The baseline load runs in a child process, so its copies do not count in our memory.
    probe = (
        "import sys,time;from pathlib import Path;"
        "from workbench.services.cases import open_case, load_shipments;"
        "t=time.perf_counter();c,_=open_case(Path(sys.argv[1]),read_only=True);"
        "load_shipments(c);c.close();print(time.perf_counter()-t)"
    )
    baseline_open = min(
        float(subprocess.run([sys.executable, "-c", probe, str(case_path)], check=True,
                             capture_output=True, text=True).stdout.split()[-1])
        for _ in range(args.repeat)
    )

    window = MainWindow()
    window.resize(1400, 900)
    window.show()

    def open_window() -> None:
        window.open_case(case_path)
        QApplication.processEvents()
        window.grab()  # painted: the window is interactive

    opened = best(1, open_window)
    emit("window_open", opened, baseline_open, BUDGETS["open"], rows=len(window.session.frame),
         baseline_name="load the shipment frame alone")

    frame = window.session.frame
    model = window.shipments.model
    table = window.shipments.table
    state = window.session.state

    def sort(name: str, order: Qt.SortOrder) -> Callable[[], None]:
        def run() -> None:
            model.sort(model.section(name), order)
            table.viewport().repaint()
        return run

    def unsort() -> None:
        window.session.view.set_sort(None)
        window.shipments.model.reload()

    values = frame["stat_value_usd"].to_numpy()
    dates = frame["date"].to_numpy().astype("int64")
    # The first sort of a column is the one a reporter waits for (later ones reuse its order).
    emit("sort_value", best(1, sort("stat_value_usd", Qt.SortOrder.DescendingOrder), unsort),
         best(args.repeat, lambda: np.argsort(values, kind="stable")), BUDGETS["sort"],
         baseline_name="numpy argsort of the value column", measured="first sort of the column")
    emit("sort_date", best(1, sort("date", Qt.SortOrder.AscendingOrder), unsort),
         best(args.repeat, lambda: np.argsort(dates, kind="stable")), BUDGETS["sort"],
         baseline_name="numpy argsort of the date column", measured="first sort of the column")
    emit("sort_value_again", best(args.repeat, sort("stat_value_usd", Qt.SortOrder.AscendingOrder),
                                  unsort),
         best(args.repeat, lambda: np.argsort(values, kind="stable")), BUDGETS["sort"],
         baseline_name="numpy argsort of the value column")

    def through_state(change: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            change()
            QApplication.processEvents()
            table.viewport().repaint()
        return run

    def reset_filter() -> None:
        state.clear()
        QApplication.processEvents()

    def worst_fresh(apply: Callable[[str], None], values: list[str]) -> float:
        """The slowest of several filters never applied before (no cached mask helps)."""
        times = []
        for value in values:
            reset_filter()
            start = time.perf_counter()
            through_state(lambda v=value: apply(v))()
            times.append(time.perf_counter() - start)
        reset_filter()
        return max(times)

    country = frame["origin_country"]
    emit("filter_country",
         worst_fresh(lambda v: state.set_condition("bench", Condition("origin_country", "=", v)),
                     ["KR", "CN", "IN"]),
         best(args.repeat, lambda: (country == "KR").to_numpy()), BUDGETS["filter"],
         baseline_name="pandas boolean mask on origin_country",
         includes="table, timeline, suppliers and status bar",
         measured="slowest of three countries, each applied for the first time")
    sender = frame["sender"]
    state.set_search("warm-up")  # the one-time search index of a newly opened case
    reset_filter()
    emit("filter_text",
         worst_fresh(state.set_search, ["kyungki", "enertech", "датчик"]),
         best(args.repeat, lambda: sender.str.contains("kyungki", case=False, regex=False)),
         BUDGETS["filter"], baseline_name="pandas str.contains on sender",
         includes="table, timeline, suppliers and status bar",
         measured="slowest of three searches, each typed for the first time")

    timeline = window.panels["timeline"]
    month = frame["date"].dt.to_period("M").astype("int64").to_numpy()
    emit("timeline_refresh", best(args.repeat, timeline.redraw),
         best(args.repeat, lambda: np.bincount(month - month.min(), weights=values)),
         BUDGETS["timeline"], baseline_name="numpy bincount of value by month")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"name": "window_peak_memory", "peak_rss_mb": round(peak, 1),
                      "budget_mb": 1536, "within_budget": peak < 1536}), flush=True)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
