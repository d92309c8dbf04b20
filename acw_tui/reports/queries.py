"""The SQL of a report: every sum, count and percentile is computed by the database.

Each function returns rows of a few numbers per group; Python never sees individual
wrap-ups (except the drill-down list, which is limited). Medians and 90th percentiles
(SQLite 3.40 has no percentile()) are read from an index that keeps ACW in order where
the store has one, else ranked with window functions; the same text runs on PostgreSQL,
with the few differences kept in `Dialect`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from acw_tui.core.metrics import MEDIAN, P90, between_ranks, rank_below
from acw_tui.core.timeutil import utc_iso
from acw_tui.reports.source import Dialect, ReportError, ReportSource

GROUPINGS = ("agent", "team", "queue", "code", "template", "day", "hour")
EVERYTHING = "all"
# Reading the far past as a fixed early date keeps the SQL free of "no start" branches.
BEGINNING = "0001-01-01T00:00:00.000Z"


@dataclass(frozen=True)
class Selection:
    """Which wrap-ups a report covers: a range of ACW start times and optional filters."""

    start: datetime | None = None
    end: datetime | None = None
    agents: tuple[str, ...] = ()
    queues: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()

    def bounds(self, now: datetime) -> tuple[str, str]:
        end = now if self.end is None or self.end > now else self.end
        return (BEGINNING if self.start is None else utc_iso(self.start), utc_iso(end))


def _in_list(column: str, name: str, values: Sequence[str], params: dict[str, Any]) -> str:
    names = []
    for index, value in enumerate(values):
        params[f"{name}_{index}"] = value
        names.append(f":{name}_{index}")
    return f" AND {column} IN ({', '.join(names)})"


def group_expression(by: str | None) -> str:
    """The SQL expression naming a wrap-up's group (`w` wrap-up, `c` call, `k` code)."""
    return {
        None: f"'{EVERYTHING}'",
        "agent": "w.agent_id",
        "team": "w.site_id",
        "queue": "COALESCE(c.queue, '(no queue)')",
        "code": "COALESCE(k.value, '(no code)')",
        "template": "COALESCE(w.template_id, '(no template)')",
        "day": "substr(w.started_at, 1, 10)",
        "hour": "substr(w.started_at, 12, 2)",
    }[by]


def _wrapup_filters(
    dialect: Dialect, selection: Selection, now: datetime
) -> tuple[str, dict[str, Any]]:
    """The WHERE of the covered wrap-ups, all on columns of `wrapups w` but the queue:
    those with ACW time that started in the range, and never after `now` (a report made
    as of an earlier moment, or a site whose clock runs ahead, counts nothing later).

    The upper bound is written so that no index serves it unless the lead gave a range:
    an unbounded report scans the table instead of walking the started_at index row by
    row.
    """
    start, end = selection.bounds(now)
    params: dict[str, Any] = {"end": end}
    where = "w.acw_seconds IS NOT NULL"
    if selection.start is not None:
        params["start"] = start
        where += " AND w.started_at >= :start"
    if selection.start is not None or (selection.end is not None and selection.end < now):
        where += " AND w.started_at < :end"
    else:
        where += f" AND {dialect.unindexed('w.started_at')} < :end"
    if selection.agents:
        where += _in_list("w.agent_id", "agent", selection.agents, params)
    if selection.sites:
        where += _in_list("w.site_id", "site", selection.sites, params)
    if selection.queues:
        where += _in_list("c.queue", "queue", selection.queues, params)
    return where, params


def selected_wrapups(
    dialect: Dialect,
    selection: Selection,
    now: datetime,
    keys: Sequence[str],
    columns: str,
    code_join: bool,
) -> tuple[str, dict[str, Any]]:
    """A SELECT of the covered wrap-ups: group keys k0…kn, then `columns`."""
    where, params = _wrapup_filters(dialect, selection, now)
    needs_call = "c." in columns or "c." in "".join(keys) or bool(selection.queues)
    # Rows read for their call or codes are read whole, so read them in table order:
    # walking an ACW-order index instead would fetch each row at random (10× slower).
    # Otherwise an index may answer alone, and narrower than the table.
    table = dialect.whole_table("wrapups", "w") if needs_call or code_join else "wrapups w"
    sql = (
        f"SELECT {_key_columns(keys)}, {columns} FROM {table} "
        f"{'LEFT JOIN calls c ON c.id = w.call_id ' if needs_call else ''}"
        f"{dialect.json_items('w.codes', 'k') + ' ' if code_join else ''}WHERE {where}"
    )
    return sql, params


