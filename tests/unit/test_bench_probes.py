"""The benchmarks' probes walk the path they are named after (nothing here is timed).

A benchmark that times less than its name says flatters acw; these check that each
probe's key, ctrl+s or sync reaches what a person's would: the keystroke probe's keys
reach the shorthand engine, the screen's live redaction scan and the preview; the
finish probe's ctrl+s stores the follow-up, shorthand usage and redaction audit; the
sync probe sends every record kind the demo history queued; the start-up probe types
into the loaded ACW screen. The Textual-only replica printed beside the start-up and
finish figures holds the ACW screen's widgets, kind by kind.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bench.home import acw_command, big_guide_file, make_home
from bench.screen_probe import finish_session, keystroke_session


def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: object) -> dict[str, str]:
    env = make_home(tmp_path / "home", **kwargs)  # type: ignore[arg-type]
    monkeypatch.setenv("ACW_HOME", env["ACW_HOME"])
    for name in ("ACW_DB", "ACW_AGENT", "ACW_SITE", "ACW_HUB_URL", "ACW_HUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return env


def test_keystroke_probe_reaches_shorthand_redaction_and_preview(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _home(tmp_path, monkeypatch, guide=big_guide_file(tmp_path))
    found = asyncio.run(keystroke_session("acw", 140, (1_000,), 3))
    seen = found["seen"]
    assert seen["guide_entries"] == 10_000
    assert seen["expansions"] > 0 and seen["customer_in_note"]
    assert "card" in seen["redaction_marks"]  # the screen's own scan marked the card
    assert seen["preview_rendered"]
    assert seen["final_length"] >= 1_000  # the paste made the note long
    assert len(found["phases"]["typing"]) == 140


def test_finish_probe_stores_followup_usage_and_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _home(tmp_path, monkeypatch)
    found = asyncio.run(finish_session(1, str(tmp_path / "floor.db")))
    assert len(found["acw"]) == len(found["floor"]) == 1
    seen = found["seen"]
    assert seen["done"] == 2  # warm-up round and timed round, card redacted in the note
    assert seen["followups"] == 2
    assert seen["shorthand_usage"] > 0
    assert seen["redaction_audit"] > 0


def test_sync_probe_sends_every_record_kind(tmp_path: Path) -> None:
    from bench.bench_sync import one_size

    found = one_size(tmp_path, 1_000)
    assert {"calls", "wrapups", "agent_states", "followups", "shorthand_usage"} <= set(
        found["queued"]
    )
    assert found["received"] == found["queued"]
    assert found["left"] == 0


def test_startup_probe_types_into_the_loaded_acw_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.startup_probe import run_probe

    env = _home(tmp_path, monkeypatch)
    subprocess.run(acw_command("call-ended", "--call-id", "T-1"), env=env, check=True)
    probe = run_probe("acw", env)
    assert probe.typed_at is not None
    db = Path(env["ACW_HOME"]) / "acw.db"
    assert db.exists() and os.path.getsize(db) > 0


def test_screen_replicas_have_the_real_screens_widgets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start-up and finish references rebuild the ACW and ready screens from
    Textual's widgets; a reference with fewer widgets than the real screen would make
    acw's own part look bigger than it is (and more would make it look smaller)."""
    from textual.app import App

    from acw_tui.tui.screens.ready import ReadyScreen
    from bench.screen_probe import SIZE, acw_screen_ready, hook_desk, open_acw, wait_until
    from bench.screen_replica import CSS as REPLICA_CSS
    from bench.screen_replica import ReadyReplica, StartReplica, census

    _home(tmp_path, monkeypatch)

    class ShowReady(App[None]):
        CSS = REPLICA_CSS

        def on_mount(self) -> None:
            self.push_screen(ReadyReplica())

    async def counted() -> list[tuple[dict[str, int], dict[str, int]]]:
        app = open_acw()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, ReadyScreen))
            await pilot.pause()
            real_ready = census(app.screen)
        hook = hook_desk()
        hook.call_ended("CENSUS-1", queue="billing")
        hook.close()
        app = open_acw()
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: acw_screen_ready(app))
            real_acw = census(app.screen)
        screens: list[object] = []
        start = StartReplica(lambda _app, screen: screens.append(screen))
        async with start.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: bool(screens) and start.focused is not None)
            rebuilt_acw = census(screens[0])
        ready = ShowReady()
        async with ready.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(ready.screen, ReadyReplica))
            await pilot.pause()
            rebuilt_ready = census(ready.screen)
        return [(real_acw, rebuilt_acw), (real_ready, rebuilt_ready)]

    for real, rebuilt in asyncio.run(counted()):
        assert rebuilt == real
        assert sum(real.values()) > 10


def test_replica_probes_type_and_finish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.screen_replica import finish_walls
    from bench.startup_probe import run_probe

    env = _home(tmp_path, monkeypatch)
    assert run_probe("replica", env).typed_at is not None
    walls = finish_walls(1, str(tmp_path / "replica.db"), "cx cld, rfd ok.\n")
    assert len(walls) == 1 and walls[0] > 0
    with sqlite3.connect(tmp_path / "replica.db") as conn:  # warm-up and timed round
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 2
