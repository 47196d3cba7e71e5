"""The shipment table as a pandas DataFrame with every canonical column present."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from workbench.ingest.columns import CANONICAL, PROVENANCE, Kind

_ARROW_TYPES = {
    Kind.TEXT: pa.string(),
    Kind.COUNTRY: pa.string(),
    Kind.NUMBER: pa.float64(),
    Kind.INTEGER: pa.int64(),
    Kind.DATE: pa.timestamp("ms"),
}
_PROVENANCE_TYPES = {"source_row": pa.int64()}


def _pandas_type(arrow_type: pa.DataType) -> object:
    """Text stays in Arrow memory (no copy); whole numbers keep their blanks."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def shipments_frame(table: pa.Table | None) -> pd.DataFrame:
    """Canonical columns first (missing ones as empty), then provenance, then extra columns.

    Built in Arrow and handed to pandas without copying the text: at a million rows a
    column-by-column ``astype`` costs seconds and doubles the memory.
    """
    table = table if table is not None else pa.table({})
    n = table.num_rows
    arrays: dict[str, pa.ChunkedArray | pa.Array] = {}
    wanted = [(c.name, _ARROW_TYPES[c.kind]) for c in CANONICAL]
    wanted += [(name, _PROVENANCE_TYPES.get(name, pa.string())) for name in PROVENANCE]
    for name, arrow_type in wanted:
        arrays[name] = _as(table[name], arrow_type) if name in table.column_names else pa.nulls(
            n, arrow_type
        )
    for name in table.column_names:
        if name not in arrays:
            arrays[name] = _as(table[name], pa.string())
    frame = pa.table(arrays).to_pandas(types_mapper=_pandas_type, self_destruct=True)
    if not frame["source_row"].isna().any():
        frame["source_row"] = frame["source_row"].astype("int64")
    return frame


def _as(column: pa.ChunkedArray, arrow_type: pa.DataType) -> pa.ChunkedArray:
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    return column if column.type == arrow_type else column.cast(arrow_type)


def column_kind(name: str) -> Kind:
    """How a column's values compare: canonical kinds, text for everything else."""
    from workbench.ingest.columns import BY_NAME

    if name in BY_NAME:
        return BY_NAME[name].kind
    if name == "source_row":
        return Kind.INTEGER
    return Kind.TEXT
