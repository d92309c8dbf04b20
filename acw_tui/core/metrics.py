"""The figures of a report (SPEC §9) and the formula behind each one.

The store sums, counts and ranks in SQL; these pure functions turn those totals into
the figures a team lead reads, so every formula lives in exactly one place and its
text is printed beside the figure it produces.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from acw_tui.core.durations import format_duration

# Percentiles are interpolated linearly between the two nearest ranks (like
# PostgreSQL's percentile_cont and Python's statistics.quantiles(method="inclusive")).
MEDIAN = 50
P90 = 90

FORMULAS: dict[str, str] = {
    "calls": "calls handled = wrap-ups whose ACW ended in the range (by ACW start)",
    "acw_total_s": "total ACW = sum of ACW seconds of the calls handled",
    "acw_avg_s": "average ACW = total ACW ÷ calls handled",
    "acw_median_s": "median ACW = 50th percentile of ACW seconds (linear between ranks)",
    "acw_p90_s": "90th percentile ACW = 90th percentile of ACW seconds (linear between ranks)",
    "acw_pct": (
        "ACW % = time in the ACW state ÷ logged-in time × 100, both from the agent-state "
        "log and clipped to the range (by day or hour, split at its boundaries): wrap-ups "
        "pending at once are ACW time once; logged-in time = agent states other than "
        "logged_out (gaps in the state log count as logged out); by queue, code or "
        "template there is no logged-in time, so none"
    ),
    "aht_s": (
        "AHT = (talk + hold + ACW) ÷ calls with known talk time; hold = 0 "
        "(the store keeps no hold time)"
    ),
    "compliance_pct": (
        "compliance = wrap-ups finished with a code and every required field ÷ "
        "wrap-ups finished × 100"
    ),
    "timeout_rate": "time-out rate = wrap-ups timed out ÷ calls handled",
    "extension_rate": "extension rate = wrap-ups extended at least once ÷ calls handled",
    "quality_avg": (
        "quality (0–100) = average note-quality score of the wrap-ups finished with one "
        "(weighted share of the weighted quality rules passed; critical rules kept apart)"
    ),
    "critical_fail_rate": (
        "critical fail rate = wrap-ups finished with a critical quality rule failed ÷ "
        "wrap-ups finished"
    ),
    "auto_code_rate": (
        "auto-code rate = wrap-ups given the automatic code at the ACW time-out ÷ calls handled"
    ),
}
# Compliance is split in two (SPEC §14): "code and fields complete" (compliance_pct) and
# the note's quality (quality_avg, critical_fail_rate).

FAILED_RULES_NOTE = (
    "most-failed quality rules = finished wrap-ups that failed each rule; examples are the "
    "newest such notes, redacted again and cut short"
)

OUTLIER_FORMULA = "outlier = agent's median ACW > factor × median ACW of the agent's team (site)"
SHORTHAND_FORMULAS: dict[str, str] = {
    "used": "expansions used = entries expanded and kept or undone",
    "undo_rate": "undo rate = expansions undone ÷ expansions used, per entry",
    "missed": "missed = times an agent typed the full phrase of an entry instead of its abbreviation",
    "keystrokes_saved": "keystrokes saved = sum of (expansion length − abbreviation length) kept",
}
CODE_GROUP_NOTE = "by code: a wrap-up with two codes counts in both groups"

METRIC_NAMES = tuple(FORMULAS)

# Decimals each figure keeps in data output (JSON, CSV): tenths of a second and of a
# percent, rates to four places; `calls` is a count.
OUTPUT_DIGITS = {
    **{name: 1 for name in METRIC_NAMES if name.endswith(("_s", "_pct")) or name == "quality_avg"},
    **{name: 4 for name in METRIC_NAMES if name.endswith("_rate")},
}


@dataclass(frozen=True)
class GroupTotals:
    """What SQL sums up for one group of wrap-ups (and the logged-in time beside it)."""

    group: str
    calls: int
    acw_total_s: float
    acw_median_s: float | None
    acw_p90_s: float | None
    talk_known_calls: int = 0
    talk_plus_acw_s: float = 0.0
    finished: int = 0
    compliant: int = 0
    timed_out: int = 0
    extended: int = 0
    logged_in_s: float | None = None  # None: logged-in time does not apply to this grouping
    acw_state_s: float = 0.0  # of it, time in the ACW state
    scored: int = 0  # finished wrap-ups with a quality score
    score_total: float = 0.0
    critical_failed: int = 0
    auto_coded: int = 0


@dataclass(frozen=True)
class MetricsRow:
    """The figures of one group of wrap-ups (an agent, a queue, a day, …), as FORMULAS say."""

    group: str
    calls: int
    acw_total_s: float
    acw_avg_s: float | None
    acw_median_s: float | None
    acw_p90_s: float | None
    acw_pct: float | None
    aht_s: float | None
    compliance_pct: float | None
    timeout_rate: float | None
    extension_rate: float | None
    quality_avg: float | None = None
    critical_fail_rate: float | None = None
    auto_code_rate: float | None = None

    def as_dict(self) -> dict[str, object]:
        """The figures for data formats (JSON, CSV), each rounded as OUTPUT_DIGITS says.
        The row itself keeps them exact, so a table counts whole seconds down as the
        timer does (6.992 s is 0:06 there, though 7.0 here)."""
        return {
            "group": self.group,
            **{
                name: _rounded(getattr(self, name), OUTPUT_DIGITS.get(name))
                for name in METRIC_NAMES
            },
        }


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None when there is nothing to divide by."""
    return part / whole if whole else None


