"""What the ACW screen loads before the agent can type, in a fresh interpreter.

Start-up is the agent's wait at the start of every shift and after every crash (SPEC
§11): a library the first screen does not use must not be imported for it. Each test
runs the real app (Pilot) in a new process, where nothing else has imported anything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio, sys
from pathlib import Path
from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp
from acw_tui.tui.widgets.note_preview import NotePreview
from tests.tui.conftest import acw_open, type_text, wait_for

home = Path(sys.argv[1])
config = home / "config.toml"
config.write_text('agent_id = "ana"\\nsite_id = "site-1"\\n', encoding="utf-8")
clock = ManualClock()
hook = Desk(open_store(home / "acw.db"), load_config(config), clock)
app = AcwApp(Desk(open_store(home / "acw.db"), load_config(config), clock))

async def main():
    async with app.run_test(size=(140, 45)) as pilot:
        hook.call_ended("PBX-1", queue="billing")
        await wait_for(pilot, acw_open(app))
        await type_text(pilot, "cb tmrw")
        typed = app.screen.notes.text  # as the shorthand guide left it
        preview = lambda: app.screen.query_one(NotePreview).text
        await wait_for(pilot, lambda: preview() == typed)
        print("typing", "jinja2" in sys.modules)
        await pilot.press("f10")  # the codes
        await type_text(pilot, "callb")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.note_form.template_id == "general-inquiry")
        app.screen.query_one("#field-reason").focus()
        await type_text(pilot, "refund")
        await wait_for(pilot, lambda: "refund" in preview())
        print("template", "jinja2" in sys.modules)

asyncio.run(main())
"""


def test_the_acw_screen_opens_without_jinja2_until_a_template_is_rendered(
    acw_home: Path,
) -> None:
    """A wrap-up with no template yet shows the plain note: Jinja2 (a fifth of acw's
    own imports) loads when a code brings a template, and that template renders."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(acw_home)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[:2] == ["typing False", "template True"]
