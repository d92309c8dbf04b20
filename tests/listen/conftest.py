"""Running a listener against a simulator until something has happened."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import timedelta

import tenacity

from acw_tui.core.clock import ManualClock
from acw_tui.listen.rules import Routing
from acw_tui.listen.runner import Backoff, Listener
from acw_tui.listen.source import Adapter
from acw_tui.service.desk import Desk

ROUTING = Routing("ana", agents={"PJSIP/1001": "ana", "1001@default": "ana", "1001": "ana"})


def listener_for(adapter: Adapter, desk: Desk | None, lines: list[str]) -> Listener:
    return Listener(
        adapter,
        ROUTING,
        desk,
        source="test",
        say=lines.append,
        backoff=Backoff(first=0.01, longest=0.05),
        locked_wait=tenacity.wait_fixed(0.02),
    )


async def run_until(
    listener: Listener, done: Callable[[], bool], timeout: float = 10.0
) -> asyncio.Task[None]:
    """Start the listener, wait until `done()` holds, and return the still-running task
    (the caller cancels it, or awaits it when it is meant to end by itself)."""
    task = asyncio.create_task(listener.run(heartbeat=0.05))
    async with asyncio.timeout(timeout):
        while not done():
            if task.done():
                task.result()
                raise AssertionError("the listener stopped before the condition held")
            await asyncio.sleep(0.01)
    return task


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def minutes_ago(clock: ManualClock, minutes: float):  # type: ignore[no-untyped-def]
    return clock.now() - timedelta(minutes=minutes)
