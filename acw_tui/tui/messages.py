"""Messages the screens and widgets exchange, as small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from acw_tui.core.model import Wrapup


@dataclass
class PendingChanged(Message):
    """The set of open wrap-ups changed (a hook fired, or one was finished)."""

    pending: list[Wrapup]


@dataclass
class OpenWrapup(Message):
    """Ask the app to show the ACW screen for this wrap-up."""

    wrapup: Wrapup
