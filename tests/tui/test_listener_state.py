"""The phone-system listener's state on the ready and sync/status screens, and the hold
time a listening phone system reports on the wrap-up screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static

from acw_tui.core.clock import ManualClock
from acw_tui.core.model import ListenerStatus
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp
from tests.tui.conftest import acw_open, notices, wait_for


def shown(app: AcwApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_the_ready_screen_shows_the_listener_once_one_ran(
    make_app: Callable[..., AcwApp], hook: Desk, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: app.screen.query("#ready-listener").first() is not None)
        assert not app.screen.query_one("#ready-listener").display
        hook.note_listener(
            ListenerStatus(
                source="ami://acw@10.0.0.5:5038",
                connected=True,
                detail="AMI 10.0.0.5:5038 as acw",
                last_event_at=clock.now(),
                last_event="wrap-up opened: ami ended call 1.2",
                events=1,
                errors=2,
            )
        )
        await wait_for(pilot, lambda: app.screen.query_one("#ready-listener").display)
        line = shown(app, "#ready-listener")
        assert line.startswith("Phone system connected to AMI 10.0.0.5:5038 as acw")
        assert "· last event" in line and "· 2 error(s)" in line

        clock.advance(120)  # `acw listen` stopped saving its state
        app.screen.refresh_listener()  # type: ignore[attr-defined]
        assert "no word since" in shown(app, "#ready-listener")

        await pilot.press("f7")
        await wait_for(pilot, lambda: "Phone system" in shown(app, "#sync-facts"))
        facts = shown(app, "#sync-facts")
        assert "Phone system   ami://acw@10.0.0.5:5038" in facts
        assert "Calls stored   1" in facts and "Errors         2" in facts


async def test_a_call_with_hold_time_shows_it_on_the_wrapup(
    make_app: Callable[..., AcwApp], hook: Desk, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        hook.call_ended(
            "1700000000.11",
            queue="support",
            talk_seconds=95,
            hold_seconds=12,
            at=clock.now() - timedelta(seconds=2),
            source="ami",
        )
        await wait_for(pilot, acw_open(app, "1700000000.11"))
        details = str(app.screen.query_one("CallDetails", Static).render())
        assert "Talk     1:35" in details and "Hold     0:12" in details


async def test_a_listen_source_in_the_config_listens_from_the_screen(
    acw_home: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.listen.simulators import AmiSimulator, agent_complete

    now = datetime.now(UTC)
    sim = await AmiSimulator(
        scripts=[[agent_complete(now - timedelta(seconds=3), "1700000900.3", talk=44, hold=5)]]
    ).start()
    path = acw_home / "config.toml"
    path.write_text(
        f'agent_id = "ana"\nsite_id = "site-1"\n[listen]\nsource = "ami://acw@127.0.0.1:{sim.port}"\n'
        '[listen.agents]\n"PJSIP/1001" = "ana"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("ACW_LISTEN_SECRET", sim.secret)
    app = AcwApp(Desk(open_store(acw_home / "acw.db"), load_config(path)))
    async with app.run_test() as pilot:
        await wait_for(pilot, acw_open(app, "1700000900.3"))
        details = str(app.screen.query_one("CallDetails", Static).render())
        assert "Talk     0:44" in details and "Hold     0:05" in details
        assert app.listener is not None and app.listener.running
    assert not app.listener.running  # stopped with the screen
    await sim.stop()


async def test_a_listen_source_without_a_secret_is_one_message(
    acw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACW_LISTEN_SECRET", raising=False)
    path = acw_home / "config.toml"
    path.write_text(
        'agent_id = "ana"\n[listen]\nsource = "ami://acw@127.0.0.1:1"\n', encoding="utf-8"
    )
    app = AcwApp(Desk(open_store(acw_home / "acw.db"), load_config(path)))
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: bool(notices(app)))
        assert notices(app) == [
            "phone system: ami://127.0.0.1:1 needs a secret: set ACW_LISTEN_SECRET"
        ]
        assert app.listener is None
