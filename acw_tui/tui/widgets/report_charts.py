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
        # Every 2:30, with room between labels: plotext drops colliding labels in an
        # order that changes from run to run.
        plt.xticks(list(range(1, len(buckets) + 1, 5)), [b.label for b in buckets][::5])
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
            step = -(
                -len(days) // 4
            )  # at most four labels: plotext drops colliding ones unpredictably
            plt.xticks(xs[::step], [shown.day(row.group) for row in days][::step])
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
        for median in report.team_medians.values():
            plt.vline(median, "red")
            plt.vline(median * report.outlier_factor, "orange")
        medians = ", ".join(LocalFormat.seconds(m) for m in report.team_medians.values())
        self.heading = _("Median ACW per agent (s); team median {medians}").format(
            medians=medians or DASH
        )
        self.refresh()
