"""The reports screen's charts, drawn in the terminal with textual-plotext.

plotext counts every character as one cell, so a Chinese title or legend inside the
plot would push its frame out of line: each chart's words (title, legend, team median)
are its `heading`, which the screen shows in a Label above the plot (Textual measures
double-width text), in the chosen language. Inside the plot are only numbers and ids.
"""

from __future__ import annotations

from rich.text import Text
from textual_plotext import PlotextPlot

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


# The trend's two lines, in plotext's colour names and the same colours as Rich names
# them (for the legend in the heading).
AVERAGE_COLOR = ("blue", "blue")
MEDIAN_COLOR = ("orange", "dark_orange")


class DistributionChart(PlotextPlot):
    """Wrap-ups per ACW duration (30-second buckets)."""

    heading: Text | str = ""

    def show(self, report: Report) -> None:
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
        self.refresh()


class TrendChart(PlotextPlot):
    """Average and median ACW per day."""

    heading: Text | str = ""

    def show(self, report: Report) -> None:
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
        self.heading = Text.assemble(
            _("ACW by day (seconds)"),
            ": ",
            ("━ " + _("average"), AVERAGE_COLOR[1]),
            "  ",
            ("━ " + _("median"), MEDIAN_COLOR[1]),
        )
        self.refresh()


class AgentsChart(PlotextPlot):
    """Each agent's median ACW, with the team median and the outlier line."""

    heading: Text | str = ""

    def show(self, report: Report) -> None:
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
        for median in report.team_medians.values():
            plt.vline(median, "red")
            plt.vline(median * report.outlier_factor, "orange")
        medians = ", ".join(LocalFormat.seconds(m) for m in report.team_medians.values())
        self.heading = _("Median ACW per agent (s); team median {medians}").format(
            medians=medians or DASH
        )
        self.refresh()
