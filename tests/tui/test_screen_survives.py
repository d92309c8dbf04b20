"""The screen survives ordinary paths a new user takes and a store that fails under it:
each test here once found a crash, a freeze or an altered note."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from acw_tui.core.model import AgentStateName
from acw_tui.service.desk import Desk
from acw_tui.store import open_store
from acw_tui.store.redaction_audit import RedactionAuditRepository
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.dialogs import EmptyNoteDialog
from acw_tui.tui.screens.history import HistoryScreen
from acw_tui.tui.screens.ready import ReadyScreen
from tests.tui.conftest import acw_open, notices, settle, type_text, wait_for

CARD = "4111 1111 1111 1111"


def alive(app) -> bool:
    return app.is_running and app.unexpected == []


async def test_a_hook_before_the_screen_opens_then_finishing_shows_ready(make_app, hook) -> None:
    hook.call_ended("X")  # the first call of a shift, before acw is opened
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "X"))
        await type_text(pilot, "first call")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await settle(pilot)
        assert str(app.screen.query_one("#ready-state").render()) == "Ready"
        assert alive(app)


async def test_ctrl_s_twice_does_not_finish_the_next_wrapup_unseen(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("A")
        await wait_for(pilot, acw_open(app, "A"))
        hook.call_ended("B")
        await wait_for(pilot, lambda: len(app.desk.pending()) == 2)
        await type_text(pilot, "note for A")
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        await wait_for(
            pilot, lambda: acw_open(app, "B")() or isinstance(app.screen, EmptyNoteDialog)
        )
        await settle(pilot)
        [left] = app.desk.pending()
        assert left.call.external_id == "B"  # still open: nobody wrote its note
        assert alive(app)


async def test_an_empty_note_asks_first_and_can_be_discarded(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")  # by mistake
        await wait_for(pilot, acw_open(app))
        wrapup = app.screen.wrapup
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, EmptyNoteDialog))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await settle(pilot)
        stored = app.desk.wrapup(wrapup.id)
        assert stored.status == "discarded" and stored.acw_seconds is None
        assert stored.fields == {"discard_reason": "opened by mistake (empty note)"}
        assert app.desk.pending() == []
        assert app.desk.current_state().state is AgentStateName.READY
        assert alive(app)


async def test_after_a_restart_the_wrapup_being_written_opens(make_app, hook, clock) -> None:
    hook.call_ended("OLD")
    clock.advance(5)
    hook.call_ended("NEW")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "OLD"))
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.screen.query("#pending-list"))
        await pilot.press("down", "enter")
        await wait_for(pilot, acw_open(app, "NEW"))
        await type_text(pilot, "writing this one")
        await pilot.press("ctrl+q")
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(again, "NEW"))
        assert again.screen.notes.text == "writing this one"


async def test_a_left_wrapup_still_times_out_and_waiting_times_tick(make_app, hook, clock) -> None:
    app = make_app("timeout_seconds = 60")
    async with app.run_test(size=(120, 40)) as pilot:
        wrapup = hook.call_ended("T1")
        await wait_for(pilot, acw_open(app, "T1"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        pending = app.screen.query_one("#ready-pending")
        first = str(pending.get_option_at_index(0).prompt)
        clock.advance(61)
        await wait_for(pilot, lambda: app.desk.wrapup(wrapup.id).timed_out)
        assert app.desk.current_state().state is AgentStateName.READY
        await wait_for(pilot, lambda: str(pending.get_option_at_index(0).prompt) != first)
        assert alive(app)


async def test_the_last_number_of_a_draft_is_kept_as_typed(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        wrapup = hook.call_ended("N1")
        await wait_for(pilot, acw_open(app, "N1"))
        await type_text(pilot, "number 4111111111")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await settle(pilot)
        assert app.desk.draft(wrapup.id).note == "number 4111111111"


async def test_what_a_left_draft_redacted_is_in_the_audit(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        wrapup = hook.call_ended("P1")
        await wait_for(pilot, acw_open(app, "P1"))
        await type_text(pilot, "paid with 4111 1111 1111 1111 ok")
        await pilot.press("ctrl+q")
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(again, "P1"))
        assert "[CARD ****1111]" in again.screen.notes.text
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(again.screen, ReadyScreen))
        await settle(pilot)
        audit = RedactionAuditRepository(again.desk.store).for_wrapup(wrapup.id)
        assert [a.type for a in audit] == ["card"]


async def test_f9_on_a_store_that_cannot_be_written_says_so(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.desk.store.conn.execute("PRAGMA query_only = ON")  # as a read-only file does
        await pilot.press("f9")
        await settle(pilot)
        assert any("Break (F9)" in text for text in notices(app))
        assert alive(app)
        app.desk.store.conn.execute("PRAGMA query_only = OFF")
        await pilot.press("f9")
        await settle(pilot)
        assert app.desk.current_state().state is AgentStateName.BREAK


async def test_a_locked_store_never_freezes_typing_and_nothing_is_lost(
    make_app, hook, acw_home: Path, clock
) -> None:
    app = make_app("timeout_seconds = 30")
    async with app.run_test(size=(120, 40)) as pilot:
        wrapup = hook.call_ended("L1")
        await wait_for(pilot, acw_open(app, "L1"))
        await type_text(pilot, "before ")
        await settle(pilot)
        other = sqlite3.connect(acw_home / "acw.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the store
        try:
            clock.advance(31)  # the time-out write now waits for the lock ...
            started = time.monotonic()
            await type_text(pilot, "while locked")
            await pilot.pause(1.2)  # ... and so do two draft saves
            assert app.screen.notes.text == "before while locked"
            assert time.monotonic() - started < 10  # typing went on (busy timeout: 30 s)
        finally:
            other.execute("ROLLBACK")
            other.close()
        await wait_for(pilot, lambda: app.desk.wrapup(wrapup.id).timed_out)
        await settle(pilot)
        assert app.desk.draft(wrapup.id).note == "before while locked"
        assert alive(app)


async def test_a_failed_draft_save_keeps_the_text_and_retries(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        wrapup = hook.call_ended("R1")
        await wait_for(pilot, acw_open(app, "R1"))
        app.desk.store.conn.execute("PRAGMA query_only = ON")
        await type_text(pilot, "kept in memory")
        await settle(pilot)
        assert "Draft NOT saved" in str(app.screen.status_line.render())
        await pilot.press("escape")  # leaving does not lose it either
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        app.desk.store.conn.execute("PRAGMA query_only = OFF")
        await settle(pilot)
        assert app.desk.draft(wrapup.id).note == "kept in memory"
        assert alive(app)


async def test_history_on_a_damaged_search_index_says_so(make_app, hook, acw_home) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("H1")
        await wait_for(pilot, acw_open(app, "H1"))
        await type_text(pilot, "refund done")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        damage = sqlite3.connect(acw_home / "acw.db")
        damage.execute("DROP TABLE wrapups_fts")
        damage.commit()
        damage.close()
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await type_text(pilot, "refund")
        await settle(pilot)
        assert any("History could not be read" in text for text in notices(app))
        assert alive(app)


async def test_messages_show_brackets_as_written(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f7")
        await wait_for(pilot, lambda: app.screen.query("#sync-facts"))
        await settle(pilot)
        assert "[sync] hub_url" in str(app.screen.query_one("#sync-facts").render())
        from acw_tui.service.desk import DeskError

        app.show_problem(DeskError("set hub_url in [sync] of config.toml"))
        await pilot.pause()
        assert any("[sync]" in text for text in notices(app))


async def test_the_palette_lists_quit_once_and_no_broken_commands(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Quit (ctrl+q)") == 1 and "Quit" not in titles
        assert "Screenshot" not in titles
        await pilot.press("f1")
        await wait_for(pilot, lambda: bool(app.screen.query("HelpPanel")))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.screen.query("HelpPanel"))
        assert isinstance(app.screen, ReadyScreen)


async def test_paging_an_empty_command_list_does_not_crash(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "zzzzqqq")  # nothing matches
        await pilot.pause(0.3)
        await pilot.press("pagedown", "pageup", "down", "end")
        await pilot.pause(0.3)
        assert alive(app), app.unexpected


async def test_leaving_the_acw_screen_with_the_guide_opening_is_safe(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("G1")
        await wait_for(pilot, acw_open(app, "G1"))
        await pilot.press("ctrl+g", "f2")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, AcwScreen) and app.screen.wrapup.call.external_id != "G1"
            ),
        )
        await settle(pilot)
        assert alive(app), app.unexpected


async def test_a_write_that_ends_after_the_screen_closed_is_no_crash(
    make_app, acw_home: Path
) -> None:
    """Quitting within a second of starting: logging in (a write) is still waiting for
    the store when the screens are gone; its result has nobody to tell, and is no crash."""
    other = sqlite3.connect(acw_home / "acw.db", isolation_level=None, check_same_thread=False)
    app = make_app()
    other.execute("BEGIN EXCLUSIVE")  # log-in waits for this lock
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, lambda: app.calls.busy)
            # The lock goes while the app is closing: the write finishes after the last
            # screen has gone.
            threading.Timer(0.3, other.execute, ("COMMIT",)).start()
            app.exit()
    finally:
        if other.in_transaction:
            other.execute("COMMIT")
        other.close()
    assert app.unexpected == []
    assert not (acw_home / "crash-reports").exists()


async def test_text_a_refused_quit_kept_in_files_comes_back_at_the_next_start(
    make_app, hook, acw_home: Path
) -> None:
    """ctrl+q with a store that cannot be written: the text goes to a private file
    under the data folder, redacted. Quitting so twice on the same wrap-up keeps both
    texts (the second never replaces the first), and the next start puts them back."""
    wrapup = hook.call_ended("Q1")
    kept = acw_home / "unsaved-drafts"
    for text in (f"first try, paid {CARD}", "second try"):
        app = make_app()
        app.desk.store.conn.execute("PRAGMA query_only = ON")  # refused from the start
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, acw_open(app, "Q1"))
            await type_text(pilot, text)
            await app.action_quit()
        assert app.return_code == 1
    files = sorted(kept.iterdir())
    assert [p.name for p in files] == [f"{wrapup.id}-2.txt", f"{wrapup.id}.txt"]
    assert files[1].read_text(encoding="utf-8") == "first try, paid [CARD ****1111]"
    assert files[0].read_text(encoding="utf-8") == "second try"
    assert {p.stat().st_mode & 0o777 for p in files} == {0o600}
    assert kept.stat().st_mode & 0o777 == 0o700
    assert hook.draft(wrapup.id) is None  # nothing reached the store

    # The next start, on a store that takes writes again, brings both texts back.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "Q1"))
        assert app.screen.notes.text == "first try, paid [CARD ****1111]\n\nsecond try"
        assert any("Text kept when acw last quit is back in call Q1" in t for t in notices(app))
        await app.action_quit()
    assert list(kept.iterdir()) == []
    assert app.return_code == 0


async def test_a_quit_that_could_keep_the_text_nowhere_asks_again(
    make_app, hook, acw_home: Path, monkeypatch
) -> None:
    """The store refuses and the disk is full: the first ctrl+q stays on screen and says
    the text is saved nowhere (it used to quit, leave an empty file and lose it); the
    next ctrl+q quits, saying so. No empty or cut file is left behind."""
    import os

    hook.call_ended("Q1")
    kept = acw_home / "unsaved-drafts"
    app = make_app()
    app.desk.store.conn.execute("PRAGMA query_only = ON")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "Q1"))
        await type_text(pilot, "typed on a full disk")
        monkeypatch.setattr(os, "fsync", full)
        await app.action_quit()
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert any("only on screen" in t and "ctrl+q again" in t for t in notices(app))
        assert app.screen.notes.text == "typed on a full disk"
        await app.action_quit()
    assert app.return_code == 1
    assert "only on screen" in app.leaving_line
    assert not kept.exists() or list(kept.iterdir()) == []


async def test_quitting_while_another_program_holds_the_store_is_quick(
    make_app, hook, acw_home: Path
) -> None:
    """Another program holds the store's write lock: a draft save is waiting for it (the
    busy time-out is 30 s) when the agent presses ctrl+q. acw quits within seconds,
    keeps the text in a private file and says why; it used to sit out every waiting
    save's busy time-out (25-60 s) on a screen that still read "Draft saved"."""
    wrapup = hook.call_ended("LQ1")
    app = make_app()
    other = sqlite3.connect(acw_home / "acw.db", isolation_level=None, check_same_thread=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, acw_open(app, "LQ1"))
            await settle(pilot)
            other.execute("BEGIN EXCLUSIVE")
            await type_text(pilot, "typed while locked")
            await wait_for(pilot, lambda: app.calls.busy)  # a save waits for the lock
            await wait_for(
                pilot, lambda: "not saved yet" in str(app.screen.status_line.render()), 5
            )
            started = time.monotonic()
            await app.action_quit()
        took = time.monotonic() - started
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert took < 8, f"quitting took {took:.1f} s"
    assert app.return_code == 1
    kept = acw_home / "unsaved-drafts" / f"{wrapup.id}.txt"
    assert kept.read_text(encoding="utf-8") == "typed while locked"
    assert app.unexpected == []


