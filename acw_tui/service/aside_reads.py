"""Reads that may take long, kept away from the screen.

A search of the notes can read every one of them: a word in a script written without
spaces is looked for inside each note (the index cannot find it), 0.7 s on a million
notes with the file in memory and far longer from a cold disk. Counting what is waiting
for the hub reads the whole outbox, about a second for six million records, and the sync
screen counts every two seconds. A screen asks these on a connection of its own, read
from one thread (the screen's aside thread), and a newer read stops the one still
running (SQLite's interrupt) instead of waiting behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from acw_tui.core.model import Wrapup
from acw_tui.errors import AcwError
from acw_tui.service.errors import service_call
from acw_tui.settings.config import Config
from acw_tui.store import Store, open_store

if TYPE_CHECKING:
    from acw_tui.service.syncing import SyncFacts

T = TypeVar("T")


class AsideReads:
    """One screen's long reads: a ticket is asked on the screen's thread (`ask`), the
    read then runs on the aside thread with it, and comes back None when a newer ticket
    was asked for before it ended."""

    def __init__(self, path: Path, config: Config, cache_kib: int) -> None:
        self._path = path
        self._config = config
        self._cache_kib = cache_kib
        self._store: Store | None = None  # opened by the first read, on its thread
        self._lock = threading.Lock()
        self._latest = 0
        self._running = False

    def ask(self) -> int:
        """A ticket for a new read; the read running now, if any, is stopped."""
        with self._lock:
            self._latest += 1
            if self._running and self._store is not None:
                self._store.conn.interrupt()
            return self._latest

    def history(self, ticket: int, text: str, limit: int) -> list[Wrapup] | None:
        """The newest `limit` finished wrap-ups matching `text` (the newest of all for
        no words)."""
        from acw_tui.store.wrapups import WrapupRepository

        return self._run(ticket, lambda store: WrapupRepository(store).search(text, limit))

    def sync_facts(self, ticket: int) -> SyncFacts | None:
        """What waits for the hub, and the last sync."""
        from acw_tui.service.syncing import sync_facts

        return self._run(ticket, lambda store: sync_facts(store, self._config))

    @service_call
    def _run(self, ticket: int, read: Callable[[Store], T]) -> T | None:
        with self._lock:
            if ticket != self._latest:
                return None  # a newer read was asked for before this one began
            self._running = True
        try:
            if self._store is None:
                self._store = open_store(self._path, migrate=False)
                self._store.keep_cache(self._cache_kib)
            found = read(self._store)
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
        """On the aside thread, or once no read runs."""
        if self._store is not None:
            self._store.close()
            self._store = None
