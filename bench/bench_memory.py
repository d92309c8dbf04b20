"""memory: the screen after a tour of every screen, 1 000 000-row store (≤ +40 MiB).

acw (`bench/startup_probe.py acw-tour`, a new process running a bare `acw`): the ACW
screen of a pending wrap-up with its form and guide loaded; a note with a card number
is typed and the live redaction marks come up; then every screen is opened by its key
(pending, history, reports, sync status, follow-ups) and the agent goes back; its peak
resident memory is read at exit. Floor: a minimal Textual app with a focused TextArea
and a typed key. Two of each (one with --quick), alternating; medians.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.common import Result
from bench.demo_cache import demo_store
from bench.home import acw_command, make_home
from bench.startup_probe import run_probe

BUDGET_MIB = 40.0


def run(quick: bool) -> list[Result]:
    calls = 100_000 if quick else 1_000_000
    rounds = 1 if quick else 2
    with tempfile.TemporaryDirectory() as tmp:
        env = make_home(Path(tmp), store=demo_store(calls))
        subprocess.run(
            acw_command("call-ended", "--call-id", "MEM-1"),
            env=env,
            check=True,
            capture_output=True,
        )
        acw, floor, seen = [], [], ()
        for _ in range(rounds):
            probe = run_probe("acw-tour", env)
            acw.append(probe.peak_kib)
            seen = probe.lines
            floor.append(run_probe("floor", env).peak_kib)
    a, f = statistics.median(acw), statistics.median(floor)
    return [
        Result(
            "memory",
            (a - f) / 1024,
            BUDGET_MIB,
            unit=" MiB",
            detail=[
                f"acw, tour of every screen over a {calls}-call store: peak {a / 1024:.1f} MiB",
                f"floor (focused TextArea, a typed key): peak {f / 1024:.1f} MiB",
                "tour: " + "; ".join(line for line in seen if not line.startswith("typed")),
            ],
        )
    ]
