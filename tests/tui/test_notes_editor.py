"""The notes editor, driven by Pilot: real sentences, undo, ctrl+z, paste, the guide panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label

from acw_tui.core.shorthand import Entry, Guide, load_guide
from acw_tui.settings.paths import bundled
from acw_tui.tui.widgets.guide_panel import GuidePanel
from acw_tui.tui.widgets.notes_editor import NotesEditor

GUIDE = Guide.of(
    [
        Entry("cx", "customer", "people"),
        Entry("cb", "callback", "actions"),
        Entry("w/", "with"),
        Entry("acct", "account", "account"),
        Entry("nfa", "no further action", "outcomes"),
        Entry("kh", "客户"),
        Entry("zd", "账单"),
        Entry("tmrw", "tomorrow", "time"),
    ]
)


class EditorApp(App[None]):
    """A small host for the widgets, like the ACW screen."""

    def __init__(self, guide: Guide = GUIDE) -> None:
        super().__init__()
        self.guide = guide
        self.hints: list[str] = []

    def compose(self) -> ComposeResult:
        yield NotesEditor(id="notes", guide=self.guide)
        yield Label("", id="hint")
        yield GuidePanel(self.guide, id="panel")

    def on_mount(self) -> None:
        editor = self.query_one(NotesEditor)
        editor.focus()
        self.watch(editor, "hint", self.hint, init=False)

    def hint(self, hint: str) -> None:
        self.hints.append(hint)
        self.query_one("#hint", Label).update(hint)

    @on(GuidePanel.EntryChosen)
    def chosen(self, event: GuidePanel.EntryChosen) -> None:
        self.query_one(NotesEditor).insert_entry(event.entry)


KEYS = {" ": "space", "\n": "enter", ".": "full_stop", ",": "comma", "/": "slash"}


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*[KEYS.get(char, char) for char in text])


def editor(app: EditorApp) -> NotesEditor:
    return app.query_one(NotesEditor)


async def test_typing_a_real_sentence_expands_as_it_goes() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "Cx asked for a cb tmrw w/ acct details. nfa")
        await pilot.pause()
        assert editor(app).text == (
            "Customer asked for a callback tomorrow with account details. nfa"
        )
        await type_text(pilot, ".")
        assert editor(app).text.endswith("details. no further action.")
        rows = {r.abbr: r for r in editor(app).usage.rows()}
        assert rows["cx"].used == 1 and rows["nfa"].used == 1


async def test_backspace_right_after_restores_exactly_what_was_typed_and_does_not_refire() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "the cx ")
        assert editor(app).text == "the customer "
        await pilot.press("backspace")
        assert editor(app).text == "the cx "
        assert editor(app).cursor_location == (0, 7)
        # Retyping the delimiter at the same token does not expand it again.
        await pilot.press("backspace")
        await type_text(pilot, " ok")
        assert editor(app).text == "the cx ok"
        assert editor(app).usage.entries["cx"].undone == 1


async def test_backspace_after_another_key_is_an_ordinary_backspace() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "cx ")
        await pilot.press("left", "right", "backspace")
        assert editor(app).text == "customer"


async def test_ctrl_z_undoes_the_expansion_as_one_step() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "hello cx,")
        assert editor(app).text == "hello customer,"
        await pilot.press("ctrl+z")
        assert editor(app).text == "hello cx,"
        assert editor(app).usage.entries["cx"].undone == 1
        await pilot.press("ctrl+y")
        assert editor(app).text == "hello customer,"


async def test_enter_is_a_delimiter_and_the_newline_is_kept() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "cb\nnext")
        assert editor(app).text == "callback\nnext"
        assert editor(app).cursor_location == (1, 4)


async def test_tab_after_shorthand_expands_and_is_kept_as_acw_expand_does() -> None:
    # SPEC §3 rule 1: Tab is a delimiter. After a token it expands it (and stays, as
    # `acw expand` keeps it); with nothing to expand it moves on, as everywhere.
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "cx")
        await pilot.press("tab")
        assert editor(app).text == "customer\t"
        assert app.focused is editor(app)
        await type_text(pilot, "ok")
        await pilot.press("tab")
        assert editor(app).text == "customer\tok"
        assert app.focused is not editor(app)


async def test_a_token_inside_a_word_does_not_fire() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "xcx e-cx cx1 mail cx@acme.com ")
        assert editor(app).text == "xcx e-cx cx1 mail cx@acme.com "


async def test_sigil_in_chinese_text() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        editor(app).insert("客户")
        await type_text(pilot, ";zd ")
        assert editor(app).text == "客户账单 "


async def test_paste_is_never_expanded_but_expand_note_is_one_undo_step() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        pasted = "cx called, cb tmrw. "
        app.post_message(events.Paste(pasted))  # as the terminal driver sends it
        await pilot.pause()
        assert editor(app).text == pasted
        await pilot.press("f5")
        assert editor(app).text == "customer called, callback tomorrow. "
        assert editor(app).usage.entries["cb"].used == 1
        await pilot.press("ctrl+z")
        assert editor(app).text == pasted


async def test_hint_shows_the_known_token_being_typed() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "C")
        await type_text(pilot, "x")
        await pilot.pause()
        assert str(app.query_one("#hint", Label).render()) == "Cx → Customer"
        await type_text(pilot, "y")
        await pilot.pause()
        assert str(app.query_one("#hint", Label).render()) == ""


async def test_phrase_typed_in_full_counts_as_missed() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "the customer wants a callback.")
        rows = {r.abbr: r for r in editor(app).usage.rows()}
        assert rows["cx"].missed == 1
        assert rows["cb"].missed == 1
        assert rows["cx"].used == 0


async def test_guide_panel_searches_fuzzily_and_inserts_the_chosen_entry() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "called ")
        app.query_one(GuidePanel).focus_search()
        await type_text(pilot, "clbk")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert editor(app).text == "called callback"
        assert app.focused is editor(app)


async def test_editor_has_no_syntax_highlighting() -> None:
    app = EditorApp()
    async with app.run_test():
        assert editor(app).language is None


async def test_real_english_guide_in_the_editor() -> None:
    guide = load_guide(bundled("shorthand") / "en.toml")
    app = EditorApp(guide)
    async with app.run_test() as pilot:
        await type_text(pilot, "cx cld abt pwd rst. ")
        assert editor(app).text == "customer called about password reset. "


# -- on the ACW screen -----------------------------------------------------------------


async def test_a_hint_is_drawn_in_the_frame_of_the_key_that_made_it(
    make_app: Callable[..., object], hook: object, acw_home: Path
) -> None:
    """A frame of its own for the one-row hint line cost as much again as the key's
    echo (0.7–1 ms of a 3–4 ms key): the hint changes on about one key in five."""
    from tests.tui.conftest import acw_open, wait_for

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        hook.call_ended("PBX-7")  # type: ignore[attr-defined]
        await wait_for(pilot, acw_open(app))
        screen = app.screen  # type: ignore[attr-defined]
        notes = screen.query_one(NotesEditor)
        await wait_for(pilot, lambda: bool(notes.guide.entries))
        await pilot.pause(0.5)  # the first preview and checklist are drawn
        compositor = screen._compositor  # (private: sees each frame Textual draws)
        drawn = compositor.render_partial_update
        hint_line = screen.query_one("#notes-hint")
        frames: list[tuple[str, str]] = []  # (the note, the hint) as each frame drew them

        def seen():  # type: ignore[no-untyped-def]
            update = drawn()
            if update is not None:
                frames.append((notes.text, str(hint_line.render())))
            return update

        compositor.render_partial_update = seen
        for key in ("c", "x"):  # "cx": the hint shows with the x
            await pilot.press(key)
        # (The clock's tick or a draft save may draw frames of their own meanwhile.)
        first_with_x = next(hint for note, hint in frames if note == "cx")
        assert first_with_x == "cx → customer"


async def test_acw_screen_expands_hints_and_stores_usage_and_guide_version(
    make_app: Callable[..., object], hook: object, acw_home: Path
) -> None:
    from acw_tui.tui.screens.ready import ReadyScreen
    from tests.tui.conftest import acw_open, wait_for

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        hook.call_ended("PBX-7")  # type: ignore[attr-defined]
        await wait_for(pilot, acw_open(app))
        notes = app.screen.query_one(NotesEditor)  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: bool(notes.guide.entries))  # loads after the first paint
        assert notes.guide.name.startswith("Contact-center shorthand")
        await type_text(pilot, "cx")
        await wait_for(
            pilot, lambda: "cx → customer" in str(app.screen.query_one("#notes-hint").render())
        )  # type: ignore[attr-defined]
        await type_text(pilot, " asked for a callback, cb ")
        await pilot.press("backspace")
        await type_text(pilot, "tmrw.")
        assert notes.text == "customer asked for a callback, cb tomorrow."
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.focused, Input))  # type: ignore[attr-defined]
        panel = app.screen.query_one(GuidePanel)  # type: ignore[attr-defined]
        assert panel.display
        await type_text(pilot, "no further")
        await pilot.press("enter")
        assert notes.text == "customer asked for a callback, cb tomorrow.no further action"
        await pilot.press("ctrl+g")
        assert not panel.display
        wrapup_id = app.desk.pending()[0].id  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))  # type: ignore[attr-defined]
        store = app.desk.store  # type: ignore[attr-defined]
        row = store.conn.execute(
            "SELECT guide_version FROM wrapups WHERE id = ?", [wrapup_id]
        ).fetchone()
        assert row[0] == 1
        usage = {
            r[0]: r[1:]
            for r in store.conn.execute(
                "SELECT abbr, used, undone, missed FROM shorthand_usage WHERE wrapup_id = ?",
                [wrapup_id],
            )
        }
        assert usage == {"cx": (1, 0, 0), "cb": (1, 1, 1), "tmrw": (1, 0, 0)}


async def test_ctrl_z_after_enter_expansion_gives_back_token_newline_and_cursor() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "ok cb\n")
        assert editor(app).text == "ok callback\n"
        await pilot.press("ctrl+z")
        assert editor(app).text == "ok cb\n"
        assert editor(app).cursor_location == (1, 0)
        await type_text(pilot, "x")
        assert editor(app).text == "ok cb\nx"


async def test_cursor_stays_after_the_delimiter_in_mid_text() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        editor(app).load_text("start  end")
        editor(app).move_cursor((0, 6))
        await type_text(pilot, "cx,")
        assert editor(app).text == "start customer, end"
        assert editor(app).cursor_location == (0, 15)
        await pilot.press("backspace")
        assert editor(app).text == "start cx, end"
        assert editor(app).cursor_location == (0, 9)


async def test_acw_screen_with_a_broken_guide_warns_and_keeps_the_note(
    make_app: Callable[..., object], hook: object, acw_home: Path
) -> None:
    from tests.tui.conftest import acw_open, wait_for

    bad = acw_home / "broken.toml"
    bad.write_text('[guide]\nname = "x"\n[[entry]]\nabbr = "cx"\nexpansion = \n', encoding="utf-8")
    app = make_app(f'\n[shorthand]\nguide = "{bad}"')
    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        hook.call_ended("PBX-8")  # type: ignore[attr-defined]
        await wait_for(pilot, acw_open(app))
        hint = app.screen.query_one("#notes-hint")  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: "malformed TOML" in str(hint.render()))
        assert f"{bad}:5" in str(hint.render())
        await type_text(pilot, "cx called ")
        assert app.screen.query_one(NotesEditor).text == "cx called "  # type: ignore[attr-defined]


async def test_backspace_after_every_expansion_gives_back_exactly_what_was_typed() -> None:
    """A property over seeded random notes, typed key by key into the real widget."""
    import random

    pieces = [
        "cx",
        "Cx",
        "CX",
        "cb",
        "w/",
        "acct",
        "nfa",
        "kh",
        "xcx",
        "cx1",
        "e-cx",
        "ok",
        "客户",
        ";zd",
    ]
    delimiters = [" ", ",", ".", "\n", ")", "'", ";", "!"]
    rng = random.Random(2026)
    app = EditorApp()
    async with app.run_test() as pilot:
        notes = editor(app)
        for _ in range(25):
            await pilot.pause()  # let the hint messages of the last round through
            notes.load_text("")
            typed = ""
            for _ in range(rng.randint(1, 12)):
                piece = rng.choice(pieces) + rng.choice(delimiters)
                before = notes.text
                for char in piece:  # the keys straight to the editor, as fast as it takes them
                    key = "enter" if char == "\n" else KEYS.get(char, char)
                    notes.post_message(events.Key(key, char))
                await pilot.pause()
                typed += piece
                if notes.text != before + piece:  # an expansion happened (at the delimiter)
                    assert notes.text.endswith(piece[-1])
                    notes.action_delete_left()
                assert notes.text == typed
        await pilot.pause()
        assert sum(row.undone for row in notes.usage.rows()) > 30  # it did expand, often


# -- screen keys -------------------------------------------------------------------------


class KeysApp(EditorApp):
    """A host that answers F6 and F7 itself, as the real app does (reports, sync)."""

    BINDINGS = [
        Binding("f6", "screen_key('f6')", "Reports"),
        Binding("f7", "screen_key('f7')", "Sync"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.screen_keys: list[str] = []

    def action_screen_key(self, key: str) -> None:
        self.screen_keys.append(key)


async def test_screen_keys_reach_the_screen_and_never_select_the_note() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "cx wants a cb")
        typed = editor(app).text
        assert typed == "customer wants a cb"
        await pilot.press("f7")
        assert editor(app).selection.is_empty
        await type_text(pilot, "x")
        assert editor(app).text == typed + "x"  # F7 selected all, and "x" replaced the note
        await pilot.press("f6")
        assert editor(app).selection.is_empty
        await type_text(pilot, "y")
        assert editor(app).text == typed + "xy"
        assert app.screen_keys == ["f7", "f6"]


def test_the_editor_keeps_no_function_key_but_its_own() -> None:
    from textual.widgets import TextArea

    editor_keys = NotesEditor._merge_bindings().key_to_bindings
    function_keys = {key for key in editor_keys if key[:1] == "f" and key[1:].isdigit()}
    assert function_keys == {"f5"}
    # Everything else TextArea binds is still there, to the same action.
    for key, bindings in TextArea._merge_bindings().key_to_bindings.items():
        if key not in ("f6", "f7"):
            assert [b.action for b in editor_keys[key]] == [b.action for b in bindings], key


async def test_on_the_acw_screen_f6_and_f7_from_the_notes_are_the_app_keys(
    make_app: Callable[..., object], hook: object
) -> None:
    from tests.tui.conftest import acw_open, wait_for

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        hook.call_ended("PBX-9")  # type: ignore[attr-defined]
        await wait_for(pilot, acw_open(app))
        active = app.screen.active_bindings  # type: ignore[attr-defined]
        assert active["f6"].binding.action == "reports"
        assert active["f7"].binding.action == "sync_status"
        assert active["f6"].node is app and active["f7"].node is app


async def test_guide_panel_calls_before_it_is_composed_or_after_it_is_gone_are_safe() -> None:
    """ctrl+g then F2 at once: the screen's deferred focus_search finds no panel."""
    early = GuidePanel(GUIDE)
    early.focus_search()
    early.set_guide(GUIDE)
    app = EditorApp()
    async with app.run_test() as pilot:
        panel = app.query_one(GuidePanel)
        await panel.remove()
        panel.focus_search()
        panel.set_guide(GUIDE)
        await pilot.pause()
        assert app.is_running


