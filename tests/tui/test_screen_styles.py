"""A screen is styled once as it opens; later, Textual restyles it as it sees fit.

Textual restyles every widget of a screen each time the screen is made active. The first
time, each widget was styled as it mounted a moment before, with the same stylesheet:
restyling them again only delays the screen (47 widgets on the ACW screen).
"""

from __future__ import annotations

import pytest
from textual import events

from acw_tui.tui.screens.acw import AcwScreen
from tests.tui.conftest import acw_open, wait_for


async def test_the_acw_screen_is_not_restyled_as_it_opens_but_is_when_it_returns(
    make_app, hook, monkeypatch: pytest.MonkeyPatch
) -> None:
    restyled: list[object] = []
    update = AcwScreen.update_node_styles

    def counting(self: AcwScreen, animate: bool = True) -> None:
        restyled.append(self)
        update(self, animate)

    monkeypatch.setattr(AcwScreen, "update_node_styles", counting)
    hook.call_ended("C-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        screen = app.screen
        await pilot.pause()
        assert restyled == []
        await pilot.press("f3")  # the pending list covers it
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("escape")
        await wait_for(pilot, acw_open(app))
        await pilot.pause()
        assert app.screen is screen
        # Made active again the way Textual does when the styles may have changed
        # meanwhile (a mode switched back, a screen under a transparent one): restyled.
        screen.post_message(events.ScreenResume())
        await pilot.pause()
        assert restyled == [screen]


def test_every_acw_screen_keeps_its_mount_styles_on_its_first_resume() -> None:
    """Every screen acw pushes, dialogs and the reports included, skips the restyle."""
    import importlib
    import inspect
    from pathlib import Path

    from textual.screen import Screen

    from acw_tui.tui.screens.base import StyledAtMount

    folder = Path(__file__).parents[2] / "acw_tui" / "tui" / "screens"
    screens = []
    for path in sorted(folder.glob("*.py")):
        module = importlib.import_module(f"acw_tui.tui.screens.{path.stem}")
        screens += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, Screen) and cls.__module__ == module.__name__
        ]
    assert len(screens) >= 10
    assert [cls.__name__ for cls in screens if not issubclass(cls, StyledAtMount)] == []