def _finite(value: float | None) -> float | None:
    """A figure that is not finite (a stored time of `inf` from an older acw, a sum that
    overflowed) is no figure, never `Infinity` in JSON."""
    return None if value is None or not math.isfinite(value) else value


def _rounded(value: float | None, digits: int | None) -> float | None:
    """Rounded to `digits` for data output; a count (`digits` None) as it is."""
    if value is None or digits is None:
        return value
    return round(value, digits)


def metrics_row(totals: GroupTotals) -> MetricsRow:
    """The figures of one group, following FORMULAS."""
    acw_pct = None
    if totals.logged_in_s is not None:
        share = ratio(totals.acw_state_s, totals.logged_in_s)
        acw_pct = None if share is None else share * 100
    compliance = ratio(totals.compliant, totals.finished)
    return MetricsRow(
        group=totals.group,
        calls=totals.calls,
        acw_total_s=_finite(totals.acw_total_s) or 0.0,
        acw_avg_s=_finite(ratio(totals.acw_total_s, totals.calls)),
        acw_median_s=_finite(totals.acw_median_s),
        acw_p90_s=_finite(totals.acw_p90_s),
        acw_pct=_finite(acw_pct),
        aht_s=_finite(ratio(totals.talk_plus_acw_s, totals.talk_known_calls)),
        compliance_pct=_finite(None if compliance is None else compliance * 100),
        timeout_rate=_finite(ratio(totals.timed_out, totals.calls)),
        extension_rate=_finite(ratio(totals.extended, totals.calls)),
        quality_avg=_finite(ratio(totals.score_total, totals.scored)),
        critical_fail_rate=_finite(ratio(totals.critical_failed, totals.finished)),
        auto_code_rate=_finite(ratio(totals.auto_coded, totals.calls)),
    )


def rank_below(n: int, pct: int) -> int:
    """The 0-based rank of the value at or just below the pct-th percentile of n values.

    The store fetches the values at this rank and the next; `between_ranks` makes the
    percentile of them.
    """
    return pct * (n - 1) // 100


def between_ranks(n: int, pct: int, low_value: float, high_value: float) -> float:
    """The pct-th percentile of n values, from the values at `rank_below` and the next."""
    rest = pct * (n - 1) % 100
    return low_value + (high_value - low_value) * rest / 100 if rest else low_value


def percentile(sorted_values: Sequence[float], pct: int) -> float | None:
    """The pct-th percentile of already sorted values, linear between ranks.

    The reference the tests and the small in-memory callers use; reports fetch only the
    two values around each percentile from the store and call `between_ranks` likewise.
    """
    n = len(sorted_values)
    if not n:
        return None
    low = rank_below(n, pct)
    return between_ranks(n, pct, sorted_values[low], sorted_values[min(low + 1, n - 1)])


@dataclass(frozen=True)
class AgentMedian:
    """One agent's median ACW at one site (their team), and the calls it is taken over."""

    agent_id: str
    site_id: str
    calls: int
    median_s: float


