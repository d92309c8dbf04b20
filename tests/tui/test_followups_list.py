"""The follow-ups screen: its counts are of every open follow-up, not only those listed."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Label

from acw_tui.core.followups import FollowupPlan
from acw_tui.service.desk import Desk
from acw_tui.tui.screens.followups import FollowupsScreen
from tests.tui.conftest import wait_for


async def test_more_follow_ups_than_listed_are_all_counted(make_app, hook: Desk) -> None:
    from acw_tui.tui.screens.followups import SHOWN_AT_MOST

    wrapup = hook.call_ended("PBX-1")
    now = hook.clock.now()
    for n in range(SHOWN_AT_MOST + 1):  # overdue, one more than the list holds
        hook._write_followups.add(
            wrapup.id, "ana", "site-1", FollowupPlan(now - timedelta(hours=n + 1), "ana"), now
        )
    for n in range(3):  # due tomorrow: past the end of the list
        hook._write_followups.add(
            wrapup.id, "ana", "site-1", FollowupPlan(now + timedelta(days=1, minutes=n), "ana"), now
        )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowupsScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count > 0)
        assert table.row_count == SHOWN_AT_MOST
        summary = str(app.screen.query_one("#followups-summary", Label).render())
        assert summary == (
            f"{SHOWN_AT_MOST + 1} overdue · 0 due soon · 3 later · "
            f"the {SHOWN_AT_MOST} due first are listed"
        )
