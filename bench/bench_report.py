"""A full report over 1 000 000 wrap-ups vs one hand-written SQL GROUP BY (SPEC §11: ≤ 2×).

The store comes from `acw demo` (40 agents, 90 days, seed 1) and is cached between runs
(bench/demo_cache.py) because making it takes minutes. `--quick` uses 100 000 wrap-ups.

The floor is what a lead would otherwise type: one GROUP BY per agent over the same
wrap-ups and calls, summing ACW and talk time and counting compliance, time-outs and
extensions. The full report adds medians and 90th percentiles, logged-in time from the
state log (ACW %), outliers against the team median and shorthand use.
"""

from __future__ import annotations

from bench.common import Result, best_of
from bench.demo_cache import END, demo_store

FLOOR_SQL = """
SELECT w.agent_id, COUNT(*), SUM(w.acw_seconds), AVG(w.acw_seconds),
       SUM(CASE WHEN c.talk_seconds IS NOT NULL THEN c.talk_seconds + w.acw_seconds END),
       COUNT(c.talk_seconds), SUM(w.compliant), SUM(w.timed_out),
       SUM(CASE WHEN w.extensions <> '[]' THEN 1 ELSE 0 END)
FROM wrapups w LEFT JOIN calls c ON c.id = w.call_id
WHERE w.acw_seconds IS NOT NULL
GROUP BY w.agent_id
"""


def run(quick: bool) -> list[Result]:
    from acw_tui.reports.assemble import build_report
    from acw_tui.reports.queries import Selection
    from acw_tui.reports.source import sqlite_source

    calls = 100_000 if quick else 1_000_000
    repeat = 3
    path = demo_store(calls)
    source = sqlite_source(path)
    try:
        floor_rows = source.query(FLOOR_SQL)
        made = build_report(source, Selection(), END, by="agent")
        assert sum(row.calls for row in made.rows) == sum(r[1] for r in floor_rows) == calls

        floor = best_of(lambda: source.query(FLOOR_SQL), repeat)
        full = best_of(lambda: build_report(source, Selection(), END, by="agent"), repeat)
        overall = best_of(lambda: build_report(source, Selection(), END), repeat)
    finally:
        source.close()
    detail = [
        f"{calls} wrap-ups, 40 agents, 90 days ({path.name})",
        f"floor: one GROUP BY per agent         {floor:.3f} s",
        f"full report by agent                   {full:.3f} s",
        f"full report, one row for everything    {overall:.3f} s",
    ]
    return [
        Result("report_by_agent", full / floor, 2.0, detail=detail),
        Result("report_overall", overall / floor, 2.0),
    ]
