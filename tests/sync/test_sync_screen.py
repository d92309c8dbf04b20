"""The sync status screen: unsynced count, last sync, a sync in the background."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import ProgressBar, Static

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.sync import content
from acw_tui.sync.client import HubClient
from acw_tui.tui.app import AcwApp
from acw_tui.tui.screens.sync_status import SyncStatusScreen
from tests.tui.conftest import notices, wait_for

from .conftest import Site


def _text(app: AcwApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_sync_now_runs_in_the_background_and_updates_the_screen(
    no_releases: None, site: Site, acw_home: Path, tmp_path: Path
) -> None:
    site.add_calls(30)
    guide = tmp_path / "en.toml"
    guide.write_text(
        '[guide]\nname = "S"\nversion = 2\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'
    )
    files, version = content.read_bundle("shorthand", guide)
    lead = HubClient(site.hub.url, site.hub.store.add("lead", f"lead-{site.name}"))
    lead.publish("shorthand", files, version)
    app = AcwApp(
        Desk(open_store(acw_home / "acw.db"), load_config(acw_home / "config.toml"), ManualClock())
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.desk.current_state() is not None)  # logged in
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncStatusScreen))
        waiting = site.outbox()  # the calls, and the agent's log-in
        assert f"Unsynced       {waiting} record(s)" in _text(app, "#sync-facts")
        assert "Last sync      never" in _text(app, "#sync-facts")

        # No sync has run: no bar pretends one is under way.
        assert not app.screen.query_one(ProgressBar).display

        await pilot.press("s")
        assert app.screen.query_one(ProgressBar).display
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "Unsynced       0 record(s)" in _text(app, "#sync-facts"), 20)
        facts = _text(app, "#sync-facts")
        assert "(ok)" in facts
        assert (
            "Guide          release" in facts
            and "shipped" not in facts.split("Guide")[1].split("\n")[0]
        )
        assert f"sent {waiting} record(s)" in _text(app, "#sync-message")
        assert app.screen.query_one(ProgressBar).progress == waiting
        await wait_for(
            pilot,
            lambda: any(text.startswith("New guide") for text in notices(app)),
            10,
        )
    site.assert_hub_equal()


async def test_a_hub_that_is_down_is_reported_and_work_goes_on(site: Site, acw_home: Path) -> None:
    config = acw_home / "config.toml"
    config.write_text(
        config.read_text()
        .replace(site.hub.url, "http://127.0.0.1:9")
        .replace("retry_seconds = 30", "retry_seconds = 0.2")
    )
    site.add_calls(3)
    app = AcwApp(Desk(open_store(acw_home / "acw.db"), load_config(config), ManualClock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncStatusScreen))
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "unreachable" in _text(app, "#sync-message"), 10)
        assert not app.screen.query_one(ProgressBar).display  # nothing is under way
        assert f"Unsynced       {site.outbox()} record(s)" in _text(app, "#sync-facts")
        before = site.outbox()
        app.desk.call_ended("PBX-after-the-failed-sync")  # local work goes on
        assert site.outbox() > before


async def test_a_sync_finishing_after_its_screen_was_left_still_tells_the_agent(
    site: Site, acw_home: Path
) -> None:
    config = acw_home / "config.toml"
    config.write_text(
        config.read_text()
        .replace(site.hub.url, "http://127.0.0.1:9")
        .replace("retry_seconds = 30", "retry_seconds = 1")
    )
    app = AcwApp(Desk(open_store(acw_home / "acw.db"), load_config(config), ManualClock()))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncStatusScreen))
        await pilot.press("s", "escape")  # sync started, screen left at once
        await wait_for(pilot, lambda: not isinstance(app.screen, SyncStatusScreen))
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: any("unreachable" in text for text in notices(app)), 10)
        assert app.unexpected == []


@pytest.fixture
def backend() -> str:
    """The screen does not care which store the hub uses."""
    return "sqlite"


@pytest.mark.parametrize(
    ("config", "missing"),
    [
        ('agent_id = "ana"\n', "hub_url"),
        ('agent_id = "ana"\n[sync]\nhub_url = "http://127.0.0.1:9"\n', "token"),
    ],
)
async def test_sync_now_without_a_hub_or_token_tells_the_agent_who_sets_it(
    acw_home: Path, config: str, missing: str
) -> None:
    """The screen said "pass --hub URL, set ACW_HUB_URL, …": a flag an agent cannot pass
    on a screen. It names the setting, the file, and the site admin who sets it."""
    (acw_home / "config.toml").write_text(config, encoding="utf-8")
    app = AcwApp(
        Desk(open_store(acw_home / "acw.db"), load_config(acw_home / "config.toml"), ManualClock())
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_for(pilot, lambda: isinstance(app.screen, SyncStatusScreen))
        await pilot.press("s")
        await wait_for(pilot, lambda: bool(notices(app)))
        said = " ".join(notices(app))
        assert "--hub" not in said and "--token" not in said, said
        assert missing in said and "site admin" in said and str(acw_home / "config.toml") in said
