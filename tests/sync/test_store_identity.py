"""The hub knows which store a site's sequence numbers come from.

Two stores sharing one site token (a config copied to a second PC, a stolen token used
once) used to lose records silently: each dropped its outbox up to the hub's mark,
which the other had moved. Now the first store to send binds the site; another store
is refused with one line, and nothing is dropped on either. The hub admin moves a site
to a new store (a disk replaced, a store restored from a backup) with
`acw hub site reset-store`.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.store import Store, open_store
from acw_tui.store.records import insert_record, queue_rows, update_record
from acw_tui.sync import SyncError, site_state
from acw_tui.sync.client import RecordAt, Syncer, SyncObserver
from acw_tui.sync.protocol import batch_body, record_digest
from acw_tui.sync.wire import parse_batch

from .conftest import HubProcess, Site, run_acw


def _second_store(site: Site, home: Path) -> Site:
    """Another store with the very same config (site name and token)."""
    home.mkdir(parents=True)
    shutil.copy(site.home / "config.toml", home / "config.toml")
    return Site(site.name, open_store(home / "acw.db"), site.token, site.hub, home)


def _acw_sync(site: Site) -> subprocess.CompletedProcess[str]:
    proc = run_acw(site.home, "sync", "--quiet")
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_a_second_store_with_the_same_token_is_refused_and_nothing_is_lost(
    site: Site, tmp_path: Path
) -> None:
    first = site
    first.add_calls(2)
    assert _acw_sync(first).returncode == 0
    second = _second_store(first, tmp_path / "pc2")
    second.add_calls(8)
    refused = _acw_sync(second)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    [line] = refused.stderr.strip().splitlines()
    assert first.name in line and "another store" in line and "acw hub site add" in line, line
    assert second.outbox() == 8  # nothing dropped, nothing set aside
    assert site_state.load_state(second.store).acked_seq == 0
    # The first store goes on syncing every record it writes.
    first.add_calls(3)
    assert _acw_sync(first).returncode == 0
    first.assert_hub_equal()
    assert first.hub.store.mark(first.name) == site_state.last_seq(first.store)
    second.store.close()


def test_the_second_store_syncs_as_its_own_site_once_registered(site: Site, tmp_path: Path) -> None:
    site.add_calls(1)
    site.sync()
    second = _second_store(site, tmp_path / "pc2")
    second.add_calls(4)
    with pytest.raises(SyncError, match="another store"):
        second.sync()
    # The documented way: its own site name and token, its rows claimed.
    name = f"{site.name}-pc2"
    token = site.hub.store.add("site", name)
    (second.home / "config.toml").write_text(
        f'agent_id = "ana"\nsite_id = "{name}"\n[sync]\nhub_url = "{site.hub.url}"\n'
        f'token = "{token}"\n',
        encoding="utf-8",
    )
    assert _acw_sync(second).returncode == 1  # its rows name the old site: set aside
    claim = run_acw(second.home, "sync", "quarantine", "retry", "--all", "--claim")
    assert claim.wait(timeout=60) == 0
    assert _acw_sync(second).returncode == 0
    moved = Site(name, second.store, token, site.hub, second.home)
    assert site.hub.store.current(name) == moved.current()  # (claimed: at rev 2)
    assert len(moved.current()["calls"]) == 4
    site.assert_hub_equal()
    second.store.close()


def _reset_store(hub: HubProcess, name: str) -> str:
    result = CliRunner().invoke(cli, ["hub", "site", "reset-store", name, "--db", hub.db_url])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_store_that_replaces_a_lost_one_takes_the_site_over(site: Site, tmp_path: Path) -> None:
    site.add_calls(5)
    site.sync()
    replacement = _second_store(site, tmp_path / "new-disk")
    replacement.add_calls(2)
    with pytest.raises(SyncError, match="another store"):
        replacement.sync()
    said = _reset_store(site.hub, site.name)
    assert site.name in said
    replacement.sync()
    assert replacement.outbox() == 0
    assert site.hub.store.mark(site.name) == site_state.last_seq(replacement.store)
    for table, rows in replacement.current().items():  # the old store's rows stay too
        assert rows.items() <= site.hub.store.current(site.name)[table].items()
    with pytest.raises(SyncError, match="another store"):
        site.sync()  # the lost store, found again, is now the stranger
    replacement.store.close()


def test_a_store_restored_from_a_backup_is_told_what_to_ask_for(site: Site, tmp_path: Path) -> None:
    site.add_calls(3)
    site.sync()
    backup = sqlite3.connect(tmp_path / "backup.db")
    site.store.conn.backup(backup)
    backup.close()
    site.add_calls(4)
    site.sync()  # the hub's mark is now past anything the backup wrote
    site.store.close()
    for suffix in ("", "-wal", "-shm"):
        (site.home / f"acw.db{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "backup.db", site.home / "acw.db")
    site.store = open_store(site.home / "acw.db")
    site.add_calls(1)
    with pytest.raises(SyncError, match=f"acw hub site reset-store {site.name}"):
        site.sync()
    assert site.outbox() == 1
    _reset_store(site.hub, site.name)
    summary = site.sync()
    assert summary.resent_after_hub_loss > 0  # every current row again: nothing missing
    on_hub = site.hub.store.current(site.name)
    for table, rows in site.current().items():  # the lost store's later rows stay too
        assert rows.items() <= on_hub[table].items()


def test_a_site_synced_before_stores_had_an_identity_is_bound_by_its_next_sync(
    site: Site, tmp_path: Path
) -> None:
    site.add_calls(2)
    client = site.client()
    syncer = Syncer(site.store, client)
    client.use_store(None)  # as an older acw, which sends no store identity
    syncer.run()
    client.close()
    with site.hub.store.db.reading() as tx:
        assert tx.one("SELECT store_id FROM hub_sites WHERE site_id = ?", [site.name]) == (None,)
    site.add_calls(1)
    site.sync()  # this acw: the site is bound to this store from now on
    site.assert_hub_equal()
    with pytest.raises(SyncError, match="another store"):
        _second_store(site, tmp_path / "pc2").sync()


def test_reset_store_names_an_unknown_site(hub: HubProcess) -> None:
    result = CliRunner().invoke(cli, ["hub", "site", "reset-store", "nowhere", "--db", hub.db_url])
    assert result.exit_code == 1
    assert "no site named 'nowhere'" in result.output


def _restore(site: Site, backup: Path) -> None:
    """Put the store back as `backup` holds it (its identity included)."""
    site.store.close()
    for suffix in ("", "-wal", "-shm"):
        (site.home / f"acw.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, site.home / "acw.db")
    site.store = open_store(site.home / "acw.db")


def test_a_restored_store_that_wrote_past_the_hub_mark_drops_nothing(
    site: Site, tmp_path: Path
) -> None:
    """Restored, it writes more records than the hub's mark covers: the records it holds
    under numbers the hub already has are its own, not the ones the hub holds, so
    adopting the mark would drop them unsent. `acw sync` refuses with one line."""
    site.add_calls(2)
    assert _acw_sync(site).returncode == 0
    backup = tmp_path / "backup.db"
    with sqlite3.connect(backup) as copy:
        site.store.conn.backup(copy)
    site.add_calls(3)
    assert _acw_sync(site).returncode == 0
    hub_mark = site.hub.store.mark(site.name)
    _restore(site, backup)
    site.add_calls(6)  # more than the hub's mark: its numbers run past it
    assert site_state.last_seq(site.store) > hub_mark
    waiting = site.outbox()
    refused = _acw_sync(site)
    assert refused.returncode == 1, refused.stdout
    assert "Traceback" not in refused.stderr
    [line] = refused.stderr.strip().splitlines()
    assert f"acw hub site reset-store {site.name}" in line, line
    assert str(hub_mark) in line, line
    assert site.outbox() == waiting  # nothing sent or dropped
    assert site_state.load_state(site.store).acked_seq < hub_mark
    assert site.hub.store.mark(site.name) == hub_mark
    # The way out it names: every current record of this store reaches the hub.
    _reset_store(site.hub, site.name)
    assert _acw_sync(site).returncode == 0
    on_hub = site.hub.store.current(site.name)
    for table, rows in site.current().items():
        assert rows.items() <= on_hub[table].items()
    assert site.outbox() == 0


def test_a_restored_store_whose_backup_covers_the_mark_syncs_on(site: Site, tmp_path: Path) -> None:
    """A backup taken after the records the hub holds, before their ack was recorded
    here: the store holds the very records the hub's mark covers, so it adopts it."""
    site.add_calls(3)
    backup = tmp_path / "backup.db"

    class BackUpBeforeTheAck(SyncObserver):
        def batch_acknowledged(self, number: int, mark: int) -> None:
            with sqlite3.connect(backup) as copy:
                site.store.conn.backup(copy)

    client = site.client()
    Syncer(site.store, client, observer=BackUpBeforeTheAck()).run()
    client.close()
    assert site.hub.store.mark(site.name) == 3
    _restore(site, backup)
    assert site_state.load_state(site.store).acked_seq == 0
    site.add_calls(2)
    assert _acw_sync(site).returncode == 0
    site.assert_hub_equal()
    assert site.outbox() == 0


