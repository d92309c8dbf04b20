"""Every state the screen can start in, each then finishing a wrap-up and quitting:
an empty store, wrap-ups already pending, a big store full of history, a small
terminal. (After a SIGKILL mid-note: tests/e2e, in a real terminal.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acw_tui.store import open_store
from acw_tui.store.demo import generate_demo
from acw_tui.tui.screens.ready import ReadyScreen
from tests.tui.conftest import acw_open, settle, type_text, wait_for

# 1 000 000 with ACW_BIG_STORE_CALLS=1000000 (about two minutes to build here).
BIG_STORE_CALLS = int(os.environ.get("ACW_BIG_STORE_CALLS", "20000"))


async def finish_one_and_quit(app, pilot, call_id: str | None = None) -> str:
    await wait_for(pilot, acw_open(app, call_id))
    wrapup_id = app.screen.wrapup.id
    await type_text(pilot, "checked and done")
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: app.desk.wrapup(wrapup_id).status == "done")
    await settle(pilot)
    assert app.unexpected == []
    await pilot.press("ctrl+q")
    return wrapup_id


async def test_an_empty_store(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await pilot.press("f2")
        done = await finish_one_and_quit(app, pilot)
    assert app.desk.wrapup(done).note == "checked and done"


async def test_wrapups_already_pending(make_app, hook, clock) -> None:
    for n in range(3):
        hook.call_ended(f"P-{n}")
        clock.advance(10)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await finish_one_and_quit(app, pilot, "P-0")  # oldest first, no draft yet
    assert [w.call.external_id for w in hook.pending()] == ["P-1", "P-2"]


async def test_an_80_by_24_terminal(make_app, hook) -> None:
    hook.call_ended("SMALL")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, acw_open(app, "SMALL"))
        assert app.screen.notes.size.width >= 40
        await finish_one_and_quit(app, pilot, "SMALL")


@pytest.mark.timeout(900)
async def test_a_store_full_of_history(make_app, hook, acw_home: Path) -> None:
    store = open_store(acw_home / "acw.db")
    generate_demo(store, calls=BIG_STORE_CALLS, agents=40, days=90, seed=7, site_id="site-1")
    store.close()
    hook.call_ended("BIG-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await finish_one_and_quit(app, pilot, "BIG-1")
    assert hook.pending() == []
