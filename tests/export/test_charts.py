"""The timeline chart on Agg: bars, events, coverage, hit-testing, reuse, and saved files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from workbench.export.charts import (
    Marker,
    bar_artists,
    bar_geometry,
    layout_key,
    legend_artist,
    money,
    save_figure,
    timeline_figure,
)

MARKERS = (
    {"date": "2018-05", "label": "Aurus limousine unveiled", "kind": "company"},
    {"date": "2021", "label": "Official production starts", "kind": "company"},
    {"date": "2022-02-24", "label": "Russia launches its full-scale invasion", "kind": "war"},
    {"date": "2024-02", "label": "United States sanctions Aurus LLC", "kind": "sanctions"},
    {"date": "2024-06", "label": "Putin gives Kim Jong-un an Aurus car", "kind": "politics"},
)
COVERAGE = ("2018-01-01", "2023-12-31")


def _series(period: str = "M") -> pd.DataFrame:
    index = pd.date_range("2018-01-01", "2023-12-01", freq=f"{period}S", name="period")
    rng = np.random.default_rng(3)
    data = {k: rng.gamma(2.0, 1e5, len(index)) for k in ("South Korea (KR)", "China (CN)")}
    data["Other"] = rng.gamma(1.0, 2e4, len(index))
    series = pd.DataFrame(data, index=index)
    series.iloc[5] = 0.0  # an empty period
    series.attrs["period"] = period
    return series


def _figure(**kwargs: object) -> Figure:
    options: dict[str, object] = {"markers": MARKERS, "coverage": COVERAGE,
                                  "key_date": "2022-02-24"}
    options.update(kwargs)
    return timeline_figure(_series(), **options)  # type: ignore[arg-type]


def _by_gid(fig: Figure, gid: str) -> list[Any]:
    return [a for a in fig.axes[0].get_children() if a.get_gid() == gid]


def test_one_bar_per_period_and_one_segment_per_value() -> None:
    fig = _figure()
    geometry = bar_geometry(fig)
    assert geometry is not None
    assert len(geometry) == 72
    (bars,) = _by_gid(fig, "bars")
    assert len(bars.get_paths()) == int((_series().to_numpy() != 0).sum())
    assert geometry.top[5] == 0
    np.testing.assert_allclose(geometry.top, _series().sum(axis=1).to_numpy())


def test_event_lines_at_their_dates_and_the_key_date_heavier() -> None:
    fig = _figure()
    lines = {mdates.num2date(line.get_xdata()[0]).date().isoformat(): line
             for line in _by_gid(fig, "marker")}
    assert set(lines) == {"2018-05-01", "2021-01-01", "2022-02-24", "2024-02-01", "2024-06-01"}
    invasion = lines["2022-02-24"]
    assert invasion.get_xdata()[0] == pytest.approx(mdates.date2num(pd.Timestamp("2022-02-24")))
    assert invasion.get_linewidth() > lines["2024-02-01"].get_linewidth()
    # Month precision is bracketed over the month; a year is a band over the year.
    months = [m.get_xdata() for m in _by_gid(fig, "marker-month")]
    assert [mdates.num2date(x[1]).date().isoformat() for x in months] == [
        "2018-06-01", "2024-03-01", "2024-07-01"]
    spans = [s.get_x() + s.get_width() for s in _by_gid(fig, "marker-span")]
    assert mdates.date2num(pd.Timestamp("2022-01-01")) in spans
    labels = [t.get_text() for t in _by_gid(fig, "marker-label")]
    assert any(t.startswith("24 Feb 2022:") for t in labels)
    assert any(t.startswith("2021:") for t in labels)
    assert any(t.startswith("Jun 2024:") for t in labels)


def test_events_beyond_the_data_widen_the_axis_and_no_data_is_hatched() -> None:
    fig = _figure()
    low, high = fig.axes[0].get_xlim()
    assert low <= mdates.date2num(pd.Timestamp("2018-01-01"))
    assert high >= mdates.date2num(pd.Timestamp("2024-07-01"))
    (coverage,) = _by_gid(fig, "coverage")
    assert coverage.get_x() == pytest.approx(mdates.date2num(pd.Timestamp("2018-01-01")))
    assert coverage.get_x() + coverage.get_width() == pytest.approx(
        mdates.date2num(pd.Timestamp("2024-01-01")))
    no_data = _by_gid(fig, "no-data")
    assert no_data
    assert all(r.get_hatch() for r in no_data)


def test_event_labels_do_not_overlap() -> None:
    fig = _figure()
    renderer = FigureCanvasAgg(fig).get_renderer()
    boxes = [t.get_window_extent(renderer) for t in _by_gid(fig, "marker-label")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_bar_hit_testing() -> None:
    fig = _figure()
    geometry = bar_geometry(fig)
    assert geometry is not None
    i = geometry.index_of("2022-03-15")
    assert i is not None
    assert geometry.span(i) == (pd.Timestamp("2022-03-01"), pd.Timestamp("2022-03-31"))
    x, y = geometry.centre(i)
    assert geometry.hit(x, y) == i
    assert geometry.hit(x, geometry.top[i] * 1.5) is None  # above the bar
    assert geometry.hit(*geometry.centre(5)) is None  # an empty period
    assert geometry.index_of("2030-01-01") is None


def test_highlight_dims_the_other_bars() -> None:
    fig = _figure(highlight=(pd.Timestamp("2022-01-01"), pd.Timestamp("2022-12-31")))
    (bars,) = _by_gid(fig, "bars")
    alphas = np.round(bars.get_facecolors()[:, 3], 2)
    assert set(alphas) == {1.0, 0.3}
    assert _by_gid(fig, "selection")


def test_redrawing_into_a_figure_reuses_it() -> None:
    fig = _figure()
    key = layout_key(fig)
    timeline_figure(_series() * 2, markers=MARKERS, coverage=COVERAGE, key_date="2022-02-24",
                    figure=fig)
    assert len(fig.axes) == 1
    assert layout_key(fig) == key
    assert len(_by_gid(fig, "bars")) == 1
    assert fig.axes[0].get_ylim()[1] > 2 * _series().sum(axis=1).max()
    assert fig.axes[0].yaxis in bar_artists(fig)
    assert legend_artist(fig) is not None
    timeline_figure(_series("Q"), markers=MARKERS, figure=fig)  # no coverage: a new layout
    assert layout_key(fig) != key
    assert len(bar_geometry(fig)) == 24  # type: ignore[arg-type]


def test_fixed_colours_follow_names() -> None:
    fig = _figure(colours={"China (CN)": "#123456"})
    labels = legend_artist(fig)
    assert labels is not None
    colours = {t.get_text(): h.get_facecolor() for t, h in
               zip(labels.get_texts(), labels.legend_handles, strict=True)}
    assert colours["China (CN)"][:3] == pytest.approx((0x12 / 255, 0x34 / 255, 0x56 / 255))


def test_an_empty_selection_says_so() -> None:
    empty = pd.DataFrame(index=pd.DatetimeIndex([], name="period"), dtype="float64")
    empty.attrs.update({"period": "M", "rows": 0})
    fig = timeline_figure(empty, markers=MARKERS, coverage=COVERAGE)
    assert len(bar_geometry(fig)) == 0  # type: ignore[arg-type]
    assert _by_gid(fig, "message")


def test_money_and_marker_precision() -> None:
    assert money(1_234_567) == "$1.2M"
    assert money(850_000) == "$850K"
    assert money(2_000_000) == "$2M"
    assert money(-40_000, "RUB ") == "-RUB 40K"
    assert money(12) == "$12"
    year, month, day = (Marker.parse({"date": d}) for d in ("2021", "2024-02", "2022-02-24"))
    assert (year.precision, year.end) == ("year", pd.Timestamp("2022-01-01"))  # type: ignore[union-attr]
    assert (month.precision, month.date_text) == ("month", "Feb 2024")  # type: ignore[union-attr]
    assert (day.precision, day.date_text) == ("day", "24 Feb 2022")  # type: ignore[union-attr]
    assert Marker.parse({"date": "sometime"}) is None


def test_save_png_and_svg(tmp_path: Path) -> None:
    fig = _figure(title="Aurus imports", subtitle="Statistical value", note="Synthetic rows.")
    png = save_figure(fig, tmp_path / "timeline.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
    svg = save_figure(fig, tmp_path / "timeline.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "Aurus imports" in svg.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        save_figure(fig, tmp_path / "timeline.pdf")
