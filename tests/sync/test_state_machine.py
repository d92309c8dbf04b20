"""Edits, dropped requests and answers, duplicates, reorders, client kills, a second
store syncing with the site's token, and the store restored from a backup and written
to, mixed.

Whatever the order, a record the site wrote is always either on the hub or still in
the outbox (never lost), the hub holds each revision once and nothing the site did not
write (never duplicated or invented), the hub's mark never goes back, and when the
site syncs in peace the hub equals the site. A second store using the site's token
once the hub has bound the site to the first is refused, with nothing dropped there,
and none of its records reach the hub (the invariants would see them as invented).
A store restored from a backup syncs on if what it holds agrees with the hub's mark;
otherwise it is refused with nothing sent or dropped, and after the hub admin's
`reset-store` and a sync the hub holds every current row of the store as it is, at
its revision, even where the lost store had sent a revision as high or higher (what
the hub received from the history the backup lost stays there, and only that is
allowed beside the site's). The store raised its revisions above the hub's then: the
numbers it skipped were never written, and the revisions it had not sent before are
not required at the hub under their new numbers (their current row is).

`make test` runs a seeded, bounded number of examples; ACW_SYNC_EXAMPLES runs more (and
ACW_HYPOTHESIS=explore draws new ones each run).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from acw_tui.store import open_store
from acw_tui.sync import SyncError, site_state
from acw_tui.sync.client import AnotherStore, Conflict, Syncer
from acw_tui.sync.protocol import batch_body

from .conftest import HubProcess, Site, make_site

EXAMPLES = int(os.environ.get("ACW_SYNC_EXAMPLES", "10"))  # PostgreSQL; SQLite runs half again


def _machine(hub: HubProcess, root: Path) -> type[RuleBasedStateMachine]:
    class SyncMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.site: Site = make_site(hub, root / uuid.uuid4().hex[:8])
            self.client = self.site.client(retry_for=2)
            self.client.use_store(site_state.store_id(self.site.store))
            self.strangers = 0
            self.sent: list[tuple[str, bytes]] = []
            self.highest_mark = 0
            self.backup: Path | None = None
            # What the hub holds of a history a restored backup lost: allowed there.
            self.lost: dict[str, set[tuple[str, int]]] = {}
            # Each row's revision right after the store rebased (`site_state.rebase`):
            # from it on, every revision must reach the hub.
            self.rebased: dict[str, dict[str, int]] = {}

        def teardown(self) -> None:
            self.client.close()
            self.site.store.close()

        def _next(self, size: int) -> tuple[str, bytes] | None:
            after = site_state.load_state(self.site.store).acked_seq
            entries = site_state.read_entries(self.site.store, after, size, 1 << 30)
            if not entries:
                return None
            key = uuid.uuid4().hex
            site_state.begin_batch(self.site.store, hub.url, key, after, entries[-1].seq)
            return key, batch_body(after, entries)

        def _send(self, key: str, body: bytes, adopt: bool) -> None:
            try:
                answer = self.client.send_batch(key, body)
            except Conflict as conflict:
                assert conflict.mark >= self.highest_mark
                return
            if adopt:
                site_state.adopt_mark(self.site.store, answer["mark"])

        @rule(count=st.integers(1, 4))
        def write_new_records(self, count: int) -> None:
            self.site.add_calls(count)

        @precondition(lambda self: bool(self.site.current()["calls"]))
        @rule(pick=st.integers(0, 10_000))
        def edit_a_record(self, pick: int) -> None:
            ids = sorted(self.site.current()["calls"])
            self.site.edit(ids[pick % len(ids)])

        @rule(
            size=st.integers(1, 6),
            fate=st.sampled_from(["delivered", "request lost", "answer lost"]),
        )
        def send_a_batch(self, size: int, fate: str) -> None:
            batch = self._next(size)
            if batch is None:
                return
            if fate != "request lost":
                self._send(*batch, adopt=fate == "delivered")
            self.sent.append(batch)

        @precondition(lambda self: bool(self.sent))
        @rule(pick=st.integers(0, 10_000), adopt=st.booleans())
        def replay_an_old_batch(self, pick: int, adopt: bool) -> None:
            key, body = self.sent[pick % len(self.sent)]
            self._send(key, body, adopt)

        @rule(skip=st.integers(1, 3))
        def send_a_batch_ahead_of_its_turn(self, skip: int) -> None:
            after = site_state.load_state(self.site.store).acked_seq
            entries = site_state.read_entries(self.site.store, after, skip + 3, 1 << 30)
            if len(entries) <= skip:
                return
            self._send(
                uuid.uuid4().hex, batch_body(entries[skip - 1].seq, entries[skip:]), adopt=True
            )

        def _hub_holds_the_site(self) -> None:
            if not self.lost:
                self.site.assert_hub_equal()
                return
            # Every current row of the store, as it is; beside them only the lost history.
            for table in self.site.current():
                on_hub = self._rows(table)
                for row_id, row in self._rows(table, on_hub=False).items():
                    assert on_hub.pop(row_id, None) == row, (table, row_id)
                for row_id, row in on_hub.items():
                    assert (row_id, row["rev"]) in self.lost.get(table, set()), (table, row_id)

        def _rows(self, table: str, *, on_hub: bool = True) -> dict[str, dict[str, object]]:
            """The site's rows of `table` at the hub (or in the store), by id."""
            columns = hub.store.tables[table].column_names
            select = f"SELECT {', '.join(columns)} FROM {table}"
            if on_hub:
                with hub.store.db.reading() as tx:
                    found = tx.all(f"{select} WHERE site_id = ?", [self.site.name])
            else:
                found = self.site.store.conn.execute(select).fetchall()
            rows = [dict(zip(columns, values, strict=True)) for values in found]
            return {str(row["id"]): row for row in rows}

        def _required(self) -> dict[str, set[tuple[str, int]]]:
            """The revisions the store wrote that must reach the hub: all of them, less
            those below a row's revision right after a rebase (numbers skipped, and
            revisions renumbered before they were sent)."""
            required = self.site.all_revisions()
            for table, rows in self.rebased.items():
                required[table] = {(i, rev) for i, rev in required[table] if rev >= rows.get(i, 0)}
            return required

        def _rebase_asked(self) -> bool:
            """The hub asks the next store that syncs to rebase (`reset-store` ran, and
            no store has sent a batch since)."""
            with hub.store.db.reading() as tx:
                row = tx.one(
                    "SELECT rebase_over FROM hub_sites WHERE site_id = ?", [self.site.name]
                )
            return row is not None and row[0] is not None

        def _sync(self) -> None:
            """One `acw sync`; a store that rebased in it has its rows' new revisions
            noted (whichever sync it was: the first one after `reset-store` rebases)."""
            rebasing = self._rebase_asked()
            Syncer(self.site.store, self.client, batch_records=5).run()
            if rebasing:
                for table, rows in self.site.current().items():
                    self.rebased.setdefault(table, {}).update(rows)

        @rule()
        def sync_in_peace(self) -> None:
            self._sync()
            self._hub_holds_the_site()
            assert self.site.outbox() == 0

        @rule()
        def back_up_the_store(self) -> None:
            self.backup = root / f"{uuid.uuid4().hex[:8]}.backup"
            with sqlite3.connect(self.backup) as copy:
                self.site.store.conn.backup(copy)

        @precondition(lambda self: self.backup is not None)
        @rule(count=st.integers(0, 12))
        def restore_the_backup_and_write_more(self, count: int) -> None:
            """The store lost, its backup put back and written to, then synced."""
            assert self.backup is not None
            for table, revisions in hub.store.revisions(self.site.name).items():
                self.lost.setdefault(table, set()).update(revisions)
            path = self.site.store.path
            self.site.store.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copy(self.backup, path)
            self.site.store = open_store(path)
            self.sent = []  # the batches of the lost history are not this store's
            self.site.add_calls(count)
            waiting = self.site.outbox()
            acked = site_state.load_state(self.site.store).acked_seq
            try:
                self._sync()
            except SyncError as exc:
                # Refused: nothing sent or dropped, and the way out is named.
                assert f"acw hub site reset-store {self.site.name}" in str(exc), str(exc)
                assert self.site.outbox() == waiting
                assert site_state.load_state(self.site.store).acked_seq == acked
                hub.store.reset_store(self.site.name)
                self.highest_mark = 0
                self._sync()
            self._hub_holds_the_site()
            assert self.site.outbox() == 0

        def _bound(self) -> bool:
            with hub.store.db.reading() as tx:
                row = tx.one("SELECT store_id FROM hub_sites WHERE site_id = ?", [self.site.name])
            return row is not None and row[0] == site_state.store_id(self.site.store)

        @precondition(lambda self: self._bound())
        @rule(count=st.integers(0, 3))
        def another_store_syncs_with_the_same_token(self, count: int) -> None:
            """A config copied to a second PC: refused, and nothing dropped there."""
            self.strangers += 1
            other = Site(
                self.site.name,
                open_store(root / f"{uuid.uuid4().hex[:8]}.db"),
                self.site.token,
                hub,
                root,
            )
            other.add_calls(count)
            client = other.client(retry_for=2)
            try:
                with pytest.raises(AnotherStore):
                    Syncer(other.store, client, batch_records=5).run()
                assert other.outbox() == count
            finally:
                client.close()
                other.store.close()

        @invariant()
        def nothing_lost_nothing_invented(self) -> None:
            written = self.site.all_revisions()
            on_hub = hub.store.revisions(self.site.name)
            queued: dict[str, set[tuple[str, int]]] = {}
            for table, row_id, rev in self.site.store.conn.execute(
                "SELECT table_name, row_id, rev FROM outbox"
            ):
                queued.setdefault(table, set()).add((row_id, rev))
            required = self._required()
            for table, revisions in written.items():
                lost = self.lost.get(table, set())
                assert on_hub.get(table, set()) <= revisions | lost
                assert required[table] <= on_hub.get(table, set()) | queued.get(table, set())
            current = hub.store.current(self.site.name)
            site_current = self.site.current()
            for table, rows in current.items():
                for row_id, rev in rows.items():
                    if (row_id, rev) not in self.lost.get(table, set()):
                        assert rev <= site_current[table][row_id]

        @invariant()
        def mark_never_goes_back(self) -> None:
            mark = hub.store.mark(self.site.name)
            assert mark >= self.highest_mark
            self.highest_mark = mark

    return SyncMachine


def test_sync_never_loses_or_duplicates_a_record(
    hub: HubProcess, tmp_path: Path, backend: str
) -> None:
    machine = _machine(hub, tmp_path)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES if backend == "postgres" else EXAMPLES * 3 // 2,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


@pytest.fixture(autouse=True)
def _home(acw_home: Path) -> None:
    """Every site of the machine keeps its files under this test's ACW_HOME."""
