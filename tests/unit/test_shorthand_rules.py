"""SPEC §3 rules 1–4: trigger, token, sigil and case, one test per case."""

from __future__ import annotations

import pytest

from acw_tui.core.shorthand import Entry, Guide, decide_expansion, expand_text


@pytest.fixture
def guide() -> Guide:
    return Guide.of(
        [
            Entry("cx", "customer"),
            Entry("w/", "with"),
            Entry("w/o", "without"),
            Entry("b/c", "because"),
            Entry("acct#", "account number"),
            Entry("id&v", "identification and verification"),
            Entry("kh", "客户"),
            Entry("zd", "账单"),
            Entry("IVR", "interactive voice response"),
            Entry("sla", "service level agreement", exact=True),
            Entry("ivr2", "IVR menu"),
            Entry("opt", "(optional)"),
            Entry("zż", "żółw"),
            Entry("mñn", "mañana"),
            Entry("str", "straße"),
            Entry("ß", "scharfes s"),
            Entry("24h", "24 hours"),
        ]
    )


def expanded(guide: Guide, before: str, delimiter: str = " ") -> str:
    """The text after typing `delimiter` at the end of `before`, as the editor shows it."""
    found = decide_expansion(before, delimiter, guide)
    if found is None:
        return before + delimiter
    return before[: found.start] + found.replacement + before[found.end :] + delimiter


# -- rule 1: trigger ------------------------------------------------------------------


@pytest.mark.parametrize(
    "delimiter", [" ", "\t", "\n", ".", ",", ";", ":", "!", "?", ")", "]", "}", '"', "'"]
)
def test_every_delimiter_triggers_and_is_kept(guide: Guide, delimiter: str) -> None:
    assert expanded(guide, "the cx", delimiter) == f"the customer{delimiter}"


@pytest.mark.parametrize("not_a_delimiter", ["a", "1", "-", "/", "@", "(", "_", "*"])
def test_other_characters_do_not_trigger(guide: Guide, not_a_delimiter: str) -> None:
    assert decide_expansion("the cx", not_a_delimiter, guide) is None


def test_unknown_token_does_nothing(guide: Guide) -> None:
    assert expanded(guide, "hello there") == "hello there "


def test_lookup_does_not_depend_on_guide_size() -> None:
    big = Guide.of([Entry(f"ab{i}", f"expansion {i}") for i in range(50_000)])
    assert expanded(big, "see ab49999") == "see expansion 49999 "


# -- rule 2: token ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("w/", "with"),
        ("w/o", "without"),
        ("b/c", "because"),
        ("acct#", "account number"),
        ("id&v", "identification and verification"),
        ("24h", "24 hours"),
    ],
)
def test_tokens_with_slash_ampersand_hash_and_digits(guide: Guide, typed: str, result: str) -> None:
    assert expanded(guide, f"spoke {typed}") == f"spoke {result} "


@pytest.mark.parametrize(
    "text", ["xcx", "e-cx", "cx1", "cx@acme", "a,cx", "a.cx", "foo_cx", "x/cx", "#cx"]
)
def test_a_token_inside_a_word_never_fires(guide: Guide, text: str) -> None:
    assert decide_expansion(text, " ", guide) is None


def test_email_address_stays_as_typed(guide: Guide) -> None:
    assert expand_text("mail cx@acme.com now", guide).text == "mail cx@acme.com now"


@pytest.mark.parametrize(
    "before", ["", "a ", "a\t", "line\n", "(", "[", "{", '"', "'", "«", "„", "¿"]
)
def test_token_fires_at_start_after_space_or_opener(guide: Guide, before: str) -> None:
    assert expanded(guide, f"{before}cx") == f"{before}customer "


def test_latin_token_right_after_chinese_text_is_at_a_boundary(guide: Guide) -> None:
    assert expanded(guide, "打电话的cx") == "打电话的customer "
    assert expanded(guide, "我的kh") == "我的客户 "


