"""The SQL percentiles agree with the reference function of core/metrics.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core import metrics
from acw_tui.reports import queries
from acw_tui.reports.queries import Selection
from acw_tui.reports.source import Dialect, ReportSource
from acw_tui.store import open_store

NOW = datetime(2026, 3, 3, tzinfo=UTC)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["ana", "bo", "cy"]),
        st.lists(st.integers(min_value=1, max_value=9_000), min_size=1, max_size=25),
        min_size=1,
    )
)
def test_sql_percentiles_match_the_reference(
    tmp_path_factory, per_agent: dict[str, list[int]]
) -> None:  # type: ignore[no-untyped-def]
    path: Path = tmp_path_factory.mktemp("pct") / "acw.db"
    store = open_store(path)
    store.conn.execute("PRAGMA foreign_keys=OFF")  # wrap-ups alone are enough here
    for agent, tenths in per_agent.items():
        for index, value in enumerate(tenths):
            store.conn.execute(
                "INSERT INTO wrapups (id, call_id, agent_id, site_id, status, started_at, "
                "acw_seconds, updated_at) VALUES (?, ?, ?, 's', 'done', '2026-03-01T10:00:00.000Z', ?, '')",
                (f"{agent}-{index}", f"c-{agent}-{index}", agent, value / 10),
            )
    store.conn.commit()
    source = ReportSource(store.conn, Dialect("sqlite"), str(path))
    found = {
        agent: (n, p50, p90)
        for agent, n, p50, p90 in queries.percentiles(source, Selection(), NOW, ["w.agent_id"])
    }
    for agent, tenths in per_agent.items():
        values = sorted(v / 10 for v in tenths)
        n, p50, p90 = found[agent]
        assert n == len(values)
        assert abs(p50 - metrics.percentile(values, 50)) < 1e-6  # type: ignore[operator]
        assert abs(p90 - metrics.percentile(values, 90)) < 1e-6  # type: ignore[operator]
    everything = queries.percentiles(source, Selection(), NOW, ["'all'"])
    pooled = sorted(v / 10 for tenths in per_agent.values() for v in tenths)
    assert abs(everything[0][2] - metrics.percentile(pooled, 50)) < 1e-6  # type: ignore[operator]
    store.close()
