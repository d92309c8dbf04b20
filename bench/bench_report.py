"""A full report over 1 000 000 wrap-ups vs one hand-written SQL GROUP BY (SPEC §11: ≤ 2×).

The store comes from `acw demo` (40 agents, 90 days, seed 1) and is cached between runs
under the temp folder (or ACW_BENCH_CACHE), keyed by its parameters, because making it
takes minutes. `--quick` uses 100 000 wrap-ups.

The floor is what a lead would otherwise type: one GROUP BY per agent over the same
wrap-ups and calls, summing ACW and talk time and counting compliance, time-outs and
extensions. The full report adds medians and 90th percentiles, logged-in time from the
state log (ACW %), outliers against the team median and shorthand use.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Result, best_of

END = datetime(2026, 11, 1, tzinfo=UTC)
FLOOR_SQL = """
SELECT w.agent_id, COUNT(*), SUM(w.acw_seconds), AVG(w.acw_seconds),
       SUM(CASE WHEN c.talk_seconds IS NOT NULL THEN c.talk_seconds + w.acw_seconds END),
       COUNT(c.talk_seconds), SUM(w.compliant), SUM(w.timed_out),
       SUM(CASE WHEN w.extensions <> '[]' THEN 1 ELSE 0 END)
FROM wrapups w LEFT JOIN calls c ON c.id = w.call_id
WHERE w.acw_seconds IS NOT NULL
GROUP BY w.agent_id
"""


def cache_dir() -> Path:
    configured = os.environ.get("ACW_BENCH_CACHE")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / "acw-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def demo_store(calls: int, agents: int = 40, days: int = 90, seed: int = 1) -> Path:
    """The demo store for these parameters, generated once and reused."""
    import acw_tui.demo
    from acw_tui.demo import generate_demo
    from acw_tui.store import open_store

    # The generator's own text is part of the key: a changed demo makes a new store.
    generator = hashlib.sha256(Path(acw_tui.demo.__file__).read_bytes()).hexdigest()[:8]
    path = cache_dir() / f"report-c{calls}-a{agents}-d{days}-s{seed}-{END:%Y%m%d}-{generator}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    store = open_store(partial)
    print(f"   generating {calls} wrap-ups into {path} (cached for next time)…", flush=True)
    generate_demo(store, calls=calls, agents=agents, days=days, seed=seed, end=END)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    partial.rename(path)
    return path


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
