"""Card numbers and security codes read out and written as words are redacted; counting in
prose is left alone."""

from __future__ import annotations

import os

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from acw_tui.core.redaction import Redactor, redact
from acw_tui.core.redaction.cards import card_scheme

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))

WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "pl": [
        "zero",
        "jeden",
        "dwa",
        "trzy",
        "cztery",
        "pięć",
        "sześć",
        "siedem",
        "osiem",
        "dziewięć",
    ],
    "pl-plain": [
        "zero",
        "jeden",
        "dwa",
        "trzy",
        "cztery",
        "piec",
        "szesc",
        "siedem",
        "osiem",
        "dziewiec",
    ],
    "es": ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"],
    "zh": list("零一二三四五六七八九"),
}


def read_out(digits: str, language: str, sep: str = " ") -> str:
    joiner = "" if language == "zh" and sep == " " else sep
    return joiner.join(WORDS[language][int(d)] for d in digits)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (
            "my card is four one one one one one one one one one one one one one one one thanks",
            "my card is [CARD ****1111] thanks",
        ),
        (
            "card: Four One One One, one one one one, one one one one, one one one one.",
            "card: [CARD ****1111].",
        ),
        (
            "numer karty cztery jeden jeden jeden " + "jeden " * 11 + "jeden",
            "numer karty [CARD ****1111]",
        ),
        (
            "tarjeta cuatro uno uno uno " + "uno " * 11 + "uno, gracias",
            "tarjeta [CARD ****1111], gracias",
        ),
        ("卡号四一一一一一一一一一一一一一一一。", "卡号[CARD ****1111]。"),
        ("卡号四一一一 一一一一 一一一一 一一一一", "卡号[CARD ****1111]"),
        # Digits mixed in, and "double"/"triple" as people read numbers out.
        ("card 4111 one one one 1111 one one one 11", "card [CARD ****1111]"),
        (
            "four double one one, double one double one, triple one one, one one one one",
            "[CARD ****1111]",
        ),
        # A security code read out after its word, or right after the card.
        ("the cvv is seven three seven.", "the cvv is."),
        ("kod CVV: siedem trzy siedem", "kod CVV:"),
        (
            "card four one one one one one one one one one one one one one one one seven three seven",
            "card [CARD ****1111]",
        ),
        # Counting in prose, and numbers read out that are not cards, stay.
        ("I had one or two questions about three four five items", None),
        ("someone called twice; one two three four five six seven eight nine ten", None),
        ("order one two three four five six seven eight nine one two three four", None),
        ("我们一起去了三四五个地方", None),
    ],
)
def test_read_out_numbers(text: str, stored: str | None) -> None:
    assert redact(text).text == (text if stored is None else stored)


def valid_card(draw: st.DrawFn) -> str:
    prefix = draw(
        st.sampled_from(["4", "51", "55", "2221", "34", "37", "6011", "65", "3528", "62"])
    )
    length = 15 if prefix in ("34", "37") else 16
    body = prefix + draw(
        st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix))
    )
    return body + luhn.calc_check_digit(body)


@st.composite
def card_read_out(draw: st.DrawFn) -> tuple[str, str, str, str]:
    card = valid_card(draw)
    language = draw(st.sampled_from(sorted(WORDS)))
    sep = draw(st.sampled_from([" ", ", ", " - ", "  ", "\n"]))
    lead = draw(st.sampled_from(["card ", "Customer read out ", "karta ", "tarjeta ", "卡号", ""]))
    tail = draw(st.sampled_from(["", " thanks", ". Done", "。"]))
    return lead, read_out(card, language, sep), tail, card


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(case=card_read_out())
def test_every_card_read_out_is_masked(case: tuple[str, str, str, str]) -> None:
    lead, words, tail, card = case
    assert redact(lead + words + tail).text == f"{lead}[CARD ****{card[-4:]}]{tail}"


def could_be_a_card(digits: str) -> bool:
    """A card read out, alone or followed by its security code."""
    return any(
        len(digits) - size in (0, 3, 4)
        and card_scheme(digits[:size]) is not None
        and luhn.is_valid(digits[:size])
        for size in range(13, 20)
    )


@st.composite
def not_a_card_read_out(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=13, max_size=24))
    assume(not could_be_a_card(digits))
    language = draw(st.sampled_from(sorted(WORDS)))
    return "ref " + read_out(digits, language) + " ok"


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(text=not_a_card_read_out())
def test_numbers_read_out_that_are_no_card_are_kept(text: str) -> None:
    found = Redactor().redact(text).findings
    assert [f for f in found if f.kind == "card"] == [], text


def test_a_card_being_read_out_at_the_end_of_a_draft_is_masked_there() -> None:
    spans, typed = Redactor().scan_draft("paid with four one one one one one one one on")
    assert spans == [] and [t.replacement for t in typed] == ["[CARD ****]"]
    assert Redactor().scan_draft("paid with four one one, thanks") == ([], [])
