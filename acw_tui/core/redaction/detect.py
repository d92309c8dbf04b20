"""Finding card data and personal data in free text.

Shapes are found with regular expressions; whether a shape is really a card number or an
id is decided by python-stdnum (Luhn, PESEL, DNI/NIE, resident id, SSN, IBAN) and
phonenumbers — never by a checksum written here. The scan works on a folded copy of the
text in which full-width digits and letters (as Chinese input methods type them) become
ASCII one character for one, so every offset found is an offset in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from stdnum import iban, luhn
from stdnum.cn import ric
from stdnum.es import dni, nie
from stdnum.pl import pesel
from stdnum.us import ssn

from acw_tui.core.redaction.cards import card_scheme
from acw_tui.core.redaction.policy import DEFAULT_POLICY, RedactionPolicy
from acw_tui.core.redaction.words import (
    EXPIRY_WORDS,
    LINKING_MARKS,
    LINKING_WORDS,
    SECURITY_CODE_WORDS,
    SSN_WORDS,
)

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


def fold(text: str) -> str:
    """Full-width digits, letters and separators as ASCII; same length as `text`."""
    return text.translate(_FOLD)


# -- shapes ------------------------------------------------------------------------------

_HSPACE = "[ \\t\\u00a0\\u2007\\u2009\\u202f]"
# Between the groups of a card number: one to three spaces, dots or dashes (double
# spaces and " - " included), or a line break with its indentation.
_CARD_SEP = rf"(?:[ \t\u00a0\u2007\u2009\u202f.\-\u2010-\u2014]{{1,3}}|{_HSPACE}*\r?\n{_HSPACE}*)"
_DIGIT_RUN = re.compile(rf"(?<![0-9])[0-9]+(?:{_CARD_SEP}[0-9]+)*")
_GROUP = re.compile(r"[0-9]+")
# Day-month-year or year-month-day written with 1–2 digit groups: a date, never a card.
_DATE = re.compile(
    r"(?<![0-9])(?:(?:0?[1-9]|[12][0-9]|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)[0-9]{2}"
    r"|(?:19|20)[0-9]{2}[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12][0-9]|3[01]))(?![0-9])"
)
_EXPIRY_DATE = r"(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20[0-9]{2}|[0-9]{2})(?![0-9])"
_CODE = r"(?<![0-9])(?P<code>[0-9]{3,4})(?![0-9]|[/.\-:][0-9])"
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?:[ \u00a0\-]?[0-9A-Za-z]){11,30}")
_CN_RIC = re.compile(r"(?<![0-9A-Za-z])[0-9]{6}[ \-]?[0-9]{8}[ \-]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_PESEL = re.compile(r"(?<![0-9])[0-9]{11}(?![0-9])")
_DNI = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{8}|[0-9]{2}\.[0-9]{3}\.[0-9]{3})(?:[ \-]?[A-Z]|[a-z])(?![A-Za-z0-9])"
)
_NIE = re.compile(r"(?<![0-9A-Za-z])[XYZxyz][ \-]?[0-9]{7}[ \-]?[A-Za-z](?![A-Za-z0-9])")
_SSN = re.compile(r"(?<![0-9])[0-9]{3}([ \-]?)[0-9]{2}\1[0-9]{4}(?![0-9])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
_ANY_NUMBER = re.compile(r"[0-9](?:[ \-.]?[0-9]){2,}")


def _words(words: tuple[str, ...]) -> str:
    # Latin keywords must stand alone ("cvv", not "xcvv"); CJK ones have no word breaks.
    return r"(?<![A-Za-z])(?:" + "|".join(words) + r")(?![A-Za-z])"


_GAP = r"(?:[\s:：=#\-–—,.()（）'\"]|" + _words(LINKING_WORDS) + "|" + LINKING_MARKS + r"){0,8}?"


@dataclass(frozen=True)
class _Patterns:
    keyword_code: re.Pattern[str]
    expiry_code: re.Pattern[str]
    after_card: re.Pattern[str]
    ssn_context: re.Pattern[str]
    allow: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=16)
def _patterns(policy: RedactionPolicy) -> _Patterns:
    code_words = SECURITY_CODE_WORDS + tuple(re.escape(w) for w in policy.security_code_words)
    keyword = _words(code_words)
    expiry = _words(EXPIRY_WORDS)
    tail_sep = r"[ \t\u00a0,;:/|.\-]*"
    return _Patterns(
        keyword_code=re.compile(rf"{keyword}{_GAP}{_CODE}", re.IGNORECASE),
        expiry_code=re.compile(
            rf"{expiry}[\s:：]*{_EXPIRY_DATE}{tail_sep}(?:{keyword}{_GAP})?{_CODE}",
            re.IGNORECASE,
        ),
        after_card=re.compile(
            rf"{tail_sep}(?:\r?\n{_HSPACE}*)?"
            rf"(?:(?:{expiry})?[\s:：]*{_EXPIRY_DATE}{tail_sep})?"
            # The code ends the run of digits: a second card number typed right after
            # the first is a card, not a code followed by a leftover.
            rf"(?:{keyword}{_GAP})?{_CODE}(?!{_CARD_SEP}[0-9])",
            re.IGNORECASE,
        ),
        ssn_context=re.compile(
            _words(SSN_WORDS + tuple(re.escape(w) for w in policy.ssn_words)), re.IGNORECASE
        ),
        allow=tuple(re.compile(p) for p in policy.allow),
    )


def _checked(validator: Callable[[str], bool], value: str) -> bool | None:
    """The validator's verdict; None when it raised (the caller redacts to be safe)."""
    try:
        return bool(validator(value))
    except Exception:
        return None


