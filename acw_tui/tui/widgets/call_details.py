"""What the agent needs to know about the call being wrapped up."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from acw_tui.core.durations import format_duration
from acw_tui.core.model import Wrapup


def call_summary(wrapup: Wrapup) -> Text:
    call = wrapup.call
    rows = [
        ("Call", call.external_id),
        ("Queue", call.queue or "–"),
        ("Customer", call.customer_ref or "–"),
        ("Talk", format_duration(call.talk_seconds)),
        ("Ended", wrapup.started_at.astimezone().strftime("%H:%M:%S")),
    ]
    # Values come from the phone system: shown as text, never read as markup.
    text = Text()
    for n, (label, value) in enumerate(rows):
        text.append(f"{label:<9}", style="bold")
        text.append(value + ("\n" if n < len(rows) - 1 else ""))
    return text


class CallDetails(Static):
    def __init__(self, wrapup: Wrapup, **kwargs: object) -> None:
        super().__init__(call_summary(wrapup), **kwargs)  # type: ignore[arg-type]
