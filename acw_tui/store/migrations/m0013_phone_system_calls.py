"""Calls remember what the phone system said; the listener's state is kept for the screen.

`calls` gains `hold_seconds`, `direction`, `hung_up_by` and `source` (which phone
system reported the call): `acw listen` fills them, the hook leaves them empty. New
columns on a synced table reach the hub by themselves (sync/tables.py).

`listener_state` holds one row per listening source (`acw listen` runs as its own
process; the screen reads this row to show whether calls can arrive by themselves).
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
ALTER TABLE calls ADD COLUMN hold_seconds REAL;
ALTER TABLE calls ADD COLUMN direction TEXT;
ALTER TABLE calls ADD COLUMN hung_up_by TEXT;
ALTER TABLE calls ADD COLUMN source TEXT;
CREATE TABLE listener_state (
    source TEXT PRIMARY KEY,
    connected INTEGER NOT NULL DEFAULT 0,
    detail TEXT,
    last_event_at TEXT,
    last_event TEXT,
    events INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at TEXT,
    updated_at TEXT NOT NULL
)
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
