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
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from acw_tui.core import metrics
from acw_tui.errors import AcwError
from acw_tui.reports import queries
from acw_tui.reports.assemble import Report, build_report
from acw_tui.reports.queries import Selection
from acw_tui.reports.render import COLUMNS, title
from acw_tui.reports.source import ReportSource
from acw_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from acw_tui.tui.app import AcwApp
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


@dataclass
class ReportReady(Message):
    report: Report


@dataclass
class ReportFailed(Message):
    text: str
    error: Exception | None = None


@dataclass
class AgentWrapupsReady(Message):
    agent_id: str
    rows: list[tuple]


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
                Text(queue or "–"),
                Text(", ".join(json.loads(codes or "[]")) or "–"),
                ", ".join(flags) or "–",
                status,
                Text(" ".join(str(note).split())[:60]),
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

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
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
        except AcwError as exc:
            self.post_message(ReportFailed(str(exc)))
            return
        except Exception as exc:  # a bug in a report must not take the screen down
            self.post_message(ReportFailed("the report could not be built", exc))
            return
        self.post_message(ReportReady(made))

    @on(ReportFailed)
    def report_failed(self, event: ReportFailed) -> None:
        if event.error is not None:
            unexpected = getattr(self.app, "unexpected_error", None)
            if unexpected is not None:
                unexpected(event.error, "building a report")
                return
        self.notify(event.text, title="Report", severity="error", timeout=10, markup=False)

    @on(ReportReady)
    def report_ready(self, event: ReportReady) -> None:
        self.show_report(event.report)

    def show_report(self, made: Report) -> None:
        self.report = made
        self.query_one("#report-title", Label).update(title(made))
        table = self.query_one("#figures", DataTable)
        table.clear(columns=True)
        table.add_columns("group" if made.by else "", *(heading for _, heading, _ in COLUMNS))
        for row in made.rows:
            table.add_row(
                Text(row.group),
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
        # The quality rules to coach on (examples: `acw report`, md or html).
        failed = ", ".join(f"{f.rule} ({f.times})" for f in made.failed_rules[:5])
        failed = f"\nMost-failed quality rules: {failed}" if failed else ""
        typing = "".join(
            f"  ·  typed / final {team.group}: {team.typed_per_final:.2f}, saved "
            f"{metrics.format_seconds(team.time_saved_s(made.typing_cpm))}"
            for team in made.typing_teams
            if team.typed_per_final is not None
        )
        self.query_one("#outliers", Static).update(
            f"Outliers (median > {made.outlier_factor:g} × team median): "
            f"{outliers or 'none'}{hint}{typing}{failed}"
        )

    @on(DataTable.RowSelected, "#figures")
    def _drill_down(self, event: DataTable.RowSelected) -> None:
        if self.report is None or self.report.by != "agent" or event.row_key.value is None:
            return
        self.drill_down(event.row_key.value)

    @work(thread=True, exclusive=True, group="drill-down", exit_on_error=False)
    def drill_down(self, agent_id: str) -> None:
        report = self.report
        if report is None:
            return
        try:
            source = self.open_source()
            try:
                rows = queries.agent_wrapups(source, report.selection, report.now, agent_id)
            finally:
                source.close()
        except AcwError as exc:
            self.post_message(ReportFailed(str(exc)))
            return
        except Exception as exc:
            self.post_message(ReportFailed("the wrap-ups could not be read", exc))
            return
        self.post_message(AgentWrapupsReady(agent_id, rows))

    @on(AgentWrapupsReady)
    def show_agent_wrapups(self, event: AgentWrapupsReady) -> None:
        from acw_tui.reports.render import describe_range

        if self.report is not None and self.is_current:
            screen = AgentWrapupsScreen(event.agent_id, event.rows, describe_range(self.report))
            self.app.push_screen(screen)


def open_reports(app: AcwApp) -> None:
    """Open the reports screen over the app's own store (F6, or the command palette)."""
    if isinstance(app.screen, ReportsScreen):
        return
    settings = app.calls.read(app.desk.report_settings, what="Reports")
    if settings is None:
        return
    app.push_screen(
        ReportsScreen(
            app.desk.report_source,
            now=lambda: datetime.now(UTC),
            outlier_factor=settings.outlier_factor,
        )
    )
