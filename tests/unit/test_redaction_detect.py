"""What the detector catches and what it leaves alone, case by case."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.pl import pesel

from acw_tui.core.redaction import RedactionPolicy, Redactor, describe, fold, redact
from acw_tui.core.redaction.policy import DEFAULT_POLICY

VISA = "4111 1111 1111 1111"


def kinds(text: str, policy: RedactionPolicy | None = None) -> list[str]:
    return [f.kind for f in Redactor(policy or RedactionPolicy()).redact(text).findings]


# The zero of a set of decimal digits: ASCII, full-width, Arabic-Indic, Persian,
# Devanagari, Bengali, Thai, mathematical bold.
DIGIT_ZEROS = (0x30, 0xFF10, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0x1D7CE)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (f"card {VISA} ok", "card [CARD ****1111] ok"),
        ("card 4111-1111-1111-1111 ok", "card [CARD ****1111] ok"),
        ("card 4111.1111.1111.1111 ok", "card [CARD ****1111] ok"),
        ("card 4111\u00a01111\u00a01111\u00a01111 ok", "card [CARD ****1111] ok"),
        ("card 4111  1111  1111  1111 ok", "card [CARD ****1111] ok"),
        ("card 4111 1111\n1111 1111 ok", "card [CARD ****1111] ok"),
        ("卡号４１１１　１１１１　１１１１　１１１１。", "卡号[CARD ****1111]。"),
        ("卡号４１１１１１１１１１１１１１１１。", "卡号[CARD ****1111]。"),
        ("mc 2221 0000 0000 0009", "mc [CARD ****0009]"),
        ("mc 2720 9900 0000 0007", "mc [CARD ****0007]"),
        ("amex 3782 822463 10005", "amex [CARD ****0005]"),
        ("19 digits 4000 0000 0000 0000 006", "19 digits [CARD ****0006]"),
        ("card4111111111111111", "card[CARD ****1111]"),
    ],
)
def test_card_numbers_are_masked_to_their_last_four_digits(text: str, stored: str) -> None:
    assert redact(text).text == stored


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        (f"card {VISA} cvv 123, thanks", "card [CARD ****1111] cvv, thanks"),
        (f"card {VISA} 123", "card [CARD ****1111]"),
        (f"card {VISA}, exp 12/27, 4567", "card [CARD ****1111], exp 12/27,"),
        ("the CVC is 987.", "the CVC is."),
        ("kod CVV to 321", "kod CVV to"),
        ("kod zabezpieczający: 555", "kod zabezpieczający:"),
        ("código de seguridad 808", "código de seguridad"),
        ("el CVV es 909", "el CVV es"),
        ("安全码是１２３，谢谢", "安全码是，谢谢"),
        ("卡背面三位数 456", "卡背面三位数"),
        ("exp 04/29 cvv 1234", "exp 04/29 cvv"),
        ("valid thru 04/2029 777", "valid thru 04/2029"),
    ],
)
def test_security_codes_are_removed_entirely(text: str, stored: str) -> None:
    result = redact(text)
    assert result.text == stored
    assert [f.action for f in result.findings if f.kind == "security_code"] == ["removed"]


def test_two_cards_typed_back_to_back_are_two_cards_not_a_card_and_a_code() -> None:
    assert redact("4111 1111 1111 1111 5500 0000 0000 0004").text == (
        "[CARD ****1111] [CARD ****0004]"
    )


@pytest.mark.parametrize("between", ["x", "X", "and", "i", "y", "a"])
def test_two_cards_joined_by_a_word_are_both_masked(between: str) -> None:
    """Digits glued to letters are taken for a code ("SN4X9…"), unless the digits before
    the letters are a card: then the letters only join two cards."""
    text = f"4111111111111111{between}5500000000000004"
    assert redact(text).text == f"[CARD ****1111]{between}[CARD ****0004]"
    spaced = f"4111 1111 1111 1111{between}5500 0000 0000 0004"
    assert redact(spaced).text == f"[CARD ****1111]{between}[CARD ****0004]"
    # A draft saved while the second one is being typed holds neither.
    from acw_tui.core.redaction.detect import Detector

    typing = f"4111111111111111{between}5500 0000 0000 000"
    assert [s.kind for s in Detector().scan(typing, drafting=True)] == ["card", "card"]


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u200e", "\u202e", "\u2066"],
)
def test_a_card_split_by_characters_that_show_as_nothing_is_a_card(invisible: str) -> None:
    """A zero-width space, a soft hyphen or a bidi mark between the digits shows the card
    whole on screen; it must not hide the card from redaction (a paste from a web page,
    or text made to slip past)."""
    grouped = invisible.join(["4111", "1111", "1111", "1111"])
    assert redact(f"card {grouped} ok").text == "card [CARD ****1111] ok"
    every_digit = invisible.join("4111111111111111")
    assert redact(f"card {every_digit} ok").text == "card [CARD ****1111] ok"


@pytest.mark.parametrize(
    "separator",
    [
        *("\u2003", "\u2002", "\u205f", "\u1680", "\u2212", "\u2015", "\ufe63", "\u2011"),
        *("/", " / ", "_", "\u2022", "\u00b7", "\u2027", "\u30fb"),
        *("    ", " -- ", "\r", "\r\n", "\n\n", "\n  \n  "),
        *(",", ", ", "\uff0c", "\u3001", "\ufe50", "\u060c"),
    ],
)
def test_a_card_grouped_by_any_space_dash_dot_or_slash_is_a_card(separator: str) -> None:
    """Pasted from a word processor or a web page, a card's groups may be split by an em
    space, a minus sign or a bullet, lined up in columns, or broken over lines in any
    line-break convention; typed, split by slashes."""
    grouped = separator.join(["4111", "1111", "1111", "1111"])
    assert redact(f"card {grouped} ok").text == "card [CARD ****1111] ok"


@pytest.mark.parametrize(
    "typed",
    [
        "tickets 4481, 4834, 7459, 5285 reopened",
        "orders 4037,5487,1663,8926,9496",
        "工单 4481、4834、7459、5285",
    ],
)
def test_a_list_of_numbers_is_not_a_card(typed: str) -> None:
    """Commas join a card's groups only after a card word: otherwise they make a list,
    and one list of four-digit numbers in twenty passes Luhn with a card's prefix."""
    from acw_tui.core.redaction.detect import Detector

    assert redact(typed).text == typed
    assert Detector().scan(typed[:-2], drafting=True) == []
    # A card among the numbers is a card all the same.
    assert redact("refs 12, 4111 1111 1111 1111").text == "refs 12, [CARD ****1111]"
    assert redact("Visa: 4111, 1111, 1111, 1111").text == "Visa: [CARD ****1111]"
    assert redact("卡号：4111、1111、1111、1111").text == "卡号：[CARD ****1111]"
    # A code after the card ends at a comma, as it did.
    assert redact("4111 1111 1111 1111 123, 2 items").text == "[CARD ****1111], 2 items"


