"""What the agent needs to know about the call being wrapped up."""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup
from acw_tui.i18n import _, clock_time


def call_summary(wrapup: Wrapup) -> Content:
    """Label and value per line; the values (from the phone system) are shown as sent."""
    call = wrapup.call
    rows = [
        (_("Call"), call.external_id),
        (_("Queue"), call.queue or "–"),
        (_("Customer"), call.customer_ref or "–"),
        (_("Talk"), format_duration(call.talk_seconds)),
        # Only a listening phone system reports hold time; the hook row stays as it was.
        *(
            [(_("Hold"), format_duration(call.hold_seconds))]
            if call.hold_seconds is not None
            else []
        ),
        (_("Ended"), clock_time(wrapup.started_at)),
    ]
    # Labels padded by terminal cells, not characters: Chinese labels are double width.
    width = max(cell_len(label) for label, _value in rows) + 1
    return Content("\n").join(
        Content.assemble((label + " " * (max(9, width) - cell_len(label)), "bold"), value)
        for label, value in rows
    )


class CallDetails(Static):
    def __init__(self, wrapup: Wrapup, **kwargs: object) -> None:
        super().__init__(call_summary(wrapup), **kwargs)  # type: ignore[arg-type]
