"""A card number and its security code typed on the screen never reach the disk.

The note is typed in pieces with draft saves in between (as a slow typist's would be),
then finished; every byte of every file under ACW_HOME — database, WAL, shared memory,
journal, drafts, logs — is read and searched for the number in every form and for the
code next to its keyword.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from acw_tui.tui.screens.ready import ReadyScreen
from tests.tui.conftest import acw_open, type_text, wait_for

CARD = "4111 1111 1111 1111"
CODE = "737"


def every_byte(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file())


def card_forms(digits: str) -> list[bytes]:
    """The digits plain and with any separator, and 15 of them (Luhn gives the 16th)."""
    forms = []
    for length in (len(digits), len(digits) - 1):
        part = digits[:length]
        forms.append(part.encode())
        grouped = [part[i : i + 4] for i in range(0, len(part), 4)]
        forms += [sep.join(grouped).encode() for sep in (" ", "-", ".", "\u00a0")]
    return forms


async def test_finishing_a_note_with_a_card_and_its_code_leaves_neither_on_disk(
    make_app, hook, acw_home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-42")
        await wait_for(pilot, acw_open(app))
        wrapup = app.screen.wrapup

        def draft_has(text: str) -> Callable[[], bool]:
            def check() -> bool:
                draft = app.desk.wrapups.draft(wrapup.id)
                return draft is not None and text in draft.note

            return check

        await type_text(pilot, "customer paid with 4111 1111 1111 111")
        await wait_for(pilot, draft_has("customer paid"))
        await type_text(pilot, "1 cvv 73")
        await wait_for(pilot, draft_has("[CARD ****1111] cvv"))
        await type_text(pilot, "7 thanks")
        await wait_for(pilot, draft_has("thanks"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        done = app.desk.wrapups.get(wrapup.id)
        assert done.note == "customer paid with [CARD ****1111] cvv thanks"

    data = every_byte(acw_home)
    assert (acw_home / "acw.db-wal").exists()  # the WAL was read too
    digits = CARD.replace(" ", "")
    for form in card_forms(digits):
        assert form not in data, form
    assert re.search(rb"cvv\W{0,3}" + CODE.encode(), data, re.IGNORECASE) is None
    assert (CODE + " thanks").encode() not in data
    assert b"[CARD ****1111] cvv thanks" in data  # the note itself is there, redacted


async def test_a_pause_in_the_middle_of_a_card_number_leaves_no_digits_on_disk(
    make_app, hook, acw_home: Path
) -> None:
    """The customer reads the card out in two breaths: the agent stops typing after
    fifteen digits for a few seconds. The draft saved in that pause held the fifteen
    digits as typed (a save that waited once was then made whatever stood at the end),
    and the WAL kept them after the card was finished and masked."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-43")
        await wait_for(pilot, acw_open(app))
        wrapup = app.screen.wrapup
        await type_text(pilot, "customer paid with 4111 1111 1111 111")
        await pilot.pause(2.5)  # several draft ticks with nothing typed
        draft = app.desk.wrapups.draft(wrapup.id)
        assert draft is not None and draft.note.startswith("customer paid with ")
        assert app.screen.notes.text == "customer paid with 4111 1111 1111 111"  # as typed
        await type_text(pilot, "1 thanks")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        assert app.desk.wrapups.get(wrapup.id).note == "customer paid with [CARD ****1111] thanks"

    data = every_byte(acw_home)
    for form in card_forms(CARD.replace(" ", "")):
        assert form not in data, form
