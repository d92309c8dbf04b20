"""A whole report: the grouped figures, outliers, shorthand use and what the charts draw."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from acw_tui.core import metrics
from acw_tui.core.metrics import (
    AgentMedian,
    FailedRule,
    GroupTotals,
    MetricsRow,
    Outlier,
    ShorthandEntry,
    ShorthandSummary,
    TypingFigure,
)
from acw_tui.core.printable import cut
from acw_tui.i18n import _
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
    failed_rules: list[FailedRule] = field(default_factory=list)
    # Keys pressed against characters written: per agent, and per team (site).
    typing_agents: list[TypingFigure] = field(default_factory=list)
    typing_teams: list[TypingFigure] = field(default_factory=list)
    typing_cpm: float = 200.0

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


Key = tuple[str, ...]
Percentiles = dict[Key, tuple[int, float | None, float | None]]


def _percentiles(
    source: ReportSource,
    selection: Selection,
    now: datetime,
    keys: list[str],
    code_join: bool = False,
) -> Percentiles:
    width = len(keys)
    return {
        tuple(str(k) for k in row[:width]): (
            int(row[width]),
            _opt(row[width + 1]),
            _opt(row[width + 2]),
        )
        for row in queries.percentiles(source, selection, now, keys, code_join)
    }


@dataclass(frozen=True)
class _Figures:
    rows: list[MetricsRow]
    agents: list[AgentMedian]
    teams: dict[str, float]
    total_calls: int
    typing: list[TypingFigure] = field(default_factory=list)
    failed_rules: list[FailedRule] = field(default_factory=list)


def _per_agent(source: ReportSource, selection: Selection, now: datetime) -> Percentiles:
    """Median ACW per (site, agent): an agent who moved site is compared with each team."""
    return _percentiles(source, selection, now, ["w.site_id", "w.agent_id"])


# Independent queries of one report run at once, each on its own connection: SQLite and
# PostgreSQL both answer several connections in parallel, so the report waits for its
# longest pass rather than for their sum. Three keeps two cores busy while one pass
# waits on the disk.
PARALLEL_QUERIES = 3


def _run_all(
    source: ReportSource, jobs: dict[str, Callable[[ReportSource], Any]]
) -> dict[str, Any]:
    """Each job's answer; jobs are started in the order given (longest first pays)."""
    reopen = source.reopen
    if reopen is None:
        return {name: job(source) for name, job in jobs.items()}

    def on_own_connection(job: Callable[[ReportSource], Any]) -> Any:
        own = reopen()
        try:
            return job(own)
        finally:
            own.close()

    with ThreadPoolExecutor(PARALLEL_QUERIES, thread_name_prefix="acw-report") as pool:
        running = {name: pool.submit(on_own_connection, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in running.items()}


def _figures(
    source: ReportSource, selection: Selection, now: datetime, by: str | None
) -> tuple[_Figures, ShorthandSummary]:
    """The grouped rows, each agent's median and each team's median.

    Each percentile needs its own pass; by agent and by team the grouped figures are
    the agents' and the teams' own, so those passes are not run twice.
    """
    if by is not None and by not in queries.GROUPINGS:
        raise ReportError(
            _("--by {value}: expected one of {choices}").format(
                value=repr(by), choices=", ".join(queries.GROUPINGS)
            )
        )
    key = queries.group_expression(by)
    code_join = by == "code"
    jobs: dict[str, Callable[[ReportSource], Any]] = {
        "summed": lambda s: queries.sums(s, selection, now, [key], code_join),
        "logged_in": lambda s: queries.state_seconds(s, selection, now, by),
        "shorthand": lambda s: shorthand_summary(s, selection, now),
        "typing": lambda s: typing_figures(s, selection, now),
        "failed_rules": lambda s: most_failed_rules(s, selection, now),
        "per_agent": lambda s: _per_agent(s, selection, now),
        "per_site": lambda s: _percentiles(s, selection, now, ["w.site_id"]),
    }
    if by not in ("agent", "team"):
        jobs["per_group"] = lambda s: _percentiles(s, selection, now, [key], code_join)
    answers = _run_all(source, jobs)
    summed, per_agent, per_site = answers["summed"], answers["per_agent"], answers["per_site"]

    if by == "team":
        per_group = per_site
    elif by == "agent":
        sites = Counter(agent for _site, agent in per_agent)
        if all(count == 1 for count in sites.values()):
            per_group = {(agent,): figures for (_site, agent), figures in per_agent.items()}
        else:  # an agent who worked at two sites: rank all their wrap-ups together
            per_group = _percentiles(source, selection, now, [key])
    else:
        per_group = answers["per_group"]
    teams = {site: p50 for (site,), (_n, p50, _p90) in per_site.items() if p50 is not None}
    agents = [
        AgentMedian(agent, site, n, p50)
        for (site, agent), (n, p50, _p90) in per_agent.items()
        if p50 is not None
    ]
    logged_in = answers["logged_in"]

    rows = []
    for group, calls, total, talk_n, talk_acw, done, ok, late, ext, *quality in summed:
        scored, score_total, critical, auto = quality
        _n, median, p90 = per_group.get((str(group),), (0, None, None))
        totals = GroupTotals(
            group=str(group),
            calls=int(calls),
            acw_total_s=_f(total),
            acw_median_s=median,
            acw_p90_s=p90,
            talk_known_calls=int(talk_n or 0),
            talk_plus_acw_s=_f(talk_acw),
            finished=int(done or 0),
            compliant=int(ok or 0),
            timed_out=int(late or 0),
            extended=int(ext or 0),
            logged_in_s=None if logged_in is None else logged_in.get(str(group), (0.0, 0.0))[0],
            acw_state_s=0.0 if logged_in is None else logged_in.get(str(group), (0.0, 0.0))[1],
            scored=int(scored or 0),
            score_total=_f(score_total),
            critical_failed=int(critical or 0),
            auto_coded=int(auto or 0),
        )
        rows.append(metrics.metrics_row(totals))
    # An agent (or day, or hour) with logged-in time but no calls still gets a row: a
    # lead wants to see who was logged in and handled nothing.
    seen = {row.group for row in rows}
    for group, (seconds, in_acw) in (logged_in or {}).items():
        if by is not None and group not in seen and seconds > 0:
            rows.append(
                metrics.metrics_row(
                    GroupTotals(group, 0, 0.0, None, None, logged_in_s=seconds, acw_state_s=in_acw)
                )
            )
    rows.sort(key=lambda row: row.group)
    if by is None and not rows:
        logged, in_acw = (
            (None, 0.0) if logged_in is None else logged_in.get(queries.EVERYTHING, (None, 0.0))
        )
        rows.append(
            metrics.metrics_row(
                GroupTotals(
                    queries.EVERYTHING, 0, 0.0, None, None, logged_in_s=logged, acw_state_s=in_acw
                )
            )
        )
    figures = _Figures(
        rows,
        agents,
        teams,
        sum(agent.calls for agent in agents),
        answers["typing"],
        answers["failed_rules"],
    )
    return figures, answers["shorthand"]


def shorthand_summary(
    source: ReportSource, selection: Selection, now: datetime
) -> ShorthandSummary:
    expansions: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    missers: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for agent, abbr, expansion, used, undone, missed, saved in queries.shorthand_by_agent(
        source, selection, now
    ):
        abbr = str(abbr)
        expansions[abbr] = max(expansions.get(abbr, ""), str(expansion))
        counts[abbr].update(
            used=int(used or 0),
            undone=int(undone or 0),
            missed=int(missed or 0),
            saved=int(saved or 0),
        )
        if missed:
            missers[abbr].append((str(agent), int(missed)))
    entries = [
        ShorthandEntry(
            abbr=abbr,
            expansion=expansions[abbr],
            used=count["used"],
            undone=count["undone"],
            missed=count["missed"],
            keystrokes_saved=count["saved"],
            top_missers=tuple(sorted(missers[abbr], key=lambda m: (-m[1], m[0]))[:TOP_MISSERS]),
        )
        for abbr, count in counts.items()
    ]
    entries.sort(key=lambda entry: (-entry.used, entry.abbr))
    return ShorthandSummary(tuple(entries))


def typing_figures(source: ReportSource, selection: Selection, now: datetime) -> list[TypingFigure]:
    return [
        TypingFigure(str(agent), str(site), int(n), int(keys or 0), int(chars or 0))
        for site, agent, n, keys, chars in queries.typing_by_agent(source, selection, now)
    ]


def daily_trend(source: ReportSource, selection: Selection, now: datetime) -> list[MetricsRow]:
    """Calls, average and median ACW per day, for the trend chart."""
    key = queries.group_expression("day")
    per_day = _percentiles(source, selection, now, [key])
    rows = []
    for day, calls, total, *_rest in queries.sums(source, selection, now, [key]):
        _n, median, p90 = per_day.get((str(day),), (0, None, None))
        rows.append(metrics.metrics_row(GroupTotals(str(day), int(calls), _f(total), median, p90)))
    return rows


EXAMPLE_CHARS = 160
TOP_FAILED_RULES = 10


def most_failed_rules(
    source: ReportSource, selection: Selection, now: datetime, examples: int = 2
) -> list[FailedRule]:
    """The quality rules finished notes failed most, each with its newest examples.

    The notes were redacted when stored; they are redacted again (a note stored by an
    older acw, or received from another site's policy) and cut to one short line."""
    from acw_tui.core.redaction import redact

    found = []
    for rule, times in queries.failed_rules(source, selection, now, TOP_FAILED_RULES):
        shown = []
        for agent, started, note in queries.failed_rule_examples(
            source, selection, now, str(rule), examples
        ):
            text = cut(" ".join(redact(str(note or "")).text.split()), EXAMPLE_CHARS)
            shown.append(metrics.RuleExample(str(agent), str(started), text))
        found.append(FailedRule(str(rule), int(times), tuple(shown)))
    return found


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
    typing_cpm: float = 200.0,
) -> Report:
    """Everything `acw report` prints; `charts` adds the distribution and the daily trend."""
    if selection.start and selection.end and selection.start >= selection.end:
        raise ReportError(_("the range is empty: --from must be before --to"))
    figures, shorthand = _figures(source, selection, now, by)
    return Report(
        by=by,
        selection=selection,
        now=now,
        source=source.label,
        outlier_factor=outlier_factor,
        rows=figures.rows,
        agent_medians=figures.agents,
        team_medians=figures.teams,
        outliers=metrics.find_outliers(figures.agents, figures.teams, outlier_factor),
        shorthand=shorthand,
        distribution=acw_distribution(source, selection, now) if charts else [],
        trend=daily_trend(source, selection, now) if charts else [],
        total_calls=figures.total_calls,
        failed_rules=figures.failed_rules,
        typing_agents=figures.typing,
        typing_teams=metrics.typing_by_team(figures.typing),
        typing_cpm=typing_cpm,
    )