def _set_queue(site: Site, row_id: str, queue: str) -> None:
    with site.store.transaction() as db:
        update_record(db, "calls", row_id, {"queue": queue}, datetime.now(UTC))


def _on_hub(site: Site, row_id: str) -> tuple[str, int]:
    with site.hub.store.db.reading() as tx:
        row = tx.one("SELECT queue, rev FROM calls WHERE id = ?", [row_id])
    assert row is not None
    return str(row[0]), int(row[1])


def _history_queues(site: Site, row_id: str) -> set[str]:
    with site.hub.store.db.reading() as tx:
        rows = tx.all("SELECT payload FROM hub_history WHERE id = ?", [row_id])
    return {json.loads(payload)["queue"] for (payload,) in rows}


def _refused_with_the_way_out(site: Site) -> None:
    waiting = site.outbox()
    refused = _acw_sync(site)
    assert refused.returncode == 1, refused.stdout
    [line] = refused.stderr.strip().splitlines()
    assert f"acw hub site reset-store {site.name}" in line, line
    assert site.outbox() == waiting  # nothing sent or dropped


def _hub_holds_the_site(site: Site) -> None:
    """After a reset-store and a sync: every current row of the store, at its revision,
    is the hub's current one (the lost store's other rows may stay beside them)."""
    on_hub = site.hub.store.current(site.name)
    for table, rows in site.current().items():
        assert rows.items() <= on_hub[table].items(), table
    assert site.outbox() == 0


