"""Random key sequences typed into the notes editor (Pilot, one app for all examples).

- Typed without backspace or undo, the note is what `acw expand` makes of the same
  characters: the live path and the batch path never differ (the sigil, delimiters
  right after it, Chinese text, line breaks).
- With backspace, ctrl+z and ctrl+y mixed in, the note after an undo or redo is always
  a text the agent saw or typed before, and the cursor ends where that text ends.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from acw_tui.core.shorthand import Entry, Guide, expand_text
from acw_tui.tui.widgets.notes_editor import NotesEditor

# Seeded and bounded in `make test`; ACW_MODEL_EXAMPLES runs more (each example types
# through the real app, about a second apiece).
EXAMPLES = int(os.environ.get("ACW_MODEL_EXAMPLES", "12"))

GUIDE = Guide.of(
    [
        Entry("cx", "customer"),
        Entry("cb", "callback"),
        Entry("w/", "with"),
        Entry("kh", "客户"),
        Entry("zd", "账单"),
        Entry("CX2", "CX two", exact=True),
    ]
)
KEY_NAMES = {
    " ": "space",
    "\n": "enter",
    ".": "full_stop",
    ",": "comma",
    ";": "semicolon",
    "/": "slash",
    ":": "colon",
    "?": "question_mark",
}
CHARACTERS = list("cxbwkhzdC2/客;; .,:?\n")
UNDO_KEYS = ["backspace", "ctrl+z", "ctrl+y"]
# Pieces of a note (shorthand and its delimiters come together often) and the keys that
# take something back.
PIECES = ["cx ", "cb.", "w/\n", "客;zd,", "x;cx ", "ok", "a", " ", ";", "\n"]
KEYS = st.lists(
    st.sampled_from(PIECES + UNDO_KEYS * 2).map(lambda p: [p] if p in UNDO_KEYS else list(p)),
    max_size=12,
).map(lambda pieces: [key for piece in pieces for key in piece])


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield NotesEditor(id="notes", guide=GUIDE)

    def on_mount(self) -> None:
        self.query_one(NotesEditor).focus()


class Driver:
    """One app under Pilot in its own loop; each example's keys are sent to it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.steps: asyncio.Queue[tuple[Callable[[Pilot], Awaitable[Any]] | None, Any]]
        self.steps = asyncio.Queue()
        self.task = self.loop.create_task(self._drive())

    async def _drive(self) -> None:
        async with Host().run_test() as pilot:
            while True:
                step, done = await self.steps.get()
                if step is None:
                    return
                try:
                    done.set_result(await step(pilot))
                except BaseException as exc:
                    done.set_exception(exc)

    def run(self, step: Callable[[Pilot], Awaitable[Any]]) -> Any:
        done = self.loop.create_future()
        self.steps.put_nowait((step, done))
        return self.loop.run_until_complete(asyncio.wait_for(done, 60))

    def stop(self) -> None:
        self.steps.put_nowait((None, None))
        self.loop.run_until_complete(asyncio.wait_for(self.task, 30))
        self.loop.close()


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    running = Driver()
    yield running
    running.stop()


def fresh(pilot: Pilot) -> NotesEditor:
    notes = pilot.app.query_one(NotesEditor)
    notes.load_text("")  # and a new undo history
    notes.focus()
    return notes


def at_end(notes: NotesEditor) -> bool:
    return notes.cursor_location == notes.document.end


@given(st.lists(st.sampled_from(CHARACTERS), max_size=30))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_typing_gives_the_text_acw_expand_gives(driver: Driver, chars: list[str]) -> None:
    async def type_them(pilot: Pilot) -> str:
        notes = fresh(pilot)
        await pilot.press(*[KEY_NAMES.get(char, char) for char in chars])
        await pilot.pause()
        return notes.text

    assert driver.run(type_them) == expand_text("".join(chars), GUIDE).text


@given(KEYS)
@example(["c", "x", " ", "ctrl+z", "ctrl+z", "ctrl+y", "o", "k"])  # the space was left behind
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_undo_and_redo_give_back_a_text_seen_before_with_the_cursor_after_it(
    driver: Driver, keys: list[str]
) -> None:
    async def type_them(pilot: Pilot) -> None:
        notes = fresh(pilot)
        seen = {""}
        for key in keys:
            before = notes.text
            await pilot.press(KEY_NAMES.get(key, key))
            if key in ("ctrl+z", "ctrl+y"):
                assert notes.text in seen, (keys, key, before, notes.text)
                assert at_end(notes), (keys, key, notes.text, notes.cursor_location)
            elif key not in UNDO_KEYS:
                seen.add(before + key)  # as typed, before a delimiter expanded it
            seen.add(notes.text)

    driver.run(type_them)


async def test_a_semicolon_then_a_pause_then_a_delimiter_is_kept() -> None:
    """`;` is a delimiter and is kept; as the sigil it only acts on a token after it."""
    app = Host()
    async with app.run_test() as pilot:
        notes = app.query_one(NotesEditor)
        for key in ["c", "a", "l", "l", "e", "d", "semicolon", "space", "o", "k"]:
            await pilot.press(key)
            await pilot.pause(0.1)
        assert notes.text == "called; ok" == expand_text("called; ok", GUIDE).text
        notes.load_text("")
        for key in [
            "c",
            "x",
            "semicolon",
            "semicolon",
            "space",
            "x",
            "semicolon",
            "c",
            "x",
            "space",
        ]:
            await pilot.press(key)
            await pilot.pause(0.05)
        assert notes.text == expand_text("cx;; x;cx ", GUIDE).text == "customer;; xcustomer "