@pytest.mark.parametrize("zero", DIGIT_ZEROS[1:])
def test_a_card_in_the_digits_of_any_script_is_a_card(zero: int) -> None:
    """A customer's number pasted from a phone set to Arabic, Persian or Hindi, or from
    a page in mathematical bold, is a card all the same."""
    digits = {0x30 + n: zero + n for n in range(10)}
    assert redact(f"card {'4111 1111 1111 1111'.translate(digits)} ok").text == (
        "card [CARD ****1111] ok"
    )
    assert redact(f"PESEL {'44051401359'.translate(digits)}").text == "PESEL [PESEL]"


def test_an_id_and_a_card_joined_by_a_letter_are_both_taken() -> None:
    assert redact("PESEL 44051401359x4111111111111111").text == "PESEL [PESEL]x[CARD ****1111]"
    assert redact("DNI 12345678Z x4111111111111111").text == "DNI [DNI] x[CARD ****1111]"


def test_an_id_glued_straight_to_a_card_is_taken_with_the_card() -> None:
    """An id's last letter is all that stands between it and a card typed right after:
    neither was read (the id was followed by a digit, the card glued to a code)."""
    assert redact("DNI 12345678Z4111111111111111").text == "DNI [DNI][CARD ****1111]"
    assert redact("NIE X1234567L4111 1111 1111 1111 ok").text == "NIE [NIE][CARD ****1111] ok"
    # A code of its own is left as typed: digits after the letter that are not a card's.
    assert redact("SKU 12345678Z12345 ok").text == "SKU 12345678Z12345 ok"


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\u00ad", "\ufeff", "\u202e"])
def test_an_id_split_by_characters_that_show_as_nothing_is_an_id(invisible: str) -> None:
    """An id shows whole on screen with a zero-width character inside: it is read whole."""
    assert redact(f"PESEL 4405{invisible}1401359 ok").text == "PESEL [PESEL] ok"
    assert redact(f"DNI 1234{invisible}5678Z").text == "DNI [DNI]"
    assert redact(f"NIE X123{invisible}4567L").text == "NIE [NIE]"
    assert redact(f"ok 4405{invisible} 1401359").text == f"ok 4405{invisible} 1401359"


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\u00ad", "\ufeff", "\u202e"])
@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("SSN 536-90-{}4399 ok", "SSN [SSN] ok"),
        ("SSN 536{}904399 ok", "SSN [SSN] ok"),
        ("IBAN G{}B82WEST12345698765432 ok", "IBAN [IBAN] ok"),
        ("IBAN PL61 1090 1014 0000 0712 1981 28{}74 ok", "IBAN [IBAN] ok"),
        ("身份证 110105{}19491231002X。", "身份证 [CN-RIC]。"),
        ("mail jo{}hn@example.com ok", "mail [EMAIL] ok"),
        ("phone +48 601{}234 567 ok", "phone [PHONE] ok"),
        ("cvv 1{}23 ok", "cvv ok"),
        ("exp 12/27 cvv 12{}3 ok", "exp 12/27 cvv ok"),
    ],
)
def test_whatever_is_read_is_read_through_characters_that_show_as_nothing(
    invisible: str, typed: str, stored: str
) -> None:
    """Every kind the detector reads, not only cards and the first ids: what shows whole
    on screen is read whole."""
    policy = RedactionPolicy(phones=True, emails=True, us_ssn=True)
    assert redact(typed.format(invisible), policy).text == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("PESEL 440514 01359 ok", "PESEL [PESEL] ok"),
        ("pesel: 4405 1401 359", "pesel: [PESEL]"),
        ("nr PESEL klienta 440-514-013-59.", "nr PESEL klienta [PESEL]."),
        ("DNI 1234 5678 Z", "DNI [DNI]"),
        ("con DNI 12 345 678-Z verificado", "con DNI [DNI] verificado"),
        ("NIE X 1234 567 L", "NIE [NIE]"),
        ("NIE X1234 567-L ok", "NIE [NIE] ok"),
        ("id: 440514 01359", "id: [PESEL]"),
        ("ID AB1234 5678 Z", "ID AB1234 5678 Z"),  # digits that end a code
        ("身份证 110105 1949 1231 002X", "身份证 [CN-RIC]"),
    ],
)
def test_an_id_read_out_in_groups_after_its_name_is_an_id(typed: str, stored: str) -> None:
    """An agent writes an id down as the customer reads it, in groups: after the id's
    name it is the id. Without the name, groups are numbers of their own."""
    assert redact(typed).text == stored
    assert redact("ok 440514 01359 and 1234 5678 Z").text == "ok 440514 01359 and 1234 5678 Z"


