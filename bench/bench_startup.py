"""startup_to_typing: process start until the agent can type (SPEC §11: ≤ 1.3×).

acw: a new process running a bare `acw` over a store with a pending wrap-up (a 20 000-
call demo history, the shipped guide and templates), until the ACW screen has the
wrap-up's form (codes, template fields, preview) and the shorthand guide loaded, the
notes editor focused, and a key sent as the terminal driver sends it is echoed on the
refreshed screen. Floor: the same for a minimal Textual app with a focused TextArea.
Starts alternate (acw, floor, replica, acw, ...); the ratio is of the median wall-clock
times, CPU times are printed beside them. The replica, printed for reference only, is
the ACW screen's widget tree rebuilt from Textual's own widgets with no acw code
(bench/screen_replica.py): the toolkit's part of acw's time.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import Result
from bench.demo_cache import demo_store
from bench.home import acw_command, make_home
from bench.startup_probe import run_probe

BUDGET = 1.3


def prepare(folder: Path, calls: int) -> dict[str, str]:
    env = make_home(folder, store=demo_store(calls, agents=8))
    subprocess.run(
        acw_command("call-ended", "--call-id", "BENCH-1", "--queue", "billing"),
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def once(kind: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds from process start to the typed key on screen."""
    start = time.monotonic()
    probe = run_probe(kind, env)
    assert probe.typed_at is not None and probe.cpu_at_typed is not None, f"{kind}: no echo"
    return probe.typed_at - start, probe.cpu_at_typed


def run(quick: bool) -> list[Result]:
    repeat = 4 if quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(Path(tmp), 20_000)
        kinds = ("acw", "floor", "replica")
        for kind in kinds:  # warm the OS file cache and bytecode for each
            once(kind, env)
        runs: dict[str, list[tuple[float, float]]] = {kind: [] for kind in kinds}
        for _ in range(repeat):  # interleaved, so drift hits each alike
            for kind in kinds:
                runs[kind].append(once(kind, env))
    acw, floor, replica = runs["acw"], runs["floor"], runs["replica"]
    a_wall, f_wall, r_wall = (statistics.median(t[0] for t in r) for r in (acw, floor, replica))
    a_cpu, f_cpu, r_cpu = (statistics.median(t[1] for t in r) for r in (acw, floor, replica))
    return [
        Result(
            "startup_to_typing",
            a_wall / f_wall,
            BUDGET,
            detail=[
                f"acw, start to a typed key on the loaded ACW screen: median {a_wall * 1000:.0f} ms "
                f"wall, {a_cpu * 1000:.0f} ms CPU over {repeat} starts",
                f"floor (focused TextArea), start to typed key:    median {f_wall * 1000:.0f} ms "
                f"wall, {f_cpu * 1000:.0f} ms CPU",
                f"CPU-time ratio {a_cpu / f_cpu:.3f}",
                f"reference, the ACW screen in Textual's widgets with no acw code: median "
                f"{r_wall * 1000:.0f} ms wall ({r_wall / f_wall:.3f}x the floor), "
                f"{r_cpu * 1000:.0f} ms CPU",
            ],
        )
    ]
