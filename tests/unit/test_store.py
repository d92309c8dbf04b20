import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from acw_tui.service.desk import DraftContent, FinishRequest
from acw_tui.store import StoreError, open_store
from acw_tui.store.migrations import LATEST, schema_version


def test_pragmas_of_the_spec_are_set(fresh_store) -> None:
    conn = fresh_store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_tables_and_columns_of_the_spec_exist(fresh_store) -> None:
    db = fresh_store.db
    expected = {
        "calls": {"id", "external_id", "agent_id", "site_id", "queue", "customer_ref",
                  "started_at", "ended_at", "talk_seconds"},
        "wrapups": {"id", "call_id", "agent_id", "site_id", "status", "started_at", "ended_at",
                    "acw_seconds", "timed_out", "codes", "template_id", "fields", "note",
                    "guide_version", "rev", "updated_at"},
        "agent_states": {"agent_id", "state", "started_at", "ended_at"},
    }  # fmt: skip
    for table, columns in expected.items():
        assert columns <= set(db.table(table).columns_dict)
    assert schema_version(fresh_store.conn) == LATEST


def test_every_change_bumps_rev_and_lands_in_the_outbox(desk, clock) -> None:
    wrapup = desk.call_ended("C1", queue="billing")
    clock.advance(5)
    desk.finish(wrapup, FinishRequest(note="done"))
    row = desk.store.db.table("wrapups").get(wrapup.id)
    assert row["rev"] == 2
    queued = [
        (r["rev"], json.loads(r["payload"])["status"])
        for r in desk.store.db.query(
            "SELECT rev, payload FROM outbox WHERE row_id = ? ORDER BY seq", [wrapup.id]
        )
    ]
    assert queued == [(1, "open"), (2, "done")]


def test_drafts_are_not_synced(desk) -> None:
    wrapup = desk.call_ended("C1")
    desk.save_draft(wrapup, DraftContent("half a note"))
    tables = {r["table_name"] for r in desk.store.db.query("SELECT table_name FROM outbox")}
    assert "drafts" not in tables


def test_full_text_search_finds_finished_notes_by_stem(desk, clock) -> None:
    from acw_tui.service.desk import FinishRequest

    for n, note in enumerate(["customer asked for a refund", "password reset done"]):
        wrapup = desk.call_ended(f"C{n}")
        clock.advance(10)
        desk.finish(wrapup, FinishRequest(note=note))
    found = desk.wrapups.search("refunds")
    assert [w.note for w in found] == ["customer asked for a refund"]
    # FTS syntax typed by a user is taken as words, not as a query language
    assert desk.wrapups.search('refund" OR "x') == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("退款", ["客户要求退款，已处理"]),
        ("要求 处理", ["客户要求退款，已处理"]),
        ("返金", ["お客様は返金を希望"]),
        ("환불", ["고객이환불을요청함"]),
        ("🙂", ["happy customer 🙂 refund"]),
        ("refund 🙂", ["happy customer 🙂 refund"]),
        ("100%", ["discount 100% given"]),
        ("退货", []),
        ("折扣5%", []),  # % and _ are themselves, not LIKE's wildcards
        ("折扣5", ["折扣50元"]),
    ],
)
def test_search_finds_words_inside_text_written_without_spaces(
    desk, clock, query: str, expected: list[str]
) -> None:
    """Chinese, Japanese and Korean are written without spaces between words (Korean
    often with few), so the index holds a whole sentence as one token: "退款" found
    nothing in "客户要求退款". Nor did an emoji or a symbol, which it does not index."""
    from acw_tui.service.desk import FinishRequest

    notes = [
        "客户要求退款，已处理",
        "お客様は返金を希望",
        "고객이환불을요청함",
        "happy customer 🙂 refund",
        "discount 100% given",
        "discount 1000 given",
        "折扣50元",
    ]
    for n, note in enumerate(notes):
        wrapup = desk.call_ended(f"C{n}")
        clock.advance(10)
        desk.finish(wrapup, FinishRequest(note=note))
    assert [w.note for w in desk.history(query)] == expected


