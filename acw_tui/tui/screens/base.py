"""What every acw screen has: the desk, and the one path to it (`calls`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from acw_tui.service.desk import Desk
    from acw_tui.tui.app import AcwApp
    from acw_tui.tui.desk_calls import DeskCalls


class DeskScreen(Screen[None]):
    @property
    def acw_app(self) -> AcwApp:
        return cast("AcwApp", self.app)

    @property
    def desk(self) -> Desk:
        return self.acw_app.desk

    @property
    def calls(self) -> DeskCalls:
        return self.acw_app.calls
