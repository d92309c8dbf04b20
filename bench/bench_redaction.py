"""The redaction detector itself (not a §11 budget): can a live scan drop a frame?

The editor scans after a pause in typing, on the UI thread, so a scan of even a long
note must fit in one frame (1/60 s) for the screen never to stutter. The ratio is the
scan time of a 10 000-character note over one frame; the detail gives a typical note.
`live_scan_cost(text)` is what the keystroke benchmark can call to add it in.
"""

from __future__ import annotations

import random
import time

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
        ),
        *keystroke_results(quick),
    ]


# -- typing with live redaction on --------------------------------------------------------

TYPED = "customer paid with 4111 1111 1111 1111 cvv 123, refund approved, PESEL 44051401359. "


def _typing_cpu(with_marks: bool, keys: int) -> float:
    """CPU seconds to type `keys` characters into a TextArea (and, with marks, to let the
    debounced scan run once typing pauses)."""
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from acw_tui.tui.widgets.redaction_marks import RedactionMarks, RedactionStatus

    text = (TYPED * (keys // len(TYPED) + 1))[:keys]

    class Typing(App[None]):
        def compose(self) -> ComposeResult:
            yield TextArea(id="notes")
            yield RedactionStatus()

        def on_mount(self) -> None:
            self.marks = (
                RedactionMarks(
                    self.query_one(TextArea), self.query_one(RedactionStatus), pause=0.05
                )
                if with_marks
                else None
            )

        def on_text_area_changed(self) -> None:
            if self.marks is not None:
                self.marks.note_changed()

    async def drive() -> float:
        app = Typing()
        async with app.run_test() as pilot:
            app.query_one(TextArea).focus()
            await pilot.pause()
            start = time.process_time()
            for char in text:
                await pilot.press("space" if char == " " else char)
            if app.marks is not None:
                while not app.marks.spans:
                    await pilot.pause(0.1)
            return time.process_time() - start

    return asyncio.run(drive())


def keystroke_results(quick: bool) -> list[Result]:
    keys = 80 if quick else 200
    bare = min(_typing_cpu(False, keys) for _ in range(2))
    marked = min(_typing_cpu(True, keys) for _ in range(2))
    return [
        Result(
            "keystroke_with_live_redaction",
            marked / bare,
            1.5,
            detail=[
                f"{keys} keystrokes into a bare TextArea: {bare / keys * 1e3:.2f} ms CPU each",
                f"with live redaction marks: {marked / keys * 1e3:.2f} ms CPU each",
            ],
        )
    ]
