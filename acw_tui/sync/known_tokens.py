"""Tokens that identified a site a moment ago, so the hub reads their next batch at once.

The hub looks a token up before it reads a body, so nobody without one can make it read
megabytes. That look-up is a hop to the thread pool of its own, and a second hop stores
the batch; on a site's stream of batches the hops cost more of the hub's time than
reading them. A token seen valid within `TTL` seconds skips the first hop: its batch is
read, then the token is looked up again in the hop that stores it, before anything is
parsed or written. A token revoked meanwhile costs the hub one body read, then the same
401 as before.

Only the event loop touches it. It is a per-process shortcut, not state: a new process,
or one of several behind a load balancer, starts empty and looks tokens up first.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from acw_tui.sync.hub_store import token_hash

TTL = 300.0
SIZE = 4096  # sites a process remembers; the oldest is forgotten first


class KnownTokens:
    def __init__(self, ttl: float = TTL, size: int = SIZE) -> None:
        self.ttl = ttl
        self.size = size
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __contains__(self, token: str) -> bool:
        at = self._seen.get(token_hash(token))
        return at is not None and time.monotonic() - at < self.ttl

    def add(self, token: str) -> None:
        digest = token_hash(token)
        self._seen[digest] = time.monotonic()
        self._seen.move_to_end(digest)
        while len(self._seen) > self.size:
            self._seen.popitem(last=False)

    def discard(self, token: str) -> None:
        self._seen.pop(token_hash(token), None)
