"""Properties over random text: undo gives back the typed text, nothing else changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.core.shorthand import Entry, Guide, decide_expansion, expand_text
from acw_tui.core.shorthand.rules import is_token_char

GUIDE = Guide.of(
    [
        Entry("cx", "customer"),
        Entry("w/", "with"),
        Entry("acct#", "account number"),
        Entry("zż", "żółw"),
        Entry("kh", "客户"),
        Entry("IVR", "interactive voice response"),
    ]
)
ALPHABET = "cxCXwW/acct#zżŻkhIVR客户 .,;:!?()\"'\n-@1é"
texts = st.text(alphabet=ALPHABET, max_size=40)
delimiters = st.sampled_from(sorted(GUIDE.delimiter_set))


@given(texts, delimiters)
@settings(max_examples=400, deadline=None)
def test_expand_then_undo_gives_back_exactly_what_was_typed(before: str, delimiter: str) -> None:
    found = decide_expansion(before, delimiter, GUIDE)
    if found is None:
        return
    after = before[: found.start] + found.replacement + delimiter
    # Undo puts back what the expansion replaced, delimiter included.
    restored = after[: found.start] + found.typed + delimiter
    assert restored == before + delimiter


@given(texts, delimiters)
@settings(max_examples=400, deadline=None)
def test_text_outside_the_token_never_changes(before: str, delimiter: str) -> None:
    found = decide_expansion(before, delimiter, GUIDE)
    if found is None:
        return
    assert found.end == len(before)
    assert before[found.start : found.end] == found.typed
    prefix = before[: found.start]
    assert (prefix + found.replacement).startswith(prefix)
    # The replaced span is one token, optionally led by the sigil.
    token = (
        found.typed.removeprefix(GUIDE.sigil)
        if found.typed.startswith(GUIDE.sigil)
        else found.typed
    )
    assert token and all(is_token_char(c) for c in token)


@given(
    st.text(alphabet="abcdefxyz0123456789-_@.é", min_size=1, max_size=8),
    st.sampled_from(["cx", "w/", "kh"]),
    delimiters,
)
@settings(max_examples=400, deadline=None)
def test_a_token_inside_a_word_never_fires(word: str, abbr: str, delimiter: str) -> None:
    if word[-1] in ";" or word[-1].isspace():
        return
    before = word + abbr
    found = decide_expansion(before, delimiter, GUIDE)
    # It may fire only as a longer token that happens to be in the guide: never the tail.
    assert found is None or found.start < len(word)


@given(st.text(alphabet=ALPHABET, max_size=200))
@settings(max_examples=200, deadline=None)
def test_expand_text_equals_typing_character_by_character(text: str) -> None:
    typed = ""
    for char in text:
        if char in GUIDE.delimiter_set:
            line_start = typed.rfind("\n") + 1
            found = decide_expansion(typed[line_start:], char, GUIDE)
            if found is not None:
                typed = typed[: line_start + found.start] + found.replacement
        typed += char
    assert expand_text(text, GUIDE).text == typed


@given(st.text(alphabet="abdefgmnop .,\n", max_size=100))
def test_text_without_tokens_is_left_alone(text: str) -> None:
    assert expand_text(text, GUIDE).text == text
