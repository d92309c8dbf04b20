"""ACW modes on the screen: agent-requested extends on demand, optional skips the note."""

from __future__ import annotations

from acw_tui.core.policy import REQUESTED_REASON
from acw_tui.tui.screens.acw import AcwScreen
from tests.tui.conftest import acw_open, settle, wait_for


async def test_agent_requested_f8_extends_at_once(make_app, hook) -> None:
    app = make_app('mode = "agent-requested"\ntimeout_seconds = 15\nextend_seconds = 60')
    async with app.run_test(size=(140, 45)) as pilot:
        wrapup = hook.call_ended("PBX-1")
        await wait_for(pilot, acw_open(app))
        await pilot.press("f8")
        await wait_for(pilot, lambda: len(hook.wrapup(wrapup.id).extensions) == 1)
        assert isinstance(app.screen, AcwScreen)  # no dialog asked for a reason
        assert hook.wrapup(wrapup.id).extensions[0].reason == REQUESTED_REASON


async def test_optional_acw_finishes_an_empty_note_without_asking(make_app, hook) -> None:
    app = make_app('mode = "optional"')
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-2")
        await wait_for(pilot, lambda: acw_open(app)() and bool(app.screen.query("#checklist")))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: hook.pending() == [])
        await settle(pilot)
        [done] = hook.history()
        assert done.status == "done" and done.note == ""
        # A skipped note is not judged: it neither scores 0 nor counts as a critical fail.
        assert done.quality_score is None and done.quality_failed == ()


async def test_the_automatic_code_of_a_time_out_shows_on_the_screen(make_app, hook, clock) -> None:
    """The time-out stored its automatic code in the wrap-up, but the screen showing it
    kept no code ticked, and its next draft save put the draft back to none."""
    app = make_app('timeout_seconds = 15\nauto_code = "timeout"\nrequire_code = true')
    async with app.run_test(size=(140, 45)) as pilot:
        wrapup = hook.call_ended("PBX-3")
        await wait_for(pilot, acw_open(app))
        await settle(pilot)
        clock.advance(16)
        await wait_for(pilot, lambda: hook.wrapup(wrapup.id).timed_out)
        await settle(pilot)
        assert app.screen.query_one("#code-picker").selected == ["timeout"]
        assert hook.draft(wrapup.id).codes == ("timeout",)
