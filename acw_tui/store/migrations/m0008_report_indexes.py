"""Report indexes: finished ACW in order per site, per agent and overall; logged-in time covered.

A median or 90th percentile is then a short walk down an index to the rank wanted
instead of a sort of every wrap-up (reports/queries.py, `ACW_ORDER_INDEXES`). Each index
ends with the columns a report filters on (start time, site, agent), so the walk never
reads the table. Site comes first so that a GROUP BY agent_id, which SQLite would answer
by walking an index that starts with agent_id, keeps its current plan.

The agent-state index gains the columns logged-in time sums, so that sum reads only it.
"""

import sqlite_utils

from acw_tui.store.migrations import execute_statements

SCHEMA = """
CREATE INDEX wrapups_acw_order ON wrapups (acw_seconds, started_at, site_id, agent_id);
CREATE INDEX wrapups_site_acw_order ON wrapups (site_id, acw_seconds, started_at, agent_id);
CREATE INDEX wrapups_site_agent_acw_order ON wrapups (site_id, agent_id, acw_seconds, started_at);
CREATE INDEX agent_states_by_agent ON agent_states (agent_id, started_at, state, ended_at, site_id);
DROP INDEX agent_states_agent_started
"""


def up(db: sqlite_utils.Database) -> None:
    execute_statements(db, SCHEMA)
