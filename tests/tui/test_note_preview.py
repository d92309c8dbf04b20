"""The note preview shows what will be stored, redrawn on every change, and never crashes."""

from __future__ import annotations

from textual.app import App, ComposeResult

from acw_tui.core.templates import RenderedNote
from acw_tui.tui.widgets.note_preview import NotePreview


class PreviewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield NotePreview(id="note-preview")


def on_screen(app: App[None]) -> str:
    """What the terminal shows now (the screenshot is taken from the painted screen)."""
    return app.export_screenshot().replace("&#160;", " ")


async def test_a_one_character_change_is_redrawn() -> None:
    app = PreviewApp()
    async with app.run_test(size=(60, 12)) as pilot:
        preview = app.query_one(NotePreview)
        preview.show(RenderedNote("Reason: refund\nAmount: 12abc"))
        await pilot.pause()
        assert "Amount: 12abc" in on_screen(app)
        # The agent corrects the field: same number of lines, one character less.
        preview.show(RenderedNote("Reason: refund\nAmount: 12ab"))
        await pilot.pause()
        assert preview.text == "Reason: refund\nAmount: 12ab"
        assert "Amount: 12ab " in on_screen(app)
        assert "12abc" not in on_screen(app)
        # A change in the middle of a line, same length, same line count.
        preview.show(RenderedNote("Reason: refunD\nAmount: 12ab"))
        await pilot.pause()
        assert "Reason: refunD" in on_screen(app)


async def test_a_template_problem_is_shown_and_cleared() -> None:
    app = PreviewApp()
    async with app.run_test(size=(80, 12)) as pilot:
        preview = app.query_one(NotePreview)
        preview.show(RenderedNote("plain note", error="/x/sale.md.j2: [b]boom[/b] at [sync]"))
        await pilot.pause()
        assert "sale.md.j2: [b]boom[/b] at [sync]" in on_screen(app)
        assert preview.has_class("-broken")
        preview.show(RenderedNote("plain note"))
        await pilot.pause()
        assert not preview.has_class("-broken")


async def test_show_after_the_preview_was_removed_is_dropped() -> None:
    app = PreviewApp()
    async with app.run_test() as pilot:
        preview = app.query_one(NotePreview)
        await preview.remove()
        preview.show(RenderedNote("late", error="x: late"))  # a timer that fired late
        assert preview.text == ""
        await pilot.pause()
        assert app.is_running


async def test_show_before_the_preview_is_composed_is_dropped() -> None:
    preview = NotePreview()
    preview.show(RenderedNote("early"))
    assert preview.text == ""
