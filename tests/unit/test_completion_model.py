"""The completion model (core): what it learns from a note and what it suggests."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.completion import CompletionModel, note_ngrams, word_runs
from acw_tui.core.completion.words import LINE_START

EXAMPLES = int(os.environ.get("ACW_COMPLETION_EXAMPLES", "150"))


def trained(*notes: str, times: int = 2) -> CompletionModel:
    model = CompletionModel()
    for _ in range(times):
        for note in notes:
            model.learn(note)
    return model


def test_redaction_markers_and_long_numbers_break_the_runs() -> None:
    note = "Paid by card [CARD ****1111] today, ref 123456 sent.\nCall back"
    assert list(word_runs(note)) == [
        ["Paid", "by", "card"],
        ["today", ",", "ref"],
        ["sent", "."],
        ["Call", "back"],
    ]
    learned = {word for (_, word) in note_ngrams(note)}
    assert not any("1111" in word or "CARD" in word or "123456" in word for word in learned)


def test_each_chinese_character_is_a_word_and_joins_without_spaces() -> None:
    model = trained("客户来电查询账单。")
    assert list(word_runs("客户来电")) == [["客", "户", "来", "电"]]
    assert model.suggest("客户来").text == "电查询账单。"


def test_a_line_start_is_a_context_of_its_own() -> None:
    counts = note_ngrams("Customer called")
    assert counts[(LINE_START.casefold(), "Customer")] == 1


def test_rest_of_the_word_then_a_confident_phrase() -> None:
    model = trained(
        "Verified identity, sent confirmation by email.",
        "Verified identity, explained the charges.",
        "Sent confirmation by email.",
    )
    # After "identity," two continuations are as likely: the phrase stops there.
    assert model.suggest("Veri").pieces == ("fied", " identity", ",")
    assert model.suggest("then sent conf").text == "irmation by email."
    assert model.suggest("").text == "Verified identity,"


def test_case_of_the_typed_prefix_carries_over() -> None:
    model = trained("customer called about billing")
    assert model.suggest("CUS").pieces[0] == "TOMER"
    assert model.suggest("Cus").pieces[0] == "tomer"


def test_a_word_seen_once_is_not_suggested() -> None:
    model = trained("antidisestablishment", times=1)
    assert not model.suggest("antid")


def test_incremental_learning_adds_to_what_was_loaded() -> None:
    model = trained("sent confirmation by email")
    rows = [(c, w, n) for (c, w), n in note_ngrams("sent confirmation by post").items()]
    loaded = CompletionModel.from_counts("en", rows * 3)
    assert loaded.suggest("sent confirmation by ").text == "post"
    loaded.add_counts(note_ngrams("sent confirmation by email").items())
    assert loaded.suggest("sent confirmation by ").text == "post"  # 3 of 4: still post
    assert model.suggest("sent confirmation by ").text == "email"


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(history=st.lists(st.text(max_size=60), max_size=6), before=st.text(max_size=90))
def test_any_text_learns_and_suggests_without_error(history: list[str], before: str) -> None:
    model = trained(*history)
    suggestion = model.suggest(before)
    assert "\n" not in suggestion.text
    assert all(suggestion.pieces)
    # Nothing it offers holds a run of three digits: no card or id can come back.
    assert not any(sum(c.isdigit() for c in piece) >= 3 for piece in suggestion.pieces)


WORDS = st.sampled_from(["sent", "send", "sender", "refund", "refunded", "ref", "card", "cards"])


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
@given(notes=st.lists(st.lists(WORDS, min_size=1, max_size=6).map(" ".join), max_size=12))
def test_learning_note_by_note_keeps_the_most_frequent_word_for_each_prefix(
    notes: list[str],
) -> None:
    model = trained(*notes, times=1)
    unigrams = model.counts.get("", {})
    for prefix, (word, count) in model._by_prefix.items():
        assert count == unigrams[word]
        rivals = [
            n
            for w, n in unigrams.items()
            if w.casefold().startswith(prefix) and len(w) > max(2, len(prefix))
        ]
        assert count == max(rivals)
