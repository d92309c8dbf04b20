"""A model-based test of the agent's screen: Hypothesis picks random sequences of what
an agent, the phone system and the machine do (hooks from another connection, F2,
typing plain text, shorthand and card numbers, backspace, undo, escape, every screen
key and back, codes, finishing, extending, breaks, quitting and starting again, the
store turning read-only or locked and back, time passing) and drives the real AcwApp
with Pilot over a real SQLite file. After every step it checks what must always hold:

- the app is running and nothing unexpected was raised;
- every wrap-up opened exists once, pending, done or discarded;
- what was typed into a wrap-up is in memory, in its draft, or in its final note;
- what another acw window typed and left (it closed or died) reaches the final note,
  unless this window took that draft up and went on from it;
- the agent is in ACW exactly when a wrap-up's ACW clock runs;
- no raw card number is in any file under ACW_HOME.

`make test` runs a seeded, bounded number of examples; ACW_MODEL_EXAMPLES runs more.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from textual.pilot import Pilot

from acw_tui.core.clock import ManualClock
from acw_tui.core.model import AgentStateName
from acw_tui.core.redaction import redact
from acw_tui.service.desk import Desk, DeskError, DraftContent, FinishRequest
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp
from acw_tui.tui.screens.acw import AcwScreen
from tests.tui.conftest import settle

EXAMPLES = int(os.environ.get("ACW_MODEL_EXAMPLES", "5"))
STEPS = int(os.environ.get("ACW_MODEL_STEPS", "25"))
CARD = "4111 1111 1111 1111"
RAW_CARDS = (b"4111111111111111", CARD.encode())
TEXTS = st.sampled_from(
    [
        "cx called about a refund ",
        "w/ billing ",
        "acct updated. ",
        f"paid {CARD} ",
        "order number 4000123",  # a number typed last, then left: kept as typed
        "ok",
    ]
)
SCREEN_KEYS = st.sampled_from(["f3", "f4", "f6", "f7", "f12", "f1"])
CONFIG = """agent_id = "ana"
site_id = "site-1"
[acw]
timeout_seconds = 120
extend_seconds = 30
max_extensions = 2
"""


class AppDriver:
    """Runs one AcwApp under Pilot in its own event loop; steps are sent to it one by
    one, so the app's test context lives in a single task from start to quit."""

    def __init__(self, app: AcwApp, loop: asyncio.AbstractEventLoop) -> None:
        self.app = app
        self.loop = loop
        self.steps: asyncio.Queue[tuple[Callable[[Pilot], Awaitable[Any]], asyncio.Future[Any]]]
        self.steps = asyncio.Queue()
        self.task = loop.create_task(self._drive())

    async def _drive(self) -> None:
        async with self.app.run_test(size=(120, 40)) as pilot:
            while True:
                step, done = await self.steps.get()
                try:
                    done.set_result(await step(pilot))
                except BaseException as exc:
                    done.set_exception(exc)
                if step is _stop:
                    return

    def run(self, step: Callable[[Pilot], Awaitable[Any]]) -> Any:
        done: asyncio.Future[Any] = self.loop.create_future()
        self.steps.put_nowait((step, done))
        return self.loop.run_until_complete(asyncio.wait_for(done, 60))

    def stop(self) -> None:
        if self.task.done():
            return  # quit already (a check that failed right after a quit stops here)
        self.run(_stop)
        self.loop.run_until_complete(asyncio.wait_for(self.task, 30))


async def _stop(pilot: Pilot) -> None:
    await pilot.app.action_quit()  # type: ignore[attr-defined]


class ScreenMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.home = Path(tempfile.mkdtemp(prefix="acw-model-"))
        self.saved_env = os.environ.get("ACW_HOME")
        os.environ["ACW_HOME"] = str(self.home)
        (self.home / "config.toml").write_text(CONFIG, encoding="utf-8")
        self.clock = ManualClock()
        self.config = load_config(self.home / "config.toml")
        self.hook = Desk(open_store(self.home / "acw.db"), self.config, self.clock)
        self.loop = asyncio.new_event_loop()
        self.calls = 0
        self.opened: set[str] = set()
        self.typed: dict[str, str] = {}  # wrap-up id -> editor text last seen
        # Drafts another acw window saved and left: wrap-up id -> their text (redacted),
        # and the wrap-ups whose draft this app's screen took up (showed and went on from).
        self.left_elsewhere: dict[str, str] = {}
        self.taken_up: set[str] = set()
        self.read_only = False
        self.locker: sqlite3.Connection | None = None
        self.driver = self._start()

    def _start(self) -> AppDriver:
        store = open_store(self.home / "acw.db")
        # A short busy timeout so a locked store shows up within a step (the screen's
        # writes wait on their own thread either way).
        store.conn.execute("PRAGMA busy_timeout = 300")
        desk = Desk(store, self.config, self.clock).claim_screen()  # as `acw` does
        app = AcwApp(desk, crash_folder=self.home / "crash")
        driver = AppDriver(app, self.loop)
        driver.run(settle)
        return driver

    @property
    def app(self) -> AcwApp:
        return self.driver.app

    def step(self, action: Callable[[Pilot], Awaitable[Any]]) -> None:
        async def then_settle(pilot: Pilot) -> None:
            await action(pilot)
            await settle(pilot)
            self._note_editor()

        self.driver.run(then_settle)

    def _note_editor(self) -> None:
        for screen in self.app.screen_stack:
            if isinstance(screen, AcwScreen) and screen.is_mounted:
                self.typed[screen.wrapup.id] = screen.notes.text
                left = self.left_elsewhere.get(screen.wrapup.id)
                if left is not None and screen.notes.text.startswith(left):
                    self.taken_up.add(screen.wrapup.id)

    def _drafts(self, wrapup_id: str) -> dict[int, str]:
        """Every acw window's draft of the wrap-up: screen number -> note."""
        rows = self.hook.store.rows(
            "SELECT screen, note FROM drafts WHERE wrapup_id = ?", [wrapup_id]
        )
        return {r["screen"]: r["note"] for r in rows}

    def teardown(self) -> None:
        try:
            self._unlock()
            if self.read_only:
                self.app.desk.store.conn.execute("PRAGMA query_only = OFF")
            self.driver.stop()
            self.app.desk.screens.release()
        finally:
            self.hook.close()
            self.loop.close()
            if self.saved_env is None:
                os.environ.pop("ACW_HOME", None)
            else:
                os.environ["ACW_HOME"] = self.saved_env
            shutil.rmtree(self.home, ignore_errors=True)

    @initialize()
    def a_call_has_just_ended(self) -> None:
        """Most of a shift is spent in a wrap-up: start in one."""
        self.hook_call_ended()

    # -- the phone system -----------------------------------------------------------------

    def _hook(self, call: Callable[[], Any]) -> None:
        try:
            wrapup = call()
        except DeskError:
            return  # a locked or read-only moment: the hook process reports it and exits
        if wrapup is not None and hasattr(wrapup, "call"):
            self.opened.add(wrapup.id)

    @precondition(lambda self: self.locker is None)
    @rule()
    def hook_call_ended(self) -> None:
        self.calls += 1
        self._hook(lambda: self.hook.call_ended(f"PBX-{self.calls}", queue="billing"))
        self.step(lambda pilot: pilot.pause(0.6))  # the screen's watch picks it up

    @precondition(lambda self: self.locker is None)
    @rule()
    def hook_call_started(self) -> None:
        self.calls += 1
        self._hook(lambda: self.hook.call_started(f"PBX-{self.calls}"))
        self.step(lambda pilot: pilot.pause(0.6))

    @precondition(lambda self: self.locker is None)
    @rule()
    def another_window_finishes_a_wrapup(self) -> None:
        """A second acw on the same store finishes a wrap-up, the one on screen if any."""
        shown = [s.wrapup.id for s in self.app.screen_stack if isinstance(s, AcwScreen)]
        pending = self.hook.pending()
        chosen = next((w for w in pending if w.id in shown), pending[0] if pending else None)
        if chosen is None:
            return
        try:
            self.hook.finish(chosen, FinishRequest(note="finished in the other window"))
        except DeskError:
            return  # this app finished it first, or the store was busy: nothing changed
        self.step(lambda pilot: pilot.pause(0.6))  # the screen's watch picks it up

    @precondition(lambda self: self.locker is None)
    @rule(text=TEXTS)
    def another_window_types_and_closes(self, text: str) -> None:
        """A second acw on the same store types into a pending wrap-up, the one on
        screen if any, and is closed (or killed) with it still pending."""
        shown = [s.wrapup.id for s in self.app.screen_stack if isinstance(s, AcwScreen)]
        pending = self.hook.pending()
        chosen = next((w for w in pending if w.id in shown), pending[-1] if pending else None)
        if chosen is None:
            return
        other = Desk(open_store(self.home / "acw.db"), self.config, self.clock).claim_screen()
        try:
            other.save_draft(chosen, DraftContent(text, None, (), None))
        except DeskError:
            return  # the store was busy: nothing was saved
        finally:
            other.close()  # its screen number is free again, as after kill -9
        self.left_elsewhere[chosen.id] = redact(text).text
        self.taken_up.discard(chosen.id)
        self.step(lambda pilot: pilot.pause(0.6))

    # -- the agent ------------------------------------------------------------------------

    @rule()
    def press_f2(self) -> None:
        before = {w.id for w in self.app.desk.pending()}
        self.step(lambda pilot: pilot.press("f2"))
        self.opened |= {w.id for w in self.app.desk.pending()} - before

    @rule(text=TEXTS)
    def type_text(self, text: str) -> None:
        keys = ["space" if c == " " else c for c in text]
        self.step(lambda pilot: pilot.press(*keys))

    @rule(key=st.sampled_from(["backspace", "ctrl+z", "escape", "ctrl+s", "enter"]))
    def press(self, key: str) -> None:
        self.step(lambda pilot: pilot.press(key))

    @rule(key=SCREEN_KEYS)
    def visit_screen_and_back(self, key: str) -> None:
        async def visit(pilot: Pilot) -> None:
            await pilot.press(key)
            await pilot.pause(0.2)
            await pilot.press("escape")

        self.step(visit)

    @rule()
    def pick_a_code(self) -> None:
        async def pick(pilot: Pilot) -> None:
            await pilot.press("f10")
            await pilot.pause(0.1)
            await pilot.press("c", "o", "m", "p", "l", "enter")

        self.step(pick)

    @rule(reason=st.booleans())
    def extend(self, reason: bool) -> None:
        async def extend(pilot: Pilot) -> None:
            await pilot.press("f8")
            await pilot.pause(0.1)
            if reason:
                await pilot.press("l", "o", "n", "g", "enter")
            else:
                await pilot.press("escape")

        self.step(extend)

    @rule()
    def break_key(self) -> None:
        self.step(lambda pilot: pilot.press("f9"))

    @rule(seconds=st.sampled_from([1, 30, 130]))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds)
        self.step(lambda pilot: pilot.pause(1.1))

    @precondition(lambda self: not self.read_only and self.locker is None)
    @rule()
    def quit_and_start_again(self) -> None:
        self.driver.stop()
        screen = self.app.desk.screens.number
        self.app.desk.screens.release()
        self._note_drafts_after_quit(screen)
        self.driver = self._start()
        # The new window may start from a draft another window left (it takes it up):
        # that is what its screen now holds.
        self._note_editor()

    def _note_drafts_after_quit(self, screen: int) -> None:
        for wrapup_id, text in self.typed.items():
            own = self._drafts(wrapup_id).get(screen)
            if own is not None:
                assert own == redact(text).text, "quitting lost or altered a draft"

    # -- the machine under it ---------------------------------------------------------------

    @precondition(lambda self: not self.read_only)
    @rule()
    def store_turns_read_only(self) -> None:
        self.app.desk.store.conn.execute("PRAGMA query_only = ON")
        self.read_only = True

    @precondition(lambda self: self.read_only)
    @rule()
    def store_writable_again(self) -> None:
        self.app.desk.store.conn.execute("PRAGMA query_only = OFF")
        self.read_only = False
        self.step(lambda pilot: pilot.pause(0.6))

    @precondition(lambda self: self.locker is None)
    @rule()
    def another_program_locks_the_store(self) -> None:
        self.locker = sqlite3.connect(self.home / "acw.db", isolation_level=None)
        self.locker.execute("BEGIN EXCLUSIVE")

    @precondition(lambda self: self.locker is not None)
    @rule()
    def the_lock_is_released(self) -> None:
        self._unlock()
        self.step(lambda pilot: pilot.pause(0.6))

    def _unlock(self) -> None:
        if self.locker is not None:
            self.locker.execute("ROLLBACK")
            self.locker.close()
            self.locker = None

    # -- what must always hold --------------------------------------------------------------

    @invariant()
    def the_app_runs_and_raised_nothing_unexpected(self) -> None:
        assert self.app.is_running
        assert self.app.unexpected == [], self.app.crash_reports

    @invariant()
    def every_wrapup_opened_exists_once(self) -> None:
        if self.locker is not None:
            return
        rows = self.hook.store.rows("SELECT id, call_id, status FROM wrapups")
        ids = [r["id"] for r in rows]
        assert len(ids) == len(set(ids))
        calls = [r["call_id"] for r in rows]
        assert len(calls) == len(set(calls)), "a call has two wrap-ups"
        assert self.opened <= set(ids)

    @invariant()
    def what_was_typed_is_kept(self) -> None:
        if self.locker is not None:
            return
        keeper = self.app.drafts
        # Wrap-ups another window closed that a screen here still shows (and says so).
        shown = {
            s.wrapup.id
            for s in self.app.screen_stack
            if isinstance(s, AcwScreen) and not s.wrapup.is_open
        }
        for wrapup_id, text in self.typed.items():
            if not text:
                continue
            wrapup = self.hook.wrapup(wrapup_id)
            expected = redact(text).text
            if wrapup.status == "done":
                held = keeper.get(wrapup_id)
                if held is not None:  # finished elsewhere, the newest text not stored yet
                    assert held.note == text, f"typed {text!r}, kept {held.note!r}"
                    continue
                if wrapup_id in shown:  # finished elsewhere, still on this screen: a draft
                    own = self._drafts(wrapup_id).get(self.app.desk.screens.number)
                    assert own == expected, f"typed {text!r}, this window's draft {own!r}"
                    continue
                # Added as a paragraph of its own (so without its trailing space), before
                # or after what other windows left, in whichever order they were stored.
                assert expected.strip() in wrapup.note, f"typed {text!r}, stored {wrapup.note!r}"
                continue
            if wrapup.status == "discarded":
                continue
            held = keeper.get(wrapup_id)
            if held is not None:  # the store refused it: kept in memory, retried
                assert held.note == text, f"typed {text!r}, kept {held.note!r}"
            else:  # this window's draft, or the draft it showed and left unchanged
                drafts = self._drafts(wrapup_id)
                assert expected in drafts.values(), f"typed {text!r}, stored {drafts!r}"

    @invariant()
    def what_another_window_left_reaches_the_note(self) -> None:
        if self.locker is not None or self.read_only:
            return  # this window cannot write: it adds the text once it can
        held = {s.wrapup.id for s in self.app.screen_stack if isinstance(s, AcwScreen)}
        for wrapup_id, text in self.left_elsewhere.items():
            wrapup = self.hook.wrapup(wrapup_id)
            if wrapup.is_open or not text.strip() or wrapup_id in self.taken_up:
                continue
            if wrapup_id in held or self.app.drafts.get(wrapup_id) is not None:
                continue  # this window still holds text of its own for it
            assert text.strip() in wrapup.note, (
                f"another window left {text!r}; stored {wrapup.note!r}"
            )
        left = self.hook.store.rows(
            "SELECT d.wrapup_id FROM drafts d JOIN wrapups w ON w.id = d.wrapup_id "
            "WHERE w.status != 'open' AND d.screen != ?",
            [self.app.desk.screens.number],
        )
        assert left == [], f"drafts of closed wrap-ups left behind: {left}"

    @invariant()
    def the_agent_is_in_acw_exactly_while_a_clock_runs(self) -> None:
        if self.locker is not None:
            return
        state = self.hook.current_state()
        running = self.hook.acw_running()
        if state is None or state.state is AgentStateName.LOGGED_OUT:
            return
        if state.state is AgentStateName.ACW:
            assert running, "in ACW with no wrap-up timing"
        if running:
            assert state.state in (AgentStateName.ACW, AgentStateName.ON_CALL), state

    @invariant()
    def no_raw_card_number_in_any_file(self) -> None:
        for path in self.home.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                assert not any(card in data for card in RAW_CARDS), path


ScreenMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
# Each example is a few seconds to a minute of real screen time (pauses for the watch).
test_screen_model = pytest.mark.timeout(max(600, EXAMPLES * 90))(ScreenMachine.TestCase)
