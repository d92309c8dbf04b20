"""Text from the agent, the phone system, the guide or a template is shown as written:
a bracketed word such as `[sync]` or `[b]` is never taken for Rich/Textual markup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Label

from acw_tui.core.model import Call, Wrapup
from acw_tui.core.shorthand import Entry, Guide, GuideProblem
from acw_tui.core.templates import WrapupCode, load_library
from acw_tui.core.templates.form import NoteForm
from acw_tui.tui.widgets.call_details import CallDetails
from acw_tui.tui.widgets.code_picker import CodePicker
from acw_tui.tui.widgets.guide_panel import GuidePanel
from acw_tui.tui.widgets.redaction_marks import RedactionStatus
from acw_tui.tui.widgets.template_form import TemplateForm
from tests.unit.templates_helpers import write_folder

BRACKETS = "[sync] and [b]bold[/b]"


class Host(App[None]):
    def __init__(self, *widgets: Widget) -> None:
        super().__init__()
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


def on_screen(app: App[None]) -> str:
    return app.export_screenshot().replace("&#160;", " ")


async def test_guide_panel_shows_bracketed_names_entries_and_problems() -> None:
    guide = Guide.of(
        [Entry("sy", f"sync {BRACKETS}")],
        name=f"Guide {BRACKETS}",
    )
    guide = Guide(
        name=guide.name,
        entries=guide.entries,
        problems=(GuideProblem("g.toml", 3, f"odd {BRACKETS}"),),
    )
    app = Host(GuidePanel(guide))
    async with app.run_test(size=(160, 20)) as pilot:
        await pilot.pause()
        shown = on_screen(app)
        assert f"Guide {BRACKETS} · v1" in shown
        assert f"sync {BRACKETS}" in shown
        warning = app.query_one("#guide-warning", Label)  # wraps in the narrow panel
        assert str(warning.render()).endswith(f"odd {BRACKETS}")


async def test_redaction_status_quotes_what_was_typed() -> None:
    status = RedactionStatus()
    app = Host(status)
    async with app.run_test(size=(120, 5)) as pilot:
        status.show_message(f"1 card number will be stored as [CARD ****1111]; {BRACKETS}")
        await pilot.pause()
        assert f"[CARD ****1111]; {BRACKETS}" in on_screen(app)


async def test_call_details_show_the_phone_system_values_as_sent() -> None:
    at = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    call = Call("c1", "[sync]", "ana", "site-1", "[b]billing", "CU-[1]", at, at, 65)
    wrapup = Wrapup("w1", call, "ana", "site-1", "open", at, None, None, False)
    app = Host(CallDetails(wrapup))
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        shown = on_screen(app)
        assert "[sync]" in shown and "[b]billing" in shown and "CU-[1]" in shown


async def test_code_picker_labels_are_shown_as_written() -> None:
    codes = [WrapupCode("sync", f"Sync {BRACKETS}")]
    app = Host(CodePicker(codes, selected=["sync"]))
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        shown = on_screen(app)
        assert f"Codes: Sync {BRACKETS}" in shown
        assert f"[x] Sync {BRACKETS}  (sync)" in shown


FORM = f"""+++
id = "t"
title = "Title {BRACKETS}"
locale = "en"
codes = ["c"]

[[fields]]
name = "reason"
label = "Reason {BRACKETS}"
help = "Help {BRACKETS}"

[[fields]]
name = "agreed"
label = "Agreed {BRACKETS}"
type = "bool"

[[fields]]
name = "pick"
label = "Pick"
type = "choice"
choices = ["[sync]", "[b]x"]
default = "[sync]"
+++
{{{{ reason }}}}
"""


async def test_template_form_labels_help_and_choices_are_shown_as_written(
    tmp_path: Path,
) -> None:
    folder = write_folder(tmp_path, {"t.md.j2": FORM, "codes.toml": ""})
    form = NoteForm(load_library(folder), "en")
    form.template_id = "t"
    app = Host(TemplateForm(form))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.pause()
        shown = on_screen(app)
        assert f"Title {BRACKETS}" in shown
        assert f"Reason {BRACKETS}" in shown
        assert f"Help {BRACKETS}" in shown  # the placeholder of an empty field
        assert f"Agreed {BRACKETS}" in shown
        assert "[sync]" in shown.split("Pick", 1)[1]
