"""The completion model is built in steps: the screen paces them into the agent's pauses,
and a paced build is the same model as one built straight through."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.completion import CompletionModel, note_ngrams
from acw_tui.core.completion.words import count_ngrams
from acw_tui.core.shorthand import Entry, Guide
from acw_tui.service.completion import CHUNK, CompletionKeeper, guide_counts
from acw_tui.store import open_store
from acw_tui.store.completion import LOAD_CHUNK, add_counts

WORDS = st.sampled_from(
    [
        "customer",
        "refund",
        "sent",
        "link",
        "by",
        "email",
        "the",
        "card",
        "1234",
        ".",
        ",",
        "verified",
        "identity",
        "zwrot",
        "klient",
        "客",
        "户",
        "[CARD ****1111]",
        "\n",
    ]
)
TEXTS = st.lists(WORDS, max_size=30).map(" ".join)


@settings(
    max_examples=int(os.environ.get("ACW_COMPLETION_EXAMPLES", "100")),
    deadline=None,
    derandomize=True,
)
@given(st.lists(TEXTS, max_size=6), st.integers(min_value=1, max_value=4))
def test_counting_into_one_counter_adds_what_each_text_counts(
    texts: list[str], weight: int
) -> None:
    from collections import Counter

    together: Counter[tuple[str, str]] = Counter()
    for text in texts:
        count_ngrams(text, together, weight)
    separately: Counter[tuple[str, str]] = Counter()
    for text in texts:
        for key, count in note_ngrams(text).items():
            separately[key] += count * weight
    assert together == separately


def big_guide(size: int) -> Guide:
    return Guide.of(
        [Entry(f"zq{n}", f"sent the refund link number {n} by email") for n in range(size)]
    )


def test_the_guide_counts_call_pace_between_steps_of_a_few_entries() -> None:
    calls = []
    guide = big_guide(3 * CHUNK + 10)
    counts = guide_counts(guide, lambda: calls.append(1))
    assert len(calls) == 3
    assert counts == guide_counts(guide)


def test_a_paced_model_is_the_model_built_straight_through(tmp_path: Path) -> None:
    path = tmp_path / "acw.db"
    store = open_store(path)
    with store.transaction():
        for n in range(LOAD_CHUNK // 20 + 5):  # more rows than one read step
            add_counts(store, "en", note_ngrams(f"note {n} word{n} refund sent by email").items())
    store.close()
    guide = big_guide(CHUNK * 2)
    paces: list[int] = []
    paced = CompletionKeeper(path, "en").model(guide, None, lambda: paces.append(1))
    straight = CompletionKeeper(path, "en").model(guide)
    assert len(paces) >= 2 + 2  # store rows and guide entries both paced
    assert paced.counts == straight.counts
    for before in ("sent the re", "Ref", "by "):
        assert paced.suggest(before) == straight.suggest(before)
    assert isinstance(paced, CompletionModel)


def test_a_pace_that_raises_gives_the_build_up_and_the_next_ask_builds_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "acw.db"
    open_store(path).close()
    keeper = CompletionKeeper(path, "en")

    def gone() -> None:
        raise RuntimeError("the editor left the screen")

    try:
        keeper.model(big_guide(CHUNK + 1), None, gone)
    except RuntimeError:
        pass
    else:
        raise AssertionError("the build went on after pace raised")
    assert keeper.model(big_guide(CHUNK + 1)).size > 0
