"""The agent state log: ready, on call, ACW, break, logged out, with times.

ACW % is ACW time over logged-in time, so every change closes the current row and
opens the next one in one transaction; the log never has two open rows for an agent.
"""

from __future__ import annotations

from datetime import datetime

from acw_tui.core.ids import new_id
from acw_tui.core.model import AgentState, AgentStateName
from acw_tui.core.timeutil import utc_iso
from acw_tui.store.database import Store
from acw_tui.store.records import insert_record, update_record
from acw_tui.store.rows import agent_state_from_row


class AgentStateRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Changes in the same millisecond (a call answered as the agent logs in) share a start
    # time; rowid keeps them in the order they were made.
    def current(self, agent_id: str) -> AgentState | None:
        rows = self.store.rows(
            "SELECT * FROM agent_states WHERE agent_id = ? AND ended_at IS NULL "
            "ORDER BY started_at DESC, rowid DESC LIMIT 1",
            [agent_id],
        )
        return agent_state_from_row(rows[0]) if rows else None

    def change(
        self, agent_id: str, site_id: str, state: AgentStateName, at: datetime, now: datetime
    ) -> AgentState:
        """Move the agent to `state` at `at`; a change to the same state is a no-op."""
        with self.store.transaction() as db:
            current = self.current(agent_id)
            if current is not None:
                if current.state == state:
                    return current
                # A hook reporting an earlier time than the open row must not make a
                # negative interval: the change happens no earlier than the row began.
                at = max(at, current.started_at)
                update_record(db, "agent_states", current.id, {"ended_at": utc_iso(at)}, now)
            row = insert_record(
                db,
                "agent_states",
                {
                    "id": new_id(),
                    "agent_id": agent_id,
                    "site_id": site_id,
                    "state": state.value,
                    "started_at": utc_iso(at),
                    "ended_at": None,
                },
                now,
            )
            return agent_state_from_row(row)

    def log(self, agent_id: str, limit: int = 50) -> list[AgentState]:
        rows = self.store.rows(
            "SELECT * FROM agent_states WHERE agent_id = ? "
            "ORDER BY started_at DESC, rowid DESC LIMIT ?",
            [agent_id, limit],
        )
        return [agent_state_from_row(row) for row in rows]
