"""The batches of each site this hub process is handling, so one that reaches the store
ahead of the batch it builds on waits for it instead of being refused.

A site sends its next batch before the hub has answered the current one (see
`client`). The hub reads and checks the two side by side, and a short batch can get
to the store first, find the site's mark short of what it builds on, and be refused
(409); the site then sends it again. When another batch of the same site is still
being handled here, the refused one waits for it to end and asks the store again. The
store stays the judge: a batch still ahead after that, or one whose site has nothing
else in hand here (another process has it, or none), is refused as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

AHEAD_WAIT = 5.0  # seconds a batch waits for the one before it, each time
AHEAD_WAITS = 2  # times a batch ahead of the site's mark waits for another of the site


class SiteBatches:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._working: dict[str, int] = {}
        self._ended: dict[str, int] = {}

    @contextmanager
    def working(self, site: str) -> Iterator[None]:
        """Around everything the hub does with one batch of `site`."""
        with self._changed:
            self._working[site] = self._working.get(site, 0) + 1
        try:
            yield
        finally:
            with self._changed:
                self._working[site] -= 1
                if not self._working[site]:
                    del self._working[site]
                self._ended[site] = self._ended.get(site, 0) + 1
                self._changed.notify_all()

    def wait_for_another(self, site: str, timeout: float = AHEAD_WAIT) -> bool:
        """Wait until another batch of `site` handled here has ended: True if one did,
        False at once if none is in hand (the caller is the only one)."""
        with self._changed:
            if self._working.get(site, 0) <= 1:
                return False
            ended = self._ended.get(site, 0)
            return self._changed.wait_for(lambda: self._ended.get(site, 0) != ended, timeout)
