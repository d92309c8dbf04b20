"""hook_latency: `acw call-ended` until the running screen shows the wrap-up (≤ 1 s).

acw: a bare `acw` runs (`bench/startup_probe.py acw-watch`) on its ready screen over a
1 000 000-row store (100 000 with --quick); the phone hook `acw call-ended --call-id …`
is started as a new process, and the clock runs from its start until the running
screen has painted the new wrap-up's ACW screen (the probe prints the moment; the
agent then goes back to ready with escape). Floor: a Python process inserting one row
with sqlite3 into a store watched by a reader that polls `PRAGMA data_version` at the
screen's own interval (`POLL_INTERVAL`), timed from the writer's start until the reader sees
the row. Hooks and floor inserts alternate. The promise is absolute: the slowest hook
must show within 1 s; the ratio of medians is printed too.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result
from bench.demo_cache import demo_store
from bench.home import acw_command, make_home
from bench.startup_probe import TERMINAL

BUDGET_S = 1.0

READER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
version = conn.execute("PRAGMA data_version").fetchone()[0]
out = open(sys.argv[3], "a")
print("ready", file=out, flush=True)
seen = 0
while True:
    time.sleep(float(sys.argv[2]))
    now = conn.execute("PRAGMA data_version").fetchone()[0]
    if now != version:
        version = now
        count = conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0]
        if count != seen:
            seen = count
            print(f"shown {count} {time.monotonic():.6f}", file=out, flush=True)
"""
WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
conn.execute("INSERT INTO calls (id) VALUES (?)", (sys.argv[2],))
"""


def wait_for(path: Path, prefix: str, timeout: float = 120) -> str:
    """The first line of `path` (written by a watching process) starting with `prefix`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith(prefix):
                    return line
        time.sleep(0.002)
    raise TimeoutError(f"{path.name}: no {prefix!r} in {timeout} s")


def run(quick: bool) -> list[Result]:
    calls = 100_000 if quick else 1_000_000
    rounds = 3 if quick else 10
    from acw_tui.tui.app import POLL_INTERVAL

    with tempfile.TemporaryDirectory() as tmp:
        env = make_home(Path(tmp) / "home", store=demo_store(calls))
        floor_db = Path(tmp) / "floor.db"
        conn = sqlite3.connect(floor_db)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE calls (id TEXT PRIMARY KEY)")
        conn.close()
        app_out, reader_out = Path(tmp) / "acw.out", Path(tmp) / "reader.out"
        app = subprocess.Popen(
            [sys.executable, "-m", "bench.startup_probe", "acw-watch", str(app_out)],
            env={**env, **TERMINAL},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(floor_db), str(POLL_INTERVAL), str(reader_out)],
        )
        acw, floor = [], []
        try:
            wait_for(app_out, "ready")
            wait_for(reader_out, "ready")
            time.sleep(1.0)
            for n in range(rounds):
                call_id = f"HOOK-{n}"
                start = time.monotonic()
                subprocess.run(
                    acw_command("call-ended", "--call-id", call_id, "--queue", "billing"),
                    env=env,
                    check=True,
                    capture_output=True,
                )
                shown = wait_for(app_out, f"shown {call_id} ")
                acw.append(float(shown.split()[2]) - start)
                time.sleep(random.uniform(0.6, 1.1))  # back to ready; any phase of the poll
                start = time.monotonic()
                subprocess.run(
                    [sys.executable, "-c", WRITER, str(floor_db), call_id],
                    check=True,
                    env={**os.environ},
                )
                seen = wait_for(reader_out, f"shown {n + 1} ")
                floor.append(float(seen.split()[2]) - start)
                time.sleep(random.uniform(0.1, 0.6))
        finally:
            app.terminate()
            reader.terminate()
            app.wait()
            reader.wait()
    a, f = statistics.median(acw), statistics.median(floor)
    return [
        Result(
            "hook_latency",
            max(acw),
            BUDGET_S,
            unit=" s",
            detail=[
                f"{calls}-call store, {rounds} hooks: acw call-ended to the wrap-up on screen: "
                f"median {a * 1000:.0f} ms, slowest {max(acw) * 1000:.0f} ms",
                f"floor (sqlite3 insert from a new process, reader polling every "
                f"{POLL_INTERVAL} s): median {f * 1000:.0f} ms, slowest {max(floor) * 1000:.0f} ms",
                f"ratio of medians {a / f:.2f} (the line above gives the slowest hook, in seconds)",
            ],
        )
    ]
