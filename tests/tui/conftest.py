"""Driving the real app with Pilot over a real store and a hand-moved clock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import load_config
from acw_tui.store import open_store
from acw_tui.tui.app import AcwApp


@pytest.fixture
def make_app(acw_home: Path, clock: ManualClock) -> Callable[..., AcwApp]:
    """A fresh app over the store in ACW_HOME; `acw_table` sets the [acw] policy."""

    def make(acw_table: str = "") -> AcwApp:
        path = acw_home / "config.toml"
        path.write_text(
            f'agent_id = "ana"\nsite_id = "site-1"\n[acw]\n{acw_table}\n', encoding="utf-8"
        )
        return AcwApp(Desk(open_store(acw_home / "acw.db"), load_config(path), clock))

    return make


@pytest.fixture
def hook(acw_home: Path, clock: ManualClock) -> Desk:
    """A second desk on its own connection: what the phone-system hook process does."""
    path = acw_home / "config.toml"
    if not path.exists():
        path.write_text('agent_id = "ana"\nsite_id = "site-1"\n', encoding="utf-8")
    return Desk(open_store(acw_home / "acw.db"), load_config(path), clock)


async def wait_for(pilot: Pilot, condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the app run until `condition` holds (polls the app, never a blind sleep)."""
    steps = int(seconds / 0.05)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), "condition not reached in time"


async def type_text(pilot: Pilot, text: str) -> None:
    await pilot.press(*["space" if c == " " else "enter" if c == "\n" else c for c in text])


def acw_open(app: object, call_id: str | None = None) -> Callable[[], bool]:
    """True once the ACW screen (for `call_id`, if given) is up with the notes focused."""
    from acw_tui.tui.screens.acw import AcwScreen

    def ready() -> bool:
        screen = app.screen  # type: ignore[attr-defined]
        return (
            isinstance(screen, AcwScreen)
            and (call_id is None or screen.wrapup.call.external_id == call_id)
            and app.focused is not None  # type: ignore[attr-defined]
            and app.focused.id == "notes"  # type: ignore[attr-defined]
        )

    return ready


@pytest.fixture
def quick_aids(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes' coaching figures and completion model load right after the guide."""
    from acw_tui.tui.widgets import notes_editor

    monkeypatch.setattr(notes_editor, "AIDS_AFTER", 0.0)


async def aids_loaded(pilot: Pilot) -> None:
    """Wait until every notes editor on screen has its coaching figures and completion
    model: a snapshot taken before would depend on how fast the machine is (a ghost
    suggestion appears once the model is in)."""
    from acw_tui.tui.widgets.notes_editor import NotesEditor

    editors = list(pilot.app.screen.query(NotesEditor))
    await wait_for(pilot, lambda: all(editor.aids_loaded for editor in editors))


async def settle(pilot: Pilot) -> None:
    """Let the app save what is on screen and finish every write it has asked for."""
    app = pilot.app
    await pilot.pause()
    app.save_drafts(still_typing=False)  # type: ignore[attr-defined]
    await app.calls.settled()  # type: ignore[attr-defined]
    await pilot.pause()
    await app.calls.settled()  # and the writes that the results led to


async def tables_settled(pilot: Pilot) -> None:
    """The report asked for last shown, every worker done and every DataTable's
    columns sized to what it holds, then painted. DataTable sizes its columns when idle after rows are added; on a loaded
    machine a screenshot between the two caught columns half as wide as their text."""

    def sized() -> bool:
        from acw_tui.tui.screens.reports import ReportsScreen

        screen = pilot.app.screen
        if isinstance(screen, ReportsScreen) and screen.shown_view != screen.view:
            return False  # the report asked for last is not in yet
        return not any(
            table._require_update_dimensions or table._new_rows  # (private: Textual's own flags)
            for table in screen.query(DataTable)
        )

    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
    await wait_for(pilot, sized)
    await pilot.pause()


def notices(app: object) -> list[str]:
    """The texts of the notifications the app is showing (Textual keeps them privately)."""
    return [n.message for n in app._notifications]  # type: ignore[attr-defined]
