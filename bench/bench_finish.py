"""finish: ctrl+s on the ACW screen until the agent is back to ready (SPEC §11: ≤ 2×).

acw (`bench/screen_probe.py finish`, a new process): the real app over its store; for
each round a call ends (the hook's Desk on the same file), its draft has the callback
code with a follow-up time and owner, the agent types a shorthand note with a card
number in it (expansions counted, a redaction audit row due); then ctrl+s is sent as
the terminal sends it and the clock runs until the first frame painted once the ready
screen says the agent is ready and every write the screen asked for is done (note,
fields, codes, follow-up, shorthand usage, redaction audit, agent state, draft removal:
one durable commit). Floor: one raw sqlite3 insert + commit with the same pragmas on the
same disk, right after each round. Printed for reference only: the same rounds on the
ACW and ready screens rebuilt from Textual's own widgets with no acw code
(bench/screen_replica.py), ctrl+s making one insert + commit on a thread and going
back: the toolkit's part of acw's time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Result, percentile
from bench.home import make_home

BUDGET = 2.0


def finish_probe(folder: Path, rounds: int, kind: str = "finish") -> dict:
    """`kind` "finish" (acw and the floor) or "finish-replica"."""
    env = make_home(folder / "home")
    out = subprocess.run(
        [sys.executable, "-m", "bench.screen_probe", kind, str(rounds), str(folder / f"{kind}.db")],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick: bool) -> list[Result]:
    rounds = 2 if quick else 12
    with tempfile.TemporaryDirectory() as tmp:
        found = finish_probe(Path(tmp), rounds)
        replica = statistics.median(finish_probe(Path(tmp), rounds, "finish-replica")["replica"])
    wall = [w for _, w in found["acw"]]
    cpu = [c for c, _ in found["acw"]]
    floor = found["floor"]
    a, f = statistics.median(wall), statistics.median(floor)
    return [
        Result(
            "finish",
            a / f,
            BUDGET,
            detail=[
                f"ctrl+s to ready, everything stored: median {a * 1000:.1f} ms wall "
                f"(p90 {percentile(wall, 90) * 1000:.1f} ms), {statistics.median(cpu) * 1000:.1f} ms CPU, "
                f"{rounds} rounds",
                f"raw sqlite3 insert + commit, same pragmas: median {f * 1000:.2f} ms",
                f"reference, the same rounds on the screens in Textual's widgets with no acw "
                f"code: median {replica * 1000:.1f} ms ({replica / f:.1f}x the floor)",
                f"stored: {found['seen']}",
            ],
        )
    ]
