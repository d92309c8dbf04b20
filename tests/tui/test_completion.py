"""Typing less in the notes editor, driven by Pilot: ghost-text completion, fill-ins
in guide entries (with a frozen clock) and coaching."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Label

from acw_tui.core.clock import ManualClock
from acw_tui.core.completion import CompletionModel
from acw_tui.core.redaction import redact
from acw_tui.core.shorthand import Entry, FillIns, Guide
from acw_tui.tui.widgets.notes_editor import NotesEditor

GUIDE = Guide.of(
    [
        Entry("cx", "customer"),
        Entry("nfa", "no further action"),
        Entry("cbt", "callback {tomorrow} {cursor}for {customer}"),
    ]
)
CLOCK = ManualClock(wall=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
HISTORY = [
    "Verified identity, sent confirmation by email.",
    "Customer called about a refund. Verified identity, sent confirmation by email.",
    "Checked the order. Verified identity, sent confirmation by email.",
]
KEYS = {" ": "space", ",": "comma", ".": "full_stop", "\n": "enter"}


def trained(*notes: str) -> CompletionModel:
    model = CompletionModel()
    for note in notes:
        model.learn(note)
    return model


class EditorApp(App[None]):
    def __init__(
        self,
        model: CompletionModel | None,
        coaching: bool = True,
        undone: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        super().__init__()
        self.model = model
        self.undone = undone
        self.coaching = coaching
        self.hints: list[str] = []

    def compose(self) -> ComposeResult:
        yield NotesEditor(
            id="notes",
            guide=GUIDE,
            completion_source=(lambda guide, pace: self.model) if self.model else None,
            coaching=self.coaching,
            fill_ins=lambda: FillIns(CLOCK, customer="CU-77", agent="ana"),
            undo_source=(lambda: self.undone or {}) if self.undone else None,
        )
        yield Label("", id="hint")

    def on_mount(self) -> None:
        editor = self.query_one(NotesEditor)
        editor.focus()
        self.watch(editor, "hint", self.hint, init=False)

    def hint(self, hint: str) -> None:
        self.hints.append(hint)


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*[KEYS.get(char, char) for char in text])


async def ready(pilot, app: EditorApp) -> NotesEditor:  # type: ignore[no-untyped-def]
    editor = app.query_one(NotesEditor)
    for _ in range(100):
        if editor.ghost.model is not None or app.model is None:
            break
        await pilot.pause(0.02)
    return editor


async def test_a_suggestion_appears_and_tab_accepts_the_phrase() -> None:
    app = EditorApp(trained(*HISTORY))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Ver")
        assert editor.suggestion == "ified identity, sent confirmation by email."
        await pilot.press("tab")
        assert editor.text == "Verified identity, sent confirmation by email."
        assert editor.has_focus  # Tab accepted; it did not move the focus
        assert editor.usage.keys_pressed == 4


async def test_right_arrow_accepts_and_ctrl_right_takes_one_word() -> None:
    app = EditorApp(trained(*HISTORY))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Ver")
        await pilot.press("ctrl+right")
        assert editor.text == "Verified"
        assert editor.suggestion == " identity, sent confirmation by email."
        await pilot.press("ctrl+right", "ctrl+right")
        assert editor.text == "Verified identity,"
        await pilot.press("right")
        assert editor.text == "Verified identity, sent confirmation by email."


async def test_typing_on_ignores_the_suggestion() -> None:
    app = EditorApp(trained(*HISTORY))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Verified identity, called back")
        assert editor.text == "Verified identity, called back"
        assert "confirmation" not in editor.suggestion


async def test_undo_after_accepting_restores_what_was_typed() -> None:
    app = EditorApp(trained(*HISTORY))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Ver")
        await pilot.press("tab")
        await pilot.press("ctrl+z")
        assert editor.text == "Ver"


async def test_no_suggestion_in_the_middle_of_a_line() -> None:
    app = EditorApp(trained(*HISTORY))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Ver x")
        await pilot.press("left", "left")
        assert editor.suggestion == ""
        await pilot.press("tab")  # no suggestion: Tab moves the focus on as usual
        assert editor.text == "Ver x"


async def test_never_suggests_a_card_number() -> None:
    card = "4111 1111 1111 1111"
    notes = [redact(f"Customer paid with card {card} today.").text for _ in range(3)]
    assert all(card not in note for note in notes)
    app = EditorApp(trained(*notes))
    async with app.run_test() as pilot:
        editor = await ready(pilot, app)
        await type_text(pilot, "Customer paid with card ")
        assert "4111" not in editor.suggestion and "****" not in editor.suggestion
        await type_text(pilot, "4")
        assert editor.suggestion == ""


async def test_coaching_names_the_abbreviation_for_a_phrase_typed_in_full() -> None:
    app = EditorApp(None)
    async with app.run_test() as pilot:
        await type_text(pilot, "no further action ")
        await pilot.pause()
        assert "tip: nfa → no further action would have saved 14 keys" in app.hints


async def test_coaching_can_be_switched_off() -> None:
    app = EditorApp(None, coaching=False)
    async with app.run_test() as pilot:
        await type_text(pilot, "no further action ")
        await pilot.pause()
        assert not any(h.startswith("tip:") for h in app.hints)


async def test_fill_ins_expand_with_the_frozen_clock_and_typing_goes_on_at_the_mark() -> None:
    app = EditorApp(None)
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        await type_text(pilot, "cbt ")
        assert editor.text == "callback 2026-01-06 for CU-77 "
        await type_text(pilot, "am ")
        assert editor.text == "callback 2026-01-06 am for CU-77 "


async def test_backspace_right_after_a_fill_in_expansion_restores_what_was_typed() -> None:
    app = EditorApp(None)
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        await type_text(pilot, "cbt ")
        await pilot.press("backspace")
        assert editor.text == "cbt "


async def test_the_hint_tells_the_agent_about_an_entry_they_keep_undoing() -> None:
    app = EditorApp(None, undone={"cx": (4, 6)})
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        for _ in range(100):
            if editor.often_undone:
                break
            await pilot.pause(0.02)
        await type_text(pilot, "cx")
        await pilot.pause()
        assert app.hints[-1] == (
            "cx → customer  (you undid it 4 of 6 times: type the word if you mean it)"
        )


async def test_the_screen_suggests_what_was_finished_before_and_stores_the_keys(
    make_app,  # type: ignore[no-untyped-def]
    hook,
) -> None:
    from acw_tui.tui.screens.ready import ReadyScreen
    from tests.tui.conftest import acw_open, wait_for
    from tests.tui.conftest import type_text as type_keys

    note = "Parcel held at the depot, customer will collect"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for number in range(2):
            hook.call_ended(f"PBX-{number}")
            await wait_for(pilot, acw_open(app, f"PBX-{number}"))
            await type_keys(pilot, note)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        rows = app.desk.store.conn.execute(
            "SELECT keys_pressed, final_chars FROM wrapups ORDER BY started_at"
        ).fetchall()
        assert [tuple(r) for r in rows] == [(len(note), len(note))] * 2

        hook.call_ended("PBX-9")
        await wait_for(pilot, acw_open(app, "PBX-9"))
        notes = app.screen.query_one(NotesEditor)
        await wait_for(pilot, lambda: notes.ghost.model is not None)
        await type_keys(pilot, "Parcel held at the d")
        assert notes.suggestion == "epot, customer will collect"
        await pilot.press("tab")
        assert notes.text == note


async def test_a_fill_in_entry_from_the_guide_panel_and_f5_are_filled_too() -> None:
    app = EditorApp(None)
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        editor.insert_entry(GUIDE.get("cbt"))  # type: ignore[arg-type]
        await type_text(pilot, "pm ")
        assert editor.text == "callback 2026-01-06 pm for CU-77"
        editor.load_text("then cbt ")
        editor.action_expand_note()
        assert editor.text == "then callback 2026-01-06 for CU-77 "


class TimedEditor(NotesEditor):
    """Notes when each key reaches the editor (before the editor's own handler)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_times: list[float] = []

    async def on_key(self, event: events.Key) -> None:
        self.key_times.append(time.monotonic())


class PacedApp(App[None]):
    """The editor's completion source records when each step of its build may run."""

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[float] = []

    def build(self, guide: Guide, pace) -> CompletionModel:  # type: ignore[no-untyped-def]
        for _ in range(3):
            pace()
            self.steps.append(time.monotonic())
        return trained(*HISTORY)

    def compose(self) -> ComposeResult:
        yield TimedEditor(id="notes", guide=GUIDE, completion_source=self.build)

    def on_mount(self) -> None:
        self.query_one(NotesEditor).focus()


async def test_the_model_is_built_only_while_the_agent_pauses(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import acw_tui.tui.widgets.notes_editor as notes_editor

    monkeypatch.setattr(notes_editor, "AIDS_AFTER", 0.1)
    app = PacedApp()
    async with app.run_test() as pilot:
        editor = app.query_one(TimedEditor)
        end = time.monotonic() + 1.0  # a second of typing, a key every 50 ms
        while time.monotonic() < end:
            await pilot.press("a")
            await pilot.pause(0.05)
        for _ in range(150):
            if editor.ghost.model is not None:
                break
            await pilot.pause(0.02)
        assert editor.ghost.model is not None
        assert len(app.steps) == 3
        assert len(editor.key_times) >= 5
        # Not one step ran while keys were coming: each waited for a pause of QUIET
        # after the last key before it. (A slow machine may leave such a pause in the
        # middle of the typing; a step may then run there.)
        for step in app.steps:
            before = [key for key in editor.key_times if key <= step]
            assert not before or step - max(before) >= notes_editor.QUIET - 0.02, (
                f"a step ran {step - max(before):.3f} s after a key"
            )


async def guide_loaded(pilot: Pilot[Any], editor: NotesEditor) -> None:
    """Wait (up to 3 s) for the editor's loading thread to hand the guide over."""
    for _ in range(150):
        if editor.guide.entries:
            return
        await pilot.pause(0.02)
    raise AssertionError("the guide was not loaded")


async def test_leaving_does_not_wait_for_the_aids_to_load(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Quitting (or finishing) right after the wrap-up opened: the loading thread stops
    with the editor instead of sleeping out AIDS_AFTER or a pause wait, which the
    process's exit would otherwise wait for."""
    import acw_tui.tui.widgets.notes_editor as notes_editor

    monkeypatch.setattr(notes_editor, "AIDS_AFTER", 30.0)
    returned = threading.Event()
    load = NotesEditor._load_guide

    def load_then_say(editor: NotesEditor) -> None:
        try:
            load(editor)
        finally:
            returned.set()

    monkeypatch.setattr(NotesEditor, "_load_guide", load_then_say)

    class GuidedApp(PacedApp):
        def compose(self) -> ComposeResult:
            yield NotesEditor(id="notes", guide_source=lambda: GUIDE, completion_source=self.build)

    app = GuidedApp()
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        await guide_loaded(pilot, editor)
    assert returned.wait(5.0), "the loading thread went on after the editor was gone"
    assert app.steps == []  # nothing was built for an editor no one sees


async def test_pasted_text_and_a_draft_from_an_earlier_run_are_not_counted_as_typed_savings(
    make_app,  # type: ignore[no-untyped-def]
    hook,
) -> None:
    """The "typed / final" figure weighs the agent's keys against what those keys
    wrote: a pasted transcript, or a draft restored after a restart (its keys were
    counted by no one), would otherwise show as minutes of typing saved."""
    from textual import events

    from acw_tui.tui.screens.ready import ReadyScreen
    from tests.tui.conftest import acw_open, wait_for
    from tests.tui.conftest import type_text as type_keys

    transcript = "Agent: hello. Customer: my parcel never came. " * 40
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-1")
        await wait_for(pilot, acw_open(app, "PBX-1"))
        app.post_message(events.Paste(transcript))
        await wait_for(pilot, lambda: transcript in app.screen.query_one(NotesEditor).text)
        await type_keys(pilot, " ok")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))

        hook.call_ended("PBX-2")
        await wait_for(pilot, acw_open(app, "PBX-2"))
        await type_keys(pilot, "half a note")
        await pilot.press("escape")  # later: the draft is saved on the way out
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
    app = make_app()  # acw started again: the draft comes back, its keys are not known
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, acw_open(app, "PBX-2"))
        await type_keys(pilot, ", done")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        rows = app.desk.store.conn.execute(
            "SELECT keys_pressed, final_chars FROM wrapups ORDER BY started_at"
        ).fetchall()
    assert [tuple(r) for r in rows] == [(3, 3), (6, 6)]


async def test_the_phrase_index_is_built_before_the_first_key_needs_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Spotting a phrase typed in full needs an index of the guide's phrases: built at
    the agent's first delimiter, it held that key (50 ms with 10 000 entries)."""
    from acw_tui.core.shorthand.expand import PhraseIndex

    built_on: list[str] = []
    build = PhraseIndex.warm

    def warm(index: PhraseIndex) -> None:
        built_on.append(threading.current_thread().name)
        build(index)

    monkeypatch.setattr(PhraseIndex, "warm", warm)

    class GuidedApp(PacedApp):
        def compose(self) -> ComposeResult:
            yield NotesEditor(id="notes", guide_source=lambda: GUIDE)

    app = GuidedApp()
    async with app.run_test() as pilot:
        editor = app.query_one(NotesEditor)
        await guide_loaded(pilot, editor)
        assert "by_last_word" in vars(editor._phrases)  # ready before any key
        assert built_on and built_on[0] != threading.main_thread().name