def _key_columns(keys: Sequence[str]) -> str:
    """The group keys selected as k0…kn."""
    return ", ".join(f"{key} AS k{index}" for index, key in enumerate(keys))


def _key_names(keys: Sequence[str]) -> str:
    return ", ".join(f"k{index}" for index in range(len(keys)))


def sums(
    source: ReportSource,
    selection: Selection,
    now: datetime,
    keys: Sequence[str],
    code_join: bool = False,
) -> list[tuple]:
    """Per group: calls, ACW total, AHT parts, finished, compliant, timed out, extended,
    then note quality: finished with a score, their scores' sum, critical fails, and
    wrap-ups given the automatic code."""
    dialect = source.dialect
    extended = f"CASE WHEN {dialect.json_length('w.extensions')} > 0 THEN 1 ELSE 0 END"
    columns = (
        "w.acw_seconds AS acw, c.talk_seconds AS talk, w.status, w.compliant, w.timed_out, "
        f"{extended} AS extended, w.quality_score AS score, w.quality_critical AS critical, "
        "w.auto_code AS auto_code"
    )
    inner, params = selected_wrapups(dialect, selection, now, keys, columns, code_join)
    names = _key_names(keys)
    sql = (
        f"SELECT {names}, COUNT(*), SUM(acw), COUNT(talk), "
        "SUM(CASE WHEN talk IS NOT NULL THEN talk + acw ELSE 0 END), "
        "SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'done' AND compliant = 1 THEN 1 ELSE 0 END), "
        "SUM(timed_out), SUM(extended), "
        "SUM(CASE WHEN status = 'done' AND score IS NOT NULL THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN status = 'done' THEN score ELSE 0 END), "
        "SUM(CASE WHEN status = 'done' AND critical = 1 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN auto_code IS NOT NULL THEN 1 ELSE 0 END) "
        f"FROM ({inner}) sel GROUP BY {names} ORDER BY {names}"
    )
    return source.query(sql, params)


def _partition(keys: Sequence[str]) -> str:
    # PostgreSQL refuses a constant in PARTITION BY; one group needs no partition at all.
    constant = all(key.startswith("'") for key in keys)
    return "" if constant else f"PARTITION BY {', '.join(keys)} "


def percentiles(
    source: ReportSource,
    selection: Selection,
    now: datetime,
    keys: Sequence[str],
    code_join: bool = False,
) -> list[tuple]:
    """Per group: wrap-ups, median and 90th percentile ACW.

    Both ways of finding them return, per group, the ACW values at the ranks around each
    percentile; `between_ranks` (core/metrics.py) makes the percentile of each pair.
    """
    found = None if code_join else ranks_from_index(source, selection, now, keys)
    if found is None:
        found = ranks_by_sorting(source, selection, now, keys, code_join)
    width = len(keys)
    rows = []
    for row in found:
        n, p50_low, p50_high, p90_low, p90_high = row[width:]
        p50 = between_ranks(n, MEDIAN, p50_low, _or(p50_high, p50_low))
        p90 = between_ranks(n, P90, p90_low, _or(p90_high, p90_low))
        rows.append((*row[:width], int(n), p50, p90))
    return rows


def _or(value: Any, otherwise: Any) -> Any:
    # At the last rank there is no next value, and none is needed: nothing lies between.
    return otherwise if value is None else value


