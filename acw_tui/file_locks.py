"""Exclusive locks on small files beside the store: one `acw sync` of a store at a time
(sync/lock.py), and one number per running acw screen (store/screens.py).

They are `flock`s: the kernel drops one when the descriptor holding it is closed or its
process ends, however it ends (kill -9, a power cut), so a lock is never left behind.
Two descriptors opened separately exclude each other even within one process. Where
there is no `flock` (Windows) every lock is granted: see the callers for what that means.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCKS_WORK = fcntl is not None


def try_lock(path: Path) -> int | None:
    """A descriptor holding the lock on `path` (created 0600 if missing), or None while
    another descriptor holds it. OSError when the file cannot be opened."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    if fcntl is None:  # pragma: no cover - Windows
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd
