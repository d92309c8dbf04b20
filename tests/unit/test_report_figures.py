"""Report figures on a hand-built history (tests/report_seed.py), computed by hand here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from acw_tui.reports.assemble import Report, build_report
from acw_tui.reports.queries import Selection
from acw_tui.reports.source import ReportSource, sqlite_source
from acw_tui.store import Store
from tests.report_seed import NOW, seed

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 3, 3, tzinfo=UTC)
RANGE = Selection(START, END)


@pytest.fixture
def source(fresh_store: Store) -> Iterator[ReportSource]:
    seed(fresh_store)
    opened = sqlite_source(fresh_store.path)
    yield opened
    opened.close()


def report(source: ReportSource, by: str | None = None, **kwargs: object) -> Report:
    selection = kwargs.pop("selection", RANGE)
    return build_report(source, selection, NOW, by=by, **kwargs)  # type: ignore[arg-type]


def rows(made: Report) -> dict[str, dict[str, object]]:
    return {row.group: row.as_dict() for row in made.rows}


def test_one_row_for_everything(source: ReportSource) -> None:
    (row,) = report(source).rows
    acw = [60, 90, 120, 240, 300]  # ana 120, 60, 300; bo 240; dee 90 (open and old ones left out)
    logged_in = 19_800 + 4_200 + 7_200 + 4_200  # ana, bo, cy, dee (see report_seed)
    assert row.group == "all"
    assert row.calls == 5
    assert row.acw_total_s == sum(acw) == 810
    assert row.acw_avg_s == 162.0
    assert row.acw_median_s == 120.0
    assert row.acw_p90_s == 240 + 0.6 * (300 - 240)  # rank 0.9 × 4 = 3.6
    assert row.as_dict()["acw_pct"] == round(810 / logged_in * 100, 1) == 2.3
    # Talk is unknown for ana's 13:20 call, so AHT covers the other four.
    assert row.aht_s == (600 + 120 + 300 + 60 + 480 + 240 + 200 + 90) / 4
    assert row.compliance_pct == 80.0  # 4 of 5 finished wrap-ups
    assert row.timeout_rate == 0.2
    assert row.extension_rate == 0.2


def test_by_agent_with_state_gaps_and_an_agent_without_calls(source: ReportSource) -> None:
    found = rows(report(source, "agent"))
    assert list(found) == ["ana", "bo", "cy", "dee"]
    ana = found["ana"]
    # 30 min of a break that began before the range, 08–12 and 13–14; the 12–13 gap and
    # the logged_out hour are not logged-in time.
    assert ana["acw_pct"] == round(480 / (1_800 + 4 * 3_600 + 3_600) * 100, 1) == 2.4
    assert ana["calls"] == 3
    assert ana["acw_median_s"] == 120.0
    assert ana["acw_p90_s"] == 120 + 0.8 * (300 - 120)
    assert ana["aht_s"] == (720 + 360) / 2
    assert ana["compliance_pct"] == round(2 / 3 * 100, 1)
    assert ana["timeout_rate"] == round(1 / 3, 4)
    assert ana["extension_rate"] == round(1 / 3, 4)
    assert found["bo"]["acw_pct"] == round(240 / 4_200 * 100, 1)
    # cy was logged in for two hours (the running state clipped at the range end) and took no calls.
    assert found["cy"] == {
        "group": "cy", "calls": 0, "acw_total_s": 0.0, "acw_avg_s": None, "acw_median_s": None,
        "acw_p90_s": None, "acw_pct": 0.0, "aht_s": None, "compliance_pct": None,
        "timeout_rate": None, "extension_rate": None, "quality_avg": None,
        "critical_fail_rate": None, "auto_code_rate": None,
    }  # fmt: skip


def test_by_day_counts_a_wrapup_on_the_day_its_acw_began(source: ReportSource) -> None:
    found = rows(report(source, "day"))
    assert list(found) == ["2026-03-01", "2026-03-02"]
    # bo's wrap-up began at 23:58 and ended after midnight: it belongs to 03-01.
    assert found["2026-03-01"]["calls"] == 4
    assert found["2026-03-01"]["acw_total_s"] == 120 + 60 + 300 + 240
    # The state log is split at midnight: bo's 23:50–01:00 gives 600 s to 03-01 and 3600 s
    # to 03-02, of which his ACW 23:58–00:02 gives 120 s to each.
    day1 = 19_800 + 600 + 3_600  # ana, bo, cy
    day2 = 3_600 + 3_600 + 4_200  # bo, cy (23:00–24:00), dee
    assert found["2026-03-01"]["acw_pct"] == round((480 + 120) / day1 * 100, 1) == 2.5
    assert found["2026-03-02"]["acw_pct"] == round((120 + 90) / day2 * 100, 1) == 1.8


def test_by_hour_splits_logged_in_time_at_the_hour(source: ReportSource) -> None:
    found = rows(report(source, "hour"))
    assert found["09"]["calls"] == 1
    assert found["09"]["acw_pct"] == round(120 / (3_600 + 600) * 100, 1)  # ana 09–10, dee 09:50–10
    assert found["10"]["acw_pct"] == round(90 / (3 * 3_600) * 100, 1)  # ana, cy, dee
    # bo's ACW 23:58–00:02: two minutes in hour 23, two in hour 00.
    assert found["23"]["acw_pct"] == round(120 / (600 + 3_600) * 100, 1)  # bo, cy
    assert found["13"]["acw_pct"] == round(360 / 3_600 * 100, 1)
    assert found["13"]["calls"] == 2
    assert found["00"]["calls"] == 0  # logged in (ana 00:00–00:30, bo 00:00–01:00), no calls
    assert found["00"]["acw_pct"] == round(120 / (1_800 + 3_600) * 100, 1)


def test_by_team_and_site_filter(source: ReportSource) -> None:
    found = rows(report(source, "team"))
    assert found["site-1"]["calls"] == 4
    assert found["site-1"]["acw_pct"] == round(720 / (19_800 + 4_200 + 7_200) * 100, 1)
    assert found["site-2"]["acw_pct"] == round(90 / 4_200 * 100, 1)
    (only,) = report(source, selection=Selection(START, END, sites=("site-2",))).rows
    assert (only.calls, only.acw_total_s) == (1, 90.0)


def test_by_code_counts_a_wrapup_in_each_of_its_codes(source: ReportSource) -> None:
    made = report(source, "code")
    found = rows(made)
    assert {g: r["calls"] for g, r in found.items()} == {
        "(no code)": 1, "billing": 2, "refund": 2, "sale": 1,
    }  # fmt: skip
    assert found["refund"]["acw_total_s"] == 60 + 240
    assert found["billing"]["acw_pct"] is None  # logged-in time has no code
    assert "two codes" in made.formulas["group"]
    assert made.total_calls == 5


def test_by_queue_and_template_and_queue_filter(source: ReportSource) -> None:
    assert {g: r["calls"] for g, r in rows(report(source, "queue")).items()} == {
        "billing": 2, "sales": 1, "support": 2,
    }  # fmt: skip
    assert {g: r["calls"] for g, r in rows(report(source, "template")).items()} == {
        "(no template)": 4, "t-sales": 1,
    }  # fmt: skip
    (row,) = report(source, selection=Selection(START, END, queues=("support",))).rows
    assert (row.calls, row.acw_total_s, row.timeout_rate) == (2, 300.0, 0.5)


def test_agent_filter_narrows_logged_in_time_too(source: ReportSource) -> None:
    (row,) = report(source, selection=Selection(START, END, agents=("ana", "cy"))).rows
    assert row.calls == 3
    assert row.as_dict()["acw_pct"] == round(480 / (19_800 + 7_200) * 100, 1)


def test_outliers_against_the_team_median(source: ReportSource) -> None:
    # site-1 ACW: 60, 120, 240, 300 → team median 180; bo's median is 240 = 1.33 × 180.
    assert report(source, outlier_factor=1.5).outliers == []
    (outlier,) = report(source, outlier_factor=1.3).outliers
    assert (outlier.agent_id, outlier.site_id, outlier.median_s, outlier.team_median_s) == (
        "bo", "site-1", 240.0, 180.0,
    )  # fmt: skip
    made = report(source)
    assert made.team_medians == {"site-1": 180.0, "site-2": 90.0}


def test_shorthand_use_in_the_range(source: ReportSource) -> None:
    summary = report(source).shorthand
    cx, cb = summary.entries
    assert (cx.abbr, cx.used, cx.undone, cx.missed, cx.keystrokes_saved) == ("cx", 4, 1, 3, 18)
    assert cx.undo_rate == 0.25
    assert cx.top_missers == (("bo", 2), ("dee", 1))
    assert (cb.abbr, cb.missed, cb.top_missers) == ("cb", 1, (("ana", 1),))
    assert (summary.used, summary.missed, summary.keystrokes_saved) == (4, 4, 18)


def test_charts_data(source: ReportSource) -> None:
    made = report(source, charts=True)
    counts = {bucket.low_s: bucket.wrapups for bucket in made.distribution}
    # 30-second buckets: 60 → [60, 90), 90 → [90, 120), …
    assert [counts[s] for s in (0, 30, 60, 90, 120, 150, 240, 300)] == [0, 0, 1, 1, 1, 0, 1, 1]
    assert sum(counts.values()) == 5
    assert [row.group for row in made.trend] == ["2026-03-01", "2026-03-02"]


def test_empty_range_gives_one_empty_row(source: ReportSource) -> None:
    selection = Selection(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 2, tzinfo=UTC))
    (row,) = report(source, selection=selection).rows
    assert (row.calls, row.acw_avg_s, row.acw_pct) == (0, None, None)


def test_without_a_range_running_states_count_until_now(source: ReportSource) -> None:
    found = rows(report(source, "agent", selection=Selection()))
    # ana: the whole break (1 h), 08–12 and 13–14; her 02-27 wrap-up (999 s) now counts too.
    assert found["ana"]["calls"] == 4
    # (The state log holds no ACW for the 02-27 wrap-up: ACW % is the log's.)
    assert found["ana"]["acw_pct"] == round(480 / (3_600 + 4 * 3_600 + 3_600) * 100, 1)
    # cy's running state began 03-02 23:00 and "now" is 03-03 00:30.
    assert found["cy"]["acw_pct"] == 0.0
    (everything,) = report(source, selection=Selection()).rows
    logged_in = 21_600 + 4_200 + (3_600 + 5_400) + 4_200
    assert everything.as_dict()["acw_pct"] == round(810 / logged_in * 100, 1)


@pytest.mark.parametrize(
    "selection",
    [Selection(), Selection(START), Selection(None, END), Selection(START, END)],
    ids=["no range", "from", "to after now", "from and to after now"],
)
def test_a_report_as_of_an_earlier_moment_counts_nothing_after_it(
    source: ReportSource, selection: Selection
) -> None:
    """`--now` makes a report as of a moment (a site's clock may also run ahead of
    another's): wrap-ups and states after it are not counted, whatever the range."""
    then = datetime(2026, 3, 1, 9, 15, tzinfo=UTC)
    found = rows(build_report(source, selection, then, by="agent"))
    assert list(found) == ["ana"]  # bo, cy and dee came later
    # ana's 09:10 wrap-up only; logged in until 09:15 (with the 02-27 one without a range).
    old = selection.start is None
    assert found["ana"]["calls"] == (2 if old else 1)
    assert found["ana"]["acw_total_s"] == 120 + (999 if old else 0)
    # break, ready, call, ACW 09:10–09:12, ready until 09:15
    logged_in = (3_600 if old else 1_800) + 3_600 + 600 + 120 + 180
    assert found["ana"]["acw_pct"] == round(120 / logged_in * 100, 1)


def test_wrapups_pending_at_once_are_acw_time_once(fresh_store: Store) -> None:
    """Two wrap-ups of one agent whose ACW times overlap: ACW % is the time the agent
    was in ACW (330 s), not the sum of the two (600 s)."""
    from tests.report_seed import state, wrapup

    state(fresh_store, "cy", "s", "ready", "2026-03-10T12:00:00", "2026-03-10T12:30:00")
    state(fresh_store, "cy", "s", "acw", "2026-03-10T12:30:00", "2026-03-10T12:35:30")
    state(fresh_store, "cy", "s", "ready", "2026-03-10T12:35:30", "2026-03-10T12:40:00")
    wrapup(fresh_store, "cy", "s", "2026-03-10T12:30:00", 300)
    wrapup(fresh_store, "cy", "s", "2026-03-10T12:30:30", 300)
    fresh_store.conn.commit()
    source = sqlite_source(fresh_store.path)
    try:
        (row,) = build_report(source, Selection(), datetime(2026, 3, 11, tzinfo=UTC)).rows
    finally:
        source.close()
    assert (row.calls, row.acw_total_s) == (2, 600.0)
    assert row.acw_pct == pytest.approx(330 / 2_400 * 100)


def test_an_agents_drill_down_lists_the_wrapups_the_row_counts(source: ReportSource) -> None:
    """ana's row counts three wrap-ups in the range: her drill-down lists those three,
    not the one still open (nor one discarded, nor the 02-27 one outside the range)."""
    from acw_tui.reports import queries

    listed = queries.agent_wrapups(source, RANGE, NOW, "ana")
    assert rows(report(source, "agent"))["ana"]["calls"] == len(listed) == 3
    assert {status for _at, _acw, _q, _codes, _t, _e, status, *_ in listed} == {"done"}
