"""Dated annotations on the timeline chart: a labelled bracket and band of their own colour."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from workbench.export.charts import ANNOTATION_COLOUR, MARKER_COLOUR, bar_artists, timeline_figure


def _series() -> pd.DataFrame:
    index = pd.date_range("2021-01-01", "2023-12-01", freq="MS", name="period")
    series = pd.DataFrame({"KR": np.linspace(1e5, 3e5, len(index))}, index=index)
    series.attrs["period"] = "M"
    return series


def test_an_annotation_span_is_a_labelled_bracket() -> None:
    first, last = pd.Timestamp("2022-02-24"), pd.Timestamp("2022-03-31")
    fig = timeline_figure(
        _series(), markers=[{"date": "2022-02-24", "label": "Invasion", "kind": "war"}],
        annotations=[(first, last, "Check the March 2022 declarations one by one, please"),
                     (pd.Timestamp("2023-01-01"), None, "Open-ended")],
    )
    FigureCanvasAgg(fig).draw()
    ax = fig.axes[0]
    brackets = [line for line in ax.lines if line.get_gid() == "annotation"]
    assert len(brackets) == 2
    xs = brackets[0].get_xdata()
    assert xs[0] == mdates.date2num(first)
    assert xs[-1] == mdates.date2num(last + pd.Timedelta(days=1))
    assert to_hex(brackets[0].get_color()) == ANNOTATION_COLOUR.lower()
    assert ANNOTATION_COLOUR.lower() != MARKER_COLOUR.lower()
    assert brackets[1].get_xdata()[-1] == ax.get_xlim()[1]  # open: to the chart's end
    labels = [t.get_text() for t in ax.texts if t.get_gid() == "annotation-label"]
    assert labels[0].startswith("Check the March")
    assert labels[0].endswith("…")
    assert len([p for p in ax.patches if p.get_gid() == "annotation-span"]) == 2
    # Drawn over the bars when a canvas blits them.
    assert brackets[0] in bar_artists(fig)

    again = timeline_figure(_series(), figure=fig)
    assert not [line for line in again.axes[0].lines if line.get_gid() == "annotation"]
