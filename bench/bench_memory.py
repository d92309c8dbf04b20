"""Memory of the screen over a 1 000 000-row store vs a minimal Textual app (≤ +60 MiB).

Both run headless; acw opens the ACW screen of a pending wrap-up and then the history
screen (the one that reads the most rows), and each reports its peak resident memory.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Result
from bench.demo_cache import demo_store
from bench.startup_probe import run_probe

BUDGET_MIB = 60.0


def _peak_kib(kind: str, env: dict[str, str]) -> int:
    return run_probe(kind, env).peak_kib


def run(quick: bool) -> list[Result]:
    calls = 100_000 if quick else 1_000_000
    source = demo_store(calls)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        shutil.copy(source, home / "acw.db")
        env = {**os.environ, "ACW_HOME": str(home), "ACW_AGENT": "ana", "ACW_SITE": "demo-site"}
        subprocess.run(
            [sys.executable, "-m", "acw_tui", "call-ended", "--call-id", "MEM-1"],
            env=env,
            check=True,
            capture_output=True,
        )
        acw = statistics.median(_peak_kib("acw-tour", env) for _ in range(3))
        floor = statistics.median(_peak_kib("floor", env) for _ in range(3))
    extra = (acw - floor) / 1024
    return [
        Result(
            "memory",
            extra,
            BUDGET_MIB,
            unit=" MiB",
            detail=[
                f"acw (ACW screen, then history) over a {calls}-call store: peak {acw / 1024:.1f} MiB",
                f"floor (Header, TextArea, Footer): peak {floor / 1024:.1f} MiB",
            ],
        )
    ]
