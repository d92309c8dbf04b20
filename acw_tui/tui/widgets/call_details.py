"""What the agent needs to know about the call being wrapped up."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup


def call_summary(wrapup: Wrapup) -> Content:
    """Label and value per line; the values (from the phone system) are shown as sent."""
    call = wrapup.call
    rows = [
        ("Call", call.external_id),
        ("Queue", call.queue or "–"),
        ("Customer", call.customer_ref or "–"),
        ("Talk", format_duration(call.talk_seconds)),
        # Only a listening phone system reports hold time; the hook row stays as it was.
        *([("Hold", format_duration(call.hold_seconds))] if call.hold_seconds is not None else []),
        ("Ended", wrapup.started_at.astimezone().strftime("%H:%M:%S")),
    ]
    return Content("\n").join(
        Content.assemble((f"{label:<9}", "bold"), value) for label, value in rows
    )


class CallDetails(Static):
    def __init__(self, wrapup: Wrapup, **kwargs: object) -> None:
        super().__init__(call_summary(wrapup), **kwargs)  # type: ignore[arg-type]