def test_digits_glued_to_a_code_stay_a_code() -> None:
    assert redact("serial SN4X94111111111111111").text == "serial SN4X94111111111111111"


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("PESEL 44051401359.", "PESEL [PESEL]."),
        ("DNI 12345678Z", "DNI [DNI]"),
        ("DNI 12345678 Z", "DNI [DNI]"),
        ("DNI 12345678-Z", "DNI [DNI]"),
        ("NIE X1234567L", "NIE [NIE]"),
        ("NIE X-1234567-L", "NIE [NIE]"),
        ("身份证11010519491231002X。", "身份证[CN-RIC]。"),
        ("SSN 536-90-4399", "SSN [SSN]"),
        ("social security number: 536 90 4399", "social security number: [SSN]"),
        ("IBAN PL61 1090 1014 0000 0712 1981 2874 OK", "IBAN [IBAN] OK"),
        ("IBAN GB82WEST12345698765432", "IBAN [IBAN]"),
    ],
)
def test_national_ids_become_their_type(text: str, stored: str) -> None:
    assert redact(text).text == stored


def test_an_iban_is_one_span_even_when_a_card_number_hides_inside_it() -> None:
    # The digits after the check digits are a Luhn-valid Visa number.
    from stdnum import iban

    bban = "4111111111111111" + "00000000"
    value = "PL" + iban.calc_check_digits("PL00" + bban) + bban
    result = redact(f"konto {value}")
    assert [f.kind for f in result.findings] == ["iban"]
    assert result.text == "konto [IBAN]"


