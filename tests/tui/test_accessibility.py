"""For every eye: NO_COLOR, the high-contrast and monochrome themes (config and the
command palette), and `acw --plain` with no box drawing."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp
from tests.tui.conftest import acw_open, wait_for
from tests.tui.test_languages import screen_text

BOX_DRAWING = {chr(c) for c in range(0x2500, 0x2580)}


def app_with(home: Path, clock: ManualClock, display: str = "", **kwargs: object) -> AcwApp:
    path = home / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "s1"\n{display}\n', encoding="utf-8")
    return AcwApp(Desk(open_store(home / "acw.db"), load_config(path), clock), **kwargs)


@pytest.mark.parametrize(
    ("display", "theme"),
    [
        ('[display]\ntheme = "high-contrast"', "acw-high-contrast"),
        ('[display]\ntheme = "monochrome"', "acw-monochrome"),
    ],
)
async def test_the_config_chooses_the_theme(acw_home, clock, display, theme) -> None:
    app = app_with(acw_home, clock, display)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == theme


async def test_no_color_draws_without_colour(acw_home, clock, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_with(acw_home, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color  # Textual's own filter takes every colour out
        assert app.theme == "acw-monochrome"


async def test_the_palette_offers_the_themes(acw_home, clock) -> None:
    app = app_with(acw_home, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert {"acw-high-contrast", "acw-monochrome"} <= set(app.available_themes)
        app.theme = "acw-high-contrast"  # what "Change theme" in the palette does
        await pilot.pause()
        assert app.current_theme.name == "acw-high-contrast"


@pytest.mark.parametrize("how", ["option", "config"])
async def test_plain_has_no_box_drawing(acw_home, clock, hook, how) -> None:
    timeout = "[acw]\ntimeout_seconds = 600\nextend_seconds = 60"
    if how == "option":
        app = app_with(acw_home, clock, timeout, plain=True)
    else:
        app = app_with(acw_home, clock, f"[display]\nplain = true\n{timeout}")
    wrapup = hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)
    app.desk.extend(wrapup, "long call")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        await wait_for(pilot, lambda: bool(app.screen.query("#note-preview")))
        clock.advance(65)
        app.screen.tick()
        await pilot.pause()
        text = screen_text(app)
        assert not (set(text) & BOX_DRAWING), sorted(set(text) & BOX_DRAWING)
        assert "1:05" in text  # the timer as a plain line
        # The areas keep their names, which the boxed screen writes in their borders.
        labels = ("Pending (1)", "Preview of the", "Checklist", "time-out 11:00", "extended ×1")
        for label in labels:  # (the preview's name is cut to fit)
            assert label in text, (label, text)


async def test_the_boxed_screen_does_draw_boxes(acw_home, clock, hook) -> None:
    # The check above can fail: the same screen without plain has box drawing.
    app = app_with(acw_home, clock)
    hook.call_ended("PBX-7")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-7"))
        assert set(screen_text(app)) & BOX_DRAWING
