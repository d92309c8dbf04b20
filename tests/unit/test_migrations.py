"""An old database is upgraded in place with nothing lost (SPEC §6)."""

import shutil
from pathlib import Path

from acw_tui.store import open_store
from acw_tui.store.migrations import LATEST, schema_version

FIRST_VERSION = Path(__file__).parent.parent / "data" / "acw-schema-v1.db"


def test_a_first_version_database_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    shutil.copy(FIRST_VERSION, path)
    store = open_store(path)
    assert schema_version(store.conn) == LATEST
    db = store.db
    assert db.table("calls").count == 3
    assert db.table("wrapups").count == 3
    assert db.table("agent_states").count == 4
    note = db.table("wrapups").get("01900000-0000-7000-8000-000000000011")["note"]
    assert note == "Customer asked for a refund of the double charge; refund issued."
    # Notes written before full-text search existed are searchable after the upgrade.
    from acw_tui.store.wrapups import WrapupRepository

    found = WrapupRepository(store).search("refund")
    assert [w.id for w in found] == ["01900000-0000-7000-8000-000000000011"]
    # and everything is queued for the hub once
    queued = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert queued == 10


def test_migrating_twice_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    shutil.copy(FIRST_VERSION, path)
    open_store(path).close()
    store = open_store(path)
    assert store.db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 10
