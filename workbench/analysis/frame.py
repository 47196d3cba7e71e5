"""The shipment table as a pandas DataFrame with every canonical column present."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from workbench.ingest.columns import CANONICAL, PROVENANCE, Kind

_DTYPES = {
    Kind.TEXT: "string",
    Kind.COUNTRY: "string",
    Kind.NUMBER: "float64",
    Kind.INTEGER: "Int64",
    Kind.DATE: "datetime64[ms]",
}


def shipments_frame(table: pa.Table | None) -> pd.DataFrame:
    """Canonical columns first (missing ones as empty), then provenance, then extra columns."""
    frame = table.to_pandas() if table is not None else pd.DataFrame()
    n = len(frame)
    columns: dict[str, pd.Series] = {}
    for column in CANONICAL:
        dtype = _DTYPES[column.kind]
        if column.name in frame:
            columns[column.name] = frame[column.name].astype(dtype)
        else:
            columns[column.name] = pd.Series([None] * n, dtype=dtype) if n else pd.Series(
                [], dtype=dtype
            )
    for name in PROVENANCE:
        dtype = "int64" if name == "source_row" else "string"
        columns[name] = frame[name].astype(dtype) if name in frame else pd.Series([], dtype=dtype)
    known = set(columns)
    for name in frame.columns:
        if name not in known:
            columns[name] = frame[name].astype("string")
    return pd.DataFrame(columns)


def column_kind(name: str) -> Kind:
    """How a column's values compare: canonical kinds, text for everything else."""
    from workbench.ingest.columns import BY_NAME

    if name in BY_NAME:
        return BY_NAME[name].kind
    if name == "source_row":
        return Kind.INTEGER
    return Kind.TEXT
