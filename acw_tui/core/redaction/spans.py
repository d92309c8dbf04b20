"""What the detector reports, and the folding of full-width text it scans.

Kept apart from `detect` so the rest of acw can name a Span without loading
python-stdnum, which costs start-up time the screen does not need before the first scan.
"""

from __future__ import annotations

import re
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

_FOLD = {0xFF10 + i: ord("0") + i for i in range(10)}
_FOLD |= {0xFF21 + i: ord("A") + i for i in range(26)}
_FOLD |= {0xFF41 + i: ord("a") + i for i in range(26)}
_FOLD |= {0x3000: ord(" "), 0xFF0D: ord("-"), 0xFF0E: ord("."), 0xFF0F: ord("/")}
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
_FOLD |= {code: ord(" ") for first, last in _INVISIBLE for code in range(first, last + 1)}

_NEEDS_FOLD = re.compile(
    "[\u3000\uff0d-\uff5a" + "".join(f"{chr(a)}-{chr(b)}" for a, b in _INVISIBLE) + "]"
)


def fold(text: str) -> str:
    """Full-width digits, letters and separators as ASCII, and characters that show as
    nothing as spaces; same length as `text`."""
    return text.translate(_FOLD) if _NEEDS_FOLD.search(text) else text


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
