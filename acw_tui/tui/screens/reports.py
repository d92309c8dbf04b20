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
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Label, Select, Static

from acw_tui.errors import AcwError
from acw_tui.i18n import N_, _, said
from acw_tui.reports import queries
from acw_tui.reports.assemble import Report, build_report
from acw_tui.reports.local_format import DASH, LocalFormat
from acw_tui.reports.queries import Selection
from acw_tui.reports.render import GROUPING_TITLES, column_headings, figure_cells, title
from acw_tui.reports.source import ReportSource
from acw_tui.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from acw_tui.tui.app import AcwApp
from acw_tui.tui.compat import size_columns_now
from acw_tui.tui.screens.base import EveryScreen
from acw_tui.tui.widgets.report_charts import AgentsChart, DistributionChart, TrendChart

# (label, value); the labels are marked here and translated when the screen is built.
GROUP_CHOICES: list[tuple[str, str]] = [(N_("everything"), "all")] + [
    (GROUPING_TITLES[name], name) for name in queries.GROUPINGS
]
RANGE_CHOICES: list[tuple[str, str]] = [
    (N_("last day"), "1"),
    (N_("last 7 days"), "7"),
    (N_("last 30 days"), "30"),
    (N_("last 90 days"), "90"),
    (N_("all time"), "all"),
]
# A wrap-up's status as the store keeps it, for a person.
STATUSES = {"open": N_("open"), "done": N_("done"), "discarded": N_("discarded")}


def translated(choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in choices]


@dataclass
class ReportReady(Message):
    """A report built in the background, for the grouping and range it was asked for."""

    report: Report
    view: ReportView


@dataclass
class ReportFailed(Message):
    """A report or a drill-down could not be built: what to tell the lead, and the error
    when it was unexpected."""

    text: str
    error: Exception | None = None
    view: ReportView | None = None  # the report asked for (None: the drill-down)


@dataclass
class AgentWrapupsReady(Message):
    """One agent's wrap-ups in the report's range, read for the drill-down."""

    agent_id: str
    rows: list[tuple]


@dataclass(frozen=True)
class ReportView:
    """What the lead picked: grouping and range."""

    by: str | None
    days: int | None


