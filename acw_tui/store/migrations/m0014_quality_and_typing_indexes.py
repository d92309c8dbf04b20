"""Report indexes for note quality and typing: only the wrap-ups that carry them.

The most-failed rules and the typed/final figures read wrap-ups with a quality verdict
or with keys recorded; partial indexes hold just those rows (and the columns the two
passes read), so the passes cost what there is to count, not a walk through every
wrap-up (reports/queries.py, `failed_rules`, `typing_by_agent`).
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE INDEX wrapups_quality_failed ON wrapups
    (status, started_at, agent_id, site_id, acw_seconds, quality_failed)
    WHERE quality_failed IS NOT NULL;
CREATE INDEX wrapups_typed ON wrapups
    (site_id, agent_id, started_at, acw_seconds, keys_pressed, final_chars)
    WHERE keys_pressed IS NOT NULL
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
