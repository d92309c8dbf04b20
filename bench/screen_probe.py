"""The agent's hands: keys and pastes delivered to a running app, as Pilot delivers them.

`python -m bench.screen_probe keystroke acw|floor|replica KEYS` runs one typing
session in a new process and prints its samples as JSON; `finish ROUNDS` runs
finishing rounds; `finish-replica ROUNDS` the same rounds on the screens rebuilt from
Textual's own widgets, for reference. The app is acw's own (`AcwApp` over `Desk.open`,
as a bare `acw` builds it) with the ACW_HOME the benchmark made; the floor is a bare
`TextArea` app; the replica (`bench/screen_replica.py`) is the ACW screen rebuilt from
Textual's widgets with no acw code, typed into at its notes. Keys go in through
`Pilot.press` (the driver's path: an `events.Key` sent to the app, then routed to the
focused widget with everything the screen hooks to it); a pasted note through an
`events.Paste` posted to the app, as a terminal's bracketed paste arrives.

Each probe also prints what it saw happen (expansions made, redaction marks found,
rows stored), so `tests/unit/test_bench_probes.py` can check it exercises the path it
names without timing anything.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import TextArea

SIZE = (120, 40)

# Typed as an agent would: shorthand, a card number read out by the customer, pauses
# at the end of each line (the agent thinks; the redaction scan and preview run then).
NOTE = (
    "Cx cld abt pwd rst, id&v ok. snt reset link via eml. cx cnfd lgn ok w/ new pwd.\n"
    "cx paid w/ card 4111 1111 1111 1111 cvv 123, rfd pndg.\n"
    "cb tmrw am re dchg on last inv; fin to rvw. nfa tdy.\n"
)
# Typed at the end of a long note.
TAIL = "cx asked abt the rfd again, adv 3-5 days. "
# A pasted call transcript, to make long notes.
TRANSCRIPT_LINE = (
    "Agent: thank you for calling, how can I help? Customer: I was charged twice for "
    "order 123 on 15.01.2024 and want the second charge refunded please.\n"
)
KEY_INTERVAL = 0.1  # 10 keys a second: a fast typist's burst
LINE_PAUSE = 0.4  # longer than the redaction pause (0.3 s) and the preview delay (0.2 s)
NOTE_SIZES = (1_000, 10_000, 100_000)


def key_event(char: str) -> events.Key:
    """The key event a terminal driver makes of a typed character (Enter for a newline)."""
    if char == "\n":
        return events.Key("enter", "\r")
    if char.isalnum():
        return events.Key(char, char)
    return events.Key(unicodedata.name(char).lower().replace("-", "_").replace(" ", "_"), char)


def transcript(chars: int) -> str:
    return (TRANSCRIPT_LINE * (chars // len(TRANSCRIPT_LINE) + 1))[:chars]


async def wait_until(pilot: Pilot[Any], ready: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await pilot.pause(0.02)


async def type_text(pilot: Pilot[Any], text: str) -> list[tuple[float, float]]:
    """Type `text` at an agent's pace; (CPU, wall) seconds of the process per key.

    Each key is posted to the app as the terminal driver posts it, then the agent's
    hand takes KEY_INTERVAL before the next. The CPU time of that interval is the key's
    cost: its handlers and repaint, and whatever else the app did meanwhile (timers,
    draft saves on the store thread). Pilot's `press` is not used: after each key it
    sends a callback through every widget of the screen and waits for each, work that
    grows with the number of widgets and that no terminal does.
    """
    samples = []
    for char in text:
        cpu, wall = time.process_time(), time.perf_counter()
        pilot.app.post_message(key_event(char))
        await asyncio.sleep(KEY_INTERVAL)
        samples.append((time.process_time() - cpu, time.perf_counter() - wall))
        if char == "\n":
            await pilot.pause(LINE_PAUSE)
    return samples


async def paste(pilot: Pilot[Any], text: str) -> None:
    pilot.app.post_message(events.Paste(text))
    await pilot.pause(LINE_PAUSE * 2)  # the paste's scan and preview, untimed


class Floor(App[None]):
    """The floor: a bare TextArea with the notes editor's settings, focused."""

    def compose(self) -> ComposeResult:
        yield TextArea(soft_wrap=True, tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()


def open_acw() -> Any:
    """acw's app as a bare `acw` makes it (config and store from ACW_HOME)."""
    from acw_tui.service.desk import Desk
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file
    from acw_tui.tui.app import AcwApp

    return AcwApp(Desk.open(load_config(), database_file()))


def hook_desk() -> Any:
    """A second Desk on the same store, as the phone hook (`acw call-ended`) opens it."""
    from acw_tui.service.desk import Desk
    from acw_tui.settings.config import load_config
    from acw_tui.settings.paths import database_file

    return Desk.open(load_config(), database_file())


def acw_screen_ready(app: Any, wrapup_id: str | None = None) -> bool:
    """The ACW screen with its form and guide loaded and the notes editor focused."""
    from acw_tui.tui.screens.acw import AcwScreen

    screen = app.screen
    return (
        isinstance(screen, AcwScreen)
        and (wrapup_id is None or screen.wrapup_id == wrapup_id)
        and bool(screen.query("#wrapup-panel #template-form"))
        and bool(screen.query("#note-preview"))
        and bool(screen.notes.guide.entries)
        and app.focused is screen.notes
    )


# -- keystrokes ----------------------------------------------------------------------------


async def keystroke_session(
    kind: str, keys: int, sizes: tuple[int, ...], tail_keys: int
) -> dict[str, Any]:
    """Type NOTE (cut to `keys` characters), then `tail_keys` more at the end of a note
    grown by pasting to each of `sizes`; samples per phase and what was seen to happen."""
    typed = (NOTE * (keys // len(NOTE) + 1))[:keys]
    tail = (TAIL * (tail_keys // len(TAIL) + 1))[:tail_keys]
    seen: dict[str, Any] = {}
    if kind == "acw":
        hook = hook_desk()
        hook.call_ended("KEYS-1", queue="billing")
        hook.close()
        app = open_acw()
    elif kind == "replica":
        from bench.screen_replica import StartReplica

        app = StartReplica(lambda _app, _screen: None)
    else:
        app = Floor()
    phases: dict[str, list[tuple[float, float]]] = {}
    async with app.run_test(size=SIZE) as pilot:
        if kind == "acw":
            await wait_until(pilot, lambda: acw_screen_ready(app))
            area = app.screen.notes
        else:
            await wait_until(pilot, lambda: isinstance(app.focused, TextArea))
            area: Any = app.focused
        await pilot.pause(0.2)
        await type_text(pilot, "warm up ")  # first-key costs (glyph caches) outside
        phases["typing"] = await type_text(pilot, typed)
        if kind == "acw":
            screen = app.screen
            await pilot.pause(LINE_PAUSE)
            seen = {
                "expansions": sum(row.used for row in screen.notes.usage.rows()),
                "customer_in_note": "customer" in area.text.lower(),
                "redaction_marks": [span.kind for span in screen.redaction_marks.spans],
                "preview_rendered": "customer" in (screen.note_form.notes or "").lower(),
                "guide_entries": len(screen.notes.guide.entries),
            }
        for size in sizes:
            grow = size - len(area.text)
            if grow > 0:
                await paste(pilot, transcript(grow))
            phases[str(size)] = await type_text(pilot, tail)
        seen["final_length"] = len(area.text)
    return {"phases": phases, "seen": seen}


# -- finishing -------------------------------------------------------------------------------

FINISH_NOTE = "cx cld re dbl chg, card 4111 1111 1111 1111 rfd ok. cb tmrw.\n"


def floor_commit(path: str, n: int) -> float:
    """One raw sqlite3 insert + commit with acw's pragmas; wall seconds."""
    from acw_tui.store.database import PRAGMAS

    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.execute(
        "CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, note TEXT, fields TEXT, "
        "acw_seconds REAL, finished_at TEXT)"
    )
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO notes VALUES (?, ?, ?, ?, ?)",
        (f"id-{n}", FINISH_NOTE, '{"follow_up_owner": "ana"}', 42.0, "2026-01-01T00:00:00Z"),
    )
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


async def finish_session(rounds: int, floor_db: str) -> dict[str, Any]:
    """Rounds of: a call ends (hook), the agent types a note on the callback form, then
    ctrl+s, timed until the first frame painted once the ready screen says the agent is
    ready and every write is done; each round followed by the floor's insert + commit."""
    from acw_tui.service.desk import DraftContent
    from acw_tui.tui.screens.ready import ReadyScreen

    app = open_acw()
    acw: list[tuple[float, float]] = []
    floor: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReadyScreen))
        for n in range(rounds + 1):  # the first round warms up, untimed
            hook = hook_desk()
            wrapup = hook.call_ended(f"FIN-{n}", queue="billing")
            due = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d 10:00")
            hook.save_draft(
                wrapup,
                DraftContent(
                    "",
                    {
                        "reason": "double charge",
                        "outcome": "Pending",
                        "follow_up_at": due,
                        "follow_up_owner": "ana",
                    },
                    ("callback",),
                    "general-inquiry",
                ),
            )
            hook.close()
            await wait_until(pilot, lambda w=wrapup.id: acw_screen_ready(app, w))
            await type_text(pilot, FINISH_NOTE)
            await pilot.pause(0.6)  # the draft saves meanwhile, as it does while typing
            await app.calls.settled()
            cpu, wall = time.process_time(), time.perf_counter()
            app.post_message(events.Key("ctrl+s", None))
            cpu_then, wall_then = await painted_ready(app)
            sample = (cpu_then - cpu, wall_then - wall)
            if n:
                acw.append(sample)
                floor.append(floor_commit(floor_db, n))
    seen = stored_after_finish()
    return {"acw": acw, "floor": floor, "seen": seen}


async def painted_ready(app: Any, timeout: float = 30) -> tuple[float, float]:
    """The CPU and wall clocks right after the first refresh at which the ready screen
    says Ready and no write is in flight: the frame painted then shows it."""
    from acw_tui.tui.screens.ready import ReadyScreen

    return await first_paint_when(
        app, ReadyScreen, lambda: shows_ready(app) and not app.calls.busy, timeout
    )


async def first_paint_when(
    app: Any, screen_type: type, done: Callable[[], bool], timeout: float = 30
) -> tuple[float, float]:
    """The CPU and wall clocks right after the first refresh of a `screen_type` screen
    on top at which `done()` holds.

    Asked the moment such a screen comes back on top (the app's public screen-change
    signal), so the first frame it paints counts; asked again each 0.5 ms until then, or
    while `done()` does not hold yet. (Waiting for the writes first and only then for a
    refresh counted a later frame, painted 20-30 ms after the one that already said
    Ready.)
    """
    seen = asyncio.Event()
    asked = False
    clocks = (0.0, 0.0)

    def look() -> None:
        nonlocal asked, clocks
        asked = False
        if done():
            clocks = (time.process_time(), time.perf_counter())
            seen.set()

    def ask(_screen: object = None) -> None:
        nonlocal asked
        screen = app.screen
        if not asked and not seen.is_set() and isinstance(screen, screen_type):
            asked = True
            screen.call_after_refresh(look)  # in its own queue, right after its resume

    deadline = time.monotonic() + timeout
    app.screen_change_signal.subscribe(app, ask, immediate=True)
    try:
        while not seen.is_set():
            if time.monotonic() > deadline:
                status = app.screen.query("#acw-status")  # why a finish was refused
                shown = status.first().render() if status else repr(app.screen)
                raise TimeoutError(f"not back to ready: {shown}")
            ask()
            await asyncio.sleep(0.0005)
    finally:
        app.screen_change_signal.unsubscribe(app)
    return clocks


def shows_ready(app: Any) -> bool:
    """The ready screen on top, saying the agent is ready (it says "After-call work"
    until it has read the finish)."""
    from acw_tui.tui.screens.ready import ReadyScreen

    screen = app.screen
    return (
        isinstance(screen, ReadyScreen)
        and screen.is_mounted
        and screen.query_one("#ready-state").has_class("-ready")
    )


def stored_after_finish() -> dict[str, Any]:
    from acw_tui.settings.paths import database_file

    conn = sqlite3.connect(database_file())
    try:
        count = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("followups", "shorthand_usage", "redaction_audit")
        }
        count["done"] = conn.execute(
            "SELECT COUNT(*) FROM wrapups WHERE status = 'done' AND note LIKE '%CARD ****1111%'"
        ).fetchone()[0]
    finally:
        conn.close()
    return count


def main() -> None:
    what = sys.argv[1]
    if what == "keystroke":
        kind, keys, sizes, tail_keys = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        out = asyncio.run(
            keystroke_session(
                kind, keys, tuple(int(s) for s in sizes.split(",") if s), int(tail_keys)
            )
        )
    elif what == "finish":
        out = asyncio.run(finish_session(int(sys.argv[2]), sys.argv[3]))
    elif what == "finish-replica":
        from bench.screen_replica import finish_walls

        out = {"replica": finish_walls(int(sys.argv[2]), sys.argv[3], FINISH_NOTE)}
    else:
        raise SystemExit(f"unknown probe {what!r}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
