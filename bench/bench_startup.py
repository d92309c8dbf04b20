"""Start to first paint of the ACW screen vs a minimal Textual app (SPEC §11: ≤ 1.25×)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Result

BUDGET = 1.25


def _prepare(home: Path, calls: int) -> dict[str, str]:
    env = {**os.environ, "ACW_HOME": str(home), "ACW_AGENT": "ana", "ACW_SITE": "demo-site"}
    acw = [sys.executable, "-m", "acw_tui"]
    subprocess.run(
        [*acw, "demo", "--calls", str(calls), "--agents", "8"],
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*acw, "call-ended", "--call-id", "BENCH-1", "--queue", "billing"],
        env=env,
        check=True,
        capture_output=True,
    )
    return env


def _once(kind: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bench.startup_probe", kind],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def run(quick: bool) -> list[Result]:
    repeat = 5 if quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        env = _prepare(Path(tmp), 2_000 if quick else 20_000)
        for kind in ("acw", "floor"):  # warm the OS file cache for both
            _once(kind, env)
        acw, floor = [], []
        for _ in range(repeat):  # interleaved, so drift hits both alike
            acw.append(_once("acw", env))
            floor.append(_once("floor", env))
    a, f = statistics.median(acw), statistics.median(floor)
    return [
        Result(
            "startup",
            a / f,
            BUDGET,
            detail=[
                f"acw to first paint of the ACW screen: median {a * 1000:.0f} ms over {repeat} starts",
                f"floor (Header, TextArea, Footer):      median {f * 1000:.0f} ms",
            ],
        )
    ]