def test_a_restored_store_whose_edit_takes_the_number_the_hub_holds_is_refused(
    site: Site, tmp_path: Path
) -> None:
    """Restored, the store edits a row once more: the same table, id, revision and
    outbox number as the edit the hub holds from the lost store, but another record.
    Adopting the hub's mark would drop it unsent, and the hub would keep the other."""
    [call] = site.add_calls(1)
    assert _acw_sync(site).returncode == 0
    backup = tmp_path / "backup.db"
    with sqlite3.connect(backup) as copy:
        site.store.conn.backup(copy)
    _set_queue(site, call, "FIRST")
    assert _acw_sync(site).returncode == 0
    assert _on_hub(site, call) == ("FIRST", 2)
    _restore(site, backup)
    _set_queue(site, call, "SECOND")
    assert site_state.last_seq(site.store) == site.hub.store.mark(site.name)
    _refused_with_the_way_out(site)
    _reset_store(site.hub, site.name)
    assert _acw_sync(site).returncode == 0
    queue, rev = _on_hub(site, call)
    assert queue == "SECOND" and rev > 2
    assert {"FIRST", "SECOND"} <= _history_queues(site, call)  # every revision kept
    _hub_holds_the_site(site)


def test_after_reset_store_the_restored_stores_rows_win_at_the_hub(
    site: Site, tmp_path: Path
) -> None:
    """The restored store's edits are at revisions the hub already holds (or below):
    after `reset-store` they are still what the hub keeps, and in its history."""
    other, call = site.add_calls(2)
    assert _acw_sync(site).returncode == 0
    backup = tmp_path / "backup.db"
    with sqlite3.connect(backup) as copy:
        site.store.conn.backup(copy)
    _set_queue(site, call, "A")
    _set_queue(site, call, "A2")  # the lost store got further than the restored one will
    assert _acw_sync(site).returncode == 0
    _restore(site, backup)
    _set_queue(site, other, "B-other")
    _set_queue(site, call, "B")
    _refused_with_the_way_out(site)
    _reset_store(site.hub, site.name)
    assert _acw_sync(site).returncode == 0
    assert _on_hub(site, call)[0] == "B"
    assert _on_hub(site, other)[0] == "B-other"
    assert "B" in _history_queues(site, call)
    _hub_holds_the_site(site)
    # Synced once over, the store rebases no more: its next edit is one revision up.
    before = site.current()["calls"][call]
    _set_queue(site, call, "C")
    assert _acw_sync(site).returncode == 0
    assert _on_hub(site, call) == ("C", before + 1)
    _hub_holds_the_site(site)