@dataclass(frozen=True)
class Outlier:
    """An agent whose median ACW is more than the outlier factor times their team's."""

    agent_id: str
    site_id: str
    median_s: float
    team_median_s: float

    @property
    def times_team(self) -> float:
        return self.median_s / self.team_median_s


def find_outliers(
    agents: Iterable[AgentMedian], team_medians: dict[str, float], factor: float
) -> list[Outlier]:
    """Agents whose median ACW exceeds their team's median by more than `factor`.

    A fixed limit punishes a team whose calls are simply harder; comparing with the
    team's own median does not.
    """
    found = []
    for agent in agents:
        team = team_medians.get(agent.site_id)
        if team and agent.median_s > factor * team:
            found.append(Outlier(agent.agent_id, agent.site_id, agent.median_s, team))
    return sorted(found, key=lambda o: -o.times_team)


@dataclass(frozen=True)
class ShorthandEntry:
    """One guide entry in the shorthand report: used, undone, missed, keystrokes saved,
    and the agents who missed it most."""

    abbr: str
    expansion: str
    used: int
    undone: int
    missed: int
    keystrokes_saved: int
    top_missers: tuple[tuple[str, int], ...] = ()  # (agent, times missed), most first

    @property
    def undo_rate(self) -> float | None:
        return ratio(self.undone, self.used)


@dataclass(frozen=True)
class ShorthandSummary:
    """The shorthand report: every guide entry used or missed in the range, most used first."""

    entries: tuple[ShorthandEntry, ...]

    @property
    def used(self) -> int:
        return sum(e.used for e in self.entries)

    @property
    def undone(self) -> int:
        return sum(e.undone for e in self.entries)

    @property
    def missed(self) -> int:
        return sum(e.missed for e in self.entries)

    @property
    def keystrokes_saved(self) -> int:
        return sum(e.keystrokes_saved for e in self.entries)

    @property
    def undo_rate(self) -> float | None:
        return ratio(self.undone, self.used)


def format_seconds(value: float | None) -> str:
    """Seconds as m:ss (or h:mm:ss) for tables; a dash when there is no figure."""
    return format_duration(value)


def format_percent(value: float | None, *, fraction: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value * 100 if fraction else value:.1f}%"


@dataclass(frozen=True)
class RuleExample:
    """A finished note that failed a quality rule, shown as an example: who wrote it and when."""

    agent_id: str
    started_at: str
    note: str  # redacted and cut short


@dataclass(frozen=True)
class FailedRule:
    """A note-quality rule and how often finished wrap-ups failed it, to coach on."""

    rule: str
    times: int
    examples: tuple[RuleExample, ...] = ()


TYPING_FORMULAS: dict[str, str] = {
    "typed_per_final": (
        "typed / final = keys pressed in the notes ÷ characters of the final notes, over "
        "wrap-ups that recorded both (every key counts: letters, delimiters, accept keys, "
        "backspaces, F5)"
    ),
    "chars_saved": "characters saved = characters of the final notes − keys pressed (at least 0)",
    "time_saved_s": "time saved = characters saved ÷ typing speed ([report] typing_cpm, per minute)",
}


@dataclass(frozen=True)
class TypingFigure:
    """Keys pressed against characters written, for one agent or one team (site)."""

    group: str
    site: str
    wrapups: int
    keys: int
    final_chars: int

    @property
    def typed_per_final(self) -> float | None:
        return ratio(self.keys, self.final_chars)

    @property
    def chars_saved(self) -> int:
        return max(0, self.final_chars - self.keys)

    def time_saved_s(self, chars_per_minute: float) -> float:
        """Characters saved at the agent's typing speed, in seconds."""
        return self.chars_saved / chars_per_minute * 60 if chars_per_minute > 0 else 0.0


def typing_by_team(agents: Iterable[TypingFigure]) -> list[TypingFigure]:
    """The agents' figures summed per site (the team)."""
    sums: dict[str, list[int]] = {}
    for figure in agents:
        total = sums.setdefault(figure.site, [0, 0, 0])
        total[0] += figure.wrapups
        total[1] += figure.keys
        total[2] += figure.final_chars
    return [TypingFigure(site, site, n, k, c) for site, (n, k, c) in sorted(sums.items())]
