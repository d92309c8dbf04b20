"""The phone-system listener's state, one row per source (`acw listen` writes it from
its own process; the screen reads it). Local only: not synced. Its lines are kept as
phrases, so the screen shows them in its own language, whatever `acw listen` speaks."""

from __future__ import annotations

from datetime import datetime

from acw_tui.core.model import ListenerStatus
from acw_tui.core.timeutil import parse_iso, utc_iso
from acw_tui.store.database import Store
from acw_tui.store.phrases import from_column, to_column


def _time(value: object) -> datetime | None:
    return parse_iso(value) if isinstance(value, str) and value else None


class ListenerStateRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def newest(self) -> ListenerStatus | None:
        rows = self.store.rows("SELECT * FROM listener_state ORDER BY updated_at DESC LIMIT 1")
        if not rows:
            return None
        row = rows[0]

        def text(key: str) -> str | None:
            return from_column(row[key])

        def count(key: str) -> int:
            value = row[key]
            return value if isinstance(value, int) else 0

        return ListenerStatus(
            source=str(row["source"]),
            connected=bool(row["connected"]),
            detail=text("detail"),
            last_event_at=_time(row["last_event_at"]),
            last_event=text("last_event"),
            events=count("events"),
            errors=count("errors"),
            last_error=text("last_error"),
            last_error_at=_time(row["last_error_at"]),
            updated_at=_time(row["updated_at"]),
        )

    def save(self, status: ListenerStatus, now: datetime) -> None:
        def iso(value: datetime | None) -> str | None:
            return utc_iso(value) if value else None

        with self.store.transaction() as db:
            db.conn.execute(
                "INSERT OR REPLACE INTO listener_state (source, connected, detail, "
                "last_event_at, last_event, events, errors, last_error, last_error_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    status.source,
                    int(status.connected),
                    to_column(status.detail),
                    iso(status.last_event_at),
                    to_column(status.last_event),
                    status.events,
                    status.errors,
                    to_column(status.last_error),
                    iso(status.last_error_at),
                    utc_iso(now),
                ],
            )
