"""Turning what a lead types (`--since 7d`, `--from 2026-05-01`) into a report range,
and the `[report]` table of the config file.

```toml
[report]
outlier_factor = 1.5   # an agent is an outlier when their median ACW exceeds 1.5 × the team's
typing_cpm = 200       # typing speed (characters per minute) that turns characters saved into time
```
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from acw_tui.core import inputs
from acw_tui.core.inputs import InputError
from acw_tui.i18n import _
from acw_tui.reports.source import ReportError


@dataclass(frozen=True)
class ReportSettings:
    outlier_factor: float = 1.5
    typing_cpm: float = 200.0


def _checked(check: Callable[[], datetime]) -> datetime:
    try:
        return check()
    except InputError as exc:
        # Kept as template and parameters, so that it is shown in the reader's language.
        raise ReportError(exc.template, **exc.params) from None


def parse_since(text: str, now: datetime) -> datetime:
    """`7d` → seven days before now (units: m minutes, h hours, d days, w weeks)."""
    return _checked(lambda: inputs.since(text, now, "--since"))


def parse_bound(text: str, option: str, *, end: bool) -> datetime:
    """An ISO date or time in UTC between 1970 and 2999; a bare date given to --to means
    the end of that day."""
    return _checked(lambda: inputs.day_or_time(text, option, end=end))


def report_range(
    since: str | None, start: str | None, end: str | None, now: datetime
) -> tuple[datetime | None, datetime | None]:
    if since is not None and start is not None:
        raise ReportError(_("--since and --from both set the start of the range; give one"))
    begin = parse_since(since, now) if since is not None else None
    if start is not None:
        begin = parse_bound(start, "--from", end=False)
    finish = parse_bound(end, "--to", end=True) if end is not None else None
    if begin and finish and begin >= finish:
        # In the lead's own terms: the options and values as typed (a bare --to date
        # means the end of that day, so its time would not be what they wrote).
        opening = ("--from", start) if start is not None else ("--since", since)
        raise ReportError(
            _(
                "the range is empty: {start_option} {start} does not begin before --to {end} ends"
            ).format(start_option=opening[0], start=repr(opening[1]), end=repr(end))
        )
    return begin, finish
