"""Reads that may take long, never on the screen's thread: the history's search as the
agent types (a word in an unspaced script reads every note) and the sync screen's count
of the outbox; a newer read stops the one still running."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from textual.widgets import DataTable

from acw_tui.service.desk import Desk
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


def test_a_newer_search_stops_the_one_running(desk: Desk) -> None:
    """Asked for while a search reads the notes, a new search interrupts it: the old one
    ends with nothing (not an error), the new one finds what it asks."""
    finish(desk, "H1", "客户要求退款")
    searches = desk.aside_reads()
    assert searches.history(searches.ask(), "退款", 10) is not None  # (opens its connection)
    store = searches._store  # (the search's own connection, to step in while it reads)
    assert store is not None
    newer: list[int] = []
    # SQLite calls this as the search's statement starts: a new search asked for then
    # comes while it runs.
    store.conn.set_trace_callback(lambda _sql: newer.append(searches.ask()) if not newer else None)
    assert searches.history(searches.ask(), "退款", 10) is None
    store.conn.set_trace_callback(None)
    found = searches.history(newer[0], "退款", 10)
    assert found is not None and [w.note for w in found] == ["客户要求退款"]
    searches.close()


def test_an_old_search_asked_before_a_newer_one_does_not_run(desk: Desk) -> None:
    searches = desk.aside_reads()
    old = searches.ask()
    searches.ask()
    assert searches.history(old, "refund", 10) is None
    assert searches._store is None  # it did not even open the store
    searches.close()


def test_a_search_of_a_damaged_store_is_an_error_not_nothing(desk: Desk, acw_home: Path) -> None:
    finish(desk, "H1", "refund done")
    damage = sqlite3.connect(acw_home / "acw.db")
    damage.execute("DROP TABLE wrapups_fts")
    damage.commit()
    damage.close()
    searches = desk.aside_reads()
    try:
        searches.history(searches.ask(), "refund", 10)
    except Exception as error:  # the desk's one error, naming the file
        assert "acw.db" in str(error)
    else:
        raise AssertionError("a damaged index read as no results")
    searches.close()


async def test_the_sync_screen_counts_the_outbox_off_the_screens_thread(
    make_app, monkeypatch
) -> None:
    """The sync screen counted what waits for the hub every two seconds on the screen's
    thread: on a site with six million records waiting, 0.6–1.6 s of every two with
    the screen deaf to keys."""
    from acw_tui.sync import site_state

    threads: list[str] = []
    count = site_state.unsynced

    def noted(store):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return count(store)

    monkeypatch.setattr(site_state, "unsynced", noted)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_for(
            pilot, lambda: "Unsynced" in str(app.screen.query_one("#sync-facts").render())
        )
        await wait_for(pilot, lambda: len(threads) >= 2, seconds=6)  # and its next count
        assert threading.main_thread().name not in threads, threads


def test_an_outbox_count_asked_again_stops_the_one_running(desk: Desk) -> None:
    reads = desk.aside_reads()
    assert reads.sync_facts(reads.ask()) is not None
    store = reads._store
    assert store is not None
    store.conn.set_trace_callback(lambda _sql: reads.ask())  # asked again as each starts
    assert reads.sync_facts(reads.ask()) is None
    store.conn.set_trace_callback(None)
    facts = reads.sync_facts(reads.ask())
    assert facts is not None and facts.unsynced == 0
    reads.close()
