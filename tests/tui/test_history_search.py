"""The history's search as the agent types: never on the screen's thread (a word in an
unspaced script reads every note), a newer search stopping the one still running."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from textual.widgets import DataTable

from acw_tui.service.desk import Desk
from acw_tui.service.desk_core import SCREEN_CACHE_KIB
from acw_tui.service.history_search import HistorySearch
from acw_tui.service.requests import FinishRequest
from acw_tui.store.wrapups import WrapupRepository
from acw_tui.tui.screens.history import HistoryScreen
from acw_tui.tui.screens.ready import ReadyScreen
from tests.tui.conftest import acw_open, type_text, wait_for


def finish(desk: Desk, call: str, note: str) -> None:
    desk.finish(desk.call_ended(call), FinishRequest(note=note))


async def test_a_search_of_the_notes_never_runs_on_the_screens_thread(
    make_app, hook, monkeypatch
) -> None:
    """Searched on the screen's thread, "退款" held the screen for as long as it took to
    read every note: 0.7 s on a million notes in memory, half a minute from disk."""
    threads: list[str] = []
    search = WrapupRepository.search

    def noted(self: WrapupRepository, text: str, limit: int = 200):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return search(self, text, limit)

    monkeypatch.setattr(WrapupRepository, "search", noted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for call, note in (("H1", "客户要求退款"), ("H2", "address changed")):
            hook.call_ended(call)
            await wait_for(pilot, acw_open(app, call))
            await type_text(pilot, note)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 2)
        await type_text(pilot, "退款")
        await wait_for(pilot, lambda: table.row_count == 1)
        assert threads and threading.main_thread().name not in threads, threads


def test_a_newer_search_stops_the_one_running(desk: Desk, acw_home: Path) -> None:
    """Asked for while a search reads the notes, a new search interrupts it: the old one
    ends with nothing (not an error), the new one finds what it asks."""
    finish(desk, "H1", "客户要求退款")
    searches = HistorySearch(acw_home / "acw.db", SCREEN_CACHE_KIB)
    assert searches.run(searches.ask(), "退款", 10) is not None  # (opens its connection)
    store = searches._store  # (the search's own connection, to step in while it reads)
    assert store is not None
    newer: list[int] = []
    # SQLite calls this as the search's statement starts: a new search asked for then
    # comes while it runs.
    store.conn.set_trace_callback(lambda _sql: newer.append(searches.ask()) if not newer else None)
    assert searches.run(searches.ask(), "退款", 10) is None
    store.conn.set_trace_callback(None)
    found = searches.run(newer[0], "退款", 10)
    assert found is not None and [w.note for w in found] == ["客户要求退款"]
    searches.close()


def test_an_old_search_asked_before_a_newer_one_does_not_run(desk: Desk, acw_home: Path) -> None:
    searches = HistorySearch(acw_home / "acw.db", SCREEN_CACHE_KIB)
    old = searches.ask()
    searches.ask()
    assert searches.run(old, "refund", 10) is None
    assert searches._store is None  # it did not even open the store
    searches.close()


def test_a_search_of_a_damaged_store_is_an_error_not_nothing(desk: Desk, acw_home: Path) -> None:
    finish(desk, "H1", "refund done")
    damage = sqlite3.connect(acw_home / "acw.db")
    damage.execute("DROP TABLE wrapups_fts")
    damage.commit()
    damage.close()
    searches = HistorySearch(acw_home / "acw.db", SCREEN_CACHE_KIB)
    try:
        searches.run(searches.ask(), "refund", 10)
    except Exception as error:  # the desk's one error, naming the file
        assert "acw.db" in str(error)
    else:
        raise AssertionError("a damaged index read as no results")
    searches.close()
