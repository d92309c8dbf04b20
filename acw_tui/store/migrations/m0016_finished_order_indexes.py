"""Indexes for the newest finished notes: the history's first page and the agent's last.

The history screen (F4, nothing searched yet) shows the newest 200 finished notes, and
the ready screen the agent's last ACW time on every return to it. Both sorted every
finished note there was (seconds for the history on a million-wrap-up store, 90 ms for
the agent's last); walking an index in finishing order reads just the notes shown.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE INDEX wrapups_status_finished ON wrapups (status, finished_at);
CREATE INDEX wrapups_done_by_agent ON wrapups (agent_id, finished_at) WHERE status = 'done'
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
