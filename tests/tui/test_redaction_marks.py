"""Live marks in the notes editor: after a pause, what saving will redact is marked."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import TextArea

from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.widgets.redaction_marks import (
    FieldsRedactionHint,
    RedactionMarks,
    RedactionStatus,
)
from tests.tui.conftest import acw_open, type_text, wait_for

CARD = "4111 1111 1111 1111"


async def test_the_acw_screen_marks_a_card_and_says_what_will_happen(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        hook.call_ended("PBX-9")
        await wait_for(pilot, acw_open(app))
        screen = app.screen
        assert isinstance(screen, AcwScreen)
        status = screen.query_one(RedactionStatus)
        assert not status.display or status.has_class("-clear")

        await type_text(pilot, f"paid with {CARD} cvv 123")
        await wait_for(pilot, lambda: "security code" in status.message)  # after the pause
        assert status.message == (
            "1 card number will be stored as [CARD ****1111]; 1 security code will be removed"
        )
        assert not status.has_class("-clear")
        marks = screen.redaction_marks.marked()
        assert [(row, start, end, name) for row, start, end, name in marks] == [
            (0, 10, 29, "redaction.masked"),
            (0, 34, 37, "redaction.removed"),
        ]

        # Removing the code clears its mark and the status follows after the pause.
        for _ in range(4):
            await pilot.press("backspace")
        await wait_for(pilot, lambda: "security code" not in status.message)
        assert status.message == "1 card number will be stored as [CARD ****1111]"


class OneEditor(App[None]):
    """Any TextArea will do: the marks need no particular subclass."""

    def compose(self) -> ComposeResult:
        yield TextArea(id="editor")
        yield RedactionStatus()

    def on_mount(self) -> None:
        self.marks = RedactionMarks(self.query_one(TextArea), self.query_one(RedactionStatus))


async def test_marks_fit_full_width_digits_and_lines_and_are_drawn() -> None:
    app = OneEditor()
    async with app.run_test(size=(80, 10)) as pilot:
        area = app.query_one(TextArea)
        area.load_text("客户\n卡号４１１１ １１１１ １１１１ １１１１，PESEL 44051401359")
        spans = app.marks.refresh_now()
        assert [s.kind for s in spans] == ["card", "pesel"]
        line = area.document.get_line(1)
        marked = app.marks.marked()
        row, start, end, name = marked[0]
        assert (row, name) == (1, "redaction.masked")
        assert line.encode()[start:end].decode() == "４１１１ １１１１ １１１１ １１１１"
        await pilot.pause()
        strip = area.render_line(1)
        styled = "".join(seg.text for seg in strip if seg.style and seg.style.underline)
        assert "４１１１" in styled and "44051401359" in styled

        # The next edit wipes the marks at once (they would be at stale offsets); the
        # next pause brings them back.
        area.insert("x", (0, 0))
        assert app.marks.marked() == []
        app.marks.note_changed()
        await wait_for(pilot, lambda: len(app.marks.marked()) == 2)


async def test_a_keystroke_only_records_the_time() -> None:
    app = OneEditor()
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        area.load_text(CARD)
        app.marks.note_changed()
        assert app.marks.marked() == []  # nothing scanned on the keystroke itself
        await wait_for(pilot, lambda: app.marks.marked() != [])


class OneForm(App[None]):
    def compose(self) -> ComposeResult:
        from textual.widgets import Input

        yield Input(id="card")
        yield Input(id="reason")
        yield RedactionStatus()

    def on_mount(self) -> None:
        self.hint = FieldsRedactionHint(self.screen, self.query_one(RedactionStatus))

    def on_input_changed(self, event) -> None:  # type: ignore[no-untyped-def]
        self.hint.field_changed(event.input.id, event.value)


async def test_template_fields_get_a_status_line_after_a_pause() -> None:
    app = OneForm()
    async with app.run_test() as pilot:
        await pilot.click("#card")
        await type_text(pilot, CARD)
        await pilot.click("#reason")
        await type_text(pilot, "refund")
        status = app.query_one(RedactionStatus)
        await wait_for(pilot, lambda: status.message != "")
        assert status.message == "card: 1 card number will be stored as [CARD ****1111]"
