"""Full garbage collections wait until the agent stops typing.

With the screen, the guide and the completion model loaded, Python's automatic full
collection took 30–40 ms and landed on whatever key came next (the keystroke
benchmark's 99th percentile). The app runs them itself, in pauses."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot

from acw_tui.service.desk import Desk
from acw_tui.tui.app import AcwApp
from acw_tui.tui.idle_collector import DUE, OVERDUE, QUIET
from tests.tui.conftest import acw_open, wait_for


@pytest.fixture
def full_collections() -> Iterator[list[float]]:
    """Each full collection that starts, as it starts."""
    seen: list[float] = []

    def watch(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            seen.append(time.monotonic())

    gc.callbacks.append(watch)
    try:
        yield seen
    finally:
        gc.callbacks.remove(watch)


def owe_collections(count: int) -> None:
    """Younger collections, as many as `count`: what makes a full one due."""
    for _ in range(count - gc.get_count()[2]):
        gc.collect(1)


async def type_keys(pilot: Pilot, app: AcwApp, keys: str, every: float) -> list[float]:
    """Post the keys `every` seconds apart; when each was posted."""
    posted = []
    for char in keys:
        posted.append(time.monotonic())
        app.post_message(events.Key(char, char))
        await pilot.pause(every)
    return posted


async def test_a_due_collection_waits_for_the_pause_in_typing(
    make_app: Callable[..., AcwApp], hook: Desk, full_collections: list[float]
) -> None:
    before = gc.get_threshold()
    hook.call_ended("GC-1")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, acw_open(app))
        # Python would start the next one on its own; here it must not.
        assert gc.get_threshold()[2] > OVERDUE
        owe_collections(DUE + 1)
        full_collections.clear()
        posted = await type_keys(pilot, app, "refund sent", every=QUIET / 3)
        await wait_for(pilot, lambda: bool(full_collections), seconds=QUIET * 10)
        assert len(full_collections) == 1
        # It waited for a pause of QUIET after the last key before it. (A busy machine
        # may leave such a pause in the middle of the typing; it may run there.)
        started = full_collections[0]
        keys_before = [key for key in posted if key <= started]
        assert started - max(keys_before) >= QUIET - 0.02, "a full collection ran between keys"
        assert app.screen.notes.text.endswith("refund sent")  # type: ignore[attr-defined]
    assert gc.get_threshold() == before


async def test_nothing_runs_at_a_pause_when_none_is_due(
    make_app: Callable[..., AcwApp], hook: Desk, full_collections: list[float]
) -> None:
    hook.call_ended("GC-2")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, acw_open(app))
        gc.collect()
        full_collections.clear()
        await type_keys(pilot, app, "ok", every=0.01)
        await pilot.pause(QUIET * 3)
        assert full_collections == []


async def test_a_typist_who_never_pauses_still_gets_one(
    make_app: Callable[..., AcwApp], hook: Desk, full_collections: list[float]
) -> None:
    """Memory stays bounded: long overdue, it runs on the next key."""
    hook.call_ended("GC-3")
    app = make_app()
    async with app.run_test() as pilot:
        await wait_for(pilot, acw_open(app))
        owe_collections(OVERDUE)
        full_collections.clear()
        await type_keys(pilot, app, "x", every=0.01)
        assert len(full_collections) == 1
        assert gc.get_count()[2] < DUE


async def test_a_start_with_the_collector_off_turns_it_on_at_the_first_frame(
    make_app: Callable[..., AcwApp], hook: Desk
) -> None:
    """`acw` starts with the collector off (run.py); the app must turn it back on, or
    cyclic garbage would pile up all shift."""
    hook.call_ended("GC-4")
    app = make_app()
    gc.disable()
    try:
        async with app.run_test() as pilot:
            await wait_for(pilot, acw_open(app))
            await wait_for(pilot, gc.isenabled, seconds=2)
    finally:
        gc.enable()