def ranks_by_sorting(
    source: ReportSource,
    selection: Selection,
    now: datetime,
    keys: Sequence[str],
    code_join: bool = False,
) -> list[tuple]:
    """Per group: wrap-ups, then the ACW values at the two ranks around the median and
    around the 90th percentile (the second None where the group has no such rank).

    Only the keys and the ACW seconds are ranked (narrow rows sort fast); the group
    sizes come from a plain GROUP BY, looked up per ranked row (CROSS JOIN keeps that
    order in SQLite), which is cheaper than a second, whole-partition window; only the
    rows at the ranks around each percentile reach the final MAX().
    """
    dialect = source.dialect
    ranked, params = selected_wrapups(
        dialect,
        selection,
        now,
        keys,
        f"w.acw_seconds AS acw, row_number() OVER ({_partition(keys)}ORDER BY w.acw_seconds) AS rn",
        code_join,
    )
    counted, _ = selected_wrapups(dialect, selection, now, keys, "1 AS one", code_join)
    names = _key_names(keys)
    outer = ", ".join(f"r.k{index}" for index in range(len(keys)))
    same_group = " AND ".join(f"g.k{index} = r.k{index}" for index in range(len(keys)))
    at_ranks = [f"({pct} * (n - 1)) / 100 + {step}" for pct in (MEDIAN, P90) for step in (1, 2)]
    values = ", ".join(f"MAX(CASE WHEN rn = {rank} THEN acw END)" for rank in at_ranks)
    sql = (
        f"SELECT {outer}, MAX(n), {values} "
        f"FROM ({ranked}) r CROSS JOIN "
        f"(SELECT {names}, COUNT(*) AS n FROM ({counted}) counted GROUP BY {names}) g "
        f"WHERE {same_group} AND rn IN ({', '.join(at_ranks)}) GROUP BY {outer}"
    )
    return source.query(sql, params)


# Indexes of a SQLite store (migration 8, and the hub's SQLite store) that keep finished
# ACW in order within a group, ending with every column a selection filters on but the
# queue. With one, the values around a percentile are a short walk down the index
# (LIMIT 2 OFFSET rank) instead of a sort of every wrap-up; over a million wrap-ups
# that is a few tenths of a second instead of several seconds.
ACW_ORDER_INDEXES: dict[tuple[str, ...], str] = {
    (): "wrapups_acw_order",
    ("w.site_id",): "wrapups_site_acw_order",
    ("w.site_id", "w.agent_id"): "wrapups_site_agent_acw_order",
}


def ranks_from_index(
    source: ReportSource, selection: Selection, now: datetime, keys: Sequence[str]
) -> list[tuple] | None:
    """What `ranks_by_sorting` returns, read from an ACW-order index; None where no index
    serves these keys (another grouping, a queue filter, PostgreSQL, an older store).

    One covering GROUP BY counts the groups, then two short walks per group fetch the
    values; Python loops over groups, never over wrap-ups.
    """
    grouped = [(index, key) for index, key in enumerate(keys) if not key.startswith("'")]
    index_name = ACW_ORDER_INDEXES.get(tuple(key for _, key in grouped))
    if index_name is None or selection.queues or not _has_index(source, index_name):
        return None
    where, params = _wrapup_filters(source.dialect, selection, now)
    # INDEXED BY asserts the plan: the walks are only short down this index.
    table = f"wrapups w INDEXED BY {index_name}"
    group_by = f" GROUP BY {', '.join(key for _, key in grouped)}" if grouped else ""
    counts = source.query(
        f"SELECT {_key_columns(keys)}, COUNT(*) FROM {table} WHERE {where}{group_by}", params
    )
    in_group = "".join(f" AND {key} = :k{index}" for index, key in grouped)
    walk = (
        f"SELECT w.acw_seconds FROM {table} WHERE {where}{in_group} "
        "ORDER BY w.acw_seconds LIMIT 2 OFFSET :rank"
    )
    rows = []
    for *group, n in counts:
        if not n:
            continue
        this_group = {**params, **{f"k{index}": group[index] for index, _ in grouped}}
        found: list[Any] = [*group, n]
        for pct in (MEDIAN, P90):
            step = source.query(walk, {**this_group, "rank": rank_below(n, pct)})
            found += [step[0][0], step[1][0] if len(step) > 1 else None]
        rows.append(tuple(found))
    return rows


def _has_index(source: ReportSource, name: str) -> bool:
    if source.dialect.name != "sqlite":  # PostgreSQL sorts a group's rows fast enough
        return False
    sql = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = :name"
    return bool(source.query(sql, {"name": name}))


