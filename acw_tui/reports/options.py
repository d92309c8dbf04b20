"""Turning what a lead types (`--since 7d`, `--from 2026-05-01`) into a report range,
and the `[report]` table of the config file.

```toml
[report]
outlier_factor = 1.5   # an agent is an outlier when their median ACW exceeds 1.5 × the team's
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from acw_tui.core.timeutil import parse_iso
from acw_tui.reports.source import ReportError

_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class ReportSettings:
    outlier_factor: float = 1.5


def parse_since(text: str, now: datetime) -> datetime:
    """`7d` → seven days before now (units: m minutes, h hours, d days, w weeks)."""
    match = _SINCE.match(text)
    if not match:
        raise ReportError(f"--since {text!r}: expected a number and a unit, e.g. 30m, 12h, 7d, 2w")
    amount, unit = int(match.group(1)), match.group(2)
    return now - timedelta(**{_UNITS[unit]: amount})


def parse_bound(text: str, option: str, *, end: bool) -> datetime:
    """An ISO date or time in UTC; a bare date given to --to means the end of that day."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            day = date.fromisoformat(text.strip())
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return moment + timedelta(days=1) if end else moment
        return parse_iso(text)
    except ValueError:
        raise ReportError(
            f"{option} {text!r}: expected an ISO date or time, e.g. 2026-05-04 or 2026-05-04T10:00Z"
        ) from None


def report_range(
    since: str | None, start: str | None, end: str | None, now: datetime
) -> tuple[datetime | None, datetime | None]:
    if since and start:
        raise ReportError("--since and --from both set the start of the range; give one")
    begin = parse_since(since, now) if since else None
    if start:
        begin = parse_bound(start, "--from", end=False)
    finish = parse_bound(end, "--to", end=True) if end else None
    if begin and finish and begin >= finish:
        raise ReportError(
            f"the range is empty: {begin:%Y-%m-%d %H:%M} is not before {finish:%Y-%m-%d %H:%M}"
        )
    return begin, finish
