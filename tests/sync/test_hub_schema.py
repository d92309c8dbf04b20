"""The hub's mirror tables follow the site's schema, from one list of synced tables."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from acw_tui.store import open_store
from acw_tui.store.records import SYNCED_TABLES
from acw_tui.sync.hub_store import HUB_INDEXES, SQLITE_REPORT_INDEXES, HubStore
from acw_tui.sync.tables import synced_tables

from .conftest import _pg_admin, _pg_url_for, pg_base_url


def test_every_synced_table_can_be_mirrored(tmp_path: Path) -> None:
    """Each synced table has `id`, `rev` and `site_id` (whose record is it?)."""
    tables = synced_tables()
    assert tuple(tables) == SYNCED_TABLES
    store = open_store(tmp_path / "site.db")
    for name, table in tables.items():
        site_columns = [c.name for c in store.db.table(name).columns]
        assert list(table.column_names) == site_columns
    store.close()


@pytest.fixture
def hub_url(backend: str, tmp_path: Path):
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'hub.db'}"
        return
    base = pg_base_url()
    name = f"acw_schema_{uuid.uuid4().hex[:10]}"
    _pg_admin(base, f"CREATE DATABASE {name}")
    yield _pg_url_for(base, name)
    _pg_admin(base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_hub_init_adds_what_a_newer_site_schema_has(hub_url: str) -> None:
    hub = HubStore(hub_url)
    created = hub.init()
    assert {f"table {t}" for t in SYNCED_TABLES} <= set(created)
    # A SQLite hub gets the site store's report indexes (reports read medians from them);
    # PostgreSQL ranks by sorting.
    indexes = {f"index {name}" for name in SQLITE_REPORT_INDEXES}
    assert indexes <= set(created) if hub_url.startswith("sqlite") else not indexes & set(created)
    with hub.db.transaction() as tx:
        tx.execute("ALTER TABLE calls DROP COLUMN customer_ref")  # as an older acw made it
    assert hub.init() == ["column calls.customer_ref"]
    assert hub.init() == []
    hub.db.close()


def test_a_sqlite_hub_has_the_report_indexes_of_a_site_store(tmp_path: Path) -> None:
    import sqlite3

    site = open_store(tmp_path / "site.db")
    hub = HubStore(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.init()
    hub.db.close()
    mirror = sqlite3.connect(tmp_path / "hub.db")

    def columns(conn: sqlite3.Connection, index: str) -> list[str]:
        return [row[2] for row in conn.execute(f"PRAGMA index_info({index})")]

    for name in SQLITE_REPORT_INDEXES:
        assert columns(mirror, name) == columns(site.conn, name) != []
    mirror.close()
    site.close()


def test_hub_init_binds_sites_to_stores_on_a_hub_made_before(hub_url: str) -> None:
    """A hub made before stores had an identity gains the column that binds a site to
    one, and its sites stay unbound until their next sync."""
    hub = HubStore(hub_url)
    hub.init()
    hub.add("site", "warsaw-1")
    with hub.db.transaction() as tx:
        tx.execute("ALTER TABLE hub_sites DROP COLUMN store_id")  # as an older acw made it
    assert hub.init() == ["column hub_sites.store_id"]
    assert hub.init() == []
    assert hub.mark_for("warsaw-1", "a" * 32) == (0, None, None)
    hub.db.close()


def test_hub_init_keeps_the_record_at_the_mark_on_a_hub_made_before(hub_url: str) -> None:
    """A hub made before it kept the record at each site's mark gains the column; the
    marks it has then say no record (a site adopts them as it did)."""
    hub = HubStore(hub_url)
    hub.init()
    hub.add("site", "warsaw-1")
    with hub.db.transaction() as tx:
        tx.execute("ALTER TABLE hub_sites DROP COLUMN mark_at")  # as an older acw made it
    assert hub.init() == ["column hub_sites.mark_at"]
    assert hub.init() == []
    assert hub.mark_for("warsaw-1", None) == (0, None, None)
    hub.db.close()


def test_hub_init_adds_the_rebase_floor_on_a_hub_made_before(hub_url: str) -> None:
    """A hub made before `reset-store` asked the next store to rebase gains the column;
    no site is asked to rebase until the hub admin resets its store."""
    hub = HubStore(hub_url)
    hub.init()
    hub.add("site", "warsaw-1")
    with hub.db.transaction() as tx:
        tx.execute("ALTER TABLE hub_sites DROP COLUMN rebase_over")  # as an older acw made it
    assert hub.init() == ["column hub_sites.rebase_over"]
    assert hub.init() == []
    assert hub.mark_for("warsaw-1", None) == (0, None, None)
    hub.db.close()


def test_hub_init_adds_the_index_of_batch_answers_by_age_on_a_hub_made_before(
    hub_url: str,
) -> None:
    """Each stored batch deletes its site's answers older than a month: by this index,
    not by reading every answer of the site."""
    hub = HubStore(hub_url)
    assert {f"index {name}" for name in HUB_INDEXES} <= set(hub.init())
    with hub.db.transaction() as tx:
        tx.execute("DROP INDEX hub_batches_by_age")  # as an older acw made it
    assert hub.init() == ["index hub_batches_by_age"]
    assert hub.init() == []
    if hub_url.startswith("sqlite"):
        with hub.db.transaction() as tx:
            plan = tx.all(
                "EXPLAIN QUERY PLAN DELETE FROM hub_batches WHERE site_id = ? AND received_at < ?",
                ["warsaw-1", "2026-01-01"],
            )
        assert "hub_batches_by_age" in str(plan)
    hub.db.close()
