"""Regenerate docs/acw-screen.svg: the ACW screen over a demo store.

Run with `.venv/bin/python docs/screenshot.py`.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import timedelta
from pathlib import Path

from acw_tui.core.clock import ManualClock
from acw_tui.service.desk import Desk
from acw_tui.settings.config import Config
from acw_tui.store import open_store
from acw_tui.store.demo import generate_demo
from acw_tui.tui.app import AcwApp

OUT = Path(__file__).with_name("acw-screen.svg")


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "acw.db")
        clock = ManualClock()
        generate_demo(store, calls=400, agents=4, days=5, seed=3, site_id="waw-1", end=clock.now())
        desk = Desk(store, Config(agent_id="ana", site_id="waw-1"), clock)
        desk.call_started("PBX-20931", queue="billing", customer_ref="CU-48213", at=clock.now())
        clock.advance(312)
        desk.call_ended("PBX-20931")
        clock.advance(40)
        desk.call_ended("PBX-20940", queue="support", at=clock.now() - timedelta(seconds=5))
        clock.advance(44)
        app = AcwApp(desk)
        async with app.run_test(size=(130, 36)) as pilot:
            await pilot.pause(0.5)
            await pilot.press(*"cx asked why the March inv was charged twice. ")
            await pilot.press(*"Verified acct, rfd of 49.90 issued. ")
            await pilot.press("f10", "enter")  # the code "Resolved" suggests its template
            await pilot.pause(1.0)
            await pilot.resize_terminal(130, 36)  # one more full repaint before the picture
            await pilot.pause(0.5)
            app.save_screenshot(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    asyncio.run(main())
