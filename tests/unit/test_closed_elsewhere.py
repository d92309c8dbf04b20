"""A wrap-up finished or discarded in another acw window (another process on the same
store) while this one still holds text typed for it: the text is added to its stored
note, never dropped and never written as a draft nobody will open again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import (
    Desk,
    DeskError,
    DraftContent,
    DraftKept,
    FinishRequest,
    WrapupClosed,
)
from acw_tui.settings.config import Config
from acw_tui.store import open_store

CARD = "4111 1111 1111 1111"


@pytest.fixture
def other_window(acw_home: Path, config: Config, clock: ManualClock) -> Iterator[Desk]:
    """A second desk on the same store file, as a second acw process has."""
    desk = Desk(open_store(acw_home / "acw.db"), config, clock)
    yield desk
    desk.close()


def typed(note: str) -> DraftContent:
    return DraftContent(note, None, (), None)


def test_no_draft_is_saved_for_a_wrapup_finished_elsewhere(desk: Desk, other_window: Desk) -> None:
    wrapup = desk.call_ended("PBX-1")
    other_window.finish(wrapup, FinishRequest(note="refund issued"))

    with pytest.raises(WrapupClosed) as refused:
        desk.save_draft(wrapup, typed("customer asked about a refund"))

    assert refused.value.wrapup.status == "done"
    assert desk.draft(wrapup.id) is None


def test_a_window_still_showing_a_closed_wrapup_keeps_its_text_as_a_draft(
    desk: Desk, other_window: Desk
) -> None:
    """Until the agent leaves it (then `add_to_note`), or, should the window die, until
    the next window adds it (`keep_left_behind`): redacted as any draft, a number being
    typed at its end waited for."""
    wrapup = desk.call_ended("PBX-1")
    other_window.finish(wrapup, FinishRequest(note="refund issued"))

    waits = desk.save_draft(
        wrapup, typed("paid with 4111 1111"), still_typing=True, after_close=True
    )
    assert waits is DraftKept.WAITS and desk.draft(wrapup.id) is None
    desk.save_draft(wrapup, typed(f"paid with {CARD}"), after_close=True)

    assert desk.draft(wrapup.id).note == "paid with [CARD ****1111]"
    assert desk.wrapup(wrapup.id).note == "refund issued"
    added = desk.add_to_note(wrapup, f"paid with {CARD}, refund in 3 days")
    assert added is not None and added.note.endswith("refund in 3 days")
    assert desk.draft(wrapup.id) is None


def test_text_typed_for_a_wrapup_closed_elsewhere_is_added_to_its_note(
    desk: Desk, other_window: Desk
) -> None:
    wrapup = desk.call_ended("PBX-1")
    finished = other_window.finish(wrapup, FinishRequest(note="refund issued"))

    added = desk.add_to_note(wrapup, f"paid with {CARD}, refund in 3 days")

    assert added is not None
    assert added.note == "refund issued\n\npaid with [CARD ****1111], refund in 3 days"
    assert desk.wrapup(wrapup.id).note == added.note
    rows = desk.store.rows(
        "SELECT rev, payload FROM outbox WHERE table_name = 'wrapups' AND row_id = ?", [wrapup.id]
    )
    newest = max(rows, key=lambda r: r["rev"])
    assert newest["rev"] == finished.rev + 1  # synced as a newer version of the record
    assert json.loads(newest["payload"])["note"] == added.note
    assert CARD.replace(" ", "") not in json.dumps([dict(r) for r in rows]).replace(" ", "")
    audit = desk.store.rows(
        "SELECT position FROM redaction_audit WHERE wrapup_id = ? AND type = 'card'", [wrapup.id]
    )
    assert [a["position"] for a in audit] == [added.note.index("[CARD")]


def test_text_already_in_the_note_is_not_added_twice(desk: Desk, other_window: Desk) -> None:
    wrapup = desk.call_ended("PBX-1")
    other_window.finish(wrapup, FinishRequest(note="refund issued, callback tomorrow"))

    assert desk.add_to_note(wrapup, "refund issued, callback tomorrow\n") is None
    assert desk.add_to_note(wrapup, "  \n") is None
    assert desk.wrapup(wrapup.id).note == "refund issued, callback tomorrow"


def test_words_that_occur_inside_the_note_are_still_added(desk: Desk, other_window: Desk) -> None:
    """ "resolved" typed here is not what "Issue not resolved" says: only the whole note or
    one of its paragraphs counts as already there."""
    wrapup = desk.call_ended("PBX-1")
    other_window.finish(wrapup, FinishRequest(note="Issue not resolved.\n\ncallback tomorrow"))

    assert desk.add_to_note(wrapup, "callback tomorrow") is None
    added = desk.add_to_note(wrapup, "resolved")
    assert added is not None
    assert added.note == "Issue not resolved.\n\ncallback tomorrow\n\nresolved"


def test_a_discarded_wrapup_keeps_the_text_too(desk: Desk, other_window: Desk) -> None:
    wrapup = desk.call_ended("PBX-1")
    other_window.discard(wrapup, "F2 by mistake")

    added = desk.add_to_note(wrapup, "it was a real call after all")

    assert added is not None and added.status == "discarded"
    assert added.note.endswith("it was a real call after all")


def test_an_open_wrapup_takes_a_draft_not_an_addition(desk: Desk) -> None:
    wrapup = desk.call_ended("PBX-1")

    with pytest.raises(DeskError):
        desk.add_to_note(wrapup, "text")


@pytest.mark.parametrize("close", ["finish", "discard"])
def test_closing_here_adds_what_a_quit_window_left_in_the_same_write(
    desk: Desk, other_window: Desk, close: str
) -> None:
    """Another window typed into the wrap-up and quit; this one finishes or discards it:
    the other window's text is in the note the close returns, with its audit mark, and
    its draft is gone, all in the close's own transaction."""
    wrapup = desk.call_ended("PBX-1")
    desk.claim_screen()
    other_window.claim_screen()
    other_window.save_draft(wrapup, typed(f"customer moved house, paid {CARD}"))
    other_window.screens.release()  # the other window quits

    if close == "finish":
        done = desk.finish(wrapup, FinishRequest(note="refund issued"))
        assert done.note == "refund issued\n\ncustomer moved house, paid [CARD ****1111]"
    else:
        done = desk.discard(wrapup, "opened by mistake")
        assert done.note == "customer moved house, paid [CARD ****1111]"

    assert desk.wrapup(wrapup.id).note == done.note
    assert desk.store.rows("SELECT * FROM drafts") == []
    audit = desk.store.rows(
        "SELECT position FROM redaction_audit WHERE wrapup_id = ? AND type = 'card'", [wrapup.id]
    )
    assert done.note.index("[CARD") in [a["position"] for a in audit]
    assert desk.keep_left_behind() == []  # nothing left for a later write