@pytest.mark.parametrize(
    "text",
    [
        "card 4111 1111 1111 1112 declined",  # one digit changed: fails Luhn
        "ref 7992 7398 7130 0000 0",  # Luhn valid, no card prefix
        "Reference 0000 0000 0000 0000",
        "PESEL 44051401358",  # one digit changed
        "DNI 12345678A",
        "NIE X1234567A",
        "IBAN PL61 1090 1014 0000 0712 1981 2875",
        "callback 2024-01-15 10:30, 25.01.2024 - 25.02.2024",
        "ticket 536-90-4399 reopened",  # an SSN shape with no SSN word
        "room 123, 4 people, 15:30",
        "order 12345678",
    ],
)
def test_near_misses_are_left_alone(text: str) -> None:
    assert redact(text).text == text


def test_an_allow_listed_order_number_is_left_alone_but_a_card_next_to_it_is_not() -> None:
    policy = RedactionPolicy(allow=(r"ORD-\d{16}",))
    result = Redactor(policy).redact("ORD-4111111111111111 paid with 4111111111111111")
    assert result.text == "ORD-4111111111111111 paid with [CARD ****1111]"


def test_us_ssn_needs_a_context_word() -> None:
    assert kinds("caller gave 536-90-4399") == []
    assert kinds("caller gave SSN 536-90-4399") == ["ssn"]
    assert kinds("taxpayer id 536-90-4399", RedactionPolicy(ssn_words=("taxpayer id",))) == ["ssn"]


def test_phones_and_emails_only_when_the_site_asks() -> None:
    text = "call +48 601 234 567 or write to jan.kowalski@example.com"
    assert redact(text).text == text
    policy = RedactionPolicy(phones=True, emails=True, phone_regions=("PL",))
    assert Redactor(policy).redact(text).text == "call [PHONE] or write to [EMAIL]"


def test_types_can_be_switched_off() -> None:
    text = f"card {VISA} PESEL 44051401359"
    assert kinds(text, RedactionPolicy(cards=False)) == ["pesel"]
    assert kinds(text, RedactionPolicy(pesel=False)) == ["card"]


def test_findings_give_type_action_and_position_in_the_redacted_text_never_the_value() -> None:
    result = redact(f"Card {VISA} cvv 123, PESEL 44051401359")
    assert result.text == "Card [CARD ****1111] cvv, PESEL [PESEL]"
    card, code, pid = result.findings
    assert (card.kind, card.action, result.text[card.start : card.end]) == (
        "card",
        "masked",
        "[CARD ****1111]",
    )
    assert (code.kind, code.action, code.start, code.end) == ("security_code", "removed", 24, 24)
    assert result.text[pid.start : pid.end] == "[PESEL]"
    for finding in result.findings:
        assert "4111" not in repr(finding) and "123" not in finding.reason


def test_a_validator_that_raises_never_breaks_saving_and_redacts_to_be_safe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(number: str) -> bool:
        raise RuntimeError("broken table")

    monkeypatch.setattr(pesel, "is_valid", broken)
    result = Redactor(RedactionPolicy(version=99)).redact("PESEL 44051401359 ok")
    assert result.text == "PESEL [PESEL] ok"
    assert "redacted to be safe" in result.findings[0].reason


