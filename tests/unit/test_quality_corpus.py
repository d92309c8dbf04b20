"""The shipped note-quality rules against a hand-labelled corpus (tests/unit/quality_corpus.py):
each element detector's precision and recall, and agreement with hand-written verdicts.

The floors are what the shipped rules measured on the corpus when it was written (before
any rule was tuned to it); a change to the rules that lowers them fails here.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.unit.quality_corpus import CORPUS, ELEMENTS, run

PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.75
AGREEMENT_FLOOR = 0.85


@pytest.fixture(scope="module")
def measured():
    return run()


def test_the_corpus_holds_ten_notes_per_language_with_hand_written_verdicts() -> None:
    assert Counter(n.language for n in CORPUS) == {"en": 10, "pl": 10, "es": 10, "zh": 10}
    for labelled in CORPUS:
        assert set(labelled.present) <= set(ELEMENTS)
        assert labelled.expected, labelled.text
        assert "no-insults" in labelled.expected  # applies to every note


def test_every_element_is_labelled_present_somewhere_in_every_language() -> None:
    for element in ("reason", "steps", "outcome", "pending", "follow_up", "identity", "insult"):
        languages = {n.language for n in CORPUS if element in n.elements}
        assert languages == {"en", "pl", "es", "zh"}, element


@pytest.mark.parametrize("element", list(ELEMENTS.values()))
def test_each_detector_keeps_its_precision_and_recall(measured, element: str) -> None:
    measures, *_ = measured
    m = measures[element]
    assert m.precision >= PRECISION_FLOOR, (element, m)
    assert m.recall >= RECALL_FLOOR, (element, m)


def test_rule_verdicts_agree_with_the_hand_written_ones(measured) -> None:
    _, agree, total, misses = measured
    assert total >= 180
    assert agree / total >= AGREEMENT_FLOOR, "\n".join(misses)


def test_critical_verdicts_never_disagree(measured) -> None:
    # Identity on an account change and insults: the critical items are all caught.
    _, _, _, misses = measured
    assert [m for m in misses if "identity" in m or "no-insults" in m] == []
