"""The notes editor, the thing the agent is there for, keeps its room on small terminals.

At least half the width at any size, never hidden; the timer strip, the wrap-up panel
and the guide panel share what is left.
"""

from __future__ import annotations

import pytest

from acw_tui.tui.widgets.acw_timer import AcwTimer
from acw_tui.tui.widgets.notes_editor import NotesEditor
from tests.tui.conftest import acw_open, type_text, wait_for


def form_ready(app):  # type: ignore[no-untyped-def]
    opened = acw_open(app)
    return lambda: opened() and bool(app.screen.query("#note-preview"))


def sizes(app) -> str:  # type: ignore[no-untyped-def]
    """Where the space went, for the failure message."""
    return ", ".join(
        f"#{w.id}={w.region.width}x{w.region.height}"
        for w in app.screen.query("#acw-side, #wrapup-slot, #acw-note-col, #notes, #guide-panel")
    )


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (100, 30), (120, 40), (200, 50)])
async def test_the_notes_keep_half_the_width_and_stay_usable(make_app, hook, size) -> None:
    width, _ = size
    app = make_app()
    async with app.run_test(size=size) as pilot:
        hook.call_ended("PBX-1", customer_ref="CU-12345", queue="billing")
        await wait_for(pilot, form_ready(app))
        await pilot.pause()
        notes = app.screen.query_one(NotesEditor)
        assert notes.size.width >= width // 2, sizes(app)
        assert notes.size.height >= 3, sizes(app)  # room for a few lines of text
        assert app.screen.query_one(AcwTimer).region.width > 0, sizes(app)
        await type_text(pilot, "cx called")
        assert notes.text == "customer called"


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_the_guide_panel_does_not_squeeze_the_notes(make_app, hook, size) -> None:
    width, _ = size
    app = make_app()
    async with app.run_test(size=size) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, form_ready(app))
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: bool(app.screen.query("#guide-search")))
        await pilot.pause()
        notes = app.screen.query_one(NotesEditor)
        panel = app.screen.query_one("#guide-panel")
        assert notes.size.width >= width // 2, sizes(app)
        assert notes.size.height >= 3, sizes(app)
        assert panel.region.width >= 12, sizes(app)  # the panel is there to be used


def too_small_notices(app):  # type: ignore[no-untyped-def]
    return [w for w in app.screen.query(".too-small") if w.display and w.region.area]


async def test_a_terminal_too_small_says_so_and_typing_is_kept(make_app, hook) -> None:
    """At 40×12 the notes were off-screen and nothing said why. The screen now says the
    terminal is too small and what size it needs; what is typed meanwhile is kept, and
    the notice goes when the terminal grows."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1", queue="billing")
        await wait_for(pilot, form_ready(app))
        assert not too_small_notices(app)
        await pilot.resize_terminal(40, 12)
        await wait_for(pilot, lambda: bool(too_small_notices(app)))
        (notice,) = too_small_notices(app)
        said = str(notice.render())
        assert "40×12" in said and "60×20" in said, said
        await type_text(pilot, "cx called")
        await pilot.resize_terminal(60, 20)
        await wait_for(pilot, lambda: not too_small_notices(app))
        assert app.screen.query_one(NotesEditor).text == "customer called"
        await pilot.resize_terminal(50, 30)  # too narrow, tall enough
        await wait_for(pilot, lambda: bool(too_small_notices(app)))
        await pilot.press("f4")  # a screen opened while too small says so too
        await wait_for(pilot, lambda: type(app.screen).__name__ == "HistoryScreen")
        await wait_for(pilot, lambda: bool(too_small_notices(app)))


@pytest.mark.parametrize("size", [(60, 20), (60, 22), (100, 22), (60, 23), (60, 24), (120, 40)])
async def test_the_preview_and_checklist_show_whole_or_not_at_all(make_app, hook, size) -> None:
    """At 60×20 the preview and checklist got one row: a bare top border. Where there is
    no room for their text they give their rows to the notes."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        hook.call_ended("PBX-1", queue="billing")
        await wait_for(pilot, form_ready(app))
        await pilot.pause()
        slot = app.screen.query_one("#preview-slot")
        shown = slot.display and slot.region.height > 0
        assert not shown or slot.region.height >= 4, sizes(app)
        if size[1] >= 24:
            assert shown, sizes(app)


@pytest.mark.parametrize("size", [(20, 5), (24, 6), (30, 8), (40, 12), (59, 19)])
async def test_the_too_small_notice_fits_the_terminal_it_is_shown_in(make_app, size) -> None:
    """At 20×5 only "The terminal / is 20×5; acw / needs at least" showed: the size
    needed was cut off."""
    import textwrap

    app = make_app()
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: bool(too_small_notices(app)))
        await pilot.pause()
        (notice,) = too_small_notices(app)
        said = str(notice.render())
        width, height = notice.content_size
        assert "60×20" in said and f"{size[0]}×{size[1]}" in said
        assert len(textwrap.wrap(said, width)) <= height, (said, width, height)
