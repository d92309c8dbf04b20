"""Every screen at 80×24 and 120×40, in each language and in the high-contrast theme.

One app per language walks the screens an agent meets in a shift — ready, the ACW
screen, its keys panel (F1), the empty-note and extend dialogs, pending, a wrap-up
finished, history and the note it opens, follow-ups, sync — and each is compared with
its stored snapshot (`pytest --snapshot-update` writes them; look at them before you
commit). Walking in one app keeps the cost to one start per language; every screen is
compared before the test fails, so one changed screen does not hide another.
The reports screen is snapshotted in English with the demo store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot

from acw_tui.tui.app import AcwApp
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.widgets.code_picker import CodePicker
from acw_tui.tui.widgets.keys_panel import KeysPanel
from acw_tui.tui.widgets.quality_checklist import QualityChecklist
from tests.tui import test_languages, test_reports_screen
from tests.tui.conftest import acw_open, type_text, wait_for
from tests.tui.test_languages import steady

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
pytestmark = pytest.mark.usefixtures("quick_aids")
# Fixtures of the language tests: an app whose config sets the locale; local time in UTC.
app_in = test_languages.app_in
utc_local_time = test_languages.utc_local_time
demo_db = test_reports_screen.demo_db

VARIANTS = {
    "en": ("en", ""),
    "pl": ("pl", ""),
    "es": ("es", ""),
    "zh": ("zh", ""),
    "high-contrast": ("en", '[display]\ntheme = "high-contrast"'),
}


class Walk:
    """Takes a screenshot of each screen on the way and compares them at the end."""

    def __init__(self, pilot: Pilot, snapshot: SnapshotAssertion) -> None:
        self.pilot = pilot
        self.snapshot = snapshot.use_extension(SVGImageExtension)
        self.changed: list[str] = []

    async def shot(self, name: str) -> None:
        app = self.pilot.app
        app.clear_notifications()  # toasts come and go with real time
        await steady(self.pilot)
        await self.pilot.wait_for_scheduled_animations()
        await self.pilot.pause()
        matches = self.snapshot(name=name) == app.export_screenshot(title="acw")
        if not matches:
            self.changed.append(name)

    async def until(self, condition: Callable[[], bool]) -> None:
        await wait_for(self.pilot, condition)
        await self.pilot.pause()


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("size", list(SIZES))
async def test_every_screen(app_in, hook, snapshot, size, variant) -> None:
    locale, display = VARIANTS[variant]
    app: AcwApp = app_in(locale, f"[acw]\ntimeout_seconds = 600\n{display}")
    async with app.run_test(size=SIZES[size]) as pilot:
        walk = Walk(pilot, snapshot)
        await walk.until(lambda: isinstance(app.screen, ReadyScreen))
        app.log_in()  # (it waits a second of real time otherwise)
        await walk.shot("ready")

        hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)
        await walk.until(acw_open(app, "PBX-7"))
        await walk.until(lambda: bool(app.screen.query("#note-preview")))
        await walk.shot("acw")

        await pilot.press("f1")
        await walk.until(lambda: bool(app.screen.query(KeysPanel)))
        await walk.shot("acw-keys")
        await pilot.press("f1")
        await walk.until(lambda: not app.screen.query(KeysPanel))

        await pilot.press("ctrl+s")  # an empty note: the dialog asks
        await walk.until(lambda: bool(app.screen.query(".dialog")))
        await walk.shot("empty-note-dialog")
        await pilot.press("escape")
        await walk.until(acw_open(app, "PBX-7"))

        await pilot.press("f8")
        await walk.until(lambda: bool(app.screen.query("#reason")))
        await walk.shot("extend-dialog")
        await pilot.press("escape")
        await walk.until(acw_open(app, "PBX-7"))

        await pilot.press("f3")
        await walk.until(lambda: type(app.screen).__name__ == "PendingScreen")
        await walk.shot("pending")
        await pilot.press("escape")
        await walk.until(lambda: isinstance(app.screen, AcwScreen))

        await type_text(pilot, "refund sent")
        await pilot.press("ctrl+s")
        await walk.until(lambda: isinstance(app.screen, ReadyScreen))
        await walk.shot("ready-after-a-wrap-up")

        for key, screen, name in (
            ("f4", "HistoryScreen", "history"),
            ("f12", "FollowupsScreen", "followups"),
            ("f7", "SyncStatusScreen", "sync-status"),
        ):
            await pilot.press(key)
            await walk.until(lambda screen=screen: type(app.screen).__name__ == screen)
            await walk.shot(name)
            if name == "history":  # the finished note, read-only
                await pilot.press("enter")  # from the search field to the results
                await walk.until(lambda: getattr(app.focused, "id", "") == "history-table")
                await pilot.press("enter")
                await walk.until(lambda: bool(app.screen.query("#note-view")))
                await walk.shot("history-note")
                await pilot.press("escape")
                await walk.until(lambda: type(app.screen).__name__ == "HistoryScreen")
            await pilot.press("escape")
            await walk.until(lambda: isinstance(app.screen, ReadyScreen))

        # An account change: its template's form, the checklist's critical item, and
        # the line saying why the wrap-up cannot be finished yet.
        hook.call_ended("PBX-8", queue="kyc", customer_ref="CU-10", talk_seconds=240)
        await walk.until(acw_open(app, "PBX-8"))
        await type_text(pilot, "address changed")
        await pilot.press("f10")
        await type_text(pilot, "account update")
        await pilot.press("enter")
        await walk.until(lambda: "account-update" in app.screen.query_one(CodePicker).selected)
        await walk.until(lambda: app.screen.query_one(QualityChecklist).has_class("-critical"))
        await pilot.press("ctrl+s")
        await walk.until(lambda: bool(app.screen._refusal))  # (the line under the notes says why)
        await walk.shot("acw-template-form")
    assert walk.changed == [], f"screens that differ from their snapshots: {walk.changed}"


def test_reports_at_120_by_40(demo_db: Path, snap_compare) -> None:
    app = test_reports_screen.ReportsApp(demo_db)
    assert snap_compare(app, terminal_size=SIZES["120x40"], run_before=test_reports_screen.settle)
