"""What every acw screen has (`EveryScreen`): styles kept from its mount on its first
resume, and a notice over it while the terminal is too small to use; and, for the
desk's screens, the desk and the one path to it (`calls`)."""

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


class FitsTheTerminal:
    """For every acw screen: below the size acw can be used in, a notice covers the
    screen, naming the terminal's size and the size needed (`widgets/too_small.py`);
    it goes as soon as the terminal is large enough. Checked each time the screen is
    made active and each time the terminal changes size."""

    def on_screen_resume(self) -> None:
        self.fit_to_terminal()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_to_terminal()

    def fit_to_terminal(self) -> None:
        from acw_tui.tui.widgets.too_small import TooSmall, too_small

        screen = cast("Screen[object]", self)
        width, height = screen.app.size
        notices = screen.query_children(TooSmall)
        if not too_small(width, height):
            notices.remove()
        elif notices:
            notices.first().say(width, height)
        else:
            notice = TooSmall()
            notice.say(width, height)
            screen.mount(notice)


class EveryScreen(FitsTheTerminal, StyledAtMount):
    """What every acw screen has (mixed into Textual's Screen and ModalScreen)."""


class DeskScreen(EveryScreen, Screen[None]):
    @property
    def acw_app(self) -> AcwApp:
        return cast("AcwApp", self.app)

    @property
    def desk(self) -> Desk:
        return self.acw_app.desk

    @property
    def calls(self) -> DeskCalls:
        return self.acw_app.calls
