"""The reports screen's charts, drawn in the terminal with textual-plotext.

plotext counts every character as one cell, so a Chinese title or legend inside the
plot would push its frame out of line: each chart's words (title, legend, team median)
are its `heading`, which the screen shows in a Label above the plot (Textual measures
double-width text), in the chosen language. Inside the plot are only numbers and ids;
the numbers on the value axis are round ones acw picks and writes the language's way
(plotext's own would read `1234.0` in every language).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from rich.text import Text
from textual_plotext import Plot, PlotextPlot

from acw_tui.i18n import _
from acw_tui.reports.assemble import Report
from acw_tui.reports.local_format import DASH, LocalFormat

# Columns and rows plotext takes around the plot: the frame, the y axis's numbers
# (`176.0┤`), and the x axis's ticks and labels below.
AXIS_COLUMNS = 10
AXIS_ROWS = 4


def spaced(count: int, room: int, each: int, multiple: int = 1) -> int:
    """Every how many of `count` evenly spread labels, each `each` cells wide, to label
    so that none collide in `room` cells (plotext drops colliding labels in an order
    that changes from run to run: a snapshot would differ). A multiple of `multiple`."""
    if count <= 1 or room <= 0:
        return max(count, 1)
    step = max(1, -(-each * count // room))
    return -(-step // multiple) * multiple


def round_ticks(values: Sequence[float], most: int) -> list[float]:
    """At most `most` (at least 2) evenly spaced round values, steps of 1, 2 or 5 times
    a power of ten, whose span covers `values`: the marks of a value axis."""
    finite = [value for value in values if math.isfinite(value)]
    low, high = min(finite, default=0.0), max(finite, default=0.0)
    high = max(high, low + 1)  # figures of seconds and counts: no finer than 0.2
    most = max(most, 2)
    rough = (high - low) / (most - 1)
    power = 10 ** math.floor(math.log10(rough))
    # The finest round step that needs no more than `most` marks (a step wider than the
    # largest figure needs two: 0 and one step).
    for step in (m * power * 10**k for k in itertools.count() for m in (1, 2, 5)):
        first, last = math.floor(low / step), math.ceil(high / step)
        if last - first + 1 <= most:
            break
    return [float(round(i * step, 6)) for i in range(first, last + 1)]


def value_axis(plt: Plot, values: Sequence[float], most: int, *, horizontal: bool = False) -> None:
    """Mark the value axis at round values, written as the reader's language writes them."""
    ticks = round_ticks(values, most)
    labels = axis_labels(ticks)
    if horizontal:
        plt.xlim(ticks[0], ticks[-1])
        plt.xticks(ticks, labels)
    else:
        plt.ylim(ticks[0], ticks[-1])
        plt.yticks(ticks, labels)


def axis_labels(ticks: Sequence[float]) -> list[str]:
    """The marks as the reader's language writes numbers (`0,5`, `12 000`)."""
    shown = LocalFormat()
    return [shown.count(int(tick)) if tick.is_integer() else shown.plain(tick) for tick in ticks]


def marks_for_rows(rows: int) -> int:
    """How many marks a vertical value axis of `rows` rows takes (one every 3 rows)."""
    return min(6, max(2, rows // 3))


# The trend's two lines, in plotext's colour names and the same colours as Rich names
# them (for the legend in the heading).
AVERAGE_COLOR = ("blue", "blue")
MEDIAN_COLOR = ("orange", "dark_orange")


class ReportChart(PlotextPlot):
    """A chart of a report, its marks spaced for the size it has.

    How many marks an axis takes depends on the chart's size, so the chart draws the
    report again whenever that changes: a resized terminal, or a report that came in
    before the screen was first laid out (every chart still 0×0; the report is built
    in a thread, which on a loaded machine can finish first).
    """

    heading: Text | str = ""
    report: Report | None = None

    def show(self, report: Report) -> None:
        self.report = report
        self.draw(report)

    def on_resize(self) -> None:
        if self.report is not None:
            self.draw(self.report)

    def draw(self, report: Report) -> None:
        """Each chart draws its own figures of `report`, fitted to `self.size`."""
        raise NotImplementedError


class DistributionChart(ReportChart):
    """Wrap-ups per ACW duration (30-second buckets)."""

    def draw(self, report: Report) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        buckets = report.distribution
        plt.bar([b.label for b in buckets], [b.wrapups for b in buckets], marker="hd", width=0.9)
        self.heading = _("ACW distribution (wrap-ups per duration)")
        # Every 2:30 (or 5:00 on a narrow chart), with room between labels.
        widest = max((len(b.label) for b in buckets), default=4) + 2
        step = spaced(len(buckets), self.size.width - AXIS_COLUMNS, widest, multiple=5)
        plt.xticks(list(range(1, len(buckets) + 1, step)), [b.label for b in buckets][::step])
        counts = [0] + [b.wrapups for b in buckets]
        value_axis(plt, counts, marks_for_rows(self.size.height - AXIS_ROWS))
        self.refresh()


class TrendChart(ReportChart):
    """Average and median ACW per day."""

    def draw(self, report: Report) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        days = report.trend
        shown = LocalFormat()
        xs = list(range(1, len(days) + 1))
        if days:
            plt.plot(xs, [row.acw_avg_s or 0 for row in days], marker="hd", color=AVERAGE_COLOR[0])
            plt.plot(
                xs, [row.acw_median_s or 0 for row in days], marker="hd", color=MEDIAN_COLOR[0]
            )
            labels = [shown.day(row.group) for row in days]
            widest = max(len(label) for label in labels) + 2
            # At most four labels, fewer when they would collide.
            step = max(
                -(-len(days) // 4), spaced(len(days), self.size.width - AXIS_COLUMNS, widest)
            )
            plt.xticks(xs[::step], labels[::step])
            seconds = [row.acw_avg_s or 0 for row in days] + [row.acw_median_s or 0 for row in days]
            value_axis(plt, seconds, marks_for_rows(self.size.height - AXIS_ROWS))
        self.heading = Text.assemble(
            _("ACW by day (seconds)"),
            ": ",
            ("━ " + _("average"), AVERAGE_COLOR[1]),
            "  ",
            ("━ " + _("median"), MEDIAN_COLOR[1]),
        )
        self.refresh()


class AgentsChart(ReportChart):
    """Each agent's median ACW, with the team median and the outlier line."""

    def draw(self, report: Report) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        agents = sorted(report.agent_medians, key=lambda a: a.median_s)
        if agents:
            plt.bar(
                [a.agent_id for a in agents],
                [round(a.median_s, 1) for a in agents],
                orientation="horizontal",
                marker="hd",
                width=0.6,
            )
            # One name a row at most, the slowest agent's always: on a short chart
            # plotext would otherwise drop names unpredictably.
            step = spaced(len(agents), self.size.height - AXIS_ROWS, 1)
            shown_rows = list(range(len(agents), 0, -step))
            plt.yticks(shown_rows, [agents[i - 1].agent_id for i in shown_rows])
        lines = []
        for median in report.team_medians.values():
            plt.vline(median, "red")
            plt.vline(median * report.outlier_factor, "orange")
            lines += [median, median * report.outlier_factor]
        if agents:
            # One mark every ten columns or so: a label is up to six cells wide.
            most = min(6, max(2, (self.size.width - AXIS_COLUMNS) // 10))
            value_axis(plt, [0] + [a.median_s for a in agents] + lines, most, horizontal=True)
        medians = ", ".join(LocalFormat.seconds(m) for m in report.team_medians.values())
        self.heading = _("Median ACW per agent (s); team median {medians}").format(
            medians=medians or DASH
        )
        self.refresh()