def state_seconds(
    source: ReportSource, selection: Selection, now: datetime, by: str | None
) -> dict[str, tuple[float, float]] | None:
    """(logged-in seconds, seconds in the ACW state) per group, from the agent-state log;
    None where the log has no such group (by queue, code or template).

    Every state except logged_out is logged-in time, clipped to the range and to `now`;
    a state still running counts until now; gaps between states count as nothing. By
    day or hour a state crossing a boundary is split there (a recursive query walks the
    boundaries). Time in the ACW state counts once however many wrap-ups are pending.
    """
    if by in ("queue", "code", "template"):
        return None
    dialect = source.dialect
    start, end = selection.bounds(now)
    params: dict[str, Any] = {"start": start, "end": end, "now": utc_iso(now)}
    filters = ""
    if selection.agents:
        filters += _in_list("agent_id", "agent", selection.agents, params)
    if selection.sites:
        filters += _in_list("site_id", "site", selection.sites, params)
    stop = "CASE WHEN ended_at IS NULL OR ended_at > :end THEN :end ELSE ended_at END"
    if selection.start is None and selection.end is None:
        # Nothing to clip against but "now": a cheaper pass over a large state log.
        clipped = (
            f"SELECT agent_id, site_id, state, started_at AS s, {stop} AS e "
            f"FROM agent_states WHERE state <> 'logged_out' "
            f"AND {dialect.unindexed('started_at')} < :end{filters}"
        )
    else:
        clipped = (
            "SELECT agent_id, site_id, state, "
            "CASE WHEN started_at < :start THEN :start ELSE started_at END AS s, "
            f"{stop} AS e "
            "FROM agent_states WHERE state <> 'logged_out' AND started_at < :end "
            f"AND COALESCE(ended_at, :now) > :start{filters}"
        )
    seconds = dialect.seconds_between("s", "e")
    sums = f"SUM({seconds}), SUM(CASE WHEN state = 'acw' THEN {seconds} ELSE 0 END)"
    if by in ("day", "hour"):
        width, key = (10, "substr(s, 1, 10)") if by == "day" else (13, "substr(s, 12, 2)")
        boundary = dialect.next_boundary("s", by)
        later = dialect.next_boundary("p.e", by)
        sql = (
            f"WITH RECURSIVE clipped AS ({clipped}), "
            f"crossing AS (SELECT state, s, e FROM clipped WHERE substr(s, 1, {width}) <> substr(e, 1, {width}) AND e > s), "
            "pieces(state, s, e, rest) AS ("
            f"SELECT state, s, CASE WHEN e > {boundary} THEN {boundary} ELSE e END, e FROM crossing "
            f"UNION ALL SELECT p.state, p.e, CASE WHEN p.rest > {later} THEN {later} ELSE p.rest END, p.rest "
            "FROM pieces p WHERE p.rest > p.e), "
            f"whole AS (SELECT state, s, e FROM clipped WHERE substr(s, 1, {width}) = substr(e, 1, {width}) AND e > s "
            "UNION ALL SELECT state, s, e FROM pieces) "
            f"SELECT {key} AS g, {sums} FROM whole GROUP BY {key}"
        )
    else:
        key = {None: f"'{EVERYTHING}'", "agent": "agent_id", "team": "site_id"}[by]
        group_by = "" if by is None else f" GROUP BY {key}"  # PostgreSQL refuses GROUP BY 'all'
        sql = f"SELECT {key} AS g, {sums} FROM ({clipped}) cl WHERE e > s{group_by}"
    return {
        str(group): (float(logged or 0), float(acw or 0))
        for group, logged, acw in source.query(sql, params)
    }


def distribution(
    source: ReportSource, selection: Selection, now: datetime, width: int, buckets: int
) -> list[tuple[int, int]]:
    """(bucket, wrap-ups) of ACW seconds in `width`-second buckets; the last is open-ended."""
    inner, params = selected_wrapups(
        source.dialect, selection, now, ["1"], "w.acw_seconds AS acw", code_join=False
    )
    bucket = (
        f"CASE WHEN acw >= {width * (buckets - 1)} THEN {buckets - 1} "
        f"ELSE {source.dialect.floor(f'acw / {width}')} END"
    )
    sql = f"SELECT {bucket} AS b, COUNT(*) FROM ({inner}) sel GROUP BY {bucket} ORDER BY 1"
    return [(int(b), int(n)) for b, n in source.query(sql, params)]


def shorthand_by_agent(source: ReportSource, selection: Selection, now: datetime) -> list[tuple]:
    """Per (agent, entry): expansion, used, undone, missed, keystrokes saved.

    One pass over the usage rows answers both the per-entry sums and who misses each
    entry most; the result has at most agents × entries rows. Grouping agent first keeps
    SQLite from walking the abbreviation index row by row instead of scanning the table.
    """
    where, params = _shorthand_where(selection, now)
    sql = (
        "SELECT agent_id, abbr, MAX(expansion), SUM(used), SUM(undone), SUM(missed), "
        f"SUM(keystrokes_saved) FROM shorthand_usage WHERE {where} GROUP BY agent_id, abbr"
    )
    return source.query(sql, params)