async def test_an_unexpected_error_on_a_refusing_store_does_not_claim_the_notes_saved(
    make_app, hook, acw_home: Path, tmp_path: Path
) -> None:
    """A bug inside acw while the store refuses writes: the message said "your notes are
    saved" when they were not. It now says the text is kept and retried; when acw stops
    after repeated errors, the text is in a private file, as for a refused quit."""
    wrapup = hook.call_ended("U1")
    app = make_app()
    app.crash_folder = tmp_path / "reports"
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "U1"))
        await settle(pilot)
        app.desk.store.conn.execute("PRAGMA query_only = ON")
        await type_text(pilot, f"kept, paid {CARD}")
        app.unexpected_error(RuntimeError("a bug"))
        await settle(pilot)
        said_now = " ".join(notices(app))
        assert "your notes are saved" not in said_now
        assert "not saved" in said_now.lower()
        assert app.is_running  # it went on
        for _ in range(5):
            app.unexpected_error(RuntimeError("a bug"))
        await pilot.pause(0.2)
    assert app.return_code == 70
    kept = acw_home / "unsaved-drafts" / f"{wrapup.id}.txt"
    assert kept.read_text(encoding="utf-8") == "kept, paid [CARD ****1111]"


async def test_a_start_with_kept_text_and_a_held_store_opens_within_seconds(
    make_app, hook, acw_home: Path
) -> None:
    """Text an earlier quit kept goes back into the store before the first screen is
    built; another program holding the store made that start wait out the busy time-out
    (30 s per file) before anything was drawn. It waits a few seconds, then the screen
    opens, says why, and the file stays for the next start."""
    wrapup = hook.call_ended("S1")
    kept = acw_home / "unsaved-drafts"
    kept.mkdir(mode=0o700)
    (kept / f"{wrapup.id}.txt").write_text("kept at the last quit", encoding="utf-8")
    other = sqlite3.connect(acw_home / "acw.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, acw_open(app, "S1"))
            took = time.monotonic() - started
            await wait_for(
                pilot, lambda: any("locked by another program" in t for t in notices(app))
            )
            other.execute("ROLLBACK")
            await app.action_quit()
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    assert took < 8, f"the screen took {took:.1f} s to open"
    assert (kept / f"{wrapup.id}.txt").exists()
    assert app.unexpected == []


async def test_f2_twice_in_a_row_opens_two_wrapups_without_a_crash(make_app, clock) -> None:
    """The second wrap-up replaced the ACW screen while the first was still being
    built, and the first one's mount then looked for widgets already gone."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_new_wrapup()  # both keys before the first screen is built
        clock.advance(1)
        app.action_new_wrapup()
        await wait_for(pilot, lambda: len(app.desk.pending()) == 2)
        await settle(pilot)
        await pilot.pause(0.5)
        assert isinstance(app.screen, AcwScreen)
        assert app.unexpected == []


async def test_a_store_deleted_while_acw_runs_loses_no_text(make_app, hook, acw_home: Path) -> None:
    """The store file is deleted (or moved, or replaced) under a running acw: SQLite
    would go on writing into the deleted file, and quitting would "save" the text where
    nobody finds it. The screen says so within a moment and keeps the text, in files at
    quit, as for a store that refuses it."""
    wrapup = hook.call_ended("GONE-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "GONE-1"))
        await type_text(pilot, "before the delete")
        await wait_for(pilot, lambda: hook.draft(wrapup.id) is not None)
        for path in acw_home.glob("acw.db*"):
            path.unlink()
        later = Desk(open_store(acw_home / "acw.db"), hook.config, hook.clock)
        later.call_ended("GONE-2")  # a hook after it makes a new store at the same path
        later.close()
        await type_text(pilot, f", after it, paid {CARD}")
        await wait_for(pilot, lambda: any("moved, replaced or deleted" in t for t in notices(app)))
        await app.action_quit()
    assert app.return_code == 1  # quit, saying where the text went
    kept = acw_home / "unsaved-drafts" / f"{wrapup.id}.txt"
    assert kept.read_text(encoding="utf-8") == "before the delete, after it, paid [CARD ****1111]"
    assert alive(app) is False and app.unexpected == []
