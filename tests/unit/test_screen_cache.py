"""The screen's two store connections keep a 1 MiB page cache each (SQLite's default
is 2 MB): the memory budget of a screen over a million-row store depends on it, while
commands keep the default for their bulk reads and writes."""

from __future__ import annotations

from pathlib import Path

from acw_tui.service.desk import SCREEN_CACHE_KIB, Desk
from acw_tui.settings.config import Config


def cache_kib(desk_store) -> int:  # type: ignore[no-untyped-def]
    return -int(desk_store.conn.execute("PRAGMA cache_size").fetchone()[0])


def test_the_screens_connections_keep_a_small_cache(tmp_path: Path) -> None:
    desk = Desk.open(Config(agent_id="ana", site_id="warsaw-1"), tmp_path / "acw.db")
    assert cache_kib(desk.store) == 2000  # a command's desk: SQLite's default
    desk.with_own_reader()
    assert desk.reader is not desk.store
    assert cache_kib(desk.store) == cache_kib(desk.reader) == SCREEN_CACHE_KIB == 1024
    desk.close()