def typing_by_agent(source: ReportSource, selection: Selection, now: datetime) -> list[tuple]:
    """Per (site, agent): wrap-ups that recorded keys, keys pressed, final characters.

    A store (or hub) from before keys were recorded has no such columns: no rows then.
    """
    where, params = _wrapup_filters(source.dialect, selection, now)
    needs_call = bool(selection.queues)
    join = "LEFT JOIN calls c ON c.id = w.call_id " if needs_call else ""
    sql = (
        "SELECT w.site_id, w.agent_id, COUNT(*), SUM(w.keys_pressed), SUM(w.final_chars) "
        f"FROM wrapups w {join}WHERE {where} AND w.keys_pressed IS NOT NULL "
        "AND w.final_chars IS NOT NULL GROUP BY w.site_id, w.agent_id "
        "ORDER BY w.site_id, w.agent_id"
    )
    try:
        return source.query(sql, params)
    except ReportError as exc:
        if "keys_pressed" in str(exc) or "final_chars" in str(exc):
            return []
        raise


def _shorthand_where(selection: Selection, now: datetime) -> tuple[str, dict[str, Any]]:
    start, end = selection.bounds(now)
    params: dict[str, Any] = {"start": start, "end": end}
    where = "created_at >= :start AND created_at < :end"
    if selection.agents:
        where += _in_list("agent_id", "agent", selection.agents, params)
    if selection.sites:
        where += _in_list("site_id", "site", selection.sites, params)
    return where, params


def agent_wrapups(
    source: ReportSource, selection: Selection, now: datetime, agent_id: str, limit: int = 200
) -> list[tuple]:
    """The newest wrap-ups of one agent in the selection, for the drill-down."""
    # The wrap-ups the row counts, and only those (not discarded or still open ones).
    inner_selection = dataclasses.replace(selection, agents=(agent_id,))
    where, params = _wrapup_filters(source.dialect, inner_selection, now)
    params["limit"] = limit
    sql = (
        "SELECT w.started_at, w.acw_seconds, c.queue, w.codes, w.timed_out, w.extensions, "
        "w.status, w.compliant, w.note FROM wrapups w LEFT JOIN calls c ON c.id = w.call_id "
        f"WHERE {where} ORDER BY w.started_at DESC LIMIT :limit"
    )
    return source.query(sql, params)


# Only wrap-ups with a quality verdict can have failed a rule; said in the query so the
# store's partial index of those rows answers it (m0014).
WITH_VERDICT = " AND w.quality_failed IS NOT NULL"


def failed_rules(
    source: ReportSource, selection: Selection, now: datetime, limit: int = 10
) -> list[tuple]:
    """The note-quality rules failed most often by finished wrap-ups: (rule, times)."""
    dialect = source.dialect
    inner, params = selected_wrapups(
        dialect, selection, now, ["'all'"], "w.status AS status, w.quality_failed AS failed", False
    )
    inner += WITH_VERDICT
    params["limit"] = limit
    sql = (
        f"SELECT r.value, COUNT(*) AS times FROM ({inner}) sel "
        f"{dialect.json_items('sel.failed', 'r')} "
        "WHERE sel.status = 'done' AND r.value IS NOT NULL "
        "GROUP BY r.value ORDER BY times DESC, r.value LIMIT :limit"
    )
    return source.query(sql, params)


def failed_rule_examples(
    source: ReportSource, selection: Selection, now: datetime, rule: str, limit: int = 2
) -> list[tuple]:
    """The newest finished notes that failed `rule`: (agent, started_at, note)."""
    dialect = source.dialect
    inner, params = selected_wrapups(
        dialect,
        selection,
        now,
        ["'all'"],
        "w.status AS status, w.quality_failed AS failed, w.agent_id AS agent, "
        "w.started_at AS started, w.note AS note",
        False,
    )
    inner += WITH_VERDICT
    params.update(rule=rule, limit=limit)
    sql = (
        f"SELECT sel.agent, sel.started, sel.note FROM ({inner}) sel "
        f"{dialect.json_items('sel.failed', 'r')} "
        "WHERE sel.status = 'done' AND r.value = :rule "
        "ORDER BY sel.started DESC LIMIT :limit"
    )
    return source.query(sql, params)
