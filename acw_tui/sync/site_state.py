"""The site's side of sync, in its own store: what the hub has acknowledged.

`acked_seq` is the hub's mark as last adopted: every outbox row up to it has reached
the hub and is dropped here (during a run, once the next batch is on its way).
`inflight_*` names the oldest batch sent and not yet answered, so a run that was killed
re-sends exactly the same bytes under the same idempotency key. (A batch sent after it
is not recorded: it builds on a mark the hub had not reached, so the hub either stored
it, and its mark says so, or refused it whole.)
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from acw_tui.errors import Phrase
from acw_tui.i18n import said
from acw_tui.store import Store
from acw_tui.store.phrases import from_column, to_column
from acw_tui.store.records import SYNCED_TABLES, queue_rows
from acw_tui.sync.protocol import OutboxEntry, record_digest


@dataclass(frozen=True)
class SyncState:
    """What this site knows of the hub: its mark as last adopted, the last sync, and the
    batch in flight."""

    hub_url: str | None
    acked_seq: int
    last_sync_at: str | None
    last_result: str | None
    inflight_key: str | None
    inflight_after: int | None
    inflight_last: int | None


def load_state(store: Store) -> SyncState:
    with store.errors():
        row = store.conn.execute(
            "SELECT hub_url, acked_seq, last_sync_at, last_result, inflight_key, "
            "inflight_after, inflight_last FROM sync_state WHERE id = 1"
        ).fetchone()
    if row is None:
        return SyncState(None, 0, None, None, None, None, None)
    hub_url, acked, last_at, last_result, *inflight = row
    return SyncState(hub_url, acked, last_at, _shown_result(last_result), *inflight)


def store_id(store: Store) -> str:
    """This store's identity on the hub: random, made once with the store (a store
    copied whole keeps it). The hub binds the site's marks to it."""
    with store.errors():
        row = store.conn.execute("SELECT store_id FROM sync_state WHERE id = 1").fetchone()
    if row is not None and row[0]:
        return str(row[0])
    made = uuid.uuid4().hex
    with store.transaction() as db:
        db.execute("UPDATE sync_state SET store_id = coalesce(store_id, ?) WHERE id = 1", [made])
        found = db.execute("SELECT store_id FROM sync_state WHERE id = 1").fetchone()
    return str(found[0]) if found and found[0] else made


def unsynced(store: Store) -> int:
    """Outbox rows the hub has not acknowledged.

    All rows less those up to the mark (a sync drops them a moment later): SQLite
    counts a whole table faster than a range of it, 0.6 s for six million rows.
    """
    with store.errors():
        return int(
            store.conn.execute(
                "SELECT (SELECT count(*) FROM outbox) - (SELECT count(*) FROM outbox "
                "WHERE seq <= (SELECT acked_seq FROM sync_state WHERE id = 1))"
            ).fetchone()[0]
        )


def last_seq(store: Store) -> int:
    """The highest outbox sequence this store ever handed out (0 if none)."""
    with store.errors():
        row = store.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
        return int(row[0]) if row else 0


def read_entries(
    store: Store, after: int, limit_records: int, limit_bytes: int
) -> list[OutboxEntry]:
    """The next outbox rows after `after`, at most `limit_records` or about `limit_bytes`."""
    entries: list[OutboxEntry] = []
    size = 0
    with store.errors():
        cursor = store.conn.execute(
            "SELECT seq, table_name, row_id, rev, payload FROM outbox WHERE seq > ? "
            "ORDER BY seq LIMIT ?",
            [after, limit_records],
        )
        for seq, table, row_id, rev, payload in cursor:
            if entries and size + len(payload) > limit_bytes:
                break
            entries.append(OutboxEntry(seq, table, row_id, rev, payload))
            size += len(payload)
    return entries


def record_at(store: Store, seq: int) -> tuple[str, str, int, str] | None:
    """The outbox record numbered `seq` (table, id, revision and the digest of its row,
    `protocol.record_digest`), or None if it is not there."""
    with store.errors():
        row = store.conn.execute(
            "SELECT table_name, row_id, rev, payload FROM outbox WHERE seq = ?", [seq]
        ).fetchone()
    if row is None:
        return None
    return str(row[0]), str(row[1]), int(row[2]), record_digest(json.loads(row[3]))


def read_range(store: Store, after: int, last: int) -> list[OutboxEntry]:
    with store.errors():
        rows = store.conn.execute(
            "SELECT seq, table_name, row_id, rev, payload FROM outbox WHERE seq > ? AND seq <= ? "
            "ORDER BY seq",
            [after, last],
        ).fetchall()
    return [OutboxEntry(*row) for row in rows]