def test_a_scan_that_fails_falls_back_to_redacting_every_number(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from acw_tui.core.redaction.detect import Detector

    def broken(self: Detector, text: str) -> list[object]:
        raise RuntimeError("bug")

    monkeypatch.setattr(Detector, "scan", broken)
    result = Redactor(RedactionPolicy(version=98)).redact(f"card {VISA} ok, 2 items")
    assert "1111" not in result.text
    assert result.text.endswith("ok, 2 items")


def test_template_fields_are_redacted_value_by_value() -> None:
    record = Redactor().redact_record(
        "note", {"card": VISA, "amount": 12, "items": ["PESEL 44051401359", None]}
    )
    assert record.fields == {
        "card": "[CARD ****1111]",
        "amount": 12,
        "items": ["PESEL [PESEL]", None],
    }
    assert [(f.location, f.kind) for f in record.findings] == [("card", "card"), ("items", "pesel")]


def test_the_status_line_says_what_will_happen() -> None:
    spans = Redactor().scan(f"card {VISA} cvv 123")
    assert describe(spans) == (
        "1 card number will be stored as [CARD ****1111]; 1 security code will be removed"
    )
    assert describe([]) == ""


@pytest.mark.parametrize(
    ("typed", "draft"),
    [
        ("paid with 4111 1111 1111 111", "paid with [CARD ****]"),
        ("paid with 4111 1111 1111 1111 cvv 7", "paid with [CARD ****1111] cvv"),
        ("the CVC is 73", "the CVC is"),
        ("paid with 4111 11", "paid with 4111 11"),  # six digits: no more than a BIN
        ("callback on 2024-01-15", "callback on 2024-01-15"),
        ("order 1234567", "order 1234567"),  # 1 is no card prefix
    ],
)
def test_a_draft_saved_mid_number_keeps_no_more_than_a_bin(typed: str, draft: str) -> None:
    assert Redactor().redact(typed, drafting=True).text == draft
    # A finished note is only ever redacted for what is complete.
    assert Redactor().redact(typed).text == typed or "[CARD ****1111]" in draft


# -- properties ------------------------------------------------------------------------------


SEPARATORS = st.sampled_from(
    [
        *(" ", "-", ".", "\u00a0", "  ", "\n", " - ", "", "\u200b", "\u00ad", "\u2060", "\u202e"),
        *("\u2003", "\u205f", "\u2212", "\u2015", "\ufe63", "/", " / ", "_", "\u2022", "\u00b7"),
    ]
)
PROSE = st.text(
    alphabet=st.sampled_from(list("abc xyz,.;:()客户卡号ąęółż ")), min_size=0, max_size=30
)


@st.composite
def visa_or_mastercard(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["4", "51", "55", "2221", "2720"]))
    body = prefix + "".join(
        draw(
            st.lists(
                st.sampled_from("0123456789"), min_size=15 - len(prefix), max_size=15 - len(prefix)
            )
        )
    )
    return body + luhn.calc_check_digit(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=PROSE,
    after=PROSE,
    card=visa_or_mastercard(),
    sep=SEPARATORS,
    zero=st.sampled_from(DIGIT_ZEROS),
)
def test_no_card_survives_whatever_surrounds_it(
    before: str, after: str, card: str, sep: str, zero: int
) -> None:
    written = sep.join(card[i : i + 4] for i in range(0, 16, 4))
    written = written.translate({0x30 + n: zero + n for n in range(10)})
    text = f"{before} {written} {after}"
    result = redact(text)
    digits = "".join(c for c in fold(result.text) if c.isdigit())
    assert card[:15] not in digits
    assert any(f.kind == "card" for f in result.findings)


GLUE = st.sampled_from(["", " ", "x", "and", "/", "a-", "#", "\n", "客户", "é", "12"])


@settings(
    max_examples=int(os.environ.get("ACW_FUZZ_EXAMPLES", "300")), deadline=None, derandomize=True
)
@given(
    st.lists(
        st.one_of(
            st.builds(
                lambda c, sep: sep.join(c[i : i + 4] for i in range(0, 16, 4)),
                visa_or_mastercard(),
                SEPARATORS,
            ),
            PROSE,
            GLUE,
        ),
        max_size=8,
    )
)
def test_redacted_text_holds_nothing_left_to_redact(pieces: list[str]) -> None:
    """Cards next to words, glued to letters or to each other: whatever redaction leaves
    of a text, redacting it again finds nothing (a card it let through would be found)."""
    once = redact("".join(pieces)).text
    assert not redact(once).findings, once


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_redaction_never_raises_and_findings_point_inside_the_text(text: str) -> None:
    result = redact(text)
    assert isinstance(result.text, str)
    for finding in result.findings:
        assert 0 <= finding.start <= finding.end <= len(result.text)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("cvv 123 4111 1111 1111 1111", "cvv [CARD ****1111]"),
        ("cvv 123 4111-1111-1111-1111", "cvv [CARD ****1111]"),
        ("code 123 4111111111111111", "code 123 [CARD ****1111]"),
        ("ref 12 4111111111111111 ok", "ref 12 [CARD ****1111] ok"),
        ("ref 12 4111 1111 1111 1111", "ref 12 [CARD ****1111]"),
        ("4111 1111 1111 1111 22", "[CARD ****1111] 22"),
        # a longer number that only contains a card-looking piece stays as typed
        ("ref 12 3456 7890 1234 5678", "ref 12 3456 7890 1234 5678"),
    ],
)
def test_a_card_after_a_short_group_is_still_a_card(text: str, stored: str) -> None:
    assert redact(text).text == stored


