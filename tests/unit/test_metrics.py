"""The pure formulas of core/metrics.py."""

from __future__ import annotations

import statistics
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from acw_tui.core import metrics
from acw_tui.core.metrics import AgentMedian, GroupTotals, ShorthandEntry, ShorthandSummary


def test_every_metric_has_a_formula_naming_it() -> None:
    assert metrics.METRIC_NAMES == (
        "calls", "acw_total_s", "acw_avg_s", "acw_median_s", "acw_p90_s", "acw_pct",
        "aht_s", "compliance_pct", "timeout_rate", "extension_rate", "quality_avg",
        "critical_fail_rate", "auto_code_rate",
    )  # fmt: skip
    assert "hold = 0" in metrics.FORMULAS["aht_s"]
    assert "logged_out" in metrics.FORMULAS["acw_pct"]


def test_metrics_row_follows_the_formulas() -> None:
    row = metrics.metrics_row(
        GroupTotals(
            "ana", calls=4, acw_total_s=400, acw_median_s=90, acw_p90_s=180,
            talk_known_calls=2, talk_plus_acw_s=900, finished=4, compliant=3,
            timed_out=1, extended=2, logged_in_s=8_000, acw_state_s=400,
        )
    )  # fmt: skip
    assert row.acw_avg_s == 100.0
    assert row.acw_pct == 5.0
    assert row.aht_s == 450.0
    assert row.compliance_pct == 75.0
    assert (row.timeout_rate, row.extension_rate) == (0.25, 0.5)


def test_nothing_to_divide_by_gives_no_figure() -> None:
    row = metrics.metrics_row(GroupTotals("x", 0, 0.0, None, None, logged_in_s=0.0))
    assert (row.acw_avg_s, row.acw_pct, row.aht_s, row.compliance_pct) == (None, None, None, None)
    assert metrics.metrics_row(GroupTotals("q", 1, 10.0, 10.0, 10.0)).acw_pct is None


@given(st.lists(st.floats(min_value=0, max_value=10_000), min_size=2, max_size=60))
def test_percentile_matches_the_inclusive_method(values: list[float]) -> None:
    ordered = sorted(values)
    median = metrics.percentile(ordered, 50)
    assert median is not None
    assert abs(median - statistics.median(ordered)) < 1e-6
    p90 = metrics.percentile(ordered, 90)
    expected = statistics.quantiles(ordered, n=10, method="inclusive")[8]
    assert p90 is not None and abs(p90 - expected) < 1e-6


def test_percentile_of_one_or_none() -> None:
    assert metrics.percentile([42.0], 90) == 42.0
    assert metrics.percentile([], 50) is None


def test_outliers_compare_with_the_agents_own_team() -> None:
    agents = [
        AgentMedian("ana", "a", 10, 100), AgentMedian("bo", "a", 10, 151),
        AgentMedian("cy", "b", 10, 151), AgentMedian("dee", "a", 10, 200),
    ]  # fmt: skip
    found = metrics.find_outliers(agents, {"a": 100, "b": 120}, factor=1.5)
    assert [(o.agent_id, round(o.times_team, 2)) for o in found] == [("dee", 2.0), ("bo", 1.51)]


def test_shorthand_undo_rate_per_entry_and_in_all() -> None:
    summary = ShorthandSummary(
        (
            ShorthandEntry("cx", "customer", used=8, undone=2, missed=1, keystrokes_saved=48),
            ShorthandEntry("cb", "callback", used=0, undone=0, missed=3, keystrokes_saved=0),
        )
    )
    assert summary.entries[0].undo_rate == 0.25
    assert summary.entries[1].undo_rate is None
    assert (summary.used, summary.missed, summary.keystrokes_saved) == (8, 4, 48)
    assert summary.undo_rate == 0.25


def test_formatting() -> None:
    assert metrics.format_seconds(None) == "–"
    # Whole seconds counted down, as the timer shows them (one rule everywhere).
    assert metrics.format_seconds(59.6) == "0:59"
    assert metrics.format_seconds(64.6) == "1:04"
    assert metrics.format_seconds(3_725) == "1:02:05"
    assert metrics.format_percent(0.125, fraction=True) == "12.5%"
    assert metrics.format_percent(None) == "–"


def test_core_metrics_imports_neither_textual_nor_sql() -> None:
    code = (
        "import sys, acw_tui.core.metrics; "
        "print(any(m in sys.modules for m in ('textual', 'rich', 'sqlite3', 'psycopg')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_acw_percent_is_time_in_the_acw_state_not_the_sum_of_acw_times() -> None:
    from acw_tui.core.metrics import GroupTotals, metrics_row

    # Two wrap-ups pending at once for 10 minutes each (11 minutes in the ACW state), in
    # 24 minutes logged in: 1 200 s of ACW time, 660 s of it the agent's.
    row = metrics_row(
        GroupTotals("ana", 2, 1200.0, 600.0, 600.0, logged_in_s=1440.0, acw_state_s=660.0)
    )
    assert row.acw_total_s == 1200.0
    assert row.acw_pct == 660 / 1440 * 100


def test_a_report_counts_whole_seconds_down_as_the_timer_and_history_do() -> None:
    """6.992 s of ACW reads 0:06 on the timer and in the history; a report's table said
    0:07, having rounded to a tenth first. The data formats keep their tenth."""
    from acw_tui.core.durations import format_duration
    from acw_tui.reports.local_format import LocalFormat
    from acw_tui.reports.render import figure_cells

    row = metrics.metrics_row(GroupTotals("ana", 1, 6.992, 6.992, 6.992, 1, 66.992))
    cells = figure_cells(row, LocalFormat(), None)
    assert cells[2:6] == [format_duration(6.992)] * 4 == ["0:06"] * 4
    assert cells[7] == "1:06"  # AHT
    data = row.as_dict()
    assert (data["acw_total_s"], data["acw_avg_s"], data["aht_s"]) == (7.0, 7.0, 67.0)
