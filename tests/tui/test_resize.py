"""A terminal that reports the size the screen already has costs nothing; a new size is
laid out at once.

The terminal driver reports the size once more right after start, when the ACW screen
is already laid out at it. Laying the screen out again and repainting it whole only
delays the agent's first key.
"""

from __future__ import annotations

from textual import events
from textual.geometry import Size
from textual.message import Message

from tests.tui.conftest import acw_open, wait_for


async def test_a_resize_to_the_size_the_app_has_is_not_handed_to_the_screens(
    make_app, hook
) -> None:
    hook.call_ended("C-1")
    handed: list[Message] = []
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=handed.append) as pilot:
        await wait_for(pilot, acw_open(app))
        await pilot.pause()
        same = events.Resize(Size(120, 40), Size(120, 40))
        app.post_message(same)
        await pilot.pause()
        await pilot.pause()
        # Posted once by the test; Textual's own handler would post the same event again
        # to the ACW screen and to the ready screen below it.
        assert sum(message is same for message in handed) == 1
        assert app.screen.size == Size(120, 40)


async def test_a_new_size_still_lays_the_screen_out(make_app, hook) -> None:
    hook.call_ended("C-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        await pilot.resize_terminal(100, 30)
        await wait_for(pilot, lambda: app.screen.size == Size(100, 30))
        notes = app.screen.query_one("#notes")
        assert notes.region.right <= 100 and notes.region.bottom <= 30
        await pilot.resize_terminal(120, 40)
        await wait_for(pilot, lambda: app.screen.size == Size(120, 40))