EVERYTHING_ON = RedactionPolicy(phones=True, emails=True)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=120)
    | st.text(alphabet="0123456789０１２３４５６７８９ -.@abcvCVVx\n", max_size=60)
)
def test_text_skipped_without_a_detector_is_text_the_detector_finds_nothing_in(
    text: str,
) -> None:
    """The redactor skips text with no digit and no "@" (nothing it takes lacks both);
    the full detector, every kind switched on, agrees."""
    from acw_tui.core.redaction.detect import Detector

    found = Detector(EVERYTHING_ON).scan(text, drafting=True)
    assert Redactor(EVERYTHING_ON).scan(text, drafting=True) == found


DRAFT_EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))
DRAFT_TEXT = st.one_of(
    st.text(max_size=120),
    st.text(alphabet="0123456789 -/.cvcodeCVV:#\n", max_size=60),
    st.builds(
        lambda before, card, cut, keyword: f"{before} {keyword}{card[:cut]}",
        PROSE,
        visa_or_mastercard(),
        st.integers(0, 16),
        st.sampled_from(["", "card ", "cvv ", "code: ", "cvv 123 "]),
    ),
)


@settings(max_examples=DRAFT_EXAMPLES, deadline=None, derandomize=True)
@given(text=DRAFT_TEXT, everything=st.booleans())
def test_one_draft_pass_gives_what_two_scans_gave(text: str, everything: bool) -> None:
    """A draft saved while typing scans its note once: the spans a finished note would
    lose, and those being typed at its end, together exactly the drafting scan."""
    redactor = Redactor(EVERYTHING_ON if everything else DEFAULT_POLICY)
    spans, typed = redactor.scan_draft(text)
    assert spans == redactor.scan(text)
    assert sorted(spans + typed, key=lambda s: s.start) == redactor.scan(text, drafting=True)
    assert bool(typed) == (len(redactor.scan(text, drafting=True)) > len(redactor.scan(text)))


def test_a_card_being_typed_is_what_one_draft_pass_finds_besides() -> None:
    spans, typed = Redactor().scan_draft("cx called, card 4111 1111")
    assert spans == [] and [s.kind for s in typed] == ["card"]
    spans, typed = Redactor().scan_draft("card 4111 1111 1111 1111 then")
    assert [s.kind for s in spans] == ["card"] and typed == []


def test_python_stdnum_is_loaded_by_the_first_number_to_check_not_before() -> None:
    """stdnum imports pydoc and ssl on the way (tens of milliseconds): a note with no
    number-shaped text, like most previews at the start of a wrap-up, does without it;
    the first card number loads it and is still checked by it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from acw_tui.core.redaction import Redactor\n"
        "redactor = Redactor()\n"
        "redactor.redact('customer called on 2026-11-26 about billing, refund agreed')\n"
        "print('stdnum' in sys.modules)\n"
        "print(redactor.redact('card 4111 1111 1111 1111').text)\n"
        "print(redactor.redact('card 4111 1111 1111 1112').text)\n"
        "print('stdnum.luhn' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "False",
        "card [CARD ****1111]",
        "card 4111 1111 1111 1112",
        "True",
    ]


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("step 2 3782 822463 10005", "step 2 [CARD ****0005]"),
        ("item 1 3056 930902 5904", "item 1 [CARD ****5904]"),
        ("3782 822463 10005 7", "[CARD ****0005] 7"),
    ],
)
def test_amex_and_diners_as_printed_after_another_number_are_cards(text: str, stored: str) -> None:
    """A card grouped as it is printed, with a number before or after it, is masked:
    groups of four were, Amex's 4-6-5 and Diners' 4-6-4 were stored in full."""
    assert redact(text).text == stored


@pytest.mark.parametrize("sep", ["'", "+", ":", "*", " ' ", " + "])
def test_cards_with_uncommon_separators_are_masked(sep: str) -> None:
    assert redact(sep.join(["4111", "1111", "1111", "1111"])).text == "[CARD ****1111]"
