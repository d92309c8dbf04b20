"""Records the hub refuses are set aside here, so every record after them still flows.

A refused record used to stay first in the outbox and hold back everything behind it,
for good. Now the entry moves to `sync_quarantine` with the reason — found by the
site's own check before sending (`wire.entry_problem`) or named by the hub's refusal —
and the sync goes on. The site admin then lists, retries or drops what is there
(`acw sync quarantine list|retry|drop`); every action, setting aside included, is a
row of `sync_quarantine_log`.

Retrying queues the record's current row again. It first removes NUL characters (text
the hub cannot hold) and, with `claim`, rewrites a `site_id` that is not this site's
(rows written before `site_id` was set), each as a new revision of the row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from acw_tui.errors import N_, Phrase
from acw_tui.store import Store
from acw_tui.store.phrases import from_column, to_column
from acw_tui.store.records import queue_rows, update_record
from acw_tui.sync import SyncError
from acw_tui.sync.protocol import OutboxEntry


@dataclass(frozen=True)
class Quarantined:
    """A record set aside from the outbox, and why the hub (or the site's own check) refused it."""

    seq: int
    table: str
    row_id: str
    rev: int
    reason: str  # a phrase when acw said it (shown with `i18n.said`)
    set_aside_at: str


# What `sync_quarantine_log.action` holds, as the log is shown.
ACTIONS = {"set aside": N_("set aside"), "retried": N_("retried"), "dropped": N_("dropped")}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _log(db: object, action: str, entry: OutboxEntry | Quarantined | None, detail: str) -> None:
    conn = db.conn  # type: ignore[attr-defined]
    conn.execute(
        "INSERT INTO sync_quarantine_log (at, action, seq, table_name, row_id, rev, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            _now(),
            action,
            entry.seq if entry else None,
            entry.table if entry else None,
            entry.row_id if entry else None,
            entry.rev if entry else None,
            to_column(detail),
        ],
    )


def set_aside(store: Store, refused: Iterable[tuple[OutboxEntry, str]]) -> int:
    """Move refused entries from the outbox into quarantine; returns how many moved."""
    moved = 0
    with store.transaction() as db:
        for entry, reason in refused:
            db.conn.execute(
                "INSERT INTO sync_quarantine (seq, table_name, row_id, rev, payload, reason, "
                "set_aside_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (table_name, row_id, rev) DO NOTHING",
                [
                    entry.seq,
                    entry.table,
                    entry.row_id,
                    entry.rev,
                    entry.payload,
                    to_column(reason),
                    _now(),
                ],
            )
            db.conn.execute("DELETE FROM outbox WHERE seq = ?", [entry.seq])
            _log(db, "set aside", entry, reason)
            moved += 1
    return moved


def listing(store: Store) -> list[Quarantined]:
    with store.errors():
        rows = store.conn.execute(
            "SELECT seq, table_name, row_id, rev, reason, set_aside_at FROM sync_quarantine "
            "ORDER BY seq"
        ).fetchall()
    return [
        Quarantined(seq, table, row_id, rev, from_column(reason) or "", at)
        for seq, table, row_id, rev, reason, at in rows
    ]


def count(store: Store) -> int:
    with store.errors():
        return int(store.conn.execute("SELECT count(*) FROM sync_quarantine").fetchone()[0])


def log(store: Store) -> list[tuple[str, str, int | None, str]]:
    """(at, action, seq, detail) of every quarantine action, oldest first; the action as
    stored (a key of ACTIONS), the detail a phrase when acw said it."""
    with store.errors():
        return [
            (at, action, seq, from_column(detail) or "")
            for at, action, seq, detail in store.conn.execute(
                "SELECT at, action, seq, detail FROM sync_quarantine_log ORDER BY id"
            )
        ]


def _select(store: Store, seqs: Sequence[int], everything: bool) -> list[Quarantined]:
    if not seqs and not everything:
        raise SyncError(
            N_("name the records by their number (see `acw sync quarantine list`) or pass --all")
        )
    found = listing(store)
    if everything:
        return found
    by_seq = {q.seq: q for q in found}
    missing = [str(s) for s in seqs if s not in by_seq]
    if missing:
        raise SyncError(
            N_("no record {numbers} in quarantine (see `acw sync quarantine list`)"),
            numbers=", ".join(missing),
        )
    return [by_seq[s] for s in dict.fromkeys(seqs)]


def retry(
    store: Store, seqs: Sequence[int], *, everything: bool = False, claim: str | None = None
) -> list[Phrase]:
    """Queue the chosen records' current rows again; returns one line per record."""
    chosen = _select(store, seqs, everything)
    lines = []
    now = datetime.now(UTC)
    with store.transaction() as db:
        done: set[tuple[str, str]] = set()
        for item in chosen:
            key = (item.table, item.row_id)
            if key in done:
                continue
            done.add(key)
            lines.append(_requeue(db, item, claim, now))
            db.conn.execute(
                "DELETE FROM sync_quarantine WHERE table_name = ? AND row_id = ?", list(key)
            )
            _log(db, "retried", item, lines[-1])
    return lines


def _requeue(db: object, item: Quarantined, claim: str | None, now: datetime) -> Phrase:
    conn = db.conn  # type: ignore[attr-defined]
    cursor = conn.execute(f"SELECT * FROM [{item.table}] WHERE id = ?", [item.row_id])
    values = cursor.fetchone()
    where = f"{item.table}/{item.row_id}"
    if values is None:
        # The row is gone here: send the snapshot that was set aside, as it was.
        payload = conn.execute(
            "SELECT payload FROM sync_quarantine WHERE seq = ?", [item.seq]
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO outbox (table_name, row_id, rev, payload, queued_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [item.table, item.row_id, item.rev, payload, _now()],
        )
        return Phrase(
            N_("{where}: queued again as it was set aside (the row is no longer in the store)"),
            where=where,
        )
    row = dict(zip([d[0] for d in cursor.description], values, strict=True))
    changes: dict[str, object] = {
        name: value.replace("\x00", "")
        for name, value in row.items()
        if isinstance(value, str) and "\x00" in value
    }
    if claim and row.get("site_id") != claim:
        changes["site_id"] = claim
    if changes:
        updated = update_record(db, item.table, item.row_id, changes, now)  # type: ignore[arg-type]
        fixed = Phrase.joined(
            ", ",
            (
                Phrase(N_("site_id {old} → {new}"), old=repr(row.get("site_id")), new=repr(claim))
                if name == "site_id"
                else Phrase(N_("NUL removed from {column}"), column=name)
                for name in changes
            ),
        )
        return Phrase(
            N_("{where}: {fixed}; queued as rev {rev}"),
            where=where,
            fixed=fixed,
            rev=updated["rev"],
        )
    queue_rows(db, item.table, "id = ?", (item.row_id,))  # type: ignore[arg-type]
    return Phrase(N_("{where}: queued again at rev {rev}"), where=where, rev=row.get("rev"))


def drop(store: Store, seqs: Sequence[int], *, everything: bool = False) -> list[Phrase]:
    """Forget the chosen records for sync (the rows stay in the store); one line each."""
    chosen = _select(store, seqs, everything)
    lines = []
    with store.transaction() as db:
        for item in chosen:
            db.conn.execute("DELETE FROM sync_quarantine WHERE seq = ?", [item.seq])
            lines.append(
                Phrase(
                    N_("{where} rev {rev}: dropped; it will not reach the hub"),
                    where=f"{item.table}/{item.row_id}",
                    rev=item.rev,
                )
            )
            _log(db, "dropped", item, item.reason)
    return lines
