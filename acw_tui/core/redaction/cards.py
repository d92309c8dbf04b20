"""Which card scheme a number belongs to, by its issuer prefix (IIN) and length.

The checksum is Luhn (python-stdnum); this table only says which prefixes are card
numbers at all, so a Luhn-valid order or ticket number that starts with 0, 1, 7 or 9
is left alone. Ranges are inclusive and compared on the leading digits.
"""

from __future__ import annotations

from typing import NamedTuple


class CardRange(NamedTuple):
    scheme: str
    low: str
    high: str
    lengths: tuple[int, ...]


_ANY = tuple(range(16, 20))

CARD_RANGES: tuple[CardRange, ...] = (
    CardRange("Visa", "4", "4", (13, 16, 19)),
    CardRange("Mastercard", "51", "55", (16,)),
    CardRange("Mastercard", "2221", "2720", (16,)),
    CardRange("American Express", "34", "34", (15,)),
    CardRange("American Express", "37", "37", (15,)),
    CardRange("Discover", "6011", "6011", _ANY),
    CardRange("Discover", "644", "649", _ANY),
    CardRange("Discover", "65", "65", _ANY),
    CardRange("Discover", "622126", "622925", _ANY),
    CardRange("Diners Club", "300", "305", (14, *_ANY)),
    CardRange("Diners Club", "3095", "3095", (14, *_ANY)),
    CardRange("Diners Club", "36", "36", (14, *_ANY)),
    CardRange("Diners Club", "38", "39", _ANY),
    CardRange("JCB", "3528", "3589", _ANY),
    CardRange("UnionPay", "62", "62", _ANY),
    CardRange("UnionPay", "81", "81", _ANY),
    CardRange("Mir", "2200", "2204", _ANY),
    CardRange("Troy", "9792", "9792", (16,)),
    # Maestro (and the national debit schemes issued inside its ranges: Verve, RuPay,
    # Dankort) runs from 12 to 19 digits; below 13 is not a card number for acw.
    CardRange("Maestro", "50", "50", tuple(range(13, 20))),
    CardRange("Maestro", "56", "69", tuple(range(13, 20))),
)


def card_scheme(digits: str) -> str | None:
    """The scheme whose prefix and length fit `digits` (ASCII digits), or None."""
    length = len(digits)
    for card in CARD_RANGES:
        if length in card.lengths and card.low <= digits[: len(card.low)] <= card.high:
            return card.scheme
    return None


def card_prefix_possible(digits: str) -> bool:
    """True when `digits` could be the start of a card number still being typed."""
    for card in CARD_RANGES:
        n = min(len(card.low), len(digits))
        if card.low[:n] <= digits[:n] <= card.high[:n] and len(digits) <= max(card.lengths):
            return True
    return False
