"""Two acw windows on one store keep a draft each: neither overwrites what the other
typed, text left in a window that quit or died reaches the note, and closing one window
does not log the agent out while the other is still open."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.core.model import AgentStateName, Wrapup
from acw_tui.service.desk import Desk, DraftContent, FinishRequest
from acw_tui.settings.config import Config, load_config
from acw_tui.store import open_store
from acw_tui.store.screens import ScreenSlots

CARD = "4111 1111 1111 1111"


def typed(note: str) -> DraftContent:
    return DraftContent(note, None, (), None)


@pytest.fixture
def windows(acw_home: Path, config: Config, clock: ManualClock) -> Iterator[list[Desk]]:
    """Two desks on one store file, each with the screen number an acw window claims."""
    path = acw_home / "acw.db"
    desks = []
    for _ in range(2):
        desks.append(Desk(open_store(path), config, clock).claim_screen())
    yield desks
    for desk in desks:
        desk.close()


def test_each_window_claims_its_own_number_and_frees_it(acw_home: Path) -> None:
    path = acw_home / "acw.db"
    first, second = ScreenSlots.claim(path), ScreenSlots.claim(path)
    assert (first.number, second.number) == (1, 2)
    assert first.alive(2) and second.alive(1) and first.others_open()
    assert not first.alive(0) and not first.alive(3)
    second.release()
    assert not first.alive(2) and not first.others_open()
    again = ScreenSlots.claim(path)
    assert again.number == 2  # a restarted window takes its number (and drafts) back
    for slots in (first, again):
        slots.release()


def test_a_killed_window_frees_its_number(acw_home: Path) -> None:
    path = acw_home / "acw.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from acw_tui.store.screens import ScreenSlots;"
            f"s = ScreenSlots.claim(Path({str(path)!r})); print(s.number, flush=True);"
            "time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        number = int(holder.stdout.readline())
        here = ScreenSlots.claim(path)
        assert here.alive(number) and here.others_open()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert not here.alive(number) and not here.others_open()
        here.release()
    finally:
        holder.kill()
        holder.wait(10)


def test_two_windows_typing_into_one_wrapup_keep_both_texts(windows: list[Desk]) -> None:
    first, second = windows
    wrapup = first.call_ended("PBX-1")
    first.save_draft(wrapup, typed("refund issued for the double charge"))
    second.save_draft(wrapup, typed(f"customer moved house, paid with {CARD}"))
    first.save_draft(wrapup, typed("refund issued for the double charge, 3 days"))

    assert first.draft(wrapup.id).note == "refund issued for the double charge, 3 days"
    assert second.draft(wrapup.id).note == "customer moved house, paid with [CARD ****1111]"

    # The second window left the wrap-up (esc) and stays open; the first finishes it.
    done = first.finish(wrapup, FinishRequest(note="refund issued for the double charge, 3 days"))
    assert first.keep_left_behind() == []  # the second window is running: its own to add
    added = second.keep_left_behind()

    assert [w.id for w in added] == [wrapup.id]
    note = first.wrapup(wrapup.id).note
    assert note == (
        "refund issued for the double charge, 3 days\n\n"
        "customer moved house, paid with [CARD ****1111]"
    )
    assert first.wrapup(wrapup.id).rev == done.rev + 1
    assert first.store.rows("SELECT * FROM drafts") == []
    audit = first.store.rows(
        "SELECT position FROM redaction_audit WHERE wrapup_id = ? AND type = 'card'", [wrapup.id]
    )
    assert [a["position"] for a in audit] == [note.index("[CARD")]


def typed_in_second_finished_in_first(first: Desk, second: Desk) -> Wrapup:
    wrapup = first.call_ended("PBX-1")
    second.save_draft(wrapup, typed("customer moved house"))
    first.finish(wrapup, FinishRequest(note="refund issued"))
    return wrapup


def test_a_window_holding_the_wrapup_adds_its_text_only_when_it_leaves(
    windows: list[Desk],
) -> None:
    first, second = windows
    wrapup = typed_in_second_finished_in_first(first, second)

    assert second.keep_left_behind(on_screen=[wrapup.id]) == []
    assert second.draft(wrapup.id).note == "customer moved house"  # kept, if this one dies
    second.add_to_note(wrapup, "customer moved house, new address noted")

    assert first.wrapup(wrapup.id).note == (
        "refund issued\n\ncustomer moved house, new address noted"
    )
    assert first.store.rows("SELECT * FROM drafts") == []


def test_text_of_a_window_that_died_after_the_finish_reaches_the_note(
    windows: list[Desk],
) -> None:
    first, second = windows
    typed_in_second_finished_in_first(first, second)
    second.screens.release()  # kill -9 while it still showed the wrap-up

    added = first.keep_left_behind()

    assert [w.note for w in added] == ["refund issued\n\ncustomer moved house"]
    assert first.store.rows("SELECT * FROM drafts") == []


def test_a_draft_taken_up_from_a_closed_window_is_not_added_again(windows: list[Desk]) -> None:
    """The first window opens a wrap-up whose only draft a closed window saved, deletes
    some of that text and finishes: the note is what it finished, nothing comes back."""
    first, second = windows
    wrapup = first.call_ended("PBX-1")
    second.save_draft(wrapup, typed("customer asked for a refund, wrong card charged"))
    second.screens.release()

    restored = first.draft(wrapup.id)
    assert restored is not None and restored.screen == second.screens.number
    first.finish(wrapup, FinishRequest(note="customer asked for a refund"))

    assert first.keep_left_behind() == []
    assert first.wrapup(wrapup.id).note == "customer asked for a refund"
    assert first.store.rows("SELECT * FROM drafts") == []


def test_closing_one_window_does_not_log_the_agent_out(windows: list[Desk]) -> None:
    first, second = windows
    first.log_in()
    second.log_in()

    assert second.log_out().state is AgentStateName.READY
    second.screens.release()
    assert first.log_out().state is AgentStateName.LOGGED_OUT


def test_drafts_stored_before_windows_had_numbers_are_taken_up(
    acw_home: Path, config: Config, clock: ManualClock
) -> None:
    """An upgraded store: its draft is screen 0, which no window holds; the first save
    of the window that opened it takes it over."""
    path = acw_home / "acw.db"
    old = Desk(open_store(path), config, clock)
    wrapup = old.call_ended("PBX-1")
    old.save_draft(wrapup, typed("customer asked for a refund"))
    old.close()
    desk = Desk(open_store(path), config, clock).claim_screen()
    try:
        assert desk.draft(wrapup.id).note == "customer asked for a refund"
        desk.save_draft(wrapup, typed("customer asked for a refund, issued"))
        rows = desk.store.rows("SELECT screen, note FROM drafts")
        assert [(r["screen"], r["note"]) for r in rows] == [
            (desk.screens.number, "customer asked for a refund, issued")
        ]
    finally:
        desk.close()


def test_a_draft_started_from_a_running_window_is_taken_up_once_that_window_closes(
    windows: list[Desk],
) -> None:
    first, second = windows
    wrapup = first.call_ended("PBX-1")
    second.save_draft(wrapup, typed("customer asked for a refund, wrong card charged"))
    assert first.draft(wrapup.id).screen == second.screens.number

    first.save_draft(wrapup, typed("customer asked for a refund"))
    screens = "SELECT screen FROM drafts ORDER BY screen"
    assert [r["screen"] for r in first.store.rows(screens)] == [1, 2]  # both windows' text

    second.screens.release()
    first.save_draft(wrapup, typed("customer asked for a refund."))
    assert [r["screen"] for r in first.store.rows(screens)] == [1]


def test_a_code_picked_in_either_window_is_not_replaced_at_the_time_out(
    acw_home: Path, clock: ManualClock
) -> None:
    path = acw_home / "acw.db"
    (acw_home / "config.toml").write_text(
        'agent_id = "ana"\nsite_id = "site-1"\n[acw]\ntimeout_seconds = 60\n'
        'auto_code = "timeout-no-notes"\n',
        encoding="utf-8",
    )
    timed = load_config(acw_home / "config.toml")
    first, second = (Desk(open_store(path), timed, clock).claim_screen() for _ in range(2))
    try:
        wrapup = first.call_ended("PBX-1")
        first.save_draft(wrapup, DraftContent("refund", None, ("complaint",), None))
        second.save_draft(wrapup, DraftContent("customer moved house", None, (), None))
        clock.advance(61)
        (ended,) = second.check_timeouts()  # the window that did not pick it times out
        assert ended.auto_code is None and ended.timed_out
    finally:
        first.close()
        second.close()


def test_a_draft_only_shown_in_another_window_is_not_stored_there(windows: list[Desk]) -> None:
    """The second window opens the wrap-up, shows the first window's draft and leaves it
    untouched; the first window's agent deletes a sentence and finishes: it stays deleted."""
    first, second = windows
    wrapup = first.call_ended("PBX-1")
    first.save_draft(wrapup, typed("Uniform keep. Secret wrong sentence."))
    shown = second.draft(wrapup.id)
    second.save_draft(wrapup, DraftContent(shown.note, shown.fields, shown.codes, None))
    assert [r["screen"] for r in first.store.rows("SELECT screen FROM drafts")] == [1]

    first.finish(wrapup, FinishRequest(note="Uniform keep."))
    assert second.keep_left_behind() == [] and first.keep_left_behind() == []
    assert first.wrapup(wrapup.id).note == "Uniform keep."


def test_windows_closing_at_the_same_moment_log_the_agent_out(windows: list[Desk]) -> None:
    first, second = windows
    first.log_in()
    # Both quit before either has closed its store: the later one sees no other window.
    assert first.log_out().state is AgentStateName.READY
    assert second.log_out().state is AgentStateName.LOGGED_OUT


def test_something_in_the_way_of_a_number_is_skipped(acw_home: Path) -> None:
    path = acw_home / "acw.db"
    (acw_home / "acw.db.screens" / "1.lock").mkdir(parents=True)
    first, second = ScreenSlots.claim(path), ScreenSlots.claim(path)
    assert (first.number, second.number) == (2, 3)
    assert not first.alive(1)
    second.release()
    assert not first.others_open()
    first.release()
