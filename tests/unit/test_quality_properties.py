"""Generated notes and rule files against the note-quality rules: never an exception,
a score in range, every verdict named, and a phrase of an element always found.

Example counts are bounded (ACW_QUALITY_EXAMPLES raises them) and seeded by Hypothesis's
database-free derandomised mode, so a run is repeatable.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.quality import NoteInput, QualityChecker, load_rules, parse_rules
from tests.unit.templates_helpers import SHIPPED

EXAMPLES = int(os.environ.get("ACW_QUALITY_EXAMPLES", "150"))
CHECKER = QualityChecker(load_rules(SHIPPED))
RULE_IDS = {rule.id for rule in CHECKER.rules.rules}
CODES = ["account-update", "refund", "wrong-number", "no-action", "callback", "sale"]
LANGUAGES = ["en", "pl", "es", "zh"]
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(["", " ", "\n\n", "客户" * 50, "a" * 2000 + "!"])


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(
    note=TEXT,
    language=st.sampled_from(LANGUAGES),
    codes=st.lists(st.sampled_from(CODES), max_size=3),
    fields=st.dictionaries(
        st.sampled_from(["reason", "outcome", "id_verified", "follow_up_at", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(), TEXT),
        max_size=4,
    ),
)
def test_any_note_gets_named_verdicts_and_a_score_in_range(note, language, codes, fields) -> None:
    result = CHECKER.check(NoteInput(note, fields, tuple(codes), None, language))
    assert result.score is None or 0 <= result.score <= 100
    assert {v.rule for v in result.verdicts} <= RULE_IDS
    assert set(result.failed) <= RULE_IDS
    assert result.critical_failed == any(v.critical and not v.passed for v in result.verdicts)


PHRASES = [
    (element.id, language, phrase)
    for element in CHECKER.rules.elements.values()
    for language, phrases in element.phrases.items()
    for phrase in phrases
]


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(
    chosen=st.sampled_from(PHRASES),
    before=st.text(st.sampled_from("abc xyz.,;\n"), max_size=40),
    after=st.text(st.sampled_from("abc xyz.,;\n"), max_size=40),
    upper=st.booleans(),
)
def test_a_phrase_of_an_element_is_always_found(chosen, before, after, upper) -> None:
    element, language, phrase = chosen
    word = phrase.rstrip("*")
    if upper:
        word = word.upper()
    note = f"{before} {word} {after}"
    evidence = CHECKER.evidence(NoteInput(note, {}, (), None, language))
    assert evidence[element].present, (note, language)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(
    source=st.text(max_size=300)
    | st.builds(
        lambda key, value: f"[elements.e]\n{key} = {value}\n[[rules]]\nid = 'r'\nelement = 'e'\n",
        st.sampled_from(["fields", "label", "phrases", "patterns", "labels", "x"]),
        st.sampled_from(["[]", "1", "'x'", "{en = ['(a+)+$']}", "{en = ['']}", "['a']", "{}"]),
    )
)
def test_any_rule_file_is_read_without_an_exception(source: str) -> None:
    rules = parse_rules(source, "/t/quality.toml")
    for problem in rules.problems:
        assert str(problem).startswith("/t/quality.toml")
    for rule in rules.rules:
        assert rule.element in rules.elements
