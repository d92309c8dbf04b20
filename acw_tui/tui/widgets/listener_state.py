"""The phone-system listener's state (`acw listen`) as the ready and sync screens show it,
its stored phrases in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.cells import cell_len

from acw_tui.core.model import ListenerStatus
from acw_tui.i18n import _, clock_time, said

# `acw listen` saves its state at least every 30 s; older than this, it is not running.
SILENT_AFTER = timedelta(seconds=90)


def _clock(moment: datetime | None) -> str:
    return clock_time(moment) if moment else "–"


def listener_state_line(status: ListenerStatus, now: datetime) -> str:
    """One line: connected or not (and why), or silent when `acw listen` stopped saying."""
    if status.updated_at is not None and now - status.updated_at > SILENT_AFTER:
        return _("no word since {time}: is `acw listen` running?").format(
            time=_clock(status.updated_at)
        )
    if status.connected:
        return _("connected to {source}").format(source=said(status.detail or status.source))
    return _("not connected: {reason}").format(
        reason=said(status.detail) if status.detail else _("starting")
    )


def listener_lines(status: ListenerStatus, now: datetime) -> list[str]:
    """Label and value lines for the sync/status screen."""
    rows = [
        (_("Phone system"), status.source),
        (_("Listener"), listener_state_line(status, now)),
        (
            _("Last event"),
            f"{_clock(status.last_event_at)}  {said(status.last_event or '')}".rstrip(),
        ),
        (_("Calls stored"), str(status.events)),
    ]
    if status.errors:
        rows.append(
            (
                _("Errors"),
                _("{count} (last at {time}: {error})").format(
                    count=status.errors,
                    time=_clock(status.last_error_at),
                    error=said(status.last_error or ""),
                ),
            )
        )
    # Labels padded by terminal cells (Chinese labels are double width), as the sync facts.
    width = max(15, *(cell_len(label) + 2 for label, _value in rows))
    return [label + " " * (width - cell_len(label)) + value for label, value in rows]
