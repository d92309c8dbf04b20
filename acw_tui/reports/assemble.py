"""A whole report: the grouped figures, outliers, shorthand use and what the charts draw."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from acw_tui.core import metrics
from acw_tui.core.metrics import (
    AgentMedian,
    GroupTotals,
    MetricsRow,
    Outlier,
    ShorthandEntry,
    ShorthandSummary,
)
from acw_tui.reports import queries
from acw_tui.reports.queries import Selection
from acw_tui.reports.source import ReportError, ReportSource

HISTOGRAM_WIDTH_S = 30
HISTOGRAM_BUCKETS = 21  # 0:00–10:00 in 30 s steps, then "10:00 and more"
TOP_MISSERS = 3


@dataclass(frozen=True)
class Bucket:
    low_s: int
    high_s: int | None  # None: open-ended
    wrapups: int

    @property
    def label(self) -> str:
        low = metrics.format_seconds(self.low_s)
        return f"{low}+" if self.high_s is None else low


@dataclass(frozen=True)
class Report:
    by: str | None
    selection: Selection
    now: datetime
    source: str
    outlier_factor: float
    rows: list[MetricsRow]
    agent_medians: list[AgentMedian]
    team_medians: dict[str, float]
    outliers: list[Outlier]
    shorthand: ShorthandSummary
    distribution: list[Bucket] = field(default_factory=list)
    trend: list[MetricsRow] = field(default_factory=list)

    @property
    def formulas(self) -> dict[str, str]:
        found = dict(metrics.FORMULAS)
        if self.by == "code":
            found["group"] = metrics.CODE_GROUP_NOTE
        return found

    total_calls: int = 0  # wrap-ups covered (a wrap-up with two codes counts once here)


def _f(value: object) -> float:
    return float(value) if value is not None else 0.0  # type: ignore[arg-type]


def _opt(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def grouped_rows(
    source: ReportSource, selection: Selection, now: datetime, by: str | None
) -> list[MetricsRow]:
    """One MetricsRow per group (one row for everything when `by` is None)."""
    if by is not None and by not in queries.GROUPINGS:
        raise ReportError(f"--by {by!r}: expected one of {', '.join(queries.GROUPINGS)}")
    logged_in = queries.logged_in_seconds(source, selection, now, by)
    rows = []
    for group, calls, total, median, p90, talk_n, talk_acw, done, ok, late, ext in queries.summary(
        source, selection, now, by
    ):
        totals = GroupTotals(
            group=str(group),
            calls=int(calls),
            acw_total_s=_f(total),
            acw_median_s=_opt(median),
            acw_p90_s=_opt(p90),
            talk_known_calls=int(talk_n or 0),
            talk_plus_acw_s=_f(talk_acw),
            finished=int(done or 0),
            compliant=int(ok or 0),
            timed_out=int(late or 0),
            extended=int(ext or 0),
            logged_in_s=None if logged_in is None else logged_in.get(str(group), 0.0),
        )
        rows.append(metrics.metrics_row(totals))
    # An agent (or day, or hour) with logged-in time but no calls still gets a row: a
    # lead wants to see who was logged in and handled nothing.
    seen = {row.group for row in rows}
    for group, seconds in (logged_in or {}).items():
        if by is not None and group not in seen and seconds > 0:
            rows.append(
                metrics.metrics_row(GroupTotals(group, 0, 0.0, None, None, logged_in_s=seconds))
            )
    rows.sort(key=lambda row: row.group)
    if by is None and not rows:
        rows.append(
            metrics.metrics_row(
                GroupTotals(
                    queries.EVERYTHING,
                    0,
                    0.0,
                    None,
                    None,
                    logged_in_s=None if logged_in is None else logged_in.get(queries.EVERYTHING),
                )
            )
        )
    return rows


def agent_medians(
    source: ReportSource, selection: Selection, now: datetime
) -> tuple[list[AgentMedian], dict[str, float]]:
    agents = [
        AgentMedian(str(agent), str(site), int(calls), float(median))
        for site, agent, calls, median in queries.medians(
            source, selection, now, ["w.site_id", "w.agent_id"]
        )
    ]
    teams = {
        str(site): float(median)
        for site, _calls, median in queries.medians(source, selection, now, ["w.site_id"])
    }
    return agents, teams


def shorthand_summary(
    source: ReportSource, selection: Selection, now: datetime
) -> ShorthandSummary:
    missers: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for abbr, agent, missed in queries.shorthand_missers(source, selection, now):
        if len(missers[abbr]) < TOP_MISSERS:
            missers[abbr].append((str(agent), int(missed)))
    entries = tuple(
        ShorthandEntry(
            abbr=str(abbr),
            expansion=str(expansion),
            used=int(used or 0),
            undone=int(undone or 0),
            missed=int(missed or 0),
            keystrokes_saved=int(saved or 0),
            top_missers=tuple(missers.get(abbr, ())),
        )
        for abbr, expansion, used, undone, missed, saved in queries.shorthand_entries(
            source, selection, now
        )
    )
    return ShorthandSummary(entries)


def acw_distribution(source: ReportSource, selection: Selection, now: datetime) -> list[Bucket]:
    counts = dict(
        queries.distribution(source, selection, now, HISTOGRAM_WIDTH_S, HISTOGRAM_BUCKETS)
    )
    last = HISTOGRAM_BUCKETS - 1
    return [
        Bucket(
            index * HISTOGRAM_WIDTH_S,
            None if index == last else (index + 1) * HISTOGRAM_WIDTH_S,
            counts.get(index, 0),
        )
        for index in range(HISTOGRAM_BUCKETS)
    ]


def build_report(
    source: ReportSource,
    selection: Selection,
    now: datetime,
    *,
    by: str | None = None,
    outlier_factor: float = 1.5,
    charts: bool = False,
) -> Report:
    """Everything `acw report` prints; `charts` adds the distribution and the daily trend."""
    if selection.start and selection.end and selection.start >= selection.end:
        raise ReportError("the range is empty: --from must be before --to")
    rows = grouped_rows(source, selection, now, by)
    agents, teams = agent_medians(source, selection, now)
    total_calls = sum(agent.calls for agent in agents)
    return Report(
        by=by,
        selection=selection,
        now=now,
        source=source.label,
        outlier_factor=outlier_factor,
        rows=rows,
        agent_medians=agents,
        team_medians=teams,
        outliers=metrics.find_outliers(agents, teams, outlier_factor),
        shorthand=shorthand_summary(source, selection, now),
        distribution=acw_distribution(source, selection, now) if charts else [],
        trend=grouped_rows(source, selection, now, "day") if charts else [],
        total_calls=total_calls,
    )