def test_a_sync_cut_short_after_the_rebase_does_not_rebase_twice(
    own_faulty_site: Site, tmp_path: Path
) -> None:
    """The store raised its revisions, then the hub died before taking a batch: the next
    sync sends them as they are, not raised a second time."""
    site = own_faulty_site
    [call] = site.add_calls(1)
    site.sync()
    backup = tmp_path / "backup.db"
    with sqlite3.connect(backup) as copy:
        site.store.conn.backup(copy)
    _set_queue(site, call, "FIRST")
    site.sync()
    _restore(site, backup)
    _set_queue(site, call, "SECOND")  # rev 2, as the hub's
    with pytest.raises(SyncError, match="reset-store"):
        site.sync()
    _reset_store(site.hub, site.name)
    site.hub.arm(site.name, "die-mid-batch")
    with pytest.raises(SyncError):
        site.sync(retry_for=1)
    site.hub.wait_dead()
    rebased = site.current()["calls"][call]
    assert rebased == 2 + 2  # raised above the hub's highest revision, 2, once
    site.hub.start()
    site.sync()
    assert site.current()["calls"][call] == rebased
    assert _on_hub(site, call) == ("SECOND", rebased)
    _hub_holds_the_site(site)


def test_the_hub_and_the_site_digest_a_record_alike(fresh_store: Store) -> None:
    """The hub digests the row it parsed from a batch, the site the snapshot in its
    outbox: each way a snapshot is queued (one record, many at once, rebased) agrees."""
    now = datetime.now(UTC)
    with fresh_store.transaction() as db:
        call = {
            "id": "c1",
            "external_id": "C-1",
            "agent_id": "ana",
            "site_id": "warsaw-1",
            "queue": 'żółć \u2028 "q" \\ ✓',
            "started_at": "2026-05-04T10:00:00.000Z",
            "talk_seconds": 240.0,
            "hold_seconds": 1e-7,
        }
        insert_record(db, "calls", call, now)
        queue_rows(db, "calls")
    site_state.rebase(fresh_store, 9)
    entries = site_state.read_entries(fresh_store, 0, 100, 1 << 30)
    assert len(entries) == 3  # two queued (then rewritten), and one more by the rebase
    _after, records = parse_batch(batch_body(0, entries))
    for entry, record in zip(entries, records, strict=True):
        mine = site_state.record_at(fresh_store, entry.seq)
        assert RecordAt(record.table, record.id, record.rev, record_digest(record.row)).is_(mine)
    assert {r.rev for r in records} == {10}


def test_a_record_at_the_mark_from_an_older_hub_is_compared_without_content() -> None:
    mine = ("calls", "c1", 2, "d1")
    assert RecordAt("calls", "c1", 2).is_(mine)  # an older hub: no digest
    assert RecordAt("calls", "c1", 2, "d1").is_(mine)
    assert not RecordAt("calls", "c1", 2, "d2").is_(mine)  # another record, same number
    assert not RecordAt("calls", "c1", 3).is_(mine)
    assert not RecordAt("calls", "c1", 2).is_(None)
