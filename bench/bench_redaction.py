"""The redaction detector itself (not a §11 budget): can a live scan drop a frame?

The editor scans after a pause in typing, on the UI thread, so a scan of even a long
note must fit in one frame (1/60 s) for the screen never to stutter. The ratio is the
scan time of a 10 000-character note over one frame; the detail gives a typical note.
`live_scan_cost(text)` is what the keystroke benchmark can call to add it in.

Redaction must also be linear in its input (`acw redact` of a big export, a 1 MB
paste): `redaction_linear_*` time `acw redact`'s path (scan and rewrite) on 1 MB and
on 100 KB of the same kind of text; the ratio must stay within 12 (10 is linear).
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable

from acw_tui.core.redaction import Redactor
from bench.common import Result, best_of

LINEAR_BUDGET = 12.0  # time for 1 MB over time for 100 KB; 10 is exactly linear

FRAME = 1 / 60

PROSE = (
    "customer called about the refund for order 123 and the double charge on 15.01.2024 "
    "klient prosi o zwrot środków za zamówienie el cliente pide el reembolso 客户要求退款 "
)
WORDS = PROSE.split()


def make_note(chars: int, seed: int = 11) -> str:
    """Everyday prose with a card, a code and a PESEL every ~800 characters."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        if rng.random() < 0.01:
            piece = rng.choice(
                ["card 4111 1111 1111 1111 cvv 123", "PESEL 44051401359", "DNI 12345678Z"]
            )
        else:
            piece = rng.choice(WORDS)
        out.append(piece)
        size += len(piece) + 1
    return " ".join(out)[:chars]


def live_scan_cost(text: str, redactor: Redactor | None = None) -> float:
    """Seconds one live scan of `text` takes (what runs after a pause in typing)."""
    redactor = redactor or Redactor()
    return best_of(lambda: redactor.scan(text), 5)


def run(quick: bool) -> list[Result]:
    redactor = Redactor()
    repeat = 5 if quick else 25
    typical, long = make_note(600), make_note(10_000)
    redactor.scan(long)  # compile the patterns outside the timing
    typical_s = best_of(lambda: redactor.scan(typical), repeat)
    long_s = best_of(lambda: redactor.scan(long), repeat)
    finish_s = best_of(lambda: redactor.redact_record(typical, {"a": typical}), repeat)
    return [
        Result(
            "redaction_scan_10k_chars_per_frame",
            long_s / FRAME,
            1.0,
            detail=[
                f"600-character note: {typical_s * 1e3:.2f} ms per scan",
                f"10 000-character note: {long_s * 1e3:.2f} ms per scan",
                f"note + one field redacted at save: {finish_s * 1e3:.2f} ms",
            ],
        ),
        *linearity_results(quick),
    ]


# -- linear in the input ------------------------------------------------------------------


def number_heavy(chars: int, seed: int = 3) -> str:
    """A note made mostly of numbers: cards, codes, ids, runs of digits and spaces."""
    rng = random.Random(seed)
    pieces = [
        "4111 1111 1111 1111",
        "cvv 123",
        "1234",
        "12 34 56",
        "44051401359",
        "1 2 3 4 5 6 7 8 9 0",
        "ORD-2024-000117",
    ]
    out: list[str] = []
    size = 0
    while size < chars:
        piece = rng.choice(pieces) if rng.random() < 0.8 else "9" * rng.randint(1, 25)
        out.append(piece)
        size += len(piece) + 1
    return " ".join(out)[:chars]


def linear_ratio(
    name: str, run_once: Callable[[str], object], make: Callable[[int], str], quick: bool
) -> Result:
    """Time `run_once` on 100 KB and on 1 MB of `make`'s text, in alternating rounds;
    the ratio of the medians (a noisy neighbour on a shared core hits both sizes alike)."""
    small, large = make(100_000), make(1_000_000)
    run_once(small)  # warm-up: patterns compiled, guide loaded, memory arenas grown
    run_once(large)
    rounds = 3 if quick else 9
    small_times, large_times = [], []
    for _ in range(rounds):
        small_times.append(best_of(lambda: run_once(small), 1))
        large_times.append(best_of(lambda: run_once(large), 1))
    small_s, large_s = statistics.median(small_times), statistics.median(large_times)
    return Result(
        name,
        large_s / small_s,
        LINEAR_BUDGET,
        detail=[
            f"100 KB: {small_s * 1e3:.1f} ms, 1 MB: {large_s * 1e3:.1f} ms "
            f"(medians of {rounds} alternating rounds)"
        ],
    )


def linearity_results(quick: bool) -> list[Result]:
    redactor = Redactor()
    return [
        linear_ratio("redaction_linear_prose", redactor.redact, make_note, quick),
        linear_ratio("redaction_linear_numbers", redactor.redact, number_heavy, quick),
    ]
