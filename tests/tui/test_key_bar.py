"""The key bar: every action of the screen is on it, wraps instead of hiding, and clicks."""

from __future__ import annotations

from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.history import HistoryScreen
from acw_tui.tui.widgets.key_bar import GAP, Key, KeyBar, pack
from tests.tui.conftest import acw_open, wait_for


def test_keys_wrap_between_keys_never_inside_one() -> None:
    keys = [Key("f2", "f2", "Call ended", True), Key("f3", "f3", "Pending", True)]
    assert pack(keys, 80) == [keys]
    assert pack(keys, 14) == [[keys[0]], [keys[1]]]  # "f2 Call ended" is 13 cells
    wide = Key("x", "x", "far too long for it", True)
    assert pack([wide], 5) == [[wide]]


async def test_every_action_of_the_acw_screen_is_shown(make_app, hook) -> None:
    hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        bar = app.screen.query_one(KeyBar)
        shown = {key.description for key in bar.keys}
        active = [active.binding for active in app.screen.active_bindings.values()]
        assert {b.description for b in active if b.show} <= shown
        # The screen's own keys all reach it (the app's F6/F7 belong to the editor there).
        assert {b.description for b in AcwScreen.BINDINGS} <= shown
        assert len(pack(bar.keys, bar.content_size.width)) == bar.size.height > 1


async def test_clicking_a_key_runs_its_action(make_app, hook) -> None:
    hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        bar = app.screen.query_one(KeyBar)
        x = y = None
        for row, line in enumerate(pack(bar.keys, bar.content_size.width)):
            start = 0
            for key in line:
                if key.key == "f4":
                    x, y = start, row
                start += key.width + GAP
        assert x is not None and y is not None
        await pilot.click(KeyBar, offset=(bar.styles.padding.left + x + 1, y))
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
