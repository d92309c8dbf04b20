"""What the detector reports, and the folding of full-width text it scans.

Kept apart from `detect` so the rest of acw can name a Span without loading
python-stdnum, which costs start-up time the screen does not need before the first scan.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# What each kind of finding becomes in the stored text ("" = removed entirely).
LABELS = {
    "pesel": "[PESEL]",
    "dni": "[DNI]",
    "nie": "[NIE]",
    "cn_ric": "[CN-RIC]",
    "ssn": "[SSN]",
    "iban": "[IBAN]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "unchecked": "[REDACTED]",
}


@dataclass(frozen=True)
class Span:
    """Something to redact, by its offsets in the text that was scanned."""

    start: int
    end: int
    kind: str  # card, security_code, pesel, dni, nie, cn_ric, ssn, iban, phone, email
    replacement: str  # "" when the text is removed entirely
    reason: str  # why it was taken, never the value

    @property
    def action(self) -> str:
        if not self.replacement:
            return "removed"
        return "masked" if self.kind == "card" else "replaced"


# -- folding -----------------------------------------------------------------------------


# Characters `fold` remembers at most: the few thousand a Chinese note uses, while a
# pasted list of every character there is cannot fill memory.
_FOLD_REMEMBERED = 20_000


class _FoldTable(dict[int, int]):
    """What `fold` makes of each character, filled in as characters are met: a decimal
    digit of any script (Arabic-Indic, Devanagari, full-width, mathematical) is its
    ASCII digit; any other character stays itself unless set below."""

    def __missing__(self, code: int) -> int:
        digit = unicodedata.decimal(chr(code), None)
        folded = code if digit is None else ord("0") + digit
        if len(self) < _FOLD_REMEMBERED:
            self[code] = folded
        return folded


_FOLD = _FoldTable()
_FOLD |= {0xFF21 + i: ord("A") + i for i in range(26)}
_FOLD |= {0xFF41 + i: ord("a") + i for i in range(26)}
_FOLD |= {0x3000: ord(" "), 0xFF0D: ord("-"), 0xFF0E: ord("."), 0xFF0F: ord("/")}
# Commas: full-width and ideographic (Chinese input methods), small, and Arabic.
_FOLD |= {0xFF0C: ord(","), 0x3001: ord(","), 0xFE50: ord(","), 0x060C: ord(",")}
# Characters that show as nothing: a zero-width space, a word joiner, a soft hyphen, a
# byte-order mark, the marks and overrides of bidirectional text. Between the digits
# of a card (pasted from a web page, or put there to slip past) they separate groups
# as a space does; read as nothing, they hid a card the screen showed whole.
_INVISIBLE = (
    (0xAD, 0xAD),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x2069),
    (0xFEFF, 0xFEFF),
)
# Every space (Unicode's space separators) and dash (its dash punctuation, and the
# minus sign) as the ASCII one, and dots set mid-line as a dot: a card pasted from a
# word processor or a web page has em spaces, minus signs or bullets between groups.
_SPACES = ((0xA0, 0xA0), (0x1680, 0x1680), (0x2000, 0x200A), (0x202F, 0x202F), (0x205F, 0x205F))
_DASHES = (
    (0x058A, 0x058A),
    (0x05BE, 0x05BE),
    (0x1400, 0x1400),
    (0x1806, 0x1806),
    (0x2010, 0x2015),
    (0x2212, 0x2212),
    (0x2E17, 0x2E17),
    (0x2E1A, 0x2E1A),
    (0x2E3A, 0x2E3B),
    (0x2E40, 0x2E40),
    (0x301C, 0x301C),
    (0x3030, 0x3030),
    (0x30A0, 0x30A0),
    (0xFE31, 0xFE32),
    (0xFE58, 0xFE58),
    (0xFE63, 0xFE63),
)
_DOTS = ((0xB7, 0xB7), (0x2022, 0x2022), (0x2027, 0x2027), (0x2219, 0x2219), (0x30FB, 0x30FB))
_FOLD |= {
    code: ord(ascii)
    for ascii, ranges in ((" ", _INVISIBLE), (" ", _SPACES), ("-", _DASHES), (".", _DOTS))
    for first, last in ranges
    for code in range(first, last + 1)
}


_NEEDS_FOLD = re.compile("[" + "".join(map(chr, _FOLD)) + "]")  # one set above
_OTHER_DIGIT = re.compile(r"[^\D0-9]")  # a decimal digit of a script other than ASCII


_SHOWS_AS_NOTHING = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE) + "]")


def without_invisible(text: str, folded: str) -> tuple[str, Callable[[int], int]] | None:
    """`folded` with the characters that show as nothing left out, and where in `text`
    a position of it stands; None when `text` holds none. An id with a zero-width space
    inside shows whole on screen: read here, it is whole."""
    if folded is text:  # nothing was folded, so nothing that shows as nothing is there
        return None
    gone = [m.start() for m in _SHOWS_AS_NOTHING.finditer(text)]
    if not gone:
        return None
    pieces = [folded[a + 1 : b] for a, b in zip([-1, *gone], [*gone, len(folded)], strict=True)]
    # Where each one left out would have stood in the shorter text (never decreasing).
    stood = [position - rank for rank, position in enumerate(gone)]
    return "".join(pieces), lambda at: at + bisect.bisect_right(stood, at)


def fold(text: str) -> str:
    """The text as the detectors read it, same length as `text`: digits of every script,
    full-width letters and separators, spaces, dashes and mid-line dots as ASCII, and
    characters that show as nothing as spaces. (Every one it changes is outside ASCII;
    a note in Polish or Chinese seldom holds one, and is then not copied.)"""
    if text.isascii() or not (_NEEDS_FOLD.search(text) or _OTHER_DIGIT.search(text)):
        return text
    return text.translate(_FOLD)


_ANY_NUMBER = re.compile(r"[0-9](?:[ \-.]?[0-9]){2,}")


def unchecked_spans(text: str) -> list[Span]:
    """The blunt fallback when a scan itself fails: every number of 3+ digits goes."""
    return [
        Span(
            m.start(),
            m.end(),
            "unchecked",
            LABELS["unchecked"],
            "the check failed; every number redacted",
        )
        for m in _ANY_NUMBER.finditer(fold(text))
    ]