def test_latin_token_after_cyrillic_is_at_a_boundary(guide: Guide) -> None:
    assert expanded(guide, "звонилcx") == "звонилcustomer "


def test_token_after_latin_accented_letter_is_inside_a_word(guide: Guide) -> None:
    assert decide_expansion("żcx", " ", guide) is None


def test_expansion_only_replaces_the_token(guide: Guide) -> None:
    found = decide_expansion("first line\nsecond cx", " ", guide)
    assert found is not None
    assert (found.start, found.end, found.typed) == (18, 20, "cx")


# -- rule 3: sigil ------------------------------------------------------------------


def test_sigil_expands_inside_chinese_text_and_is_consumed(guide: Guide) -> None:
    assert expanded(guide, "客户;zd") == "客户账单 "


def test_sigil_expands_inside_any_word(guide: Guide) -> None:
    assert expanded(guide, "xx;cx", ",") == "xxcustomer,"


def test_sigil_can_be_changed_by_the_guide() -> None:
    guide = Guide.of([Entry("kh", "客户")], sigil="\\")
    assert expanded(guide, "好\\kh") == "好客户 "
    assert expanded(guide, "好kh") == "好客户 "  # the boundary rule still applies
    assert expanded(guide, "a;kh") == "a;kh "


def test_delimiters_can_be_changed_by_the_guide() -> None:
    guide = Guide.of([Entry("cx", "customer")], delimiters=" ")
    assert decide_expansion("cx", ".", guide) is None
    assert expanded(guide, "cx") == "customer "


# -- rule 4: case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("cx", "customer"),
        ("cX", "customer"),
        ("Cx", "Customer"),
        ("CX", "CUSTOMER"),
        ("W/", "With"),
        ("W/O", "WITHOUT"),
        ("W/o", "Without"),
    ],
)
def test_case_of_what_was_typed_carries_over(guide: Guide, typed: str, result: str) -> None:
    assert expanded(guide, typed) == f"{result} "


def test_single_capital_capitalises_first_letter() -> None:
    guide = Guide.of([Entry("c", "customer")])
    assert expanded(guide, "C") == "Customer "


def test_capital_goes_on_the_first_letter_not_the_first_character(guide: Guide) -> None:
    assert expanded(guide, "Opt") == "(Optional) "
    assert expanded(guide, "24H") == "24 Hours "


def test_capitals_in_the_expansion_are_never_lowered(guide: Guide) -> None:
    assert expanded(guide, "ivr2") == "IVR menu "
    assert expanded(guide, "Ivr2") == "IVR menu "


def test_abbreviation_with_capitals_matches_exactly(guide: Guide) -> None:
    assert expanded(guide, "IVR") == "interactive voice response "
    assert decide_expansion("ivr", " ", guide) is None
    assert decide_expansion("Ivr", " ", guide) is None


def test_case_exact_entry_matches_only_as_written(guide: Guide) -> None:
    assert expanded(guide, "sla") == "service level agreement "
    assert decide_expansion("SLA", " ", guide) is None


@pytest.mark.parametrize(
    ("typed", "result"),
    [
        ("zż", "żółw"),
        ("Zż", "Żółw"),
        ("ZŻ", "ŻÓŁW"),
        ("mñn", "mañana"),
        ("Mñn", "Mañana"),
        ("MÑN", "MAÑANA"),
    ],
)
def test_case_rules_work_on_polish_and_spanish_letters(
    guide: Guide, typed: str, result: str
) -> None:
    assert expanded(guide, typed) == f"{result} "


def test_german_sharp_s_upper_cases_to_ss(guide: Guide) -> None:
    assert expanded(guide, "STR") == "STRASSE "
    assert expanded(guide, "ß") == "scharfes s "


def test_decomposed_accent_is_part_of_the_token() -> None:
    guide = Guide.of([Entry("man\u0303", "mañana")])
    assert expanded(guide, "hasta man\u0303") == "hasta mañana "


def test_chinese_expansion_has_no_case(guide: Guide) -> None:
    assert expanded(guide, "KH") == "客户 "
