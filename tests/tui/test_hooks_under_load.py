"""50 phone-system hooks fire at once while the screen is saving drafts."""

from __future__ import annotations

import asyncio
import os
import sys
import time

from acw_tui.tui.widgets.pending_list import PendingList
from tests.tui.conftest import acw_open, type_text, wait_for

HOOKS = 50


async def test_fifty_concurrent_hooks_all_land_and_show_within_a_second(
    make_app, hook, acw_home
) -> None:
    hook.call_ended("PBX-FIRST")
    app = make_app()
    async with app.run_test(size=(120, 60)) as pilot:
        await wait_for(pilot, acw_open(app))
        env = {**os.environ, "ACW_AGENT": "ana", "ACW_SITE": "site-1"}
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "acw_tui", "call-ended", "--call-id", f"PBX-{n:02d}",
                "--queue", "load", env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            for n in range(HOOKS)
        ]  # fmt: skip
        # Keep typing (and so saving drafts) while the hooks write.
        typing = asyncio.gather(*(p.communicate() for p in processes))
        while not typing.done():
            await type_text(pilot, "typing ")
        results = await typing
        finished_at = time.monotonic()
        errors = [
            err.decode()
            for proc, (_, err) in zip(processes, results, strict=True)
            if proc.returncode
        ]
        assert errors == []
        assert not any("locked" in err.decode() for _, err in results)

        pending = app.screen.query_one(PendingList)
        await wait_for(pilot, lambda: pending.option_count == HOOKS + 1, seconds=1.0)
        assert time.monotonic() - finished_at <= 1.0 + 0.2  # poll interval 0.5 s
        count = app.desk.store.db.execute(
            "SELECT count(*) FROM wrapups WHERE status = 'open'"
        ).fetchone()[0]
        assert count == HOOKS + 1
        # and the note typed meanwhile is saved in full
        typed = app.screen.notes.text
        assert typed.startswith("typing")
        await wait_for(
            pilot,
            lambda: getattr(app.desk.wrapups.draft(app.screen.wrapup.id), "note", "") == typed,
        )