async def test_keys_that_arrive_together_act_in_the_order_they_were_pressed() -> None:
    """End, then a word, arriving in one read of the terminal (a fast typist, a
    loaded machine): the word goes at the end. Textual runs a field's own bindings
    only when the key has gone up to the app, after the keys behind it were typed."""
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "refund sent")
        await pilot.press("left", "left", "left", "left", "left")
        # As the driver posts keys read together: nothing runs between them.
        for key, char in [("end", None), ("space", " "), ("o", "o"), ("k", "k")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert editor(app).text == "refund sent ok"
        for key, char in [("home", None), ("ctrl+right", None), ("x", "x")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert editor(app).text == "refundx sent ok"


async def test_undo_undo_redo_leaves_the_cursor_after_the_text_it_gave_back() -> None:
    """ctrl+z gives back `cx ` as typed, a second ctrl+z the typing before it (the
    delimiter with it), and ctrl+y then puts back `cx ` with the cursor after the space:
    the next word goes after it, not between the token and its delimiter."""
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "cx ")
        assert editor(app).text == "customer "
        await pilot.press("ctrl+z")
        assert (editor(app).text, editor(app).cursor_location) == ("cx ", (0, 3))
        await pilot.press("ctrl+z")
        assert (editor(app).text, editor(app).cursor_location) == ("", (0, 0))
        await pilot.press("ctrl+y")
        assert (editor(app).text, editor(app).cursor_location) == ("cx ", (0, 3))
        await type_text(pilot, "called")
        assert editor(app).text == "cx called"


async def test_redo_after_two_undos_gives_back_the_expansion_as_well() -> None:
    app = EditorApp()
    async with app.run_test() as pilot:
        await type_text(pilot, "ok cb\n")
        await pilot.press("ctrl+z", "ctrl+z")
        assert editor(app).text == "ok cb"  # a line break is a step of its own
        await pilot.press("ctrl+y")
        assert (editor(app).text, editor(app).cursor_location) == ("ok cb\n", (1, 0))
        await pilot.press("ctrl+y")
        assert (editor(app).text, editor(app).cursor_location) == ("ok callback\n", (1, 0))
