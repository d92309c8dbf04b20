"""What the agent needs to know about the call being wrapped up."""

from __future__ import annotations

from textual.widgets import Static

from acw_tui.core.model import Wrapup
from acw_tui.service.desk import format_duration


def call_summary(wrapup: Wrapup) -> str:
    call = wrapup.call
    rows = [
        ("Call", call.external_id),
        ("Queue", call.queue or "–"),
        ("Customer", call.customer_ref or "–"),
        ("Talk", format_duration(call.talk_seconds)),
        ("Ended", wrapup.started_at.astimezone().strftime("%H:%M:%S")),
    ]
    return "\n".join(f"[b]{label:<9}[/b]{value}" for label, value in rows)


class CallDetails(Static):
    def __init__(self, wrapup: Wrapup, **kwargs: object) -> None:
        super().__init__(call_summary(wrapup), **kwargs)  # type: ignore[arg-type]
