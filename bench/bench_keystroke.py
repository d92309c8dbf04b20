"""keystroke_median, keystroke_p99, keystroke_long_note (SPEC §11: ≤ 1.3×, ≤ 2×, ≤ 1.5×).

acw: a new process runs the real app (`AcwApp` over `Desk.open`, the ACW screen of a
pending wrap-up, its template form and preview built, a 10 000-entry guide from the
config, live redaction as the screen wires it) and the keys of a realistic shorthand
note with a card number in it are posted to it as the terminal driver posts them, ten a
second (a fast typist), pausing at each line end the way an agent stops to think (the
redaction scan and the preview run then, and whatever key follows may wait for them). Then a call transcript is pasted to make the note 1 KB,
10 KB and 100 KB long, and more keys are typed at its end. Floor: the same keys and
pastes into a bare TextArea app (same settings), in its own process. Processes go
acw, floor, floor, acw, ... so that a drift in the machine's speed weighs on both. For
reference only, one more process types the same keys into the ACW screen rebuilt from
Textual's own widgets with no acw code (bench/screen_replica.py): the toolkit's part.

The figure per key is the process's CPU time from the key to the next (the key's
handlers, the repaint, every timer of the screen that fired meanwhile, the store
thread's draft saves): what the app costs the machine while an agent types. Pilot's
`press` is not used: after each key it sends a callback through every widget of the
screen and waits for each, test machinery whose cost grows with the widget count.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import Curve, Result, percentile, record_curve
from bench.home import big_guide_file, make_home
from bench.screen_probe import NOTE_SIZES

MEDIAN_BUDGET, P99_BUDGET, LONG_BUDGET = 1.3, 2.0, 1.5


def session(
    kind: str,
    folder: Path,
    guide: Path,
    keys: int,
    tail_keys: int,
    note_sizes: tuple[int, ...] = NOTE_SIZES,
) -> dict:
    env = make_home(folder, guide=guide)
    sizes = ",".join(str(s) for s in note_sizes)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.screen_probe",
            "keystroke",
            kind,
            str(keys),
            sizes,
            str(tail_keys),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick: bool) -> list[Result]:
    rounds, keys, tail_keys = (1, 60, 10) if quick else (2, 180, 40)
    phases: dict[str, dict[str, list[float]]] = {"acw": {}, "floor": {}}
    seen: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        guide = big_guide_file(Path(tmp))
        for n in range(rounds):
            for kind in ("acw", "floor") if n % 2 == 0 else ("floor", "acw"):
                found = session(kind, Path(tmp) / f"{kind}-{n}", guide, keys, tail_keys)
                if kind == "acw":
                    seen = found["seen"]
                for phase, samples in found["phases"].items():
                    phases[kind].setdefault(phase, []).extend(c for c, _ in samples)
        # For reference: the same keys into the ACW screen rebuilt from Textual's own
        # widgets, no acw code (bench/screen_replica.py), once per run; only the typing
        # phase is printed, so the long notes are not pasted.
        replica = session("replica", Path(tmp) / "replica", guide, keys, tail_keys, ())
    replica_median = statistics.median(c for c, _ in replica["phases"]["typing"])
    a, f = phases["acw"], phases["floor"]
    med = {k: statistics.median(v["typing"]) for k, v in phases.items()}
    p99 = {k: percentile(v["typing"], 99) for k, v in phases.items()}
    curve = record_curve(Curve("keystroke (median CPU per key)", "µs", "note bytes"))
    floor_curve = record_curve(Curve("keystroke, bare TextArea", "µs", "note bytes"))
    size_lines = []
    for size in NOTE_SIZES:
        am, fm = statistics.median(a[str(size)]), statistics.median(f[str(size)])
        curve.points.append((size, am * 1e6))
        floor_curve.points.append((size, fm * 1e6))
        size_lines.append(
            f"note of {size // 1000:>3} KB: acw {am * 1e6:7.0f} µs, bare {fm * 1e6:7.0f} µs, "
            f"ratio {am / fm:.2f}"
        )
    long_a, long_f = (statistics.median(x[str(NOTE_SIZES[-1])]) for x in (a, f))
    count = len(a["typing"])
    return [
        Result(
            "keystroke_median",
            med["acw"] / med["floor"],
            MEDIAN_BUDGET,
            detail=[
                f"{count} keys per side over {rounds} process pairs (acw, floor, floor, acw, ...)",
                f"acw (10 000-entry guide, live redaction, preview): median {med['acw'] * 1e6:.0f} µs "
                f"CPU per key, p99 {p99['acw'] * 1e6:.0f} µs",
                f"bare TextArea:                                     median {med['floor'] * 1e6:.0f} µs "
                f"CPU per key, p99 {p99['floor'] * 1e6:.0f} µs",
                f"reference, the ACW screen in Textual's widgets with no acw code: median "
                f"{replica_median * 1e6:.0f} µs CPU per key "
                f"({replica_median / med['floor']:.3f}x the floor)",
                f"what the acw probe saw: {seen}",
            ],
        ),
        Result("keystroke_p99", p99["acw"] / p99["floor"], P99_BUDGET),
        Result(
            "keystroke_long_note",
            long_a / long_f,
            LONG_BUDGET,
            detail=size_lines,
        ),
    ]
