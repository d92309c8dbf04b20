"""The code picker: filtering as fast as the agent types never crashes the screen."""

from __future__ import annotations

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from acw_tui.tui.widgets.code_picker import CodePicker
from tests.tui.conftest import acw_open, wait_for


def form_ready(app):  # type: ignore[no-untyped-def]
    opened = acw_open(app)
    return lambda: opened() and bool(app.screen.query("#note-preview"))


def burst(app: App[object], *keys: str) -> None:
    """Keys as a fast typist sends them: all queued at once, no pause between."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def settle(pilot: Pilot[object]) -> None:
    for _ in range(5):
        await pilot.pause()


def shown_codes(picker: CodePicker) -> list[str | None]:
    options = picker.query_one("#code-list", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_fast_typing_in_the_code_filter_does_not_crash(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, form_ready(app))
        await pilot.press("f10")
        picker = app.screen.query_one(CodePicker)
        bursts = [
            ("r", "q", "ctrl+u", "j"),  # as reported: OptionDoesNotExist
            ("ctrl+u", "c", "a", "l", "l", "ctrl+u", "x"),
            ("down", "ctrl+u", "down", "down", "r", "e", "s", "backspace", "up"),
            ("ctrl+u", "z", "z", "ctrl+u", "down", "e", "enter"),
        ]
        for keys in bursts:
            burst(app, *keys)
            await settle(pilot)
            assert app.is_running
            assert app.focused is picker.query_one("#code-filter", Input)
            # What is listed is what the filter says, whatever order the keys came in.
            value = picker.query_one("#code-filter", Input).value
            assert shown_codes(picker) == [c.code for c in picker.visible(value)]


async def test_keyboard_picks_and_toggles_codes(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, form_ready(app))
        picker = app.screen.query_one(CodePicker)
        await pilot.press("f10", "c", "a", "l", "l", "b", "enter")
        assert picker.selected == ["callback"]
        assert picker.query_one("#code-filter", Input).value == ""
        await pilot.press("down", "down", "enter")  # Enter picks the highlighted match
        second = picker.selected[1]
        assert second != "callback"
        await pilot.press("tab", "space")  # in the list, Space toggles the highlighted one
        options = picker.query_one("#code-list", OptionList)
        assert app.focused is options
        toggled = options.highlighted_option.id
        assert (toggled in picker.selected) != (toggled in ("callback", second))
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert all(r.startswith(("[x] ", "[ ] ")) for r in rows)
        assert sum(r.startswith("[x] ") for r in rows) == len(picker.selected)
