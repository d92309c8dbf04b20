"""What the ACW screen needs from shorthand: the agent's guide and storing the usage counts."""

from __future__ import annotations

from pathlib import Path

from acw_tui.core.model import Wrapup
from acw_tui.core.shorthand import Guide, GuideProblem, UsageTally
from acw_tui.errors import AcwError
from acw_tui.service.desk import Desk
from acw_tui.settings.config import Config

_cache: dict[tuple[Path, int], Guide] = {}
# Counts per open wrap-up, kept while the program runs: leaving a wrap-up for later
# and coming back must not lose what was counted so far.
_tallies: dict[str, UsageTally] = {}


def usage_for(wrapup_id: str) -> UsageTally:
    return _tallies.setdefault(wrapup_id, UsageTally())


def agent_guide(config: Config) -> Guide:
    """The guide for this agent's locale; never raises (problems ride along as warnings).

    Cached by file and modification time, so each new wrap-up does not re-read it and
    a guide received from the hub is picked up by the next one.
    """
    from acw_tui.settings.shorthand import guide_file, load_agent_guide

    try:
        path = guide_file(config)
        key = (path, path.stat().st_mtime_ns if path.exists() else 0)
        if key not in _cache:
            _cache.clear()
            _cache[key] = load_agent_guide(config)
        return _cache[key]
    except (AcwError, OSError) as exc:
        return Guide(problems=(GuideProblem(str(config.path or "config"), 0, str(exc)),))


def guide_warning(guide: Guide) -> str:
    """One line for the agent when the guide loaded with problems ("" when it is fine)."""
    if not guide.problems:
        return ""
    more = f" (+{len(guide.problems) - 1} more)" if len(guide.problems) > 1 else ""
    return f"Shorthand guide: {guide.problems[0]}{more}"


def store_usage(desk: Desk, wrapup: Wrapup, guide: Guide, usage: UsageTally) -> int:
    """Store the per-entry counts of a finished wrap-up (synced like the wrap-up)."""
    from acw_tui.store.shorthand_usage import record_usage

    _tallies.pop(wrapup.id, None)
    if not usage:
        return 0
    return record_usage(
        desk.store,
        wrapup.id,
        desk.config.agent_id,
        desk.config.site_id,
        guide.version,
        usage.rows(),
        desk.clock.now(),
    )
