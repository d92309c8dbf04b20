"""The reports screen's charts, drawn in the terminal with textual-plotext."""

from __future__ import annotations

import math

from rich.cells import cell_len
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from acw_tui.core import metrics
from acw_tui.reports.assemble import Report


class DistributionChart(PlotextPlot):
    """Wrap-ups per ACW duration (30-second buckets)."""

    labels: list[str] = []

    def show(self, report: Report) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        buckets = report.distribution
        plt.bar([b.label for b in buckets], [b.wrapups for b in buckets], marker="hd", width=0.9)
        plt.title("ACW distribution (wrap-ups per duration)")
        self.labels = [b.label for b in buckets]
        self.refresh()

    def render(self) -> RenderResult:
        # Labels spaced for the width the chart has now: plotext drops colliding labels
        # in an order that changes from run to run (with Python's hash seed).
        if self.labels:
            self.plt.xticks(*spaced_ticks(self.labels, self.size.width))
        return super().render()


def spaced_ticks(labels: list[str], width: int) -> tuple[list[int], list[str]]:
    """Every 5th label (every 2:30), or fewer when the labels would not fit apart."""
    plot_width = max(1, width - 8)  # less the y axis and its numbers
    needed = (max(cell_len(label) for label in labels) + 2) * len(labels)
    step = max(5, math.ceil(needed / plot_width))
    return list(range(1, len(labels) + 1, step)), labels[::step]


class TrendChart(PlotextPlot):
    """Average and median ACW per day."""

    def show(self, report: Report) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        days = report.trend
        xs = list(range(1, len(days) + 1))
        if days:
            plt.plot(xs, [row.acw_avg_s or 0 for row in days], label="average", marker="hd")
            plt.plot(xs, [row.acw_median_s or 0 for row in days], label="median", marker="hd")
            step = -(
                -len(days) // 4
            )  # at most four labels: plotext drops colliding ones unpredictably
            plt.xticks(xs[::step], [row.group[5:] for row in days][::step])
        plt.title("ACW by day (seconds)")
        self.refresh()


class AgentsChart(PlotextPlot):
    """Each agent's median ACW, with the team median and the outlier line."""

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
        medians = ", ".join(metrics.format_seconds(m) for m in report.team_medians.values())
        plt.title(f"Median ACW per agent (s); team median {medians or '–'}")
        self.refresh()
