"""The agent's live questions (what is pending, is ACW running, which finished notes
still hold the agent, the last note finished, the agent's state now) and the history's
newest notes cost the same on a store with a year of history as on a new one.

The live ones run at start, after every change to the store (a hook's call, the screen's
own draft saves while the agent types), inside every finish and on every return to the
ready screen. Walking the agent's whole history for them took 5-14 ms each on a
million-wrap-up store, and sorting it for the last note finished 90 ms; the history
screen sorted every note there was (seconds) to show the newest 200.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from acw_tui.store import Store, open_store
from acw_tui.store.agent_states import AgentStateRepository
from acw_tui.store.demo import generate_demo
from acw_tui.store.wrapups import WrapupRepository

STEP = 100  # SQLite instructions between two calls of the progress handler


class Repositories:
    """What a question may ask of the store: its wrap-ups and the agent's states."""

    def __init__(self, store: Store) -> None:
        self.wrapups = WrapupRepository(store)
        self.states = AgentStateRepository(store)


def work(store: Store, question: Callable[[Repositories], object]) -> float:
    """Hundreds of SQLite instructions that answering `question` took, per wrap-up in
    the answer (the history's newest notes are 200 on a large store, fewer on a new one)."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0

    store.conn.set_progress_handler(count, STEP)
    try:
        answer = question(Repositories(store))
    finally:
        store.conn.set_progress_handler(None, STEP)
    wrapups = len(answer) if isinstance(answer, list) else 1
    return counted[0] / max(wrapups, 1)


def store_with(tmp_path: Path, calls: int) -> Store:
    store = open_store(tmp_path / f"acw-{calls}.db")
    generate_demo(store, calls=calls, agents=2, days=10, seed=7)
    return store


QUESTIONS: dict[str, Callable[[Repositories], object]] = {
    "pending": lambda repo: repo.wrapups.pending("ana"),
    "acw_running": lambda repo: repo.wrapups.acw_running("ana"),
    "held": lambda repo: repo.wrapups.held("ana"),
    "last_finished": lambda repo: repo.wrapups.last_finished("ana"),
    "newest_notes": lambda repo: repo.wrapups.recent(200),
    "current_state": lambda repo: repo.states.current("ana"),
}


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_agent_s_live_questions_do_not_walk_the_history(tmp_path: Path, name: str) -> None:
    question = QUESTIONS[name]
    small, large = store_with(tmp_path, 100), store_with(tmp_path, 3000)
    try:
        # The large store has 30 times the history; each wrap-up of the answer may not
        # cost more than a few extra index pages.
        assert work(large, question) <= work(small, question) + 5
    finally:
        small.close()
        large.close()
