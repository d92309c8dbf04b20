"""Searching the finished notes away from the screen.

A search can read every note: a word in a script written without spaces is looked for
inside each one (the index cannot find it), 0.7 s on a million notes with the file in
memory and far longer from a cold disk. The screen searches as the agent types, so each
search runs on a thread and a connection of its own, and a newer search stops the one
still running (SQLite's interrupt) instead of waiting behind it.
"""

from __future__ import annotations

import threading
from pathlib import Path

from acw_tui.core.model import Wrapup
from acw_tui.errors import AcwError
from acw_tui.service.errors import service_call
from acw_tui.store import Store, open_store
from acw_tui.store.wrapups import WrapupRepository


class HistorySearch:
    """Asked on the screen's thread (`ask`), run on one search thread (`run`)."""

    def __init__(self, path: Path, cache_kib: int) -> None:
        self._path = path
        self._cache_kib = cache_kib
        self._store: Store | None = None  # opened by the first search, on its thread
        self._lock = threading.Lock()
        self._latest = 0
        self._running = False

    def ask(self) -> int:
        """A ticket for a new search; the search running now, if any, is stopped."""
        with self._lock:
            self._latest += 1
            if self._running and self._store is not None:
                self._store.conn.interrupt()
            return self._latest

    @service_call
    def run(self, ticket: int, text: str, limit: int) -> list[Wrapup] | None:
        """The newest `limit` finished wrap-ups matching `text` (all of them for no
        words), or None when a newer search was asked for before this one ended."""
        with self._lock:
            if ticket != self._latest:
                return None
            self._running = True
        try:
            if self._store is None:
                self._store = open_store(self._path, migrate=False)
                self._store.keep_cache(self._cache_kib)
            found = WrapupRepository(self._store).search(text, limit)
        except AcwError:
            if self._superseded(ticket):
                return None  # interrupted on purpose
            raise
        finally:
            with self._lock:
                self._running = False
        return None if self._superseded(ticket) else found

    def _superseded(self, ticket: int) -> bool:
        with self._lock:
            return ticket != self._latest

    def close(self) -> None:
        """On the search thread, or once no search runs."""
        if self._store is not None:
            self._store.close()
            self._store = None
