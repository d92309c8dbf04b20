"""The agent's flow through the real screens: hook → timer → note → finish → history."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import DataTable, TextArea

from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.dialogs import NoteDialog
from acw_tui.tui.screens.history import HistoryScreen
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.widgets.acw_timer import AcwTimer
from tests.tui.conftest import acw_open, type_text, wait_for


def hold_finishes(app, monkeypatch) -> threading.Event:
    """Finishes wait on the store thread (as behind another program's lock) until the
    event returned is set."""
    release = threading.Event()
    finish_form = app.desk.finish_form

    def held(*args, **kwargs):
        release.wait(10)
        return finish_form(*args, **kwargs)

    monkeypatch.setattr(app.desk, "finish_form", held)
    return release


async def test_hook_timer_note_finish_and_history(make_app, hook, clock) -> None:
    app = make_app("target_seconds = 60")
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, ReadyScreen)
        hook.call_ended("PBX-77", queue="billing", customer_ref="CU-5", talk_seconds=200)
        await wait_for(pilot, acw_open(app), seconds=1.0)

        await type_text(pilot, "customer wants a refund for the double charge")
        clock.advance(50)
        await wait_for(pilot, lambda: app.screen.query_one(AcwTimer).elapsed >= 50)
        timer = app.screen.query_one(AcwTimer)
        assert timer.has_class("-amber")  # 50 s of a 60 s target
        clock.advance(15)
        await wait_for(pilot, lambda: timer.has_class("-red"))

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        row = app.desk.store.db.execute("SELECT status, acw_seconds, note FROM wrapups").fetchone()
        assert row == ("done", 65.0, "customer wants a refund for the double charge")
        assert app.desk.current_state().state.value == "ready"

        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await type_text(pilot, "refund")
        table = app.screen.query_one(DataTable)
        await wait_for(pilot, lambda: table.row_count == 1)
        await type_text(pilot, "s zebra")
        await wait_for(pilot, lambda: table.row_count == 0)
        for _ in range(6):
            await pilot.press("backspace")
        await wait_for(pilot, lambda: table.row_count == 1)
        await pilot.press("enter")  # to the results
        await pilot.press("enter")  # open the note
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        assert "double charge" in app.screen.query_one(TextArea).text
        assert app.screen.query_one(TextArea).read_only


async def test_timeout_frees_the_agent_and_keeps_the_draft(make_app, hook, clock) -> None:
    app = make_app("timeout_seconds = 60")
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "long story")
        clock.advance(61)
        timer = app.screen.query_one(AcwTimer)
        await wait_for(pilot, lambda: timer.timed_out)
        wrapup = app.desk.wrapups.pending()[0]
        assert wrapup.timed_out and wrapup.acw_seconds == 60
        assert app.desk.current_state().state.value == "ready"

        def saved() -> str | None:
            draft = app.desk.wrapups.draft(wrapup.id)
            return draft.note if draft else None

        await wait_for(pilot, lambda: saved() == "long story")
        clock.advance(100)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        done = app.desk.wrapups.get(wrapup.id)
        assert (done.status, done.acw_seconds, done.timed_out) == ("done", 60, True)


async def test_a_timed_out_wrapup_is_not_offered_for_discarding(make_app, hook, clock) -> None:
    """Its ACW time and time-out count in the reports: discard says why not at once,
    before asking for a reason, and the wrap-up stays as it is."""
    app = make_app("timeout_seconds = 60")
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, acw_open(app))
        screen = app.screen
        clock.advance(61)
        await wait_for(pilot, lambda: screen.query_one(AcwTimer).timed_out)
        await app.run_action("screen.discard")
        await pilot.pause()
        assert app.screen is screen  # no reason dialog
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Cannot discard: this wrap-up's ACW time has ended") for m in said)
        (stored,) = app.desk.wrapups.pending()
        assert (stored.status, stored.timed_out) == ("open", True)


async def test_extension_asks_for_a_reason_and_moves_the_timeout(make_app, hook, clock) -> None:
    app = make_app("timeout_seconds = 60\nextend_seconds = 45")
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-2")
        await wait_for(pilot, acw_open(app))
        await pilot.press("f8")
        await pilot.press("enter")  # empty reason is refused
        await type_text(pilot, "escalation note")
        await pilot.press("enter")
        await wait_for(pilot, acw_open(app))
        screen = app.screen
        assert [e.reason for e in screen.wrapup.extensions] == ["escalation note"]
        clock.advance(90)
        await pilot.pause(0.3)
        assert not screen.query_one(AcwTimer).timed_out  # 60 + 45 s now
        clock.advance(20)
        await wait_for(pilot, lambda: screen.query_one(AcwTimer).timed_out)
        assert screen.query_one(AcwTimer).border_subtitle == "extended ×1"


async def test_f2_opens_a_wrapup_by_hand_and_escape_keeps_it_pending(make_app) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "walk-in")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        pending = app.desk.pending()
        assert len(pending) == 1
        assert app.desk.wrapups.draft(pending[0].id).note == "walk-in"


async def test_open_wrapups_come_back_after_a_restart(make_app, hook, clock) -> None:
    hook.call_ended("PBX-3")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "first half")
        clock.advance(40)
        await wait_for(
            pilot,
            lambda: (
                getattr(app.desk.wrapups.draft(app.screen.wrapup.id), "note", "") == "first half"
            ),
        )
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(again))
        assert again.screen.query_one("#notes", TextArea).text == "first half"
        clock.advance(5)
        await wait_for(pilot, lambda: again.screen.query_one(AcwTimer).elapsed >= 45)


async def test_back_to_ready_after_a_finish_reads_the_ready_facts_once(
    make_app, hook, monkeypatch
) -> None:
    """The ready screen reads its facts as it comes back to the top; the finish does not
    send it to read them twice more. What it shows is still the finish's outcome."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-8")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "address updated")
        app.log_in()  # now, not in the middle of what is counted
        await app.calls.settled()
        await pilot.pause()
        reads = []
        facts = app.desk.ready_facts
        monkeypatch.setattr(app.desk, "ready_facts", lambda: reads.append(1) or facts())
        # The store watch would see the finish too (and tell the screen within a quarter
        # second): it is held at what it saw last, to count the finish's own reads.
        monkeypatch.setattr(app.desk, "data_version", lambda: app._data_version)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
        await pilot.pause(0.1)
        assert len(reads) == 1
        assert app.screen.query_one("#ready-state").has_class("-ready")
        assert "Pending wrap-ups 0" in str(app.screen.query_one("#ready-facts").render())


async def test_a_finish_is_one_write_to_the_store(make_app, hook, monkeypatch) -> None:
    """ctrl+s asks the store thread for one write, the finish's own transaction: drafts
    of the wrap-up that quit windows left are added inside it (a second write after
    every finish cost a commit, a wait and another frame before the agent was ready)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-7")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "address updated")
        app.log_in()  # now, not in the middle of what is counted
        await wait_for(pilot, lambda: not app.drafts)  # the draft is stored
        await pilot.pause(0.6)  # and the look for left drafts that a log-in asks for
        await app.calls.settled()
        writes = []
        write = app.calls.write
        monkeypatch.setattr(
            app.calls, "write", lambda call, **kw: writes.append(kw) or write(call, **kw)
        )
        # Held still so that only the finish's own work is counted (a save tick finds
        # nothing new to store either way).
        monkeypatch.setattr(app.desk, "data_version", lambda: app._data_version)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
        await pilot.pause(0.6)  # past the next draft tick
        await app.calls.settled()
        assert len(writes) == 1
        assert app.screen.query_one("#ready-state").has_class("-ready")


async def test_leaving_while_the_finish_is_stored_still_shows_its_outcome(
    make_app, hook, monkeypatch
) -> None:
    """escape right after ctrl+s: the ready screen is back before the finish is stored,
    and reads its facts again once it is."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-9")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "address updated")
        app.log_in()  # its own reload would hide a missing one
        await app.calls.settled()
        await pilot.pause()
        release = hold_finishes(app, monkeypatch)
        # The store watch would notice the finish within a quarter second; the finish's
        # own path must say it.
        monkeypatch.setattr(app.desk, "data_version", lambda: app._data_version)
        await pilot.press("ctrl+s")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await pilot.pause()
        facts = app.screen.query_one("#ready-facts")
        assert "Pending wrap-ups 1" in str(facts.render())
        release.set()
        await app.calls.settled()
        await wait_for(pilot, lambda: "Pending wrap-ups 0" in str(facts.render()))
        assert app.screen.query_one("#ready-state").has_class("-ready")


