"""What every acw screen has: styles kept from its mount on its first resume; and, for
the desk's screens, the desk and the one path to it (`calls`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.screen import Screen

if TYPE_CHECKING:
    from acw_tui.service.desk import Desk
    from acw_tui.tui.app import AcwApp
    from acw_tui.tui.desk_calls import DeskCalls


class StyledAtMount:
    """For every acw screen: the first time it is made active, its widgets keep the
    styles they were given as they mounted.

    Textual restyles every widget of a screen each time it is made active. The first
    time, each was styled as it mounted, a moment ago, with the same stylesheet (47
    widgets on the ACW screen, about 8 ms of every opening). Later, the styles may have
    changed while the screen was covered (a theme), so Textual's choice stands.
    """

    resumed_before = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self.resumed_before:
            self.resumed_before = True
            event.refresh_styles = False


class DeskScreen(StyledAtMount, Screen[None]):
    @property
    def acw_app(self) -> AcwApp:
        return cast("AcwApp", self.app)

    @property
    def desk(self) -> Desk:
        return self.acw_app.desk

    @property
    def calls(self) -> DeskCalls:
        return self.acw_app.calls
