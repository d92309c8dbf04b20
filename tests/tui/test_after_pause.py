"""Work that waits for a pause in typing runs once, after the pause, and costs nothing idle."""

from __future__ import annotations

import asyncio
import itertools
import time

from textual.app import App, ComposeResult
from textual.widgets import Static

from acw_tui.tui.after_pause import AfterPause


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("host")


def each_after_a_pause(runs: list[float], pokes: list[float], pause: float) -> None:
    """Each run came `pause` seconds (less the early look) after the poke before it, and
    a poke came between any two runs. (A busy machine may leave such a pause in the
    middle of the typing; the work may run there too.)"""
    for run in runs:
        assert run - max(p for p in pokes if p <= run) >= pause - 0.01, "ran while typing"
    for first, second in itertools.pairwise(runs):
        assert any(first < p < second for p in pokes), "ran twice for one pause"


async def test_runs_once_a_pause_after_the_last_change() -> None:
    runs: list[float] = []
    pokes: list[float] = []
    app = Host()
    async with app.run_test() as pilot:
        later = AfterPause(app.query_one(Static), 0.2, lambda: runs.append(time.monotonic()))
        for _ in range(6):  # typing on for 0.3 s: longer than the pause
            pokes.append(time.monotonic())
            later.poke()
            await asyncio.sleep(0.05)
        await pilot.pause(0.4)
        assert runs and runs[-1] > pokes[-1]  # once after the last change
        each_after_a_pause(runs, pokes, 0.2)
        assert not later.waiting
        ran = len(runs)
        await pilot.pause(0.5)
        assert len(runs) == ran  # nothing more while nothing changes


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
    runs: list[float] = []
    app = Host()
    async with app.run_test() as pilot:
        host = app.query_one(Static)
        handed: list[object] = []
        call_next = host.call_next

        def counting_call_next(callback: object, *args: object, **kwargs: object) -> None:
            handed.append(callback)
            call_next(callback, *args, **kwargs)  # type: ignore[arg-type]

        host.call_next = counting_call_next  # type: ignore[method-assign]
        later = AfterPause(host, 0.1, lambda: runs.append(time.monotonic()))
        pokes: list[float] = []
        for _ in range(12):  # 0.6 s of typing, a change every 0.05 s
            pokes.append(time.monotonic())
            later.poke()
            await asyncio.sleep(0.05)
        await pilot.pause(0.3)
        assert runs and runs[-1] > pokes[-1]
        each_after_a_pause(runs, pokes, 0.1)
        assert len(handed) == len(runs)  # the host was woken only to run the work
