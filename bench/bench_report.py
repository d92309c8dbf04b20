"""report_by_agent, report_overall: a full report vs one hand-written GROUP BY (≤ 1.5×).

The store comes from `acw demo` (40 agents, 90 days, seed 1), cached between runs
(bench/demo_cache.py). The report is built the way `acw report` builds it
(`build_report` over the store); the floor is what a lead would otherwise type: one
GROUP BY per agent over the same wrap-ups and calls, summing ACW and talk time and
counting compliance, time-outs and extensions. The full report adds medians and 90th
percentiles, logged-in and ACW time from the state log (ACW %), outliers against the
team median and shorthand use. Both cover the whole history: the report is made as of
an hour after its last event (the demo's busiest agents work past its end date, and
a report counts nothing after its "now"). Report and floor alternate; the fastest of each is kept,
wall and CPU time both printed. The budget lines are at 1 000 000 wrap-ups (100 000
with --quick); the curve goes 10 000, 100 000, 1 000 000.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from bench.common import Curve, Result, record_curve
from bench.demo_cache import demo_store

BUDGET = 1.5

FLOOR_SQL = """
SELECT w.agent_id, COUNT(*), SUM(w.acw_seconds), AVG(w.acw_seconds),
       SUM(CASE WHEN c.talk_seconds IS NOT NULL THEN c.talk_seconds + w.acw_seconds END),
       COUNT(c.talk_seconds), SUM(w.compliant), SUM(w.timed_out),
       SUM(CASE WHEN w.extensions <> '[]' THEN 1 ELSE 0 END)
FROM wrapups w LEFT JOIN calls c ON c.id = w.call_id
WHERE w.acw_seconds IS NOT NULL
GROUP BY w.agent_id
"""


def _timed(func: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


def history_end(source: object) -> datetime:
    """An hour after the last wrap-up or agent state of the store began."""
    from acw_tui.core.timeutil import parse_iso

    last = max(
        row[0]
        for table in ("wrapups", "agent_states")
        for row in source.query(f"SELECT max(started_at) FROM {table}")  # type: ignore[attr-defined]
    )
    return parse_iso(last) + timedelta(hours=1)


def measure(calls: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Fastest (wall, CPU) of floor, by-agent and overall reports, alternating."""
    from acw_tui.reports.assemble import build_report
    from acw_tui.reports.queries import Selection
    from acw_tui.reports.source import sqlite_source

    source = sqlite_source(demo_store(calls))
    try:
        floor_rows = source.query(FLOOR_SQL)
        now = history_end(source)
        made = build_report(source, Selection(), now, by="agent")
        assert sum(row.calls for row in made.rows) == sum(r[1] for r in floor_rows) == calls
        runs: dict[str, list[tuple[float, float]]] = {"floor": [], "agent": [], "overall": []}
        for _ in range(repeat):
            runs["floor"].append(_timed(lambda: source.query(FLOOR_SQL)))
            runs["agent"].append(_timed(lambda: build_report(source, Selection(), now, by="agent")))
            runs["floor"].append(_timed(lambda: source.query(FLOOR_SQL)))
            runs["overall"].append(_timed(lambda: build_report(source, Selection(), now)))
    finally:
        source.close()
    return {name: min(times) for name, times in runs.items()}


def run(quick: bool) -> list[Result]:
    sizes = (10_000, 100_000) if quick else (10_000, 100_000, 1_000_000)
    found = {
        calls: measure(calls, 3 if calls < 1_000_000 else (3 if quick else 5)) for calls in sizes
    }
    by_agent = record_curve(Curve("report by agent", "s", "wrap-ups"))
    overall = record_curve(Curve("report, one row", "s", "wrap-ups"))
    floor_curve = record_curve(Curve("hand-written GROUP BY", "s", "wrap-ups"))
    detail = []
    for calls, m in found.items():
        by_agent.points.append((calls, m["agent"][0]))
        overall.points.append((calls, m["overall"][0]))
        floor_curve.points.append((calls, m["floor"][0]))
        detail.append(
            f"{calls:>9} wrap-ups: GROUP BY {m['floor'][0]:.3f} s ({m['floor'][1]:.3f} CPU), "
            f"by agent {m['agent'][0]:.3f} s ({m['agent'][1]:.3f} CPU), "
            f"overall {m['overall'][0]:.3f} s ({m['overall'][1]:.3f} CPU)"
        )
    top = found[sizes[-1]]
    return [
        Result("report_by_agent", top["agent"][0] / top["floor"][0], BUDGET, detail=detail),
        Result(
            "report_overall",
            top["overall"][0] / top["floor"][0],
            BUDGET,
            detail=[
                f"CPU-time ratios: by agent {top['agent'][1] / top['floor'][1]:.3f}, "
                f"overall {top['overall'][1] / top['floor'][1]:.3f}"
            ],
        ),
    ]
