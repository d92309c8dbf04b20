"""Messages between the app and its screens, as small dataclasses handled with `@on`.

Screens never call into the app, nor the app into a screen's widgets: the app posts
what changed to the screen showing, and screens post what the agent did to the app. A
message for a screen that was closed meanwhile is simply dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from acw_tui.core.model import Wrapup


@dataclass
class PendingChanged(Message):
    """The open wrap-ups changed (a hook fired, one was finished, timed out or left)."""

    pending: list[Wrapup]


@dataclass
class AgentStateChanged(Message):
    """Break, back from break, ready after finishing: the ready screen shows it."""


@dataclass
class WrapupChanged(Message):
    """A wrap-up changed underneath its screen (its ACW time ran out, it was extended)."""

    wrapup: Wrapup


@dataclass
class WrapupFinished(Message):
    """The ACW screen stored this wrap-up (finished or discarded): show what is next."""

    wrapup: Wrapup


@dataclass
class LeaveWrapup(Message):
    """Back to the ready screen; the wrap-up stays pending and its clock runs on."""


@dataclass
class DraftSaved(Message):
    """A draft save of this wrap-up came back: `problem` is "" when it is stored."""

    wrapup_id: str
    problem: str = ""


@dataclass
class DraftWaiting(Message):
    """A draft save of this wrap-up has waited for the store for a while."""

    wrapup_id: str


@dataclass
class HubContentReceived(Message):
    """A newer guide (`shorthand`) and/or `templates` release was applied from the hub."""

    kinds: tuple[str, ...]
