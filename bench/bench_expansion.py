"""Shorthand expansion of a whole text (`acw expand`, "expand whole note") is linear.

`expansion_linear_*` time `expand_text` with the shipped English guide on 1 MB and on
100 KB of the same kind of text: everyday shorthand notes, and one line with no
break at all (the output's tail window must keep a long line linear). The ratio must
stay within 12 (10 is exactly linear).
"""

from __future__ import annotations

import random

from acw_tui.core.shorthand import expand_text, load_guide
from acw_tui.settings.paths import bundled
from bench.bench_redaction import linear_ratio
from bench.common import Result

WORDS = [
    "cx",
    "called",
    "re",
    "acct#",
    "w/",
    "issue",
    "b/c",
    "pmt",
    "failed;",
    "adv",
    "to",
    "retry,",
    "cb",
    "tmrw.",
    "cust",
    "said",
    "ok",
    "thx,",
    "refund",
    "approved,",
    "escalated",
    "to",
    "tl,",
    "ticket",
    "ref",
    "12345",
]


def shorthand_note(chars: int, seed: int = 5, *, lines: bool = True) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
        if lines and rng.random() < 0.05:
            out.append("\n")
    return " ".join(out)[:chars]


def run(quick: bool) -> list[Result]:
    guide = load_guide(bundled("shorthand") / "en.toml")

    def expand(text: str) -> object:
        return expand_text(text, guide)

    return [
        linear_ratio("expansion_linear_notes", expand, shorthand_note, quick),
        linear_ratio(
            "expansion_linear_one_line",
            expand,
            lambda n: shorthand_note(n, lines=False),
            quick,
        ),
    ]