class AgentWrapupsScreen(EveryScreen, Screen[None]):
    """One agent's newest wrap-ups in the report's range (the drill-down)."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]
    DEFAULT_CSS = """
    AgentWrapupsScreen #agent-title { padding: 0 1; text-style: bold; width: 100%; height: auto; }
    AgentWrapupsScreen DataTable { height: 1fr; }
    """

    def __init__(self, agent_id: str, rows: list[tuple], range_text: str) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.rows = rows
        self.range_text = range_text

    def compose(self) -> ComposeResult:
        yield Label(
            _("Wrap-ups of {agent}, {range} (newest first, at most 200)").format(
                agent=self.agent_id, range=self.range_text
            ),
            id="agent-title",
            markup=False,
        )
        yield DataTable(id="agent-wrapups", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            _("ACW start (UTC)"), "ACW", _("queue"), _("codes"), _("flags"), _("status"), _("note")
        )
        # Every word once for the whole table, not once per row.
        shown = LocalFormat()
        timed_out_flag, extended_flag, incomplete_flag = (
            _("timed out"),
            _("extended"),
            _("incomplete"),
        )
        statuses = {key: _(text) for key, text in STATUSES.items()}
        for started, acw, queue, codes, timed_out, extensions, status, compliant, note in self.rows:
            flags = []
            if timed_out:
                flags.append(timed_out_flag)
            if json.loads(extensions or "[]"):
                flags.append(extended_flag)
            if status == "done" and not compliant:
                flags.append(incomplete_flag)
            table.add_row(
                shown.stored_moment(str(started)).replace("T", " "),
                shown.seconds(None if acw is None else float(acw)),
                Text(queue or DASH),
                Text(", ".join(json.loads(codes or "[]")) or DASH),
                ", ".join(flags) or DASH,
                statuses.get(status, status),
                Text(" ".join(str(note).split())[:60]),
            )
        size_columns_now(table)
        table.focus()


class ReportsScreen(EveryScreen, Screen[None]):
    """ACW figures per group, with charts; Enter on an agent shows their wrap-ups."""

    BINDINGS = [
        Binding("g", "next_grouping", N_("Grouping")),
        Binding("r", "next_range", N_("Range")),
        Binding("escape", "app.pop_screen", N_("Back")),
    ]
    # Below 40 rows (80×24) the charts take 9 rows, so the figures, the outliers and
    # every key still show; the title wraps rather than being cut (Polish and Spanish
    # titles are longer, Chinese characters take two cells).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (40, "-tall")]
    DEFAULT_CSS = """
    ReportsScreen #report-title { padding: 0 1; text-style: bold; width: 100%; height: auto; }
    ReportsScreen #controls { height: 3; }
    ReportsScreen #controls Select { width: 24; }
    ReportsScreen #figures { height: 1fr; min-height: 4; }
    /* A fixed height: the charts keep their size while the table fills, so plotext
       draws them once at their final size. */
    ReportsScreen #charts { height: 22; }
    ReportsScreen.-short #figures { min-height: 3; }
    ReportsScreen.-short #charts { height: 9; }
    ReportsScreen #charts .chart { width: 1fr; height: 1fr; }
    ReportsScreen #charts .chart-title { width: 100%; height: auto; padding: 0 1; }
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
        # The view the screen shows now (a report or its failure): `view` once the
        # report asked for last is in.
        self.shown_view: ReportView | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("ACW report"), id="report-title", markup=False)
        with Horizontal(id="controls"):
            yield Select(translated(GROUP_CHOICES), value="all", allow_blank=False, id="by")
            yield Select(translated(RANGE_CHOICES), value="7", allow_blank=False, id="range")
        yield DataTable(id="figures", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="charts"):
            for chart in (
                DistributionChart(id="distribution"),
                TrendChart(id="trend"),
                AgentsChart(id="agents"),
            ):
                with Vertical(classes="chart"):
                    yield Label("", id=f"{chart.id}-title", classes="chart-title", markup=False)
                    yield chart
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
        values = [value for _label, value in GROUP_CHOICES]
        current = self.view.by or "all"
        self.query_one("#by", Select).value = values[(values.index(current) + 1) % len(values)]

    def action_next_range(self) -> None:
        values = [value for _label, value in RANGE_CHOICES]
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
            self.post_message(ReportFailed(said(exc), view=view))
            return
        except Exception as exc:  # a bug in a report must not take the screen down
            self.post_message(ReportFailed(_("the report could not be built"), exc, view))
            return
        self.post_message(ReportReady(made, view))

    @on(ReportFailed)
    def report_failed(self, event: ReportFailed) -> None:
        if event.view is not None:
            if event.view != self.view:
                return  # a report the lead no longer waits for
            self.shown_view = event.view
        if event.error is not None:
            unexpected = getattr(self.app, "unexpected_error", None)
            if unexpected is not None:
                unexpected(event.error, "building a report")
                return
        self.notify(event.text, title=_("Report"), severity="error", timeout=10, markup=False)

    @on(ReportReady)
    def report_ready(self, event: ReportReady) -> None:
        if event.view != self.view:
            return  # built for a grouping or range the lead has since left
        self.show_report(event.report)
        self.shown_view = event.view

    def show_report(self, made: Report) -> None:
        self.report = made
        shown = LocalFormat()
        self.query_one("#report-title", Label).update(title(made, shown))
        table = self.query_one("#figures", DataTable)
        table.clear(columns=True)
        table.add_columns(*column_headings(made))
        for row in made.rows:
            group, *cells = figure_cells(row, shown, made.by)
            table.add_row(Text(group), *cells, key=row.group)
        size_columns_now(table)
        for chart in (
            self.query_one(DistributionChart),
            self.query_one(TrendChart),
            self.query_one(AgentsChart),
        ):
            chart.show(made)
            self.query_one(f"#{chart.id}-title", Label).update(chart.heading)
        self.query_one("#outliers", Static).update(Text(summary_lines(made, shown)))

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
            self.post_message(ReportFailed(said(exc)))
            return
        except Exception as exc:
            self.post_message(ReportFailed(_("the wrap-ups could not be read"), exc))
            return
        self.post_message(AgentWrapupsReady(agent_id, rows))

    @on(AgentWrapupsReady)
    def show_agent_wrapups(self, event: AgentWrapupsReady) -> None:
        from acw_tui.reports.render import describe_range

        if self.report is not None and self.is_current:
            screen = AgentWrapupsScreen(event.agent_id, event.rows, describe_range(self.report))
            self.app.push_screen(screen)


def summary_lines(made: Report, shown: LocalFormat) -> str:
    """Outliers, typing and the quality rules to coach on, under the charts."""
    outlier = _("{agent} {median} ({times}× team)")
    outliers = ", ".join(
        outlier.format(
            agent=o.agent_id,
            median=shown.seconds(o.median_s),
            times=shown.ratio(o.times_team, digits=1),
        )
        for o in made.outliers
    )
    hint = "  ·  " + _("Enter on an agent: their wrap-ups") if made.by == "agent" else ""
    typed = _("typed / final {team}: {ratio}, saved {time}")
    typing = "".join(
        "  ·  "
        + typed.format(
            team=team.group,
            ratio=shown.ratio(team.typed_per_final),
            time=shown.seconds(team.time_saved_s(made.typing_cpm)),
        )
        for team in made.typing_teams
        if team.typed_per_final is not None
    )
    # The quality rules to coach on (examples: `acw report`, md or html).
    failed = ", ".join(f"{f.rule} ({shown.count(f.times)})" for f in made.failed_rules[:5])
    failed = "\n" + _("Most-failed quality rules: {rules}").format(rules=failed) if failed else ""
    head = _("Outliers (median > {factor} × team median): {outliers}").format(
        factor=shown.plain(made.outlier_factor), outliers=outliers or _("none")
    )
    return f"{head}{hint}{typing}{failed}"


def open_reports(app: AcwApp) -> None:
    """Open the reports screen over the app's own store (F6, or the command palette)."""
    if isinstance(app.screen, ReportsScreen):
        return
    settings = app.calls.read(app.desk.report_settings, what=_("Reports"))
    if settings is None:
        return
    app.push_screen(
        ReportsScreen(
            app.desk.report_source,
            now=lambda: datetime.now(UTC),
            outlier_factor=settings.outlier_factor,
        )
    )
