"""The reports screen on a seeded demo store with a fixed "now"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.app import App
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static
from textual_plotext import PlotextPlot

from acw_tui.reports.assemble import build_report
from acw_tui.reports.queries import Selection
from acw_tui.reports.source import sqlite_source
from acw_tui.store import open_store
from acw_tui.store.demo import generate_demo
from acw_tui.tui.screens.reports import AgentWrapupsScreen, ReportsScreen
from acw_tui.tui.widgets.report_charts import (
    AgentsChart,
    DistributionChart,
    ReportChart,
    TrendChart,
)
from tests.tui.conftest import tables_settled, wait_for

END = datetime(2026, 3, 10, tzinfo=UTC)
NOW = END  # midnight: "last 7 days" is exactly the last seven demo days
SIZE = (140, 48)


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "demo.db"
    store = open_store(path)
    generate_demo(store, calls=700, agents=5, days=10, seed=3, end=END)
    store.close()
    return path


class ReportsApp(App[None]):
    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(ReportsScreen(lambda: sqlite_source(self.path), now=lambda: NOW))


settle = tables_settled  # the report is built in a worker, then its tables are sized


async def test_shows_the_figures_of_the_last_seven_days(demo_db: Path) -> None:
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report is not None
        (row,) = screen.report.rows
        assert row.calls == 490  # 7 of the 10 days, 70 calls a day
        table = screen.query_one("#figures", DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[1] == "490"
        outliers = str(screen.query_one("#outliers", Static).render())
        assert "Outliers" in outliers and "elena" in outliers  # the demo's slow writer


async def test_grouping_and_range_switch_and_drill_down(demo_db: Path) -> None:
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await pilot.press("g")  # everything → by agent
        await settle(pilot)
        assert screen.report is not None and screen.report.by == "agent"
        assert [row.group for row in screen.report.rows] == [
            "ana",
            "bartek",
            "carmen",
            "dawid",
            "elena",
        ]
        await pilot.press("r")  # last 7 days → last 30 days (all ten days)
        await settle(pilot)
        assert sum(row.calls for row in screen.report.rows) == 700
        assert screen.query_one("#range", Select).value == "30"

        table = screen.query_one("#figures", DataTable)
        table.focus()
        await pilot.press("down", "enter")  # bartek
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, AgentWrapupsScreen)
        assert drill.agent_id == "bartek"
        assert drill.query_one(DataTable).row_count == 140
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_report_for_a_grouping_already_left_is_never_shown(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """g pressed twice quickly: the report by agent, slower to build, comes in after the
    one asked for last and once replaced it on screen."""
    import time

    import acw_tui.tui.screens.reports as reports

    real = reports.build_report

    def slow_by_agent(*args, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("by") == "agent":
            time.sleep(0.6)
        return real(*args, **kwargs)

    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        monkeypatch.setattr(reports, "build_report", slow_by_agent)
        await pilot.press("g", "g")  # everything → by agent → the next grouping
        await settle(pilot)
        wanted = screen.view.by
        assert wanted not in (None, "agent")
        await pilot.pause(1.0)  # the report by agent is in by now
        await settle(pilot)
        assert screen.report is not None and screen.report.by == wanted


async def test_a_broken_store_is_one_notification(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("not a database", encoding="utf-8")
    app = ReportsApp(bad)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        (note,) = app._notifications
        assert "bad.db" in note.message
        assert note.severity == "error"


def test_snapshot_everything(demo_db: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(ReportsApp(demo_db), terminal_size=SIZE, run_before=settle)


def test_snapshot_by_agent(demo_db: Path, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def by_agent(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(ReportsApp(demo_db), terminal_size=SIZE, run_before=by_agent)


async def test_f6_opens_reports_over_the_apps_store(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportsScreen))
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        assert app.screen.report is not None
        assert app.screen.report.rows[0].calls == 0
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, ReportsScreen))


async def test_typed_per_final_shows_once_keys_were_recorded(demo_db: Path) -> None:
    store = open_store(demo_db)
    store.conn.execute(
        "UPDATE wrapups SET keys_pressed = 40, final_chars = 100 WHERE started_at >= ?",
        ["2026-03-05"],
    )
    store.conn.commit()
    store.close()
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = str(app.screen.query_one("#outliers", Static).render())
        assert "typed / final demo-site: 0.40" in line


def chart_drawings(app: App[None]) -> dict[str, str]:
    """What each chart draws at its size now, as plain text."""
    return {str(chart.id): str(chart.render()) for chart in app.screen.query(PlotextPlot)}


async def test_the_charts_space_their_marks_for_the_size_they_have_after_a_resize(
    demo_db: Path,
) -> None:
    """The marks on each axis are spaced for the chart's size (more room, more marks):
    a lead who widens the terminal gets the same charts as one who opened it wide."""
    wide = ReportsApp(demo_db)
    async with wide.run_test(size=SIZE) as pilot:
        await settle(pilot)
        opened_wide = chart_drawings(wide)
    narrow = ReportsApp(demo_db)
    async with narrow.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        opened_narrow = chart_drawings(narrow)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        await wait_for(pilot, lambda: chart_drawings(narrow) == opened_wide)
    assert opened_narrow != opened_wide


async def test_a_report_in_before_the_first_layout_is_drawn_for_the_charts_size(
    demo_db: Path,
) -> None:
    """On a loaded machine the report's thread can finish before the screen is first
    laid out, when every chart is still 0×0 (a CI screenshot once caught it)."""
    source = sqlite_source(demo_db)
    try:
        made = build_report(source, Selection(start=NOW - timedelta(days=7)), NOW, charts=True)
    finally:
        source.close()

    class Charts(App[None]):
        CSS = "PlotextPlot { width: 1fr; height: 1fr; } Horizontal { height: 22; }"

        def __init__(self, early: bool) -> None:
            super().__init__()
            self.early = early

        def compose(self):  # type: ignore[no-untyped-def]
            with Horizontal():
                yield DistributionChart(id="distribution")
                yield TrendChart(id="trend")
                yield AgentsChart(id="agents")

        def on_mount(self) -> None:
            if self.early:
                self.show_all()  # no layout yet: every chart is 0×0

        def show_all(self) -> None:
            for chart in self.query(ReportChart):
                chart.show(made)

    late = Charts(early=False)
    async with late.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: all(c.size.area for c in late.query(ReportChart)))
        late.show_all()
        await pilot.pause()
        drawn_late = chart_drawings(late)
    early = Charts(early=True)
    async with early.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: chart_drawings(early) == drawn_late)


async def test_a_frame_drawn_before_the_columns_are_sized_leaves_no_figure_cut(
    demo_db: Path,
) -> None:
    """DataTable keeps each drawn cell by its contents, not by its width, and sizes its
    columns only when idle: a frame drawn in between (a loaded machine; a CI screenshot
    caught it) cut every figure to its heading's width for good (`2:2` for `2:28`)."""
    app = ReportsApp(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.report is not None
        screen.show_report(screen.report)
        app.export_screenshot()  # a frame before the table is next idle
        await settle(pilot)
        table = screen.query_one("#figures", DataTable)
        drawn = table.render_line(1).text  # the row under the headings
        assert drawn.split()[:2] == ["all", "490"]
        assert "2:28" in drawn and "5:46" in drawn