def begin_batch(store: Store, hub_url: str, key: str, after: int, last: int) -> None:
    with store.transaction() as db:
        db.execute(
            "UPDATE sync_state SET hub_url = ?, inflight_key = ?, inflight_after = ?, "
            "inflight_last = ? WHERE id = 1",
            [hub_url, key, after, last],
        )


def adopt_mark(
    store: Store, mark: int, begin: tuple[str, str, int, int] | None = None, *, drop: bool = True
) -> int:
    """Take the hub's mark: drop what it holds, forget a batch it has answered.

    `begin` (hub URL, key, after, last) records the next batch in the same
    transaction. With `drop=False` the rows the mark covers stay until
    `drop_acknowledged` (a sync drops them while the hub stores the next batch).
    Returns the number of outbox rows dropped. A mark below ours is handled by
    `hub_lost_records`, never here: the acknowledged mark only moves forward.
    """
    with store.transaction() as db:
        acked = int(db.execute("SELECT acked_seq FROM sync_state WHERE id = 1").fetchone()[0])
        mark = max(mark, acked)
        dropped = db.execute("DELETE FROM outbox WHERE seq <= ?", [mark]).rowcount if drop else 0
        db.execute(
            "UPDATE sync_state SET acked_seq = ?, inflight_key = CASE WHEN inflight_last <= ? "
            "THEN NULL ELSE inflight_key END WHERE id = 1",
            [mark, mark],
        )
        if begin is not None:
            db.execute(
                "UPDATE sync_state SET hub_url = ?, inflight_key = ?, inflight_after = ?, "
                "inflight_last = ? WHERE id = 1",
                list(begin),
            )
    return int(dropped)


def drop_acknowledged(store: Store) -> int:
    """Drop the outbox rows the hub has acknowledged; returns how many."""
    with store.transaction() as db:
        return int(
            db.execute(
                "DELETE FROM outbox WHERE seq <= (SELECT acked_seq FROM sync_state WHERE id = 1)"
            ).rowcount
        )


def forget_inflight(store: Store) -> None:
    with store.transaction() as db:
        db.execute(
            "UPDATE sync_state SET inflight_key = NULL, inflight_after = NULL, "
            "inflight_last = NULL WHERE id = 1"
        )


def hub_lost_records(store: Store, hub_mark: int) -> int:
    """The hub's mark is behind ours (restored from an older backup, or a new hub).

    Rows we dropped after its mark may be gone there, so every current row is queued
    again (rev comparisons make that harmless for rows the hub still has), and we
    build on the hub's mark from now on. Returns the number of rows queued.
    """
    with store.transaction() as db:
        queued = sum(queue_rows(db, table) for table in SYNCED_TABLES)
        db.execute(
            "UPDATE sync_state SET acked_seq = ?, inflight_key = NULL, inflight_after = NULL, "
            "inflight_last = NULL WHERE id = 1",
            [hub_mark],
        )
    return queued


def rebase(store: Store, over: int) -> int | None:
    """Raise every row's revision above `over`, the highest the hub holds of this site's
    records, once for each `acw hub site reset-store` (see `HubStore.reset_store`).

    A store restored from a backup numbers its edits from the backup's revisions, so the
    hub would keep what the lost store sent at the same revision or a higher one. Here,
    in one transaction: each row and each queued snapshot gets `over` added to its
    revision (its order among its own revisions stays), every current row is queued
    again, and the whole outbox is to be sent from mark 0, where the hub stands after
    the reset. Returns the rows queued, or None if this store already rebased over
    `over` (a sync cut short after doing it, before the hub took a batch).
    """
    with store.transaction() as db:
        done = db.execute("SELECT rebased_over FROM sync_state WHERE id = 1").fetchone()
        if done is not None and done[0] == over:
            return None
        for table in SYNCED_TABLES:
            db.execute(f"UPDATE [{table}] SET rev = rev + ?", [over])
        db.execute(
            "UPDATE outbox SET rev = rev + ?, payload = json_set(payload, '$.rev', rev + ?)",
            [over, over],
        )
        queued = sum(queue_rows(db, table) for table in SYNCED_TABLES)
        db.execute(
            "UPDATE sync_state SET rebased_over = ?, acked_seq = 0, inflight_key = NULL, "
            "inflight_after = NULL, inflight_last = NULL WHERE id = 1",
            [over],
        )
    return queued


def finish_run(store: Store, hub_url: str, at: str, result: Phrase) -> None:
    """Remember the run's end and its result, kept as a phrase: the screen shows it in
    its reader's language, whoever ran the sync."""
    stored = to_column(result)
    with store.transaction() as db:
        db.execute(
            "UPDATE sync_state SET hub_url = ?, last_sync_at = ?, last_result = ? WHERE id = 1",
            [hub_url, at, stored],
        )


def _shown_result(stored: object) -> str | None:
    """A stored result in the chosen language; one an older acw stored as text, as it is."""
    text = from_column(stored)
    return None if text is None else said(text)
