"""The benchmark case shared by the window and export benchmarks (built once, kept)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"


def build_case(rows: int) -> Path:
    """The generated CSV extract of ``rows`` shipments imported once into ``bench/out``."""
    case = OUT / f"case_{rows}.wbcase"
    if case.exists():
        return case
    csv = OUT / f"extract_{rows}.csv"
    if not csv.exists():
        subprocess.run([sys.executable, str(BENCH / "make_extract.py"), "--rows", str(rows),
                        "--out", str(OUT)], check=True)
    from workbench.services.cases import new_case
    from workbench.services.importing import import_file

    c = new_case(case, f"Benchmark case, {rows:,} synthetic shipments")
    import_file(c, csv)
    c.close()
    return case