def test_a_search_lists_the_newest_matching_notes_first(desk, clock) -> None:
    """With more matches than the screen shows, the newest are the ones shown, newest
    first, as the history screen says (the same notes rank alike, so ranking by match
    showed the oldest)."""
    from acw_tui.service.desk import FinishRequest

    for n in range(7):
        wrapup = desk.call_ended(f"C{n}")
        clock.advance(60)
        desk.finish(wrapup, FinishRequest(note=f"refund sent {n}" if n % 3 else "refund sent"))
    found = desk.history("refund", limit=4)
    assert [w.call.external_id for w in found] == ["C6", "C5", "C4", "C3"]
    finished = [w.finished_at for w in found]
    assert finished == sorted(finished, reverse=True)


def test_a_file_that_is_not_a_database_is_refused_with_its_path(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError) as caught:
        open_store(path)
    assert str(path) in str(caught.value)
    assert "damaged" in str(caught.value)


def test_a_database_from_a_newer_acw_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={LATEST + 5}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this acw"):
        open_store(path)


def test_an_unwritable_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError) as caught:
        open_store(blocker / "sub" / "acw.db")
    assert "cannot create the data folder" in str(caught.value)


def test_a_locked_database_is_reported_not_raised(tmp_path: Path, monkeypatch) -> None:
    import acw_tui.store.database as database

    store = open_store(tmp_path / "acw.db")
    holder = sqlite3.connect(tmp_path / "acw.db")
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    store.conn.execute("PRAGMA busy_timeout=100")
    try:
        with pytest.raises(StoreError, match="locked"), store.transaction():
            pass
    finally:
        holder.rollback()
        holder.close()


def test_a_write_waiting_for_another_program_takes_the_lock_when_it_is_freed(
    tmp_path: Path,
) -> None:
    """The wait for the write lock is made in slices; one running out is not a failure."""
    store = open_store(tmp_path / "acw.db")
    holder = sqlite3.connect(tmp_path / "acw.db", check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.0, holder.rollback).start()
    started = time.monotonic()
    with store.transaction() as db:
        db.execute("CREATE TABLE waited (x)")
    assert 0.9 < time.monotonic() - started < 5
    assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    holder.close()


def test_limiting_waits_ends_a_wait_already_under_way(tmp_path: Path) -> None:
    """Leaving acw: a write already waiting for another program's lock (30 s) gives up
    within the limit, with the time it really waited."""
    store = open_store(tmp_path / "acw.db")
    holder = sqlite3.connect(tmp_path / "acw.db", check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.5, store.limit_waits, (1.0,)).start()
    started = time.monotonic()
    try:
        locked = r"locked by another program \(waited 2 s\)"
        with pytest.raises(StoreError, match=locked), store.transaction():
            pass
        assert time.monotonic() - started < 2
        store.limit_waits(None)  # and back to the usual wait
        threading.Timer(0.6, holder.rollback).start()
        with store.transaction():
            pass
    finally:
        holder.close()


def test_a_desk_call_on_a_locked_store_is_told_apart_as_busy(desk) -> None:
    """A phone-system listener retries a call the store was too busy for, and only that:
    the desk says busy with a type of its own, not by words in its message."""
    from acw_tui.service.errors import DeskBusy, DeskError

    holder = sqlite3.connect(desk.store.path)
    holder.execute("BEGIN EXCLUSIVE")
    desk.store.limit_waits(0.3)
    try:
        with pytest.raises(DeskBusy, match="locked by another program"):
            desk.call_ended("PBX-1")
    finally:
        holder.rollback()
        holder.close()
        desk.store.limit_waits(None)
    with pytest.raises(DeskError) as refused:
        desk.wrapup("no-such-id")
    assert not isinstance(refused.value, DeskBusy)