def _verdict(validator: Callable[[str], bool], value: str, reason: str) -> str | None:
    """The reason to redact `value`, or None when the validator says it is not one."""
    verdict = _checked(validator, value)
    if verdict is None:
        return f"{reason}; the check failed, so redacted to be safe"
    return reason if verdict else None


# -- the scan ----------------------------------------------------------------------------


class _Claims:
    """Spans taken so far; a later finding overlapping one of them is dropped."""

    def __init__(self) -> None:
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def take(self, start: int, end: int) -> None:
        self.taken.append((start, end))


class Detector:
    """Scans text under one policy. Cheap to keep; patterns are compiled once per policy."""

    def __init__(self, policy: RedactionPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self.patterns = _patterns(policy)

    def scan(self, text: str) -> list[Span]:
        """Everything to redact in `text`, in order, without overlaps."""
        folded = fold(text)
        claims = _Claims()
        spans: list[Span] = []

        def add(found: Iterator[Span]) -> None:
            for span in found:
                if claims.free(span.start, span.end):
                    claims.take(span.start, span.end)
                    spans.append(span)

        for pattern in self.patterns.allow:
            for match in pattern.finditer(folded):
                claims.take(match.start(), match.end())
        policy = self.policy
        if policy.iban:
            add(self._ibans(folded))
        if policy.cn_ric:
            add(self._simple(folded, _CN_RIC, "cn_ric", ric.is_valid, "Chinese resident ID"))
        if policy.cards:
            add(self._cards(folded, claims))
        if policy.pesel:
            add(self._simple(folded, _PESEL, "pesel", pesel.is_valid, "PESEL"))
        if policy.dni:
            add(self._simple(folded, _NIE, "nie", nie.is_valid, "NIE"))
            add(self._simple(folded, _DNI, "dni", dni.is_valid, "DNI"))
        if policy.us_ssn:
            add(self._ssns(folded))
        if policy.security_codes:
            add(self._keyword_codes(folded))
        if policy.phones:
            add(self._phones(folded))
        if policy.emails:
            add(
                Span(m.start(), m.end(), "email", LABELS["email"], "e-mail address")
                for m in _EMAIL.finditer(folded)
            )
        spans.sort(key=lambda s: s.start)
        return spans

    # -- cards and their security codes --------------------------------------------------

    def _cards(self, folded: str, claims: _Claims) -> Iterator[Span]:
        for run in _DIGIT_RUN.finditer(folded):
            groups = [
                (m.start() + run.start(), m.end() + run.start())
                for m in _GROUP.finditer(run.group())
            ]
            i = 0
            while i < len(groups):
                taken = self._card_from(folded, groups, i, claims)
                if taken is None:
                    i += 1
                    continue
                card, last = taken
                yield card
                code = (
                    self._code_after_card(folded, card.end) if self.policy.security_codes else None
                )
                if code is not None:
                    yield code
                i = last + 1

    def _card_from(
        self, folded: str, groups: list[tuple[int, int]], first: int, claims: _Claims
    ) -> tuple[Span, int] | None:
        """The shortest card number that starts at group `first` and ends on a group end.

        Shortest, because a security code typed right after the card would otherwise
        make a longer Luhn-valid number and show its digits in the mask.
        """
        digits = ""
        for last in range(first, len(groups)):
            digits += folded[groups[last][0] : groups[last][1]]
            if len(digits) > 19:
                return None
            if len(digits) < 13:
                continue
            start, end = groups[first][0], groups[last][1]
            scheme = card_scheme(digits)
            if scheme is None or not claims.free(start, end) or _DATE.search(folded, start, end):
                continue
            verdict = _checked(luhn.is_valid, digits)
            if verdict is False:
                continue
            reason = f"{len(digits)} digits, {scheme} prefix, Luhn check passed"
            if verdict is None:
                reason = f"{len(digits)} digits, {scheme} prefix; the Luhn check failed, so redacted to be safe"
            return Span(start, end, "card", f"[CARD ****{digits[-4:]}]", reason), last
        return None

    def _code_after_card(self, folded: str, end: int) -> Span | None:
        match = self.patterns.after_card.match(folded, end)
        if match is None:
            return None
        return Span(
            match.start("code"),
            match.end("code"),
            "security_code",
            "",
            f"{len(match.group('code'))} digits right after a card number",
        )

    def _keyword_codes(self, folded: str) -> Iterator[Span]:
        for pattern, why in (
            (self.patterns.keyword_code, "after a security-code word"),
            (self.patterns.expiry_code, "right after an expiry date"),
        ):
            for match in pattern.finditer(folded):
                digits = len(match.group("code"))
                yield Span(
                    match.start("code"),
                    match.end("code"),
                    "security_code",
                    "",
                    f"{digits} digits {why}",
                )

    # -- ids -----------------------------------------------------------------------------

    def _simple(
        self,
        folded: str,
        pattern: re.Pattern[str],
        kind: str,
        validator: Callable[[str], bool],
        name: str,
    ) -> Iterator[Span]:
        for match in pattern.finditer(folded):
            value = re.sub(r"[ .\-]", "", match.group()).upper()
            reason = _verdict(validator, value, f"{name}, check digit valid")
            if reason is not None:
                yield Span(match.start(), match.end(), kind, LABELS[kind], reason)

    def _ssns(self, folded: str) -> Iterator[Span]:
        context = self.patterns.ssn_context
        for match in _SSN.finditer(folded):
            before = folded[max(0, match.start() - 40) : match.start()]
            after = folded[match.end() : match.end() + 20]
            if not (context.search(before) or context.search(after)):
                continue
            value = re.sub(r"[ \-]", "", match.group())
            reason = _verdict(ssn.is_valid, value, "US SSN next to an SSN word, valid ranges")
            if reason is not None:
                yield Span(match.start(), match.end(), "ssn", LABELS["ssn"], reason)

    def _ibans(self, folded: str) -> Iterator[Span]:
        for match in _IBAN.finditer(folded):
            # The shape can run on into the next word; try each group end, longest first.
            start = match.start()
            ends = [
                i
                for i in range(match.end(), start, -1)
                if i == len(folded) or not folded[i].isalnum()
            ]
            for end in ends:
                value = re.sub(r"[ \u00a0\-]", "", folded[start:end]).upper()
                if len(value) < 15:
                    break
                reason = _verdict(iban.is_valid, value, f"IBAN ({value[:2]}), check digits valid")
                if reason is not None:
                    yield Span(start, end, "iban", LABELS["iban"], reason)
                    break

    # -- contact details -------------------------------------------------------------------

    def _phones(self, folded: str) -> Iterator[Span]:
        import phonenumbers

        for region in self.policy.phone_regions:
            try:
                matches = list(
                    phonenumbers.PhoneNumberMatcher(
                        folded, region.upper(), leniency=phonenumbers.Leniency.VALID
                    )
                )
            except Exception:
                continue
            for match in matches:
                yield Span(
                    match.start,
                    match.end,
                    "phone",
                    LABELS["phone"],
                    f"phone number valid in {region.upper()}",
                )


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
