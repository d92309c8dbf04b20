"""Record ids: UUIDv7 text, so ids sort by creation time on every machine."""

from __future__ import annotations

from collections.abc import Callable

_uuid7: Callable[[], object] | None = None


def warm_up() -> None:
    """Load the UUIDv7 generator. Deferred so the screen's first paint does not wait
    for it; the store calls this before taking its write lock."""
    global _uuid7
    if _uuid7 is None:
        from uuid6 import uuid7

        _uuid7 = uuid7


def new_id() -> str:
    if _uuid7 is None:
        warm_up()
    assert _uuid7 is not None
    return str(_uuid7())
