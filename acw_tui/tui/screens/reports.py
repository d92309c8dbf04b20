"""The reports screen for team leads: the figures of `acw report`, charts drawn in the
terminal, switchable grouping and range, and a drill-down from an agent to their wrap-ups.

The screen only shows a `Report`; building it (SQL on the store) runs in a thread worker
so the screen stays responsive on a large store.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from acw_tui.core import metrics
from acw_tui.reports import queries
from acw_tui.reports.assemble import Report, build_report
from acw_tui.reports.queries import Selection
from acw_tui.reports.render import COLUMNS, title
from acw_tui.reports.source import ReportError, ReportSource
from acw_tui.tui.widgets.key_bar import KeyBar
from acw_tui.tui.widgets.report_charts import AgentsChart, DistributionChart, TrendChart

GROUP_CHOICES: list[tuple[str, str]] = [("everything", "all")] + [
    (f"by {name}", name) for name in queries.GROUPINGS
]
RANGE_CHOICES: list[tuple[str, str]] = [
    ("last day", "1"),
    ("last 7 days", "7"),
    ("last 30 days", "30"),
    ("last 90 days", "90"),
    ("all time", "all"),
]


@dataclass(frozen=True)
class ReportView:
    """What the lead picked: grouping and range."""

    by: str | None
    days: int | None


class AgentWrapupsScreen(Screen[None]):
    """One agent's newest wrap-ups in the report's range (the drill-down)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]
    DEFAULT_CSS = """
    AgentWrapupsScreen #agent-title { padding: 0 1; text-style: bold; }
    AgentWrapupsScreen DataTable { height: 1fr; }
    """

    def __init__(self, agent_id: str, rows: list[tuple], range_text: str) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.rows = rows
        self.range_text = range_text

    def compose(self) -> ComposeResult:
        yield Label(
            f"Wrap-ups of {self.agent_id}, {self.range_text} (newest first, at most 200)",
            id="agent-title",
        )
        yield DataTable(id="agent-wrapups", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ACW start (UTC)", "ACW", "queue", "codes", "flags", "status", "note")
        for started, acw, queue, codes, timed_out, extensions, status, compliant, note in self.rows:
            flags = []
            if timed_out:
                flags.append("timed out")
            if json.loads(extensions or "[]"):
                flags.append("extended")
            if status == "done" and not compliant:
                flags.append("incomplete")
            table.add_row(
                str(started)[:16].replace("T", " "),
                metrics.format_seconds(None if acw is None else float(acw)),
                queue or "–",
                ", ".join(json.loads(codes or "[]")) or "–",
                ", ".join(flags) or "–",
                status,
                " ".join(str(note).split())[:60],
            )
        table.focus()


class ReportsScreen(Screen[None]):
    """ACW figures per group, with charts; Enter on an agent shows their wrap-ups."""

    BINDINGS = [
        Binding("g", "next_grouping", "Grouping"),
        Binding("r", "next_range", "Range"),
        Binding("escape", "app.pop_screen", "Back"),
    ]
    DEFAULT_CSS = """
    ReportsScreen #report-title { padding: 0 1; text-style: bold; height: 1; }
    ReportsScreen #controls { height: 3; }
    ReportsScreen #controls Select { width: 24; }
    ReportsScreen #figures { height: 1fr; min-height: 4; }
    /* A fixed height: the charts keep their size while the table fills, so plotext
       draws them once at their final size. */
    ReportsScreen #charts { height: 22; }
    ReportsScreen #charts PlotextPlot { width: 1fr; height: 1fr; }
    ReportsScreen #outliers { height: auto; padding: 0 1; color: $warning; }
    """

    view: var[ReportView] = var(ReportView(None, 7), init=False)

    def __init__(
        self,
        open_source: Callable[[], ReportSource],
        *,
        now: Callable[[], datetime],
        outlier_factor: float = 1.5,
    ) -> None:
        super().__init__()
        self.open_source = open_source
        self.now = now
        self.outlier_factor = outlier_factor
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Label("ACW report", id="report-title")
        with Horizontal(id="controls"):
            yield Select(GROUP_CHOICES, value="all", allow_blank=False, id="by")
            yield Select(RANGE_CHOICES, value="7", allow_blank=False, id="range")
        yield DataTable(id="figures", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="charts"):
            yield DistributionChart(id="distribution")
            yield TrendChart(id="trend")
            yield AgentsChart(id="agents")
        yield Static("", id="outliers")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load(self.view)

    # -- what the lead picks ----------------------------------------------------------

    @on(Select.Changed, "#by")
    def _grouping_picked(self, event: Select.Changed) -> None:
        by = None if event.value == "all" else str(event.value)
        if by != self.view.by:
            self.view = ReportView(by, self.view.days)

    @on(Select.Changed, "#range")
    def _range_picked(self, event: Select.Changed) -> None:
        days = None if event.value == "all" else int(str(event.value))
        if days != self.view.days:
            self.view = ReportView(self.view.by, days)

    def action_next_grouping(self) -> None:
        values = [value for _, value in GROUP_CHOICES]
        current = self.view.by or "all"
        self.query_one("#by", Select).value = values[(values.index(current) + 1) % len(values)]

    def action_next_range(self) -> None:
        values = [value for _, value in RANGE_CHOICES]
        current = "all" if self.view.days is None else str(self.view.days)
        self.query_one("#range", Select).value = values[(values.index(current) + 1) % len(values)]

    def watch_view(self, view: ReportView) -> None:
        self.load(view)

    # -- building and showing ---------------------------------------------------------

    def selection(self, view: ReportView) -> Selection:
        start = None if view.days is None else self.now() - timedelta(days=view.days)
        return Selection(start=start)

    @work(thread=True, exclusive=True, group="report")
    def load(self, view: ReportView) -> None:
        now = self.now()
        try:
            source = self.open_source()
            try:
                made = build_report(
                    source,
                    self.selection(view),
                    now,
                    by=view.by,
                    outlier_factor=self.outlier_factor,
                    charts=True,
                )
            finally:
                source.close()
        except ReportError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.show_report, made)

    def show_report(self, made: Report) -> None:
        self.report = made
        self.query_one("#report-title", Label).update(title(made))
        table = self.query_one("#figures", DataTable)
        table.clear(columns=True)
        table.add_columns("group" if made.by else "", *(heading for _, heading, _ in COLUMNS))
        for row in made.rows:
            table.add_row(
                row.group,
                *(show(getattr(row, name)) for name, _, show in COLUMNS),
                key=row.group,
            )
        self.query_one(DistributionChart).show(made)
        self.query_one(TrendChart).show(made)
        self.query_one(AgentsChart).show(made)
        outliers = ", ".join(
            f"{o.agent_id} {metrics.format_seconds(o.median_s)} ({o.times_team:.1f}× team)"
            for o in made.outliers
        )
        hint = "  ·  Enter on an agent: their wrap-ups" if made.by == "agent" else ""
        self.query_one("#outliers", Static).update(
            f"Outliers (median > {made.outlier_factor:g} × team median): {outliers or 'none'}{hint}"
        )

    @on(DataTable.RowSelected, "#figures")
    def _drill_down(self, event: DataTable.RowSelected) -> None:
        if self.report is None or self.report.by != "agent" or event.row_key.value is None:
            return
        self.drill_down(event.row_key.value)

    @work(thread=True, exclusive=True, group="drill-down")
    def drill_down(self, agent_id: str) -> None:
        report = self.report
        if report is None:
            return
        source = self.open_source()
        try:
            rows = queries.agent_wrapups(source, report.selection, report.now, agent_id)
        finally:
            source.close()
        from acw_tui.reports.render import describe_range

        screen = AgentWrapupsScreen(agent_id, rows, describe_range(report))
        self.app.call_from_thread(self.app.push_screen, screen)


def open_reports(app: App[None]) -> None:
    """Open the reports screen over the app's own store (F6, or the command palette)."""
    from acw_tui.errors import AcwError
    from acw_tui.reports.options import ReportSettings
    from acw_tui.reports.source import sqlite_source
    from acw_tui.settings import config as config_module

    if isinstance(app.screen, ReportsScreen):
        return
    desk = app.desk  # type: ignore[attr-defined]
    try:
        settings = config_module.section(desk.config, "report", ReportSettings)
    except AcwError as exc:
        app.notify(str(exc), severity="error")
        return
    path = desk.store.path
    app.push_screen(
        ReportsScreen(
            lambda: sqlite_source(path),
            now=lambda: datetime.now(UTC),
            outlier_factor=settings.outlier_factor,
        )
    )
