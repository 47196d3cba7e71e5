"""Chart images of a case: pure functions from a DataFrame to a matplotlib Figure.

Only ``matplotlib.figure.Figure`` is used (never pyplot), so a chart can be drawn on any thread
and saved without a GUI backend; the window's canvas merely hosts the same Figure.
"""

from __future__ import annotations

import itertools
import textwrap
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

#: Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), then grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D31")
OTHER_COLOUR = "#B5B5B5"
MARKER_COLOUR = "#555555"
KEY_COLOUR = "#111111"
ANNOTATION_COLOUR = "#7A3E9D"  # the analyst's annotations, apart from the case's events
TEXT_COLOUR = "#333333"
DIMMED_ALPHA = 0.3

_MONTHS = {"M": 1, "Q": 3}
_FONT = 8.0  # points, for tick labels, legend and marker labels
_LINE_HEIGHT = 1.3  # of the font size
_CHAR_WIDTH = 0.56  # of the font size, for estimating text widths without a renderer
_LABEL_WIDTHS = (34, 26, 20)  # characters per line tried for marker labels, widest first
_LABEL_LINES = 4
_STRIP_SHARE = 0.3  # of the figure's height, at most, for the event labels if they can be cut
_LEGEND_CHARS = 28
_ROW_LIMIT = 24  # rows of marker labels
_ANNOTATION_ROWS = 4  # rows of annotation brackets inside the axes, from the top
_ANNOTATION_CHARS = 32

Precision = Literal["year", "month", "day"]


@dataclass(frozen=True)
class Marker:
    """A dated event; ``end`` is the day after the span its precision allows."""

    start: pd.Timestamp
    end: pd.Timestamp
    precision: Precision
    label: str
    kind: str = ""

    @classmethod
    def parse(cls, data: Mapping[str, str]) -> Marker | None:
        """Read ``{"date": "YYYY" | "YYYY-MM" | "YYYY-MM-DD", "label", "kind"}``; None if bad."""
        text = str(data.get("date", "")).strip()
        precision: Precision = {4: "year", 7: "month", 10: "day"}.get(len(text), "day")
        try:
            start = pd.Timestamp(text if precision != "year" else f"{text}-01-01")
        except ValueError:
            return None
        if pd.isna(start):
            return None
        step = {"year": pd.DateOffset(years=1), "month": pd.DateOffset(months=1),
                "day": pd.Timedelta(days=1)}[precision]
        return cls(start, start + step, precision, str(data.get("label", "")).strip(),
                   str(data.get("kind", "")))

    @property
    def date_text(self) -> str:
        """The date as precisely as it is known: ``2021``, ``Feb 2024``, ``24 Feb 2022``."""
        if self.precision == "year":
            return f"{self.start.year}"
        if self.precision == "month":
            return self.start.strftime("%b %Y")
        return f"{self.start.day} {self.start.strftime('%b %Y')}"


