"""Opening a SQLite file: the one way acw connects to one (the store, a report's store,
a SQLite hub).

A connection is set up by statements run right after it opens (pragmas, a first read
that proves the file is a database of the right kind). One that fails closes the
connection before its error goes on: the callers try again (the reports screen on every
refresh, the hub on each of its threads, the screen at its next start), and a
connection left open per try would keep the file and its memory until the process ends.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def open_sqlite(target: str, setup: Iterable[str] = (), **connect: Any) -> sqlite3.Connection:
    """`sqlite3.connect(target, **connect)`, then each statement of `setup`."""
    conn = sqlite3.connect(target, **connect)
    try:
        for statement in setup:
            conn.execute(statement).fetchall()
    except BaseException:
        conn.close()
        raise
    return conn


def file_identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode); None when there is none. A connection
    keeps writing to the file it opened after that file was moved, replaced or deleted:
    comparing this with its value at the opening tells."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino
