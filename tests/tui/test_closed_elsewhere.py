"""Two acw windows on one store, both on the same wrap-up: one finishes it. What the
other window's agent typed is never dropped: it goes into the stored note when they
leave it (esc, ctrl+s, quit), and the screen says so as soon as it learns."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from acw_tui.service.requests import FinishRequest
from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.ready import ReadyScreen
from tests.tui.conftest import acw_open, type_text, wait_for

CARD = "4111 1111 1111 1111"


def closed_here(app) -> bool:
    return isinstance(app.screen, AcwScreen) and "another acw window" in str(
        app.screen.status_line.render()
    )


@contextlib.contextmanager
def two_windows(app, hook) -> Iterator[None]:
    """The app and the hook as two acw windows, each with a screen number of its own
    (drafts kept apart), both let go at the end."""
    app.desk.claim_screen()
    hook.claim_screen()
    try:
        yield
    finally:
        app.desk.close()
        hook.screens.release()


async def finished_elsewhere_after(pilot, app, hook, wrapup, typed: str) -> None:
    """This window types `typed` into call PBX-1 (stored as its draft); then another
    window finishes the wrap-up with "refund issued", and this screen says so."""
    await wait_for(pilot, acw_open(app, "PBX-1"))
    await type_text(pilot, typed)
    await wait_for(pilot, lambda: hook.draft(wrapup.id) is not None)
    hook.finish(wrapup, FinishRequest(note="refund issued"))
    await wait_for(pilot, lambda: closed_here(app))


@pytest.mark.parametrize("leave", ["escape", "ctrl+s", "quit"])
async def test_text_typed_here_goes_into_the_note_finished_elsewhere(make_app, hook, leave) -> None:
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await finished_elsewhere_after(pilot, app, hook, wrapup, "address change asked")
        await type_text(pilot, f" paid {CARD}")
        assert hook.wrapup(wrapup.id).note == "refund issued"  # nothing added while on it

        if leave == "quit":
            await app.action_quit()
        else:
            await pilot.press(leave)
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
            await app.calls.settled()

    stored = hook.wrapup(wrapup.id)
    assert stored.note == "refund issued\n\naddress change asked paid [CARD ****1111]"
    assert hook.draft(wrapup.id) is None


async def test_text_typed_after_the_finish_elsewhere_survives_a_kill_of_this_window(
    make_app, hook
) -> None:
    """Typing on once the screen says another window finished the wrap-up is stored as
    this window's draft within a save's time, as all typing is: were this window killed
    before the agent leaves, the next acw start adds all of it to the note."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    with two_windows(app, hook):
        async with app.run_test(size=(120, 40)) as pilot:
            await finished_elsewhere_after(pilot, app, hook, wrapup, "address change asked")
            await type_text(pilot, f" paid {CARD}")
            await wait_for(pilot, lambda: "****1111" in hook.draft(wrapup.id).note)
            assert hook.draft(wrapup.id).note == "address change asked paid [CARD ****1111]"
            assert hook.wrapup(wrapup.id).note == "refund issued"  # added when leaving

            app.desk.screens.release()  # kill -9: the lock goes, the draft stays
            restarted = hook.keep_left_behind()
            assert [w.note for w in restarted] == [
                "refund issued\n\naddress change asked paid [CARD ****1111]"
            ]
    assert hook.wrapup(wrapup.id).note == (
        "refund issued\n\naddress change asked paid [CARD ****1111]"
    )  # not added a second time by the window's own leaving
    assert hook.store.rows("SELECT * FROM drafts") == []


@pytest.mark.parametrize("leave", ["escape", "ctrl+s", "quit"])
async def test_text_stored_as_a_draft_after_the_finish_goes_into_the_note_on_leaving(
    make_app, hook, leave
) -> None:
    """Everything typed after the other window's finish is in this window's draft
    already when the agent leaves: leaving adds it to the note all the same, and the
    draft goes."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await finished_elsewhere_after(pilot, app, hook, wrapup, "address change asked")
        await type_text(pilot, " new address noted")
        await wait_for(pilot, lambda: "noted" in hook.draft(wrapup.id).note)
        await wait_for(pilot, lambda: not app.drafts)  # nothing left to save

        if leave == "quit":
            await app.action_quit()
        else:
            await pilot.press(leave)
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
            await app.calls.settled()

    assert hook.wrapup(wrapup.id).note == "refund issued\n\naddress change asked new address noted"
    assert hook.store.rows("SELECT * FROM drafts") == []


@pytest.mark.parametrize("typed", ["", "refund issued"], ids=["nothing typed", "the same text"])
async def test_nothing_the_note_lacks_leaves_quietly(make_app, hook, typed) -> None:
    """Nothing typed here, or only what the other window stored: back to ready, the
    note as the other window stored it (not added twice)."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        if typed:
            await type_text(pilot, typed)
            await wait_for(pilot, lambda: hook.draft(wrapup.id) is not None)
        hook.finish(wrapup, FinishRequest(note="refund issued"))
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
    assert hook.wrapup(wrapup.id).note == "refund issued"


async def test_finishing_here_is_not_taken_for_another_window(make_app, hook) -> None:
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    told: list[str] = []
    shown = app.notify
    app.notify = lambda message, **kw: (told.append(str(message)), shown(message, **kw))[1]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        await type_text(pilot, "refund issued")
        await pilot.press("f10", "space", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
        await pilot.pause(0.6)  # the store's watch sees the finish
        assert told and not any("another acw window" in m for m in told)
    assert hook.wrapup(wrapup.id).note == "refund issued"


async def test_a_draft_this_window_holds_is_kept_even_if_it_typed_nothing(make_app, hook) -> None:
    """The draft on this screen may be this agent's own, typed here before leaving the
    wrap-up and coming back: whoever wrote it, text the note lacks is added."""
    from acw_tui.service.desk import DraftContent

    wrapup = hook.call_ended("PBX-1")
    hook.save_draft(wrapup, DraftContent("customer angry about fees", None, (), None))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        assert app.screen.notes.text == "customer angry about fees"
        hook.finish(wrapup, FinishRequest(note="refund issued"))
        await wait_for(pilot, lambda: closed_here(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
    assert hook.wrapup(wrapup.id).note == "refund issued\n\ncustomer angry about fees"


async def test_a_wrapup_discarded_elsewhere_keeps_the_text_and_says_discarded(
    make_app, hook
) -> None:
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-1"))
        await type_text(pilot, "it was a real call")
        hook.discard(wrapup, "F2 by mistake")
        await wait_for(pilot, lambda: closed_here(app))
        assert "discarded in another acw window" in str(app.screen.status_line.render())
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        await app.calls.settled()
    stored = hook.wrapup(wrapup.id)
    assert (stored.status, stored.note) == ("discarded", "it was a real call")


async def test_text_left_in_a_wrapup_reaches_its_note_when_another_window_finishes_it(
    make_app, hook
) -> None:
    """The agent types here, leaves the wrap-up (esc) for later, and another acw window
    finishes it: what was typed here is added to the note, not dropped with the draft."""
    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    told: list[str] = []
    shown = app.notify
    app.notify = lambda message, **kw: (told.append(str(message)), shown(message, **kw))[1]
    with two_windows(app, hook):
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, acw_open(app, "PBX-1"))
            await type_text(pilot, "customer moved house")
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
            await wait_for(pilot, lambda: not app.drafts)  # the draft reached the store

            hook.finish(wrapup, FinishRequest(note="refund issued"))
            await wait_for(pilot, lambda: hook.wrapup(wrapup.id).note != "refund issued")
            await wait_for(
                pilot, lambda: any("Text left in a draft of call PBX-1" in m for m in told)
            )
    assert hook.wrapup(wrapup.id).note == "refund issued\n\ncustomer moved house"
    assert hook.store.rows("SELECT * FROM drafts") == []


async def test_text_of_a_window_that_quit_is_added_when_this_one_finishes(make_app, hook) -> None:
    """Another window typed into the wrap-up and was closed (or killed); this window
    finishes it: the other window's text is in the note at once, not at the next start."""
    from acw_tui.service.desk import DraftContent

    wrapup = hook.call_ended("PBX-1")
    app = make_app()
    with two_windows(app, hook):
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_for(pilot, acw_open(app, "PBX-1"))
            await type_text(pilot, "refund issued")
            await wait_for(pilot, lambda: not app.drafts)  # this window's draft is stored
            await pilot.pause(1.5)  # past the look for left drafts made at log-in
            hook.save_draft(wrapup, DraftContent("customer moved house", None, (), None))
            hook.screens.release()  # the other window quits
            await pilot.press("f10", "space", "ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
            await wait_for(pilot, lambda: "moved house" in hook.wrapup(wrapup.id).note)
    assert hook.wrapup(wrapup.id).note == "refund issued\n\ncustomer moved house"
