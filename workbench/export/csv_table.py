"""A table as CSV for Excel: UTF-8 with BOM, formula-safe text, written atomically.

Text that a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return) gets a leading apostrophe; numbers stay numbers, dates are ISO.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.store.durable import atomic_target

#: Leading characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"


def safe_text(text: str) -> str:
    """``text`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text is formula-safe and whose dates are ISO text."""
    out: dict[str, pd.Series] = {}
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            out[str(name)] = column
        elif pd.api.types.is_datetime64_any_dtype(column):
            values = column.dropna()
            midnight = bool((values == values.dt.normalize()).all()) if len(values) else True
            out[str(name)] = column.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
        else:
            text = column.astype("string")
            risky = text.str.contains(_FORMULA_PATTERN, regex=True, na=False)
            out[str(name)] = text.mask(risky, "'" + text) if risky.any() else text
    ready = pd.DataFrame(out, index=frame.index)
    ready.columns = [safe_text(str(c)) for c in frame.columns]
    return ready


def write_csv(frame: pd.DataFrame, path: Path) -> int:
    """Write ``frame`` to ``path`` (replacing it atomically); returns the number of rows."""
    ready = csv_ready(frame)
    with atomic_target(Path(path)) as temp, temp.open("w", encoding="utf-8-sig", newline="") as fh:
        ready.to_csv(fh, index=False, lineterminator="\r\n")
    return len(ready)
