"""The timeline panel: clicks and drags filter the table, other filters redraw it, images save."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QPoint, Qt

from workbench.analysis.filters import Condition
from workbench.analysis.timeline import CONDITION_KEY
from workbench.export.charts import BarGeometry, bar_geometry, legend_artist
from workbench.ui.panels.timeline import TimelinePanel
from workbench.ui.session import CaseSession

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot, session) -> TimelinePanel:
    widget = TimelinePanel(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 420)
    widget.show()
    qtbot.waitExposed(widget)
    canvas = widget.canvas
    # The figure has taken the canvas' size and the canvas has drawn once.
    qtbot.waitUntil(lambda: round(widget.figure.bbox.width) == round(
        canvas.width() * canvas.device_pixel_ratio))
    qtbot.waitUntil(lambda: widget._background is not None)  # drawn: bars are blitted now
    return widget


def _geometry(panel: TimelinePanel) -> BarGeometry:
    geometry = bar_geometry(panel.figure)
    assert geometry is not None
    return geometry


def _point(panel: TimelinePanel, x: float, y: float) -> QPoint:
    """Data coordinates to a widget position on the canvas."""
    canvas = panel.canvas
    px, py = panel.figure.axes[0].transData.transform((x, y))
    ratio = canvas.device_pixel_ratio
    return QPoint(round(px / ratio), round((panel.figure.bbox.height - py) / ratio))


def _click(qtbot, panel: TimelinePanel, x: float, y: float) -> None:
    qtbot.mouseClick(panel.canvas, Qt.MouseButton.LeftButton, pos=_point(panel, x, y))


def _on_axes(panel: TimelinePanel, gid: str) -> bool:
    return any(a.get_gid() == gid for a in panel.figure.axes[0].get_children())


def _legend(panel: TimelinePanel) -> list[str]:
    legend = legend_artist(panel.figure)
    return [t.get_text() for t in legend.get_texts()] if legend else []


def _rows_between(session, first: str, last: str) -> int:
    dates = session.frame["date"]
    return int(((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(last))).sum())


@pytest.mark.parametrize(("period", "when", "first", "last"), [
    ("M", "2022-03-15", "2022-03-01", "2022-03-31"),
    ("Q", "2022-02-15", "2022-01-01", "2022-03-31"),
])
def test_clicking_a_bar_filters_the_table_to_its_period(
    qtbot, panel: TimelinePanel, session, period: str, when: str, first: str, last: str,
) -> None:
    panel.period_box.setCurrentIndex(panel.period_box.findData(period))
    geometry = _geometry(panel)
    bars = len(geometry)
    i = geometry.index_of(when)
    assert i is not None
    _click(qtbot, panel, *geometry.centre(i))

    assert session.state.keyed_conditions[CONDITION_KEY] == Condition(
        "date", "between", [first, last])
    assert len(session.view.filtered) == _rows_between(session, first, last)
    # The chart keeps every bar (its own condition does not narrow it) and marks the span.
    assert len(_geometry(panel)) == bars
    assert _on_axes(panel, "selection")
    assert panel.clear_button.isVisibleTo(panel)
    assert panel.summary_label.text().startswith(("Mar 2022", "Jan–Mar 2022"))

    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert CONDITION_KEY not in session.state.keyed_conditions
    assert not panel.clear_button.isVisibleTo(panel)


def test_clicking_empty_space_leaves_the_filter_alone(qtbot, panel: TimelinePanel, session) -> None:
    geometry = _geometry(panel)
    i = geometry.index_of("2020-06-01")
    assert i is not None
    x, _ = geometry.centre(i)
    above = panel.figure.axes[0].get_ylim()[1] * 0.99
    assert geometry.top[i] < above
    _click(qtbot, panel, x, above)
    assert session.state.keyed_conditions == {}
    assert len(session.view.filtered) == len(session.frame)


def test_dragging_over_2022_filters_whole_periods(qtbot, panel: TimelinePanel, session) -> None:
    geometry = _geometry(panel)
    y = geometry.top.max() / 2
    start, middle, end = (_point(panel, mdates.date2num(pd.Timestamp(d)), y)
                          for d in ("2022-01-20", "2022-07-01", "2022-12-10"))
    qtbot.mousePress(panel.canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(panel.canvas, middle)
    assert _on_axes(panel, "drag")  # the translucent span follows the mouse
    assert CONDITION_KEY not in session.state.keyed_conditions
    qtbot.mouseMove(panel.canvas, end)
    qtbot.mouseRelease(panel.canvas, Qt.MouseButton.LeftButton, pos=end)

    assert session.state.keyed_conditions[CONDITION_KEY] == Condition(
        "date", "between", ["2022-01-01", "2022-12-31"])
    assert len(session.view.filtered) == _rows_between(session, "2022-01-01", "2022-12-31")
    assert not _on_axes(panel, "drag")


def test_the_chart_follows_other_filters(qtbot, panel: TimelinePanel, session) -> None:
    session.state.set_condition("table", Condition("origin_country", "=", "KR"))
    qtbot.waitUntil(lambda: _legend(panel) == ["South Korea (KR)"])

    frame = session.frame
    korea = frame[frame["origin_country"] == "KR"]
    expected = korea.groupby(korea["date"].dt.to_period("M").dt.start_time)["stat_value_usd"].sum()
    geometry = _geometry(panel)
    for start, total in expected.items():
        i = geometry.index_of(start)
        assert i is not None
        assert geometry.top[i] == pytest.approx(total)
    assert geometry.top.sum() == pytest.approx(korea["stat_value_usd"].sum())

    # With its own span set too, the chart still shows every Korean month, the span marked.
    i = geometry.index_of("2022-03-01")
    assert i is not None
    _click(qtbot, panel, *geometry.centre(i))
    assert CONDITION_KEY in session.state.keyed_conditions
    assert _geometry(panel).top.sum() == pytest.approx(korea["stat_value_usd"].sum())
    in_march = (korea["date"] >= "2022-03-01") & (korea["date"] <= "2022-03-31")
    assert len(session.view.filtered) == int(in_march.sum())


def test_save_image_writes_png_and_svg(panel: TimelinePanel, tmp_path: Path) -> None:
    png = panel.save_image(tmp_path / "timeline.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = panel.save_image(tmp_path / "timeline.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml")
    assert "<svg" in text


def test_the_panel_renders(panel: TimelinePanel, session, tmp_path: Path) -> None:
    """A picture of the panel for a person to look at (the checks here are only sanity)."""
    session.state.set_condition(
        CONDITION_KEY, Condition("date", "between", ["2022-01-01", "2022-12-31"]), source=panel)
    target = tmp_path / "timeline_panel.png"
    assert panel.grab().save(str(target))
    image = panel.grab().toImage()
    assert image.width() == panel.width()
    pixels = np.array([image.pixelColor(x, image.height() // 2).name()
                       for x in range(0, image.width(), 7)])
    assert len(set(pixels)) > 5  # bars in several colours, not a blank canvas


def test_a_case_without_shipments(qtbot, session) -> None:
    empty = CaseSession(session.summary, session.frame.iloc[:0])
    widget = TimelinePanel(empty)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert len(_geometry(widget)) == 0
    assert _on_axes(widget, "message")
    assert widget.summary_label.text() == "0 shipments · $0"
    empty.close()