@dataclass(frozen=True)
class BarGeometry:
    """Where the timeline's bars are, in data coordinates, for hit-testing clicks.

    x values are matplotlib date numbers; ``top``/``bottom`` are the stack's extent (``bottom``
    is below zero only for negative values). Bars of empty periods have no height.
    """

    period: str
    starts: pd.DatetimeIndex
    left: np.ndarray
    right: np.ndarray
    top: np.ndarray
    bottom: np.ndarray

    def __len__(self) -> int:
        return len(self.starts)

    def hit(self, x: float, y: float) -> int | None:
        """Index of the bar under the point, or None for empty space."""
        found = np.flatnonzero((self.left <= x) & (x <= self.right))
        if not len(found):
            return None
        i = int(found[0])
        low, high = self.bottom[i], self.top[i]
        return i if high > low and low <= y <= high else None

    def index_of(self, when: pd.Timestamp | str) -> int | None:
        """Index of the bar whose period holds ``when``."""
        moment = pd.Timestamp(when)
        i = int(self.starts.searchsorted(moment, side="right")) - 1
        if i < 0 or moment >= period_after(self.starts[i], self.period):
            return None
        return i

    def span(self, i: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last day of bar ``i``'s period."""
        start = self.starts[i]
        return start, period_after(start, self.period) - pd.Timedelta(days=1)

    def centre(self, i: int) -> tuple[float, float]:
        """The middle of bar ``i`` in data coordinates."""
        return (self.left[i] + self.right[i]) / 2, (self.top[i] + self.bottom[i]) / 2


@dataclass
class _Timeline:
    """What :func:`timeline_figure` drew into a figure, to reuse on the next call."""

    layout: tuple[object, ...]  # every input of the static parts
    geometry: BarGeometry
    dynamic: list[Artist]  # rebuilt on every call: bars, selection, messages
    legend: Legend | None  # rebuilt on every call, outside the axes
    overlays: list[Artist]  # static, but drawn above the bars: the event lines


#: An annotation's dated span on the timeline: first day, last day (None: open) and its label.
AnnotationSpan = tuple[pd.Timestamp | None, pd.Timestamp | None, str]

_timelines: weakref.WeakKeyDictionary[Figure, _Timeline] = weakref.WeakKeyDictionary()


def bar_geometry(figure: Figure) -> BarGeometry | None:
    """The bars last drawn into ``figure`` by :func:`timeline_figure`."""
    drawn = _timelines.get(figure)
    return drawn.geometry if drawn else None


def layout_key(figure: Figure) -> tuple[object, ...] | None:
    """Changes whenever anything but the bars, the legend and the value axis changes."""
    drawn = _timelines.get(figure)
    return drawn.layout if drawn else None


def legend_artist(figure: Figure) -> Legend | None:
    """The legend, right of the axes (None when there are no bars)."""
    drawn = _timelines.get(figure)
    return drawn.legend if drawn else None


def bar_artists(figure: Figure) -> list[Artist]:
    """What a new series changes inside the axes (bars, value axis, selection) plus what lies
    above it (event lines), in drawing order: a canvas may blit just these over a cached
    background. The legend, outside the axes, is :func:`legend_artist`."""
    drawn = _timelines.get(figure)
    if drawn is None or not figure.axes:
        return []
    return sorted([*drawn.dynamic, *drawn.overlays, figure.axes[0].yaxis],
                  key=lambda a: a.get_zorder())


def period_after(start: pd.Timestamp, period: str) -> pd.Timestamp:
    """The start of the period following the one starting at ``start``."""
    return start + pd.DateOffset(months=_MONTHS.get(period, 1))


def money(value: float, currency: str = "$") -> str:
    """``$1.2M``, ``$850K``, ``$3B``, ``-$40K``: short amounts for axes and labels."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if size >= limit:
            number = f"{size / limit:.1f}".removesuffix(".0")
            return f"{sign}{currency}{number}{suffix}"
    return f"{sign}{currency}{size:.0f}"


def timeline_figure(
    series: pd.DataFrame,
    *,
    markers: Iterable[Mapping[str, str]] = (),
    coverage: tuple[str | pd.Timestamp | None, str | pd.Timestamp | None] | None = None,
    key_date: str | pd.Timestamp | None = None,
    title: str = "",
    subtitle: str = "",
    note: str = "",
    value_label: str = "Statistical value, USD",
    figure: Figure | None = None,
    highlight: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    legend_title: str = "",
    currency: str = "$",
    colours: Mapping[str, str] | None = None,
    annotations: Iterable[AnnotationSpan] = (),
) -> Figure:
    """Stacked bars per period of ``series`` (from :func:`timeline_series`) with dated events.

    ``markers`` are ``{"date", "label", "kind"}`` with dates as precise as known (``YYYY``,
    ``YYYY-MM``, ``YYYY-MM-DD``); their labels sit in a strip above the bars. ``coverage`` is
    the window the data covers (first and last day; outside it is hatched "no data");
    ``key_date`` is drawn heavier; ``highlight`` (first and last day) dims the bars outside it.
    ``colours`` fixes a colour per column name (so a country keeps its colour whatever the
    filter); other columns take the unused palette colours in order, ``Other`` is grey.
    ``annotations`` are ``(first day, last day, label)`` (a side may be None: open) drawn as
    brackets at the top of the axes over a faint band, in a colour of their own.
    ``subtitle`` goes under the title, ``note`` (sources, caveats) under the chart. Drawing
    into an existing ``figure`` reuses its axes. The bars' geometry is available afterwards
    from :func:`bar_geometry`.
    """
    fig = figure if figure is not None else Figure(figsize=(10, 4.5))
    period = str(series.attrs.get("period") or _infer_period(series.index))
    values = series.to_numpy(dtype="float64") if series.shape[1] else np.zeros((len(series), 0))
    starts = pd.DatetimeIndex(series.index)
    months = starts.to_numpy().astype("datetime64[M]") + _MONTHS.get(period, 1)
    ends = pd.DatetimeIndex(months.astype("datetime64[ns]"))
    left_edge = np.asarray(mdates.date2num(starts.to_numpy()), dtype="float64")
    right_edge = np.asarray(mdates.date2num(ends.to_numpy()), dtype="float64")
    gap = (right_edge - left_edge) * 0.09
    left, right = left_edge + gap, right_edge - gap
    positive, negative = np.clip(values, 0, None), np.clip(values, None, 0)
    top, bottom = positive.sum(axis=1), negative.sum(axis=1)

    cover = _coverage(coverage)
    key = pd.Timestamp(key_date) if key_date else None
    entries = _marker_entries(markers, key)
    x0, x1 = _x_range(entries, cover, starts, ends)
    names = [str(c) for c in series.columns]
    margins = _margins([*names, legend_title], value_label)
    spans = tuple(annotations)
    layout = (tuple(fig.get_size_inches()), fig.dpi, x0, x1, tuple(entries), cover, title,
              subtitle, note, value_label, currency, tuple(margins.items()), spans)

    drawn = _timelines.get(fig)
    if drawn is not None and drawn.layout == layout and fig.axes:
        ax = fig.axes[0]
        for artist in drawn.dynamic:
            artist.remove()
        if drawn.legend is not None:
            drawn.legend.remove()
        overlays = drawn.overlays
    else:
        ax = _static_parts(fig, layout_args=(x0, x1, entries, cover, margins),
                           texts=(title, subtitle, note), value_label=value_label,
                           currency=currency)
        _draw_annotations(ax, spans, x0, x1)
        overlays = [a for a in ax.get_children() if a.get_gid() in _OVERLAY_GIDS]

    colour_list = _colours(names, colours or {})
    inside = np.ones(len(starts), dtype=bool)
    if highlight is not None:
        inside = (starts >= highlight[0].normalize()) & (starts <= highlight[1])
    dynamic: list[Artist] = []
    bars = _draw_bars(ax, left, right, positive, negative, colour_list, inside)
    if bars is not None:
        dynamic.append(bars)
    high = float(top.max()) if len(top) else 0.0
    low = float(bottom.min()) if len(bottom) else 0.0
    ax.set_ylim(low * 1.04, (high or 1.0) * 1.04)
    if highlight is not None:
        dynamic.append(ax.axvspan(highlight[0], highlight[1] + pd.Timedelta(days=1),
                                  color="#FFE9A8", alpha=0.45, lw=0, zorder=0.4,
                                  gid="selection"))
    legend = None
    if names:
        handles = [Patch(facecolor=c, edgecolor="none", label=_shorten(n, _LEGEND_CHARS))
                   for n, c in zip(names, colour_list, strict=True)][::-1]
        legend = ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
            frameon=False, fontsize=_FONT, title=legend_title or None,
            title_fontsize=_FONT, handlelength=1.0, handleheight=1.0, alignment="left",
        )
        legend.set_gid("legend")
    else:
        dynamic.append(ax.text(0.5, 0.45, "No shipments match the current filter",
                               transform=ax.transAxes, ha="center", va="center", fontsize=9,
                               color="#777777", gid="message"))
    geometry = BarGeometry(period, starts, left, right, top, bottom)
    _timelines[fig] = _Timeline(layout, geometry, dynamic, legend, overlays)
    return fig


def save_figure(figure: Figure, path: str | Path) -> Path:
    """Write ``figure`` as PNG (150 dpi) or SVG, chosen by the file's suffix."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise ValueError(f"Charts are saved as .png or .svg, not {target.suffix or 'no suffix'}.")
    figure.savefig(target, format=kind, dpi=150, facecolor="white")
    return target


# -- parts of the timeline --------------------------------------------------------------------


_OVERLAY_GIDS = frozenset({"marker", "marker-edge", "marker-month", "annotation",
                           "annotation-label"})


def _static_parts(
    fig: Figure,
    *,
    layout_args: tuple[float, float, list[tuple[Marker, bool]],
                       tuple[pd.Timestamp | None, pd.Timestamp | None] | None,
                       dict[str, float]],
    texts: tuple[str, str, str],
    value_label: str,
    currency: str,
) -> Axes:
    """Axes, coverage, events, titles: everything that does not depend on the bars."""
    x0, x1, entries, cover, margins = layout_args
    title, subtitle, note = texts
    if fig.axes:
        ax = fig.axes[0]
        ax.clear()
    else:
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
    for text in list(fig.texts):
        text.remove()
    ax.set_xlim(x0, x1)
    heading = (0.26 if title else 0) + (0.2 * (subtitle.count("\n") + 1) if subtitle else 0)
    for most_lines in (_LABEL_LINES, 2, 1):  # a short figure gets shorter labels
        labels = _plan_labels(fig, margins, entries, x0, x1, most_lines)
        strip = max((lb.row + len(lb.lines) for lb in labels), default=0) * _line_inches()
        if strip <= _STRIP_SHARE * fig.get_size_inches()[1]:
            break
    _place_axes(fig, ax, {
        **margins,
        "top": 0.1 + heading + (strip + 0.12 if labels else 0.05),
        "bottom": margins["bottom"] + (0.17 * (note.count("\n") + 1) + 0.05 if note else 0),
    })
    _draw_coverage(ax, cover, x0, x1)
    _draw_markers(ax, labels)
    _style_axes(ax, x0, x1, value_label, currency)
    width, height = fig.get_size_inches()
    if title:
        fig.text(0.12 / width, 1 - 0.1 / height, title, ha="left", va="top", fontsize=11,
                 fontweight="bold", color=TEXT_COLOUR, gid="title")
    if subtitle:
        fig.text(0.12 / width, 1 - (0.12 + (0.26 if title else 0)) / height, subtitle,
                 ha="left", va="top", fontsize=9, color=TEXT_COLOUR, linespacing=1.3,
                 gid="subtitle")
    if note:
        fig.text(0.12 / width, 0.08 / height, note, ha="left", va="bottom", fontsize=7,
                 color="#666666", linespacing=1.3, gid="note")
    return ax


def _x_range(
    entries: list[tuple[Marker, bool]],
    cover: tuple[pd.Timestamp | None, pd.Timestamp | None] | None,
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
) -> tuple[float, float]:
    """Dates spanning the bars, the coverage window and every event, with a little margin."""
    spans = [(m.start, m.end) for m, _ in entries]
    if cover is not None:
        spans += [(t, t) for t in cover if t is not None]
    if len(starts):
        spans.append((starts[0], ends[-1]))
    if not spans:
        today = pd.Timestamp.now().normalize()
        spans = [(today - pd.DateOffset(years=1), today)]
    low = float(mdates.date2num(min(a for a, _ in spans)))
    high = float(mdates.date2num(max(b for _, b in spans)))
    return low - 12, high + 12


def _colours(names: list[str], fixed: Mapping[str, str]) -> list[str]:
    unused = [c for c in PALETTE if c not in set(fixed.values())]
    spare = itertools.chain(unused, itertools.cycle(PALETTE))
    return [OTHER_COLOUR if n == "Other" else fixed.get(n) or next(spare) for n in names]


def _infer_period(index: pd.Index) -> str:
    freq = getattr(index, "freqstr", None) or ""
    if freq.startswith("Q") or (len(index) > 1 and (index[1] - index[0]).days > 40):
        return "Q"
    return "M"


def _draw_bars(
    ax: Axes, left: np.ndarray, right: np.ndarray, positive: np.ndarray,
    negative: np.ndarray, colours: list[str], inside: np.ndarray,
) -> PolyCollection | None:
    """All bar segments as one PolyCollection (hundreds of Rectangles draw far slower)."""
    rgba = to_rgba_array(colours) if colours else np.zeros((0, 4))
    boxes, faces = [], []
    for part in (positive, negative):
        upper = np.cumsum(part, axis=1)
        lower = upper - part
        rows, cols = np.nonzero(part)
        if not len(rows):
            continue
        x0, x1 = left[rows], right[rows]
        y0, y1 = lower[rows, cols], upper[rows, cols]
        corners = ((x0, y0), (x0, y1), (x1, y1), (x1, y0))
        boxes.append(np.stack([np.column_stack(c) for c in corners], axis=1))
        face = rgba[cols].copy()
        face[~inside[rows], 3] = DIMMED_ALPHA
        faces.append(face)
    if not boxes:
        return None
    bars = PolyCollection(np.concatenate(boxes), facecolors=np.concatenate(faces),
                          edgecolors="white", linewidths=0.3, zorder=2)
    bars.set_gid("bars")
    ax.add_collection(bars, autolim=False)
    return bars


def _coverage(
    coverage: tuple[str | pd.Timestamp | None, str | pd.Timestamp | None] | None,
) -> tuple[pd.Timestamp | None, pd.Timestamp | None] | None:
    if not coverage:
        return None
    start, end = (pd.Timestamp(v) if v else None for v in coverage)
    return start, (end + pd.Timedelta(days=1) if end is not None else None)


def _draw_coverage(
    ax: Axes, cover: tuple[pd.Timestamp | None, pd.Timestamp | None] | None, x0: float,
    x1: float,
) -> None:
    """A faint band over the covered window; hatched "no data" outside it."""
    if cover is None:
        return
    start = mdates.date2num(cover[0]) if cover[0] is not None else x0
    end = mdates.date2num(cover[1]) if cover[1] is not None else x1
    ax.axvspan(start, end, color="#F4F7FA", lw=0, zorder=0, gid="coverage")
    for a, b in ((x0, start), (end, x1)):
        if b - a <= 0:
            continue
        ax.axvspan(a, b, facecolor="#FAFAFA", edgecolor="#D2D2D2", hatch="///", lw=0,
                   zorder=0, gid="no-data")
        if b - a > 45:
            ax.text((a + b) / 2, 0.02, "no data", transform=ax.get_xaxis_transform(),
                    ha="center", va="bottom", fontsize=7, color="#8A8A8A", style="italic",
                    zorder=1.5, bbox={"facecolor": "#FAFAFA", "edgecolor": "none", "pad": 1})


@dataclass(frozen=True)
class _Label:
    """A marker with its label's wrapped lines, row in the strip and alignment."""

    mark: Marker
    is_key: bool
    lines: tuple[str, ...]
    row: int
    align: Literal["left", "right"]


def _marker_entries(
    markers: Iterable[Mapping[str, str]], key: pd.Timestamp | None
) -> list[tuple[Marker, bool]]:
    """Parsed markers in date order, each with whether it is the key date (added if missing)."""
    marks = [m for m in (Marker.parse(d) for d in markers) if m is not None]
    entries = [(m, key is not None and m.start <= key < m.end) for m in marks]
    if key is not None and not any(is_key for _, is_key in entries):
        entries.append((Marker(key, key + pd.Timedelta(days=1), "day", "Key date"), True))
    return sorted(entries, key=lambda e: e[0].start)


def _line_inches() -> float:
    return _FONT * _LINE_HEIGHT / 72


def _margins(names: list[str], value_label: str) -> dict[str, float]:
    """Margins in inches around the axes (fixed: no tight/constrained layout per draw).

    The legend's width is rounded up to steps of 8 characters, so that a filter changing the
    legend's names rarely moves the axes (and a canvas can keep its cached background).
    """
    longest = max((len(_shorten(n, _LEGEND_CHARS)) for n in names if n), default=0)
    chars = min(-(-longest // 8) * 8, _LEGEND_CHARS)
    right = 0.55 + chars * _FONT * _CHAR_WIDTH / 72 if longest else 0.25
    return {"left": 0.95 if value_label else 0.7, "right": right, "bottom": 0.32, "top": 0.1}


def _place_axes(fig: Figure, ax: Axes, margins: dict[str, float]) -> None:
    width, height = fig.get_size_inches()
    w = max(width - margins["left"] - margins["right"], width * 0.3)
    h = max(height - margins["top"] - margins["bottom"], height * 0.25)
    bottom = min(margins["bottom"], height - h)
    ax.set_position((margins["left"] / width, bottom / height, w / width, h / height))


def _plan_labels(
    fig: Figure, margins: dict[str, float], entries: list[tuple[Marker, bool]], x0: float,
    x1: float, most_lines: int,
) -> list[_Label]:
    """Rows and sides for the marker labels so that no label covers another or a marker's line.

    A label hangs from the top of its marker's line, right of the line if there is room, in the
    lowest free row. Lines rise from the bars to their label, so a label may not lie across a
    later marker's line, nor across an earlier one below that marker's label. The strip spans
    the figure's width, so labels may run over the legend's column.
    """
    width = fig.get_size_inches()[0]
    axes_width = max(width - margins["left"] - margins["right"], width * 0.3)
    per_day = axes_width * 72 / max(x1 - x0, 1)  # points per day
    limit = (width - margins["left"] - 0.08) * 72  # points from the axes' left edge
    anchors = [(mdates.date2num(m.start) - x0) * per_day for m, _ in entries]
    taken: list[_Box] = []
    labels = []
    for i, (mark, is_key) in enumerate(entries):
        words = f"{mark.date_text}: {mark.label}" if mark.label else mark.date_text
        anchor = anchors[i]
        later = [(x - 2, x + 2, 0, _ROW_LIMIT) for x in anchors[i + 1:] if x != anchor]
        options = []
        for chars in _LABEL_WIDTHS:
            lines = tuple(_wrap(words, chars, most_lines))
            cut = lines[-1].endswith("…")
            text, n = max(len(line) for line in lines) * _FONT * _CHAR_WIDTH + 4, len(lines)
            for align in ("left", "right"):
                a, b = (anchor, anchor + text) if align == "left" else (anchor - text, anchor)
                row = 0
                while row < _ROW_LIMIT and (
                    _overlaps((a - 3, b + 3, row, row + n), taken + later)
                    or _overlaps((anchor - 2, anchor + 2, 0, row + n), taken)
                ):
                    row += 1
                blocked = row >= _ROW_LIMIT
                if blocked:  # nowhere clear: go above everything and let the line cross
                    row = max((r1 for *_, r1 in taken), default=0)
                # Clear, inside the figure, whole, lowest top, then text right of the line.
                options.append((blocked, a < 0 or b > limit, cut, row + n, align != "left",
                                -chars, (a, b, row, lines, align)))
        a, b, row, lines, align = min(options)[-1]
        taken += [(a, b, row, row + len(lines)), (anchor - 1, anchor + 1, 0, row + len(lines))]
        labels.append(_Label(mark, is_key, lines, row, align))
    return labels


_Box = tuple[float, float, int, int]  # x from, x to (points), rows from, rows to


def _overlaps(box: _Box, taken: list[_Box]) -> bool:
    """Whether ``box`` meets any of ``taken``."""
    a, b, r0, r1 = box
    return any(a < tb and ta < b and r0 < tr1 and tr0 < r1 for ta, tb, tr0, tr1 in taken)


def _draw_markers(ax: Axes, labels: list[_Label]) -> None:
    """Each event as a line (a year as a band, a month as a shaded month) up to its label."""
    axes_height = ax.get_position().height * ax.figure.get_size_inches()[1] * 72  # points
    trans = ax.get_xaxis_transform()
    line = _FONT * _LINE_HEIGHT
    for label in labels:
        mark, is_key = label.mark, label.is_key
        x, x_end = mdates.date2num(mark.start), mdates.date2num(mark.end)
        colour = KEY_COLOUR if is_key else MARKER_COLOUR
        reach = 1 + (6 + (label.row + len(label.lines)) * line) / axes_height
        if mark.precision == "year":
            ax.axvspan(x, x_end, color=colour, alpha=0.07, lw=0, zorder=1, gid="marker-span")
            ax.axvline(x_end, color=colour, lw=0.6, ls=":", zorder=3, gid="marker-edge")
            ax.axvline(x, ymax=reach, color=colour, lw=0.6, ls=":", zorder=3, clip_on=False,
                       gid="marker")
        else:
            ax.axvline(x, ymax=reach, color=colour, lw=1.8 if is_key else 0.9, zorder=3,
                       clip_on=False, gid="marker")
        if mark.precision == "month":
            # Some time in that month: shade the month and bracket it on the frame's top edge.
            ax.axvspan(x, x_end, color=colour, alpha=0.12, lw=0, zorder=1, gid="marker-span")
            ax.plot([x, x_end], [1.0, 1.0], transform=trans, color=colour, lw=3,
                    solid_capstyle="butt", zorder=3, clip_on=False, gid="marker-month")
        ax.annotate(
            "\n".join(label.lines), xy=(x, 1.0), xycoords=trans,
            xytext=(3 if label.align == "left" else -3, 6 + label.row * line),
            textcoords="offset points", ha=label.align, va="bottom", fontsize=_FONT,
            fontweight="bold" if is_key else "normal", color=colour, linespacing=1.1,
            zorder=6, annotation_clip=False, gid="marker-label",
        )


def _draw_annotations(
    ax: Axes, spans: tuple[AnnotationSpan, ...], x0: float, x1: float
) -> None:
    """Each dated annotation as a faint band and a bracket at the top of the axes, labelled
    under it; one that would meet another's bracket or label goes a row lower (at most a few
    rows, then the row that frees first is shared)."""
    trans = ax.get_xaxis_transform()
    width_in, height_in = ax.figure.get_size_inches()
    box = ax.get_position()
    points_high = max(box.height * height_in * 72, 1.0)
    days_per_point = (x1 - x0) / max(box.width * width_in * 72, 1.0)
    row_points = _FONT * _LINE_HEIGHT + 5
    placed = []
    for first, last, label in spans:
        a = float(mdates.date2num(first)) if first is not None else x0
        b = float(mdates.date2num(last + pd.Timedelta(days=1))) if last is not None else x1
        a, b = max(a, x0), min(b, x1)
        if b > a:
            placed.append((a, b, _shorten(label, _ANNOTATION_CHARS)))
    rows_end: list[float] = []
    for a, b, label in sorted(placed, key=lambda p: p[0]):
        reach = max(b, a + (len(label) * _CHAR_WIDTH * (_FONT - 1) + 6) * days_per_point)
        row = next((r for r, end in enumerate(rows_end) if end <= a), len(rows_end))
        if row >= _ANNOTATION_ROWS:
            row = min(range(_ANNOTATION_ROWS), key=lambda r: rows_end[r])
        if row < len(rows_end):
            rows_end[row] = max(rows_end[row], reach)
        else:
            rows_end.append(reach)
        y = 1 - (2 + row * row_points) / points_high
        tick = 4 / points_high
        ax.axvspan(a, b, color=ANNOTATION_COLOUR, alpha=0.05, lw=0, zorder=0.5,
                   gid="annotation-span")
        ax.plot([a, a, b, b], [y - tick, y, y, y - tick], transform=trans,
                color=ANNOTATION_COLOUR, lw=1.2, solid_joinstyle="miter", zorder=4,
                gid="annotation")
        text_days = (len(label) * _CHAR_WIDTH * (_FONT - 1) + 6) * days_per_point
        flip = a + text_days > x1  # would run past the axes (into the legend): end at b
        ax.annotate(label, xy=(b if flip else a, y), xycoords=trans,
                    xytext=(-3 if flip else 3, -1.5), textcoords="offset points",
                    ha="right" if flip else "left", va="top", fontsize=_FONT - 1,
                    color=ANNOTATION_COLOUR, zorder=4, annotation_clip=False,
                    gid="annotation-label",
                    bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none",
                          "pad": 0.5})


def _wrap(text: str, chars: int, most_lines: int) -> list[str]:
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > most_lines:
        lines = lines[:most_lines]
        lines[-1] = _shorten(lines[-1] + " …", chars)
    return lines


def _shorten(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.") + "…"


def _style_axes(ax: Axes, x0: float, x1: float, value_label: str, currency: str) -> None:
    ax.set_facecolor("white")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color("#888888")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: money(v, currency)))
    ax.grid(axis="y", color="#E4E4E4", lw=0.7, zorder=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="both", labelsize=_FONT, colors="#555555", length=0)
    if value_label:
        ax.set_ylabel(value_label, fontsize=_FONT, color="#555555")
    if x1 - x0 > 2.5 * 365:
        # Year ticks at 1 January, the year's name centred under it.
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(NullFormatter())
        ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=7, bymonthday=1))
        ax.xaxis.set_minor_formatter(mdates.DateFormatter("%Y"))
        ax.tick_params(axis="x", which="major", length=4, color="#888888")
        ax.tick_params(axis="x", which="minor", length=0, labelsize=_FONT, colors="#555555")
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
