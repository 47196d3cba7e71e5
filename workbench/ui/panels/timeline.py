"""The timeline: value per month or quarter, stacked by country or supplier, with the events.

The chart is :func:`workbench.export.charts.timeline_figure`; this panel hosts it in a canvas,
maps clicks and drags on bars to its own ``timeline`` date condition, and follows every other
condition. While its own condition is set it keeps drawing the bars around the chosen span
(computed without that condition) and dims the bars outside it, so a click never narrows the
chart down to a single bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backend_bases import MouseButton, MouseEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import IdentityTransform
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.analysis.filters import Condition
from workbench.analysis.timeline import (
    CONDITION_KEY,
    OTHER,
    Period,
    StackBy,
    condition_span,
    span_condition,
    timeline_series,
    whole_periods,
)
from workbench.analysis.view_state import DATA, FILTER, StateChange
from workbench.export.charts import (
    PALETTE,
    Marker,
    bar_artists,
    bar_geometry,
    layout_key,
    legend_artist,
    money,
    save_figure,
    timeline_figure,
)
from workbench.ingest.countries import country_label
from workbench.ui import file_dialogs
from workbench.ui.annotation_layer import layer_of
from workbench.ui.panels.base import Panel
from workbench.ui.session import CaseSession

PERIODS = (("Month", "M"), ("Quarter", "Q"))
STACKS = (("Country of origin", "origin_country"), ("Supplier", "sender"))
VALUE_LABELS = {
    "stat_value_usd": ("Statistical value, USD", "$"),
    "customs_value_rub": ("Customs value, RUB", "RUB "),
    "invoice_value": ("Invoice value", ""),
}
DRAG_PIXELS = 5  # a press that moves less than this is a click
EXPORT_SIZE = (11.0, 5.0)  # inches, for saved images whatever the dock's size


class TimelinePanel(Panel):
    """Stacked bars over time; click a bar or drag across bars to filter by date."""

    NAME = "timeline"
    TITLE = "Timeline"
    AREA = Qt.DockWidgetArea.BottomDockWidgetArea

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.annotations = layer_of(session)
        self._annotations_drawn = self.annotations.generation
        self.figure = Figure(figsize=(9, 3), dpi=100)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName("timeline.canvas")
        self.canvas.setMinimumHeight(180)

        self.period_box = _combo("timeline.period", PERIODS)
        self.stack_box = _combo("timeline.stack", STACKS)
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("timeline.summary")
        self.summary_label.setWordWrap(True)  # wraps rather than widening the panel
        self.clear_button = QPushButton("Clear time filter", self)
        self.clear_button.setObjectName("timeline.clear")
        self.clear_button.setToolTip("Remove the date span chosen on the timeline")
        self.save_button = QPushButton("Save image…", self)
        self.save_button.setObjectName("timeline.save")

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(QLabel("Period", self))
        bar.addWidget(self.period_box)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Stack by", self))
        bar.addWidget(self.stack_box)
        bar.addSpacing(12)
        bar.addWidget(self.summary_label, 1)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

        self._series: pd.DataFrame | None = None
        self._basis: tuple[object, ...] | None = None  # what ``_series`` was computed from
        self._colours: tuple[object, str, dict[str, str]] | None = None  # frame, stack, map
        self._press: tuple[float, float] | None = None  # (x in data, x in pixels)
        self._drag: Rectangle | None = None
        # The canvas as last fully drawn, without the bars: new bars are blitted over it.
        self._background: object | None = None
        self._background_layout: tuple[object, ...] | None = None
        self._background_legend: tuple[object, ...] | None = None

        self.period_box.currentIndexChanged.connect(self._on_options_changed)
        self.stack_box.currentIndexChanged.connect(self._on_options_changed)
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.canvas.mpl_connect("button_press_event", self._on_canvas_press)
        self.canvas.mpl_connect("motion_notify_event", self._on_canvas_motion)
        self.canvas.mpl_connect("button_release_event", self._on_canvas_release)
        self.canvas.mpl_connect("resize_event", self._on_canvas_resize)
        self.canvas.mpl_connect("draw_event", self._on_canvas_draw)
        self.redraw()

    # -- state ------------------------------------------------------------------------------

    @property
    def period(self) -> Period:
        return cast(Period, self.period_box.currentData())

    @property
    def stack_by(self) -> StackBy:
        return cast(StackBy, self.stack_box.currentData())

    @property
    def time_condition(self) -> Condition | None:
        """The panel's own date condition, if set."""
        return self.session.state.keyed_conditions.get(CONDITION_KEY)

    def refresh(self, change: StateChange) -> None:
        generation = self.annotations.sync(change)
        if DATA in change or FILTER in change or generation != self._annotations_drawn:
            self.redraw()

    def redraw(self) -> None:
        """Recompute the bars if what they depend on changed, then redraw the chart."""
        state = self.session.state
        others = [c for k, c in state.keyed_conditions.items() if k != CONDITION_KEY]
        basis = (self.session.frame, others, state.search, self.period, self.stack_by)
        if self._series is None or not _same_basis(basis, self._basis):
            if CONDITION_KEY in state.keyed_conditions:
                rows = np.flatnonzero(self.session.view.mask(others, state.search))
            else:
                rows = self.session.view.filtered
            self._series = self._chart_series(rows)
            self._basis = basis
        self._render()
        self._show()

    def _chart_series(self, rows: np.ndarray) -> pd.DataFrame:
        column = self.session.summary.value_column
        series = timeline_series(
            self.session.frame, rows, value=column, period=self.period, stack_by=self.stack_by
        )
        if self.stack_by == "origin_country":
            attrs = dict(series.attrs)
            series = series.rename(columns=lambda k: k if k == OTHER else country_label(k))
            series.attrs.update(attrs)
        return series

    def _fixed_colours(self) -> dict[str, str]:
        """A colour per key, by rank over the whole case, so filters never swap colours."""
        frame, stack = self.session.frame, self.stack_by
        if self._colours is None or self._colours[0] is not frame or self._colours[1] != stack:
            ranked = self._chart_series(np.arange(len(frame)))
            names = [str(c) for c in ranked.columns if c != OTHER]
            self._colours = (frame, stack, dict(zip(names, PALETTE, strict=False)))
        return self._colours[2]

    def _render(
        self, figure: Figure | None = None, title: str = "", subtitle: str = "", note: str = ""
    ) -> Figure:
        """Draw the current series into ``figure`` (the canvas' one by default)."""
        assert self._series is not None
        summary = self.session.summary
        label, currency = VALUE_LABELS.get(summary.value_column, (summary.value_column, ""))
        coverage = (summary.coverage_start, summary.coverage_end)
        if figure is None:
            self._drop_drag()
            self._annotations_drawn = self.annotations.generation
        result = timeline_figure(
            self._series, markers=summary.markers,
            coverage=coverage if any(coverage) else None, key_date=summary.key_date,
            title=title, subtitle=subtitle, note=note, value_label=label,
            figure=figure or self.figure,
            highlight=condition_span(self.time_condition), currency=currency,
            legend_title=self.stack_box.currentText(), colours=self._fixed_colours(),
            # The analyst's annotations are shown on screen, never in an image for the desk.
            annotations=self.annotations.spans() if figure is None else (),
        )
        if figure is None:
            for artist in bar_artists(self.figure):
                artist.set_animated(True)
            self._update_toolbar(currency)
        return result

    # -- drawing: a full draw when the layout changed, else bars blitted over the background --

    def _show(self) -> None:
        if self._background is None or layout_key(self.figure) != self._background_layout:
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        if self._legend_key() != self._background_legend:
            if not self._repaint_legend():
                self.canvas.draw_idle()
                return
            self._background = self.canvas.copy_from_bbox(self.figure.bbox)
            self._background_legend = self._legend_key()
        self._draw_bars()
        self.canvas.blit(self.figure.bbox)

    def _on_canvas_draw(self, _event: object) -> None:
        """After every full draw (which skips the animated bars): keep it, then add the bars."""
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._background_layout = layout_key(self.figure)
        self._background_legend = self._legend_key()
        self._draw_bars()

    def _legend_key(self) -> tuple[object, ...]:
        columns = tuple(self._series.columns) if self._series is not None else ()
        return columns, self.stack_box.currentText()

    def _repaint_legend(self) -> bool:
        """Paint the new legend over the old one in the restored background, if it fits the
        column right of the axes (else False: a full draw is needed)."""
        box = self.figure.axes[0].get_window_extent()
        legend = legend_artist(self.figure)
        renderer = self.canvas.get_renderer()
        if legend is not None and legend.get_window_extent(renderer).y0 < box.y0:
            return False
        blank = Rectangle(
            (box.x1 + 1, box.y0), self.figure.bbox.x1 - box.x1 - 1, box.height + 1,
            transform=IdentityTransform(), facecolor=self.figure.get_facecolor(), lw=0,
        )
        blank.set_figure(self.figure)
        blank.draw(renderer)
        if legend is not None:
            self.figure.draw_artist(legend)
        return True

    def _draw_bars(self) -> None:
        for artist in bar_artists(self.figure):
            self.figure.draw_artist(artist)
        if self._drag is not None:
            self.figure.draw_artist(self._drag)

    def _update_toolbar(self, currency: str) -> None:
        span = condition_span(self.time_condition)
        self.clear_button.setVisible(self.time_condition is not None)
        count = len(self.session.view.filtered)
        text = f"{count:,} shipments · {money(self.session.filtered_total(), currency)}"
        if span is not None:
            text = f"{_span_text(*span)}: {text}"
        self.summary_label.setText(text)

    # -- saving -----------------------------------------------------------------------------

    def save_image(self, path: str | Path) -> Path:
        """Write the chart as PNG or SVG (by suffix) at a fixed size, titled for the desk."""
        summary, state = self.session.summary, self.session.state
        label = VALUE_LABELS.get(summary.value_column, (summary.value_column, ""))[0]
        subtitle = (f"{label}, per {self.period_box.currentText().lower()}, "
                    f"by {self.stack_box.currentText().lower()}")
        conditions = [c.describe() for c in state.conditions]
        if state.search:
            conditions.append(f"search {state.search!r}")
        if conditions:
            subtitle += "\nFilter: " + "; ".join(conditions)
        note = " ".join(summary.caveats)
        figure = Figure(figsize=EXPORT_SIZE, dpi=100)
        self._render(figure, title=summary.title, subtitle=subtitle, note=note)
        return save_figure(figure, path)

    def save_image_as(self) -> Path | None:
        """Ask where to save the chart (PNG or SVG), save it, and return the path (or None)."""
        summary = self.session.summary
        start = file_dialogs.suggested_output(summary.path, summary.title, "timeline", ".png")
        answer = file_dialogs.save_file(self, "Save timeline image", start,
                                        "PNG image (*.png);;SVG image (*.svg)")
        if answer is None:
            return None
        target, chosen = answer
        if target.suffix.lower() not in (".png", ".svg"):
            target = target.with_suffix(".svg" if "svg" in chosen.lower() else ".png")
        try:
            return self.save_image(target)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Save image", f"The image could not be saved: {exc}")
            return None

    def _on_save_clicked(self) -> None:
        self.save_image_as()

    # -- toolbar ----------------------------------------------------------------------------

    def _on_options_changed(self) -> None:
        self.redraw()

    def _on_clear_clicked(self) -> None:
        self.session.state.set_condition(CONDITION_KEY, None, source=self)

    # -- mouse --------------------------------------------------------------------------------

    def _on_canvas_press(self, event: MouseEvent) -> None:
        if event.button is not MouseButton.LEFT or event.inaxes is None or event.xdata is None:
            return
        self._press = (float(event.xdata), float(event.x))

    def _on_canvas_motion(self, event: MouseEvent) -> None:
        if self._press is None:
            self._show_tooltip(event)
            return
        if self._drag is None and abs(event.x - self._press[1]) < DRAG_PIXELS:
            return
        ax = self.figure.axes[0]
        low, high = sorted((self._press[0], self._data_x(event)))
        if self._drag is None:
            self._drag = ax.axvspan(low, high, color="#0072B2", alpha=0.18, lw=0, zorder=5,
                                    gid="drag", animated=True)
        else:
            self._drag.set_x(low)
            self._drag.set_width(high - low)
        self._show()

    def _on_canvas_release(self, event: MouseEvent) -> None:
        if self._press is None:
            return
        press, self._press = self._press, None
        if self._drag is not None:
            low, high = sorted((press[0], self._data_x(event)))
            self._drop_drag()
            span = whole_periods(_timestamp(low), _timestamp(high), self.period)
            self._set_span(*span)
            return
        geometry = bar_geometry(self.figure)
        if geometry is None or event.inaxes is None or event.xdata is None or event.ydata is None:
            return
        hit = geometry.hit(float(event.xdata), float(event.ydata))
        if hit is not None:
            self._set_span(*geometry.span(hit))

    def _drop_drag(self) -> None:
        """Take the drag band away (a full redraw of the axes may have dropped it already)."""
        if self._drag is not None and self._drag in self.figure.axes[0].patches:
            self._drag.remove()
        self._drag = None

    def _set_span(self, first: pd.Timestamp, last: pd.Timestamp) -> None:
        before = self.time_condition
        condition = span_condition(first, last)
        self.session.state.set_condition(CONDITION_KEY, condition, source=self)
        if before == condition:  # no change announced: still take the drag band away
            self.redraw()

    def _data_x(self, event: MouseEvent) -> float:
        """The event's x in data units, also outside the axes, clamped to the axes."""
        ax = self.figure.axes[0]
        x = ax.transData.inverted().transform((event.x, event.y))[0]
        low, high = ax.get_xlim()
        return float(min(max(x, low), high))

    def _on_canvas_resize(self, _event: object) -> None:
        if self._series is not None:
            self._render()  # the canvas draws in full after a resize

    def _show_tooltip(self, event: MouseEvent) -> None:
        geometry = bar_geometry(self.figure)
        text = ""
        x, y = event.xdata, event.ydata
        if geometry is not None and event.inaxes is not None and x is not None and y is not None:
            hit = geometry.hit(float(x), float(y))
            if hit is not None and self._series is not None:
                text = self._bar_text(hit, *geometry.span(hit))
        if not text and event.inaxes is not None:
            text = self._marker_text(event.x)
        if not text and event.inaxes is not None and x is not None:
            text = self._annotation_text(float(x))
        if text != self.canvas.toolTip():
            self.canvas.setToolTip(text)

    def _marker_text(self, x_pixels: float) -> str:
        """The full label of the event under the mouse (within a few pixels of its line)."""
        to_pixels = self.figure.axes[0].transData.transform
        for data in self.session.summary.markers:
            mark = Marker.parse(data)
            if mark is None:
                continue
            left, right = (to_pixels((mdates.date2num(t), 0))[0] for t in (mark.start, mark.end))
            near = abs(x_pixels - left) <= 4 or (mark.precision == "year" and
                                                 left <= x_pixels <= right)
            if near:
                known = {"year": " (date known to the year)",
                         "month": " (date known to the month)"}.get(mark.precision, "")
                return f"{mark.date_text}: {mark.label}{known}"
        return ""

    def _annotation_text(self, x: float) -> str:
        """The texts of the dated annotations whose span holds ``x`` (a date number)."""
        day = _timestamp(x).normalize()
        found = [text for first, last, text in self.annotations.spans()
                 if (first is None or first <= day) and (last is None or day <= last)]
        return "\n".join(f"Annotation: {t}" for t in found)

    def _bar_text(self, i: int, first: pd.Timestamp, last: pd.Timestamp) -> str:
        assert self._series is not None
        currency = VALUE_LABELS.get(self.session.summary.value_column, ("", ""))[1]
        row = self._series.iloc[i]
        lines = [f"{_span_text(first, last)}: {money(float(row.sum()), currency)}"]
        lines += [f"{name}: {money(float(v), currency)}" for name, v in row.items() if v]
        return "\n".join(lines) + "\nClick to filter the table to this period; drag for a span."


def _combo(name: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    for text, data in items:
        box.addItem(text, data)
    return box


def _same_basis(a: tuple[object, ...], b: tuple[object, ...] | None) -> bool:
    return b is not None and a[0] is b[0] and a[1:] == b[1:]


def _timestamp(x: float) -> pd.Timestamp:
    """A matplotlib date number as a naive Timestamp."""
    return pd.Timestamp(mdates.num2date(x)).tz_localize(None)


def _span_text(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """``Mar 2022``, ``Jan–Mar 2022``, ``Jan 2022–Jun 2023`` or exact days."""
    whole_months = first.day == 1 and (last + pd.Timedelta(days=1)).day == 1
    if not whole_months:
        return f"{first:%d %b %Y}–{last:%d %b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%b %Y}"
    if first.year == last.year:
        return f"{first:%b}–{last:%b %Y}"
    return f"{first:%b %Y}–{last:%b %Y}"
