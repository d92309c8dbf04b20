"""Work that waits for a pause in typing runs once, after the pause, and costs nothing idle."""

from __future__ import annotations

import asyncio
import time

from textual.app import App, ComposeResult
from textual.widgets import Static

from acw_tui.tui.after_pause import AfterPause


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


async def test_runs_once_a_pause_after_the_last_change() -> None:
    runs: list[float] = []
    app = Host()
    async with app.run_test() as pilot:
        later = AfterPause(app.query_one(Static), 0.2, lambda: runs.append(time.monotonic()))
        for _ in range(6):  # typing on for 0.3 s: longer than the pause
            later.poke()
            last = time.monotonic()
            await asyncio.sleep(0.05)
        assert runs == []  # not while changes keep coming
        await pilot.pause(0.4)
        assert len(runs) == 1
        assert runs[0] - last >= 0.2 - 0.01
        assert not later.waiting
        await pilot.pause(0.5)
        assert len(runs) == 1  # nothing more while nothing changes


async def test_cancel_and_running_now_drop_the_waiting_work() -> None:
    runs: list[str] = []
    app = Host()
    async with app.run_test() as pilot:
        later = AfterPause(app.query_one(Static), 0.1, lambda: runs.append("run"))
        later.poke()
        later.cancel()  # e.g. the work was just done by hand
        await pilot.pause(0.3)
        assert runs == []
        later.poke()
        await pilot.pause(0.3)
        assert runs == ["run"]


async def test_typing_on_does_not_wake_the_host_until_the_work_is_due() -> None:
    """While changes keep coming, the deadline is looked at off the host's message loop:
    each look that finds typing went on costs no callback, timer or message of the host
    (the preview, the redaction scan and the idle collector each look about every other
    key while the agent types)."""
    runs: list[str] = []
    app = Host()
    async with app.run_test() as pilot:
        host = app.query_one(Static)
        handed: list[object] = []
        call_next = host.call_next

        def counting_call_next(callback: object, *args: object, **kwargs: object) -> None:
            handed.append(callback)
            call_next(callback, *args, **kwargs)  # type: ignore[arg-type]

        host.call_next = counting_call_next  # type: ignore[method-assign]
        later = AfterPause(host, 0.1, lambda: runs.append("run"))
        for _ in range(12):  # 0.6 s of typing, a change every 0.05 s
            later.poke()
            await asyncio.sleep(0.05)
        assert handed == [] and runs == []
        await pilot.pause(0.3)
        assert runs == ["run"] and len(handed) == 1
