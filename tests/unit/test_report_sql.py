"""The SQL percentiles agree with the reference function of core/metrics.py."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
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


def _wrapup(store, index: int, agent: str, site: str, day: int, tenths: int) -> None:  # type: ignore[no-untyped-def]
    store.conn.execute(
        "INSERT INTO wrapups (id, call_id, agent_id, site_id, status, started_at, "
        "acw_seconds, updated_at) VALUES (?, ?, ?, ?, 'done', ?, ?, '')",
        (f"w-{index}", f"c-{index}", agent, site, f"2026-03-0{day}T10:00:00.000Z", tenths / 10),
    )


SELECTIONS = [
    Selection(),
    Selection(start=datetime(2026, 3, 2, tzinfo=UTC)),
    Selection(start=datetime(2026, 3, 1, tzinfo=UTC), end=datetime(2026, 3, 3, tzinfo=UTC)),
    Selection(agents=("bo", "cy")),
    Selection(sites=("s2",)),
]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ana", "bo", "cy"]),
            st.sampled_from(["s1", "s2"]),
            st.integers(min_value=1, max_value=4),  # day of March
            st.integers(min_value=0, max_value=3_000),  # tenths of a second, with ties
        ),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(SELECTIONS),
)
def test_ranks_read_from_the_index_equal_ranks_found_by_sorting(
    tmp_path_factory, wrapups: list[tuple[str, str, int, int]], selection: Selection
) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path_factory.mktemp("ranks") / "acw.db")
    store.conn.execute("PRAGMA foreign_keys=OFF")
    for index, (agent, site, day, tenths) in enumerate(wrapups):
        _wrapup(store, index, agent, site, day, tenths)
    store.conn.commit()
    source = ReportSource(store.conn, Dialect("sqlite"), "test")
    for keys in (["'all'"], ["w.site_id"], ["w.site_id", "w.agent_id"]):
        from_index = queries.ranks_from_index(source, selection, NOW, keys)
        assert from_index is not None
        assert sorted(from_index) == sorted(queries.ranks_by_sorting(source, selection, NOW, keys))
    store.close()


def test_without_the_index_percentiles_are_ranked_by_sorting(tmp_path: Path) -> None:
    """A store the report cannot upgrade (opened read-only, older schema) still reports."""
    store = open_store(tmp_path / "acw.db")
    store.conn.execute("PRAGMA foreign_keys=OFF")
    for index, tenths in enumerate([10, 20, 30, 40, 50]):
        _wrapup(store, index, "ana", "s1", 1, tenths)
    store.conn.commit()
    source = ReportSource(store.conn, Dialect("sqlite"), "test")
    keys = ["w.site_id", "w.agent_id"]
    indexed = queries.percentiles(source, Selection(), NOW, keys)
    store.conn.execute(f"DROP INDEX {queries.ACW_ORDER_INDEXES[('w.site_id', 'w.agent_id')]}")
    assert queries.ranks_from_index(source, Selection(), NOW, keys) is None
    assert (
        queries.percentiles(source, Selection(), NOW, keys)
        == indexed
        == [("s1", "ana", 5, 3.0, 4.6)]
    )
    assert queries.ranks_from_index(source, Selection(queues=("billing",)), NOW, ["'all'"]) is None
    store.close()


def test_an_agent_at_two_sites_is_one_row_and_two_medians(tmp_path: Path) -> None:
    """By agent, all of an agent's wrap-ups make their row; against each team they are
    compared with what they did there."""
    from acw_tui.reports.assemble import build_report
    from acw_tui.reports.source import sqlite_source

    store = open_store(tmp_path / "acw.db")
    store.conn.execute("PRAGMA foreign_keys=OFF")
    for index, (site, tenths) in enumerate([("s1", 100), ("s1", 200), ("s2", 900)]):
        _wrapup(store, index, "ana", site, 1, tenths)
    _wrapup(store, 3, "bo", "s2", 1, 300)
    store.conn.commit()
    source = sqlite_source(store.path)
    made = build_report(source, Selection(), NOW, by="agent")
    ana = {row.group: row for row in made.rows}["ana"]
    assert (ana.calls, ana.acw_median_s) == (3, 20.0)
    assert ana.acw_p90_s == pytest.approx(20.0 + (90.0 - 20.0) * 80 / 100)  # ranks 1 and 2, 80 % on
    medians = {(a.site_id, a.agent_id): a.median_s for a in made.agent_medians}
    assert medians == {("s1", "ana"): 15.0, ("s2", "ana"): 90.0, ("s2", "bo"): 30.0}
    assert made.team_medians == {"s1": 15.0, "s2": 60.0}
    source.close()
    store.close()