async def test_a_second_call_waits_in_the_pending_list(make_app, hook, clock) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-A")
        await wait_for(pilot, acw_open(app))
        clock.advance(5)
        hook.call_ended("PBX-B")
        await wait_for(pilot, lambda: app.screen.query_one("#acw-pending").option_count == 2)
        assert app.screen.wrapup.call.external_id == "PBX-A"
        await type_text(pilot, "done")
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, AcwScreen) and app.screen.wrapup.call.external_id == "PBX-B"
            ),
        )


async def test_every_action_is_in_the_command_palette(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-P")
        await wait_for(pilot, acw_open(app))
        titles = " ".join(c.title for c in app.get_system_commands(app.screen))
        for action in ("Call ended", "Pending", "History", "Break", "Finish", "Extend", "Quit"):
            assert action in titles


async def test_a_timeout_while_another_screen_is_on_top_reaches_the_wrapups_screen(
    make_app, hook, clock
) -> None:
    # The time-out is stored while the history (or the extend dialog) covers the ACW
    # screen; back on it, the timer has stopped and says so.
    app = make_app("timeout_seconds = 60")
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, acw_open(app))
        acw = app.screen
        await pilot.press("f4")
        await wait_for(pilot, lambda: app.screen is not acw)
        clock.advance(61)
        await wait_for(pilot, lambda: app.desk.wrapups.pending()[0].timed_out)
        await pilot.pause(0.2)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is acw)
        await wait_for(pilot, lambda: acw.query_one(AcwTimer).timed_out)
        assert acw.wrapup.timed_out
        await pilot.pause(0.1)
        # Said in one short line: the timer leaves its row to the call and pending list.
        assert acw.query_one(AcwTimer).outer_size.width <= 44


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_the_extend_dialog_leaves_the_timer_in_sight(make_app, hook, size) -> None:
    """F8's dialog sat in the middle of the screen, over the big timer: the agent asking
    for more time could not see how much had gone."""
    app = make_app("timeout_seconds = 60\nextend_seconds = 45")
    async with app.run_test(size=size) as pilot:
        hook.call_ended("PBX-2")
        await wait_for(pilot, acw_open(app))
        timer = app.screen.query_one(AcwTimer).region
        await pilot.press("f8")
        await wait_for(pilot, lambda: bool(app.screen.query("#reason")))
        await pilot.pause()
        dialog = app.screen.query_one(".dialog").region
        assert not dialog.overlaps(timer), (dialog, timer)
        assert dialog.bottom <= size[1]


