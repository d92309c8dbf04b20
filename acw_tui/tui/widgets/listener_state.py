"""The phone-system listener's state (`acw listen`) as the ready and sync screens show it."""

from __future__ import annotations

from datetime import datetime, timedelta

from acw_tui.core.model import ListenerStatus

# `acw listen` saves its state at least every 30 s; older than this, it is not running.
SILENT_AFTER = timedelta(seconds=90)


def _clock(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M:%S") if moment else "–"


def listener_state_line(status: ListenerStatus, now: datetime) -> str:
    """One line: connected or not (and why), or silent when `acw listen` stopped saying."""
    if status.updated_at is not None and now - status.updated_at > SILENT_AFTER:
        return f"no word since {_clock(status.updated_at)}: is `acw listen` running?"
    if status.connected:
        return f"connected to {status.detail or status.source}"
    return f"not connected: {status.detail or 'starting'}"


def listener_lines(status: ListenerStatus, now: datetime) -> list[str]:
    """Label and value lines for the sync/status screen."""
    lines = [
        f"Phone system   {status.source}",
        f"Listener       {listener_state_line(status, now)}",
        f"Last event     {_clock(status.last_event_at)}  {status.last_event or ''}".rstrip(),
        f"Calls stored   {status.events}",
    ]
    if status.errors:
        lines.append(
            f"Errors         {status.errors} (last at {_clock(status.last_error_at)}: "
            f"{status.last_error or ''})"
        )
    return lines
