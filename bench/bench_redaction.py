"""The redaction detector itself (not a §11 budget): can a live scan drop a frame?

The editor scans after a pause in typing, on the UI thread, so a scan of even a long
note must fit in one frame (1/60 s) for the screen never to stutter. The ratio is the
scan time of a 10 000-character note over one frame; the detail gives a typical note.
`live_scan_cost(text)` is what the keystroke benchmark can call to add it in.
"""

from __future__ import annotations

import random

from acw_tui.core.redaction import Redactor
from bench.common import Result, best_of

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
        )
    ]