def read_together(app, text: str, last: str) -> None:
    """Keys read from the terminal in one go (a loaded machine, a macro, a session over
    SSH): posted as the terminal driver posts them, with no pause between."""
    from textual import events

    for char in text:
        key = "space" if char == " " else char
        app.post_message(events.Key(key, char))
    app.post_message(events.Key(last, None))


async def test_keys_read_with_ctrl_s_are_in_the_finished_note(make_app, hook) -> None:
    """ctrl+s is the app's priority key: it ran while the keys read with it still waited
    in the editor's queue, and the note was stored without them."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "refund approved")
        read_together(app, " ok done", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
    assert hook.wrapup(wrapup.id).note == "refund approved ok done"


async def test_keys_read_with_ctrl_q_are_in_the_saved_draft(make_app, hook) -> None:
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        read_together(app, "customer asked for a refund", "ctrl+q")
        await pilot.pause(0.5)
    assert hook.draft(wrapup.id).note == "customer asked for a refund"


async def test_the_notes_take_no_typing_while_the_finish_is_stored(
    make_app, hook, monkeypatch
) -> None:
    """Text typed while the finish waited for the store (another program held it) was
    shown, said "Draft saved", and was in no note once the finish went through."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "before lock")
        release = hold_finishes(app, monkeypatch)
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        await type_text(pilot, " typed while finishing")
        assert screen.notes.text == "before lock"
        # A store this slow is said on the status line (a quick one changes nothing).
        await wait_for(pilot, lambda: "Finishing" in str(screen.status_line.render()))
        release.set()
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
    assert hook.wrapup(wrapup.id).note == "before lock"


async def test_a_refused_finish_gives_the_notes_back(make_app, hook) -> None:
    hook.call_ended("PBX-1")
    app = make_app("require_code = true")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "no code yet")
        await pilot.press("ctrl+s")
        screen = app.screen
        await wait_for(pilot, lambda: "code is required" in str(screen.status_line.render()))
        assert not screen._finishing and not screen.notes.held
        screen.notes.focus()  # the refusal took the agent to the codes
        await type_text(pilot, ", more")
        assert screen.notes.text == "no code yet, more"
