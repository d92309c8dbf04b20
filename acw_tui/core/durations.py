"""How a duration is written for a person: one rule for the timer, history and reports."""

from __future__ import annotations

import math


def format_duration(seconds: float | None) -> str:
    """`m:ss`, or `h:mm:ss` from an hour; a dash when there is no figure.

    Whole seconds are counted down (64.6 s is `1:04`), as a running clock shows them:
    the timer, the history and a report never disagree about the same wrap-up.
    """
    if seconds is None or not math.isfinite(seconds):
        return "–"
    whole = max(0, math.floor(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
