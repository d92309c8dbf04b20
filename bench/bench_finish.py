"""Finishing a wrap-up durably vs a raw sqlite3 insert + commit (SPEC §11: ≤ 3×).

Both write to a file with the same pragmas (WAL, synchronous=FULL, secure_delete), so
both pay the same fsync; the ratio is what acw's bookkeeping (rev, outbox, full-text
index, state log, draft removal) costs on top of one durable commit.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from acw_tui.service.desk import Desk, FinishRequest
from acw_tui.settings.config import Config
from acw_tui.store import open_store
from acw_tui.store.database import PRAGMAS
from bench.common import Result

BUDGET = 3.0
NOTE = (
    "Customer called about a double charge on the March invoice. Verified account, "
    "explained the pending authorisation, refund of 49.90 issued. No follow-up needed."
)


def run(quick: bool) -> list[Result]:
    count = 100 if quick else 400
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "acw.db")
        desk = Desk(store, Config(agent_id="ana", site_id="bench"))
        wrapups = [desk.call_ended(f"B-{n}", queue="billing") for n in range(count)]
        for wrapup in wrapups:
            desk.save_draft(wrapup, NOTE[:40])
        acw = []
        for wrapup in wrapups:
            start = time.perf_counter()
            desk.finish(wrapup, FinishRequest(note=NOTE, codes=("resolved",)))
            acw.append(time.perf_counter() - start)

        raw = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        for pragma in PRAGMAS:
            raw.execute(pragma)
        raw.execute(
            "CREATE TABLE notes (id TEXT PRIMARY KEY, note TEXT, acw_seconds REAL, finished_at TEXT)"
        )
        floor = []
        for n in range(count):
            start = time.perf_counter()
            raw.execute("BEGIN")
            raw.execute(
                "INSERT INTO notes VALUES (?, ?, ?, ?)",
                (f"id-{n}", NOTE, 42.0, "2026-01-01T00:00:00Z"),
            )
            raw.execute("COMMIT")
            floor.append(time.perf_counter() - start)
    a, f = statistics.median(acw), statistics.median(floor)
    return [
        Result(
            "finish",
            a / f,
            BUDGET,
            detail=[
                f"acw finish (durable): median {a * 1000:.2f} ms over {count}",
                f"raw insert + commit:  median {f * 1000:.2f} ms",
            ],
        )
    ]
