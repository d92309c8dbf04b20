"""Snapshots of the ACW screen with codes, form and preview, and of the follow-ups screen.

The clock is a ManualClock that does not move, and every cursor is steady.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from acw_tui.service.desk import FinishRequest
from acw_tui.tui.widgets.note_preview import NotePreview
from tests.tui.conftest import acw_open, aids_loaded, settle, type_text, wait_for

SIZE = (140, 42)
pytestmark = pytest.mark.usefixtures("quick_aids")


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def form_ready(app):
    opened = acw_open(app)
    return lambda: opened() and bool(app.screen.query("#note-preview"))


async def steady_cursors(pilot: Pilot) -> None:
    await aids_loaded(pilot)
    await settle(pilot)  # the status line then always says "Draft saved"
    pilot.app.screen.refresh_preview()  # no preview still waiting for a typing pause
    for widget in pilot.app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False
            # TextArea caches a line drawn in the blink's off phase under the same key
            # as a line with a steady cursor: drop it, or the cursor may be missing.
            widget.notify_style_update()


def test_acw_screen_with_form_and_preview(snap_compare, make_app, hook) -> None:
    app = make_app()
    hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)

    async def fill(pilot: Pilot) -> None:
        await wait_for(pilot, form_ready(app))
        await type_text(pilot, "cx asked abt refund")
        app.screen.query_one("#code-filter").focus()
        await type_text(pilot, "callb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-reason"))
        app.screen.query_one("#field-reason").focus()
        await type_text(pilot, "refund status")
        app.screen.query_one("#field-follow_up_at").focus()
        await type_text(pilot, "+2h")
        await wait_for(pilot, lambda: "Follow-up due" in app.screen.query_one(NotePreview).text)
        await wait_for(pilot, lambda: app.screen.query_one("#checklist").settled)
        app.screen.query_one("#notes").focus()
        await steady_cursors(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill)


@pytest.mark.parametrize("later", [0.75, 1.75])
async def test_a_steady_screen_does_not_depend_on_when_it_is_taken(make_app, hook, later) -> None:
    """A snapshot taken in the cursor's off phase, or before the completion model was in,
    once differed from the stored one on a slow machine."""
    from tests.tui.test_languages import screen_text

    app = make_app()
    hook.call_ended("PBX-7", queue="billing", customer_ref="CU-9", talk_seconds=185)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, form_ready(app))
        await type_text(pilot, "cx asked abt refund")
        await steady_cursors(pilot)
        await pilot.pause()
        first = screen_text(app)
        app.screen.notes.cursor_blink = True
        await pilot.press("x", "backspace")  # the same text, drawn afresh
        await pilot.pause(later)  # the cursor blinks every 0.5 s: now in its off phase
        await steady_cursors(pilot)
        await pilot.pause()
        assert screen_text(app) == first


def test_preview_of_a_template_that_breaks_the_rules(
    snap_compare, make_app, hook, tmp_path
) -> None:
    from tests.unit.templates_helpers import CODES, SIMPLE, write_folder

    evil = SIMPLE.replace("Budget: {{ budget }}", "{{ cycler.__init__.__globals__ }}")
    folder = write_folder(tmp_path, {"simple.en.j2": evil, "codes.toml": CODES})
    app = make_app(f'[templates]\nfolder = "{folder.name}"\ndefault = "simple"\n')
    # A relative folder is read from beside the config file.
    (app.desk.config.path.parent / folder.name).symlink_to(folder)
    hook.call_ended("PBX-8")

    async def fill(pilot: Pilot) -> None:
        await wait_for(pilot, form_ready(app))
        await type_text(pilot, "typed")
        preview = app.screen.query_one(NotePreview)
        await wait_for(pilot, lambda: preview.has_class("-broken"))
        await steady_cursors(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=fill)


def test_followups_screen_highlights_overdue_and_due_soon(snap_compare, make_app, hook) -> None:
    app = make_app()
    assert hook.clock.now() == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for call, customer, due in [
        ("PBX-1", "CU-1", "2026-01-05 08:30"),
        ("PBX-2", "CU-2", "2026-01-05 09:40"),
        ("PBX-3", "CU-3", "2026-01-07"),
    ]:
        wrapup = hook.call_ended(call, customer_ref=customer, queue="billing")
        request = FinishRequest(
            note=f"Reason for call: {customer} refund",
            codes=("callback",),
            fields={"follow_up_at": due, "follow_up_owner": "ana"},
        )
        hook.finish(wrapup, request, zone=UTC)

    async def open_followups(pilot: Pilot) -> None:
        await pilot.press("f12")
        await wait_for(pilot, lambda: app.screen.query("#followups-table"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(120, 20), run_before=open_followups)
