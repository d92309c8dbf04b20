"""The hub keeps each batch's answer, so that a site whose acknowledgement was lost
gets the same answer when it sends that batch again. A site only sends again its newest
batch; answers older than a month go as the site's next batch is stored, so the table
does not grow with every batch a hub has ever taken."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from acw_tui.store import Store
from acw_tui.sync import hub_app
from acw_tui.sync.hub_store import HubStore
from acw_tui.sync.site_batches import SiteBatches
from tests.sync.conftest import Site
from tests.sync.test_hub_batch_order import SITE, _two_batches


def _days_ago(days: int) -> str:
    moment = datetime.now(UTC) - timedelta(days=days)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_answers_older_than_a_month_go_with_the_sites_next_batch(
    fresh_store: Store, tmp_path: Path
) -> None:
    first, second, last = _two_batches(fresh_store)
    hub = HubStore(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.init()
    token = hub.add("site", SITE)
    hub.add("site", "site-2")
    with hub.db.transaction() as tx:
        for site, key, days in ((SITE, "old", 40), (SITE, "recent", 10), ("site-2", "old", 40)):
            tx.execute(
                "INSERT INTO hub_batches (site_id, idem_key, body_hash, answer, received_at) "
                "VALUES (?, ?, 'h', '{}', ?)",
                [site, key, _days_ago(days)],
            )

    _, answer, replayed = hub_app._apply(hub, SiteBatches(), token, "first", first, None)
    assert not replayed
    with hub.db.transaction() as tx:
        kept = set(tx.all("SELECT site_id, idem_key FROM hub_batches"))
    # Another site's answers wait for that site's own next batch.
    assert kept == {(SITE, "recent"), (SITE, "first"), ("site-2", "old")}

    # The newest batch sent again (its acknowledgement lost) gets the same answer.
    assert hub_app._apply(hub, SiteBatches(), token, "first", first, None)[1:] == (answer, True)
    assert hub_app._apply(hub, SiteBatches(), token, "second", second, None)[1]["mark"] == last
    hub.db.close()


def test_a_sync_drops_the_sites_answers_older_than_a_month(site: Site) -> None:
    """Through the running hub, on each of its stores (SQLite, PostgreSQL)."""
    site.add_calls(30)
    site.sync(batch_records=10)
    with site.hub.store.db.transaction() as tx:
        sent = {
            k for (k,) in tx.all("SELECT idem_key FROM hub_batches WHERE site_id = ?", [site.name])
        }
        tx.execute(
            "UPDATE hub_batches SET received_at = ? WHERE site_id = ?", [_days_ago(31), site.name]
        )
    site.add_calls(5)
    site.sync(batch_records=10)
    with site.hub.store.db.transaction() as tx:
        kept = {
            k for (k,) in tx.all("SELECT idem_key FROM hub_batches WHERE site_id = ?", [site.name])
        }
    assert len(sent) >= 3 and kept and not kept & sent


def test_a_sqlite_hub_whose_file_was_replaced_stores_in_the_file_now_there(
    fresh_store: Store, tmp_path: Path
) -> None:
    """The hub's file restored from a copy (moved aside, the copy put in its place)
    while the hub runs: SQLite would store and acknowledge the next batches in the old
    file, and the site would drop records no read or restart of the hub sees again."""
    first, second, last = _two_batches(fresh_store)
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    hub = HubStore(url)
    hub.init()
    token = hub.add("site", SITE)
    hub_app._apply(hub, SiteBatches(), token, "first", first, None)
    marked = hub.mark(SITE)  # (a reading connection is open too)

    aside = tmp_path / "aside"
    aside.mkdir()
    for found in tmp_path.glob("hub.db*"):
        found.rename(aside / found.name)
    old, copy = sqlite3.connect(aside / "hub.db"), sqlite3.connect(tmp_path / "hub.db")
    old.backup(copy)
    old.close()
    copy.close()

    assert hub_app._apply(hub, SiteBatches(), token, "second", second, None)[1]["mark"] == last
    assert hub.mark(SITE) == last != marked
    restarted = HubStore(url)
    assert restarted.mark(SITE) == last
    restarted.db.close()
    hub.db.close()
