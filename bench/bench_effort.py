"""effort: the share of characters an agent types, with the guide and completion.

The notes are in `bench/effort/notes.<locale>.txt` (blank-line separated, realistic
wrap-ups: at least 20 in English, 10 each in Polish, Spanish and Chinese). Each is typed
by the simulated agent of `acw_tui.core.completion.effort.typing_effort` (the one that
`acw guide effort` uses): it knows the shipped guide of its locale and accepts a
suggestion whenever it is what they mean to type, and every key counts. Completion is
trained on a demo history (`bench/effort/history.toml`: the team's everyday phrases,
combined at random with a fixed seed) and the guide's expansions, and never on the
benchmark's own notes. The floor is the notes typed in full: the ratio is keys pressed
÷ characters of the final notes, budget 0.55 (SPEC §11).
"""

from __future__ import annotations

import random
import tomllib
from pathlib import Path

from acw_tui.core.completion import CompletionModel
from acw_tui.core.completion.effort import Effort, notes_in, total_effort, typing_effort
from acw_tui.core.shorthand import Guide, load_guide
from acw_tui.service.completion import guide_counts
from acw_tui.settings.paths import bundled
from bench.common import Result

HERE = Path(__file__).parent / "effort"
LOCALES = ("en", "pl", "es", "zh")
BUDGET = 0.55
HISTORY_NOTES = 400  # finished notes per locale the model learns (about two agents' week)
SEED = 17


def benchmark_notes(locale: str) -> list[str]:
    return notes_in((HERE / f"notes.{locale}.txt").read_text(encoding="utf-8"))


def demo_history(locale: str, count: int = HISTORY_NOTES, seed: int = SEED) -> list[str]:
    """`count` finished notes a team of this locale might have written (seeded)."""
    pools = tomllib.loads((HERE / "history.toml").read_text(encoding="utf-8"))[locale]
    rng = random.Random(f"{seed}-{locale}")
    joiner = "" if locale == "zh" else " "
    notes = []
    for _ in range(count):
        parts = [rng.choice(pools["reasons"])]
        parts += rng.sample(pools["checks"], rng.choice((1, 1, 2)))
        parts += rng.sample(pools["actions"], rng.choice((1, 2, 2, 3)))
        parts.append(rng.choice(pools["outcomes"]))
        if rng.random() < 0.6:
            parts.append(rng.choice(pools["closings"]))
        notes.append(joiner.join(parts))
    return notes


def trained_model(locale: str, guide: Guide, history: list[str]) -> CompletionModel:
    model = CompletionModel(locale)
    for note in history:
        model.learn(note)
    model.add_counts(guide_counts(guide).items())
    return model


def measure(locale: str) -> tuple[Effort, Effort, Effort]:
    """(guide only, completion only, both) over the locale's benchmark notes."""
    guide = load_guide(bundled("shorthand") / f"{locale}.toml")
    notes = benchmark_notes(locale)
    history = demo_history(locale)
    overlap = set(notes) & set(history)
    if overlap:  # the model must not have seen what it is measured on
        raise RuntimeError(f"{locale}: the demo history holds benchmark notes: {overlap}")
    model = trained_model(locale, guide, history)
    return (
        total_effort(typing_effort(note, guide) for note in notes),
        total_effort(typing_effort(note, Guide(), model) for note in notes),
        total_effort(typing_effort(note, guide, model) for note in notes),
    )


def run(quick: bool) -> list[Result]:
    detail = []
    total = Effort()
    for locale in LOCALES:
        guide_only, completion_only, both = measure(locale)
        total += both
        notes = len(benchmark_notes(locale))
        detail.append(
            f"{locale}: {notes} notes, {both.chars} chars, {both.keys} keys: ratio "
            f"{both.ratio:.3f} (guide only {guide_only.ratio:.3f}, completion only "
            f"{completion_only.ratio:.3f}; {both.accepts} accept keys, "
            f"{both.expansions} expansions, {both.undos} undos)"
        )
    return [Result("effort", total.ratio, BUDGET, detail=detail)]
