"""The ACW screen's structured part, by keyboard: codes, template form, preview, finish."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Select

from acw_tui.tui.screens.acw import AcwScreen
from acw_tui.tui.screens.followups import FollowupsScreen
from acw_tui.tui.screens.ready import ReadyScreen
from acw_tui.tui.widgets.note_preview import NotePreview
from tests.tui.conftest import acw_open, settle, type_text, wait_for
from tests.unit.templates_helpers import CODES, SIMPLE, write_folder


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Follow-up times are typed in local time; make local time UTC for the test."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def form_ready(app):
    """The ACW screen is up and its codes, form and preview are built (after first paint)."""
    opened = acw_open(app)
    return lambda: opened() and bool(app.screen.query("#note-preview"))


def preview(app) -> str:
    return app.screen.query_one(NotePreview).text


def status(app) -> str:
    return str(app.screen.status_line.content)


async def test_fill_by_keyboard_refused_until_complete_then_finish(make_app, hook) -> None:
    app = make_app("require_code = true")
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-1", customer_ref="CU-1", queue="billing")
        await wait_for(pilot, form_ready(app))
        await type_text(pilot, "cb tmrw")
        typed = app.screen.notes.text  # as the shorthand guide left it
        await wait_for(pilot, lambda: preview(app) == typed)

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "a wrap-up code is required" in status(app))
        assert isinstance(app.screen, AcwScreen)
        assert app.focused.id == "code-filter"

        await type_text(pilot, "callb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-follow_up_owner"))
        assert app.screen.note_form.codes == ["callback"]
        assert app.screen.note_form.template_id == "general-inquiry"

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "required:" in status(app))
        assert status(app) == (
            "cannot finish yet: required: Reason for call, Outcome, Follow-up due, Follow-up owner"
        )
        assert app.focused.id == "field-reason"
        assert app.screen.query_one("#field-reason").parent.has_class("-invalid")

        await type_text(pilot, "refund")
        await pilot.press("tab", "tab", "tab")  # past details and steps taken
        assert app.focused.id == "field-outcome"
        await pilot.press("enter")
        await type_text(pilot, "pend")
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: app.screen.query_one("#field-outcome", Select).value == "Pending"
        )
        await pilot.press("tab")
        await type_text(pilot, "+1d")
        hint = app.screen.query_one("#field-follow_up_at").parent.query_one(".field-hint")
        await wait_for(pilot, lambda: str(hint.content) == "→ 2026-01-06")
        await pilot.press("tab")
        await type_text(pilot, "fin")
        await wait_for(pilot, lambda: "owner: fin" in preview(app))
        expected = (
            "Reason for call: refund\nOutcome: Pending\nFollow-up due: 2026-01-06\n"
            f"Follow-up owner: fin\n\n{typed}"
        )
        assert preview(app) == expected

        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        row = app.desk.store.db.execute(
            "SELECT codes, template_id, template_version, fields, note, compliant FROM wrapups"
        ).fetchone()
        assert json.loads(row[0]) == ["callback"]
        assert row[1:3] == ("general-inquiry", 1)
        assert json.loads(row[3]) == {
            "reason": "refund",
            "outcome": "Pending",
            "follow_up_at": "2026-01-06",
            "follow_up_owner": "fin",
        }
        assert row[4] == expected and row[5] == 1

        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, FollowupsScreen))
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[0] == "2026-01-06 17:00" and cells[2] == "fin"
        assert cells[4] == "CU-1"
        await pilot.press("d")
        await wait_for(pilot, lambda: table.row_count == 0)
        assert app.desk.store.db.execute("SELECT done_at FROM followups").fetchone()[0]


async def test_a_bad_value_is_named_as_it_is_typed(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-2")
        await wait_for(pilot, form_ready(app))
        await pilot.press("f10")
        assert app.focused.id == "code-filter"
        await type_text(pilot, "sale")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-budget"))
        app.screen.query_one("#field-budget").focus()
        await type_text(pilot, "x")
        row = app.screen.query_one("#field-budget").parent
        await wait_for(pilot, lambda: row.has_class("-invalid"))
        assert str(row.query_one(".field-hint").content) == "'x' is not a number"
        await pilot.press("backspace")
        await type_text(pilot, "12")
        await wait_for(pilot, lambda: not row.has_class("-invalid"))
        await wait_for(pilot, lambda: "Budget: 12" in preview(app))


async def test_the_template_can_be_changed_and_codes_survive_a_restart(
    make_app, hook, acw_home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-3")
        await wait_for(pilot, form_ready(app))
        app.screen.query_one("#code-filter").focus()
        await type_text(pilot, "compl")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-issue"))
        template_select = app.screen.query_one("#template-select", Select)
        template_select.value = "escalation"
        await wait_for(pilot, lambda: app.screen.query("#field-case_ref"))
        app.screen.query_one("#field-case_ref").focus()
        await type_text(pilot, "C-42")
        await wait_for(pilot, lambda: "Case reference: C-42" in preview(app))
        await settle(pilot)
    # A new app on the same store (a restart): codes, template and values are back.
    again = make_app()
    async with again.run_test(size=(140, 45)) as pilot:
        await wait_for(pilot, form_ready(again))
        assert again.screen.note_form.codes == ["complaint"]
        assert again.screen.note_form.template_id == "escalation"
        assert again.screen.query_one("#field-case_ref").value == "C-42"
        assert "Case reference: C-42" in preview(again)


async def test_a_template_that_escapes_the_sandbox_keeps_the_screen_working(
    make_app, hook, acw_home: Path, tmp_path: Path
) -> None:
    evil = SIMPLE.replace("Budget: {{ budget }}", "{{ reason.__class__.__mro__ }}")
    folder = write_folder(tmp_path, {"simple.en.j2": evil, "codes.toml": CODES})
    app = make_app(f'[templates]\nfolder = "{folder}"\n')
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-4")
        await wait_for(pilot, form_ready(app))
        await type_text(pilot, "tn")
        app.screen.query_one("#code-filter").focus()
        await type_text(pilot, "reso")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-reason"))
        app.screen.query_one("#field-reason").focus()
        await type_text(pilot, "b")
        view = app.screen.query_one(NotePreview)
        await wait_for(pilot, lambda: view.has_class("-broken"))
        error = str(view.query_one("#preview-error").content)
        assert error.startswith("Template problem in simple.en.j2: refused at line 19:")
        assert "'__class__'" in error
        # (the preview may have broken before "b" came in: it follows after a pause)
        await wait_for(pilot, lambda: preview(app) == "Reason: b\n\ntn")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        note = app.desk.store.db.execute("SELECT note FROM wrapups").fetchone()[0]
        assert note == "Reason: b\n\ntn"


async def test_finishing_before_the_form_is_built_is_safe(make_app, hook) -> None:
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-5")
        await wait_for(pilot, acw_open(app))
        await pilot.press("x", "ctrl+s")  # before or while codes and form are built
        await wait_for(pilot, lambda: isinstance(app.screen, ReadyScreen))
        for _ in range(5):
            await pilot.pause()
        assert app.desk.store.db.execute("SELECT status, note FROM wrapups").fetchone() == (
            "done",
            "x",
        )


@pytest.mark.parametrize(
    ("language", "code_needed", "fields_needed"),
    [
        ("pl", "nie można jeszcze zakończyć: wymagany jest kod podsumowania", "wymagane: "),
        ("zh_CN", "还不能完成：必须选择收尾代码", "必填："),
    ],
)
async def test_a_refused_finish_says_what_is_missing_in_the_agents_language(
    make_app, hook, language: str, code_needed: str, fields_needed: str
) -> None:
    from acw_tui.i18n import use_language

    use_language(language)
    app = make_app("require_code = true")
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-1", customer_ref="CU-1", queue="billing")
        await wait_for(pilot, form_ready(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: status(app) == code_needed)
        await type_text(pilot, "callb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-follow_up_owner"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: fields_needed in status(app))
        assert "required" not in status(app) and "cannot" not in status(app)


PASTED_LINES = (
    "Customer called about\r\nthe March invoice.\n\n  It was charged twice \nand wants a refund.\n"
)
ONE_LINE = "Customer called about the March invoice. It was charged twice and wants a refund."


async def test_a_paste_of_several_lines_into_a_one_line_field_keeps_every_line(
    make_app, hook
) -> None:
    """A one-line field took only a paste's first line and dropped the rest without a
    word; the lines are now joined by a space (blank lines left out), and the length
    check says if that is too long. The same holds for every one-line input of the screen."""
    from textual import events
    from textual.widgets import Input

    app = make_app("timeout_seconds = 120\nextend_seconds = 30\nmax_extensions = 2")
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-P")
        await wait_for(pilot, form_ready(app))
        await pilot.press("f10")
        await type_text(pilot, "callb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.query("#field-reason"))
        field = app.screen.query_one("#field-reason", Input)
        field.focus()
        await pilot.pause()
        app.post_message(events.Paste(PASTED_LINES))
        await wait_for(pilot, lambda: field.value == ONE_LINE)
        await wait_for(pilot, lambda: app.screen.note_form.raw.get("reason") == ONE_LINE)
        await settle(pilot)
        stored = hook.store.db.execute("SELECT fields FROM drafts").fetchone()[0]
        assert json.loads(stored)["reason"] == ONE_LINE
        # The code filter, then the F8 reason: one-line inputs of the screen too.
        await pilot.press("f10")
        assert app.focused.id == "code-filter"
        app.post_message(events.Paste("call\nback"))
        await wait_for(pilot, lambda: app.focused.value == "call back")
        await pilot.press("f8")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "reason")
        app.post_message(events.Paste("caller still\non hold\n"))
        await wait_for(pilot, lambda: app.focused.value == "caller still on hold")
