"""Finding card data and personal data in free text.

Shapes are found with regular expressions; whether a shape is really a card number or an
id is decided by python-stdnum (Luhn, PESEL, DNI/NIE, resident id, SSN, IBAN) and
phonenumbers — never by a checksum written here. The scan works on a folded copy of the
text in which full-width digits and letters (as Chinese input methods type them) become
ASCII one character for one, so every offset found is an offset in the original text.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, NamedTuple

from acw_tui.core.redaction.cards import card_prefix_possible, card_scheme
from acw_tui.core.redaction.policy import DEFAULT_POLICY, RedactionPolicy
from acw_tui.core.redaction.spans import LABELS, Span, fold, without_invisible
from acw_tui.core.redaction.spoken import ReadDigit, spoken_run_at_end, spoken_runs
from acw_tui.core.redaction.words import (
    CARD_WORDS,
    EXPIRY_WORDS,
    LINKING_MARKS,
    LINKING_WORDS,
    SECURITY_CODE_WORDS,
    SSN_WORDS,
)


def _lower(folded: str) -> str:
    """Lower case, one character for one (a few letters lower to two; those stay)."""
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


# -- shapes ------------------------------------------------------------------------------

# Shapes begin with a character class, and "not preceded by" is checked right after
# the first character: a pattern that opens with a lookbehind makes the regex engine
# try every position of the text, three times slower on a long note.
_HSPACE = "[ \\t]"


def _card_sep(marks: str) -> str:
    """Between the groups of a card number: one to five of `marks` (" - ", ", " and
    columns lined up with spaces included), or a line break (any kind, a blank line
    too) with its indentation. (The text is folded first: every kind of space, dash,
    comma and mid-line dot is the ASCII one here.)"""
    return rf"(?:[{marks}]{{1,5}}|{_HSPACE}*(?:(?:\r\n?|\n){_HSPACE}*){{1,2}})"


def _digit_run(separator: str) -> re.Pattern[str]:
    return re.compile(rf"[0-9](?<![0-9]{{2}})[0-9]*(?:{separator}[0-9]+)*")


# Apostrophes (Swiss-style grouping), pluses, colons and asterisks too: a card pasted from
# some other program, or typed to slip past, is still a card.
_CARD_MARKS = r" \t.\-/_'+:*"
_CARD_SEP = _card_sep(_CARD_MARKS)
_DIGIT_RUN_NO_COMMA = _digit_run(_CARD_SEP)
# With commas too: a run holding one is read in the pieces between them unless a card
# word stands next to it. "Tickets 4481, 4834, 7459, 5285" is a list of numbers, and one
# such list in twenty would pass for a card.
_DIGIT_RUN = _digit_run(_card_sep(_CARD_MARKS + ","))
_GROUP = re.compile(r"[0-9]+")
# Digits glued to a code of letters and digits ("GB97KJLC6377…", "SN4X9…") belong to
# that code; "card4111…" is still a card.
_CODE_BEFORE = re.compile(r"[0-9][A-Za-z0-9]*[A-Za-z]\Z")
# Day-month-year or year-month-day written with 1–2 digit groups: a date, never a card.
_DATE = re.compile(
    r"(?<![0-9])(?:(?:0?[1-9]|[12][0-9]|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:19|20)[0-9]{2}"
    r"|(?:19|20)[0-9]{2}[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12][0-9]|3[01]))(?![0-9])"
)
_EXPIRY_DATE = r"(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20[0-9]{2}|[0-9]{2})(?![0-9])"
_CODE = r"(?<![0-9])(?P<code>[0-9]{3,4})(?![0-9]|[/.\-:][0-9])"
_CODE_WINDOW = 80  # the end of a draft searched for a code being typed
_IBAN = re.compile(
    r"[A-Za-z](?<![A-Za-z0-9][A-Za-z])[A-Za-z][0-9]{2}(?:[ \u00a0\-]?[0-9A-Za-z]){11,30}"
)
_CN_RIC = re.compile(
    r"[0-9](?<![0-9A-Za-z][0-9])[0-9]{5}[ \-]?[0-9]{8}[ \-]?[0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)
_PESEL = re.compile(r"[0-9](?<![0-9]{2})[0-9]{10}(?![0-9])")
# Where a DNI or NIE ends: at anything but a letter or digit, or right before a card's
# first digits, typed straight after its letter ("12345678Z4111 1111…").
_ID_END = r"(?:(?![A-Za-z0-9])|(?=[0-9]{4}[ \-./]?[0-9]{4}[ \-./]?[0-9]{4}[ \-./]?[0-9]))"
_DNI = re.compile(
    r"[0-9](?<![0-9A-Za-z][0-9])(?:[0-9]{7}|[0-9]\.[0-9]{3}\.[0-9]{3})"
    rf"(?:[ \-]?[A-Z]|[a-z]){_ID_END}"
)
_NIE = re.compile(rf"[XYZxyz](?<![0-9A-Za-z][XYZxyz])[ \-]?[0-9]{{7}}[ \-]?[A-Za-z]{_ID_END}")
_SSN = re.compile(r"[0-9](?<![0-9]{2})[0-9]{2}([ \-]?)[0-9]{2}\1[0-9]{4}(?![0-9])")
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)


def _words(words: tuple[str, ...]) -> str:
    # Latin keywords must stand alone ("cvv", not "xcvv"); CJK ones have no word breaks.
    return r"(?<![A-Za-z])(?:" + "|".join(words) + r")(?![A-Za-z])"


_CARD_WORD = re.compile(_words(CARD_WORDS))
_GAP = r"(?:[\s:：=#\-–—,.()（）'\"]|" + _words(LINKING_WORDS) + "|" + LINKING_MARKS + r"){0,8}?"


@dataclass(frozen=True)
class _Patterns:
    """The patterns that follow the site's policy (its own security-code and SSN words, its
    allow-list), compiled once per policy."""

    keyword_code: re.Pattern[str]
    keyword_ends: re.Pattern[str]  # a security-code word and the gap after it, at the end
    code_being_typed: re.Pattern[str]
    expiry_code: re.Pattern[str]
    after_card: re.Pattern[str]
    ssn_context: re.Pattern[str]
    allow: tuple[Any, ...]  # regex.Pattern[str]


@lru_cache(maxsize=16)
def _patterns(policy: RedactionPolicy) -> _Patterns:
    # Keyword patterns run case-sensitively over a lower-cased copy of the text: three
    # times faster than IGNORECASE, which defeats the regex engine's first-character scan.
    code_words = SECURITY_CODE_WORDS + tuple(
        re.escape(w.lower()) for w in policy.security_code_words
    )
    keyword = _words(code_words)
    expiry = _words(EXPIRY_WORDS)
    tail_sep = r"[ \t\u00a0,;:/|.\-]*"
    return _Patterns(
        keyword_code=re.compile(rf"{keyword}{_GAP}{_CODE}"),
        keyword_ends=re.compile(rf"{keyword}{_GAP}\Z"),
        code_being_typed=re.compile(rf"{keyword}{_GAP}(?<![0-9])(?P<code>[0-9]{{1,2}})\s*\Z"),
        expiry_code=re.compile(
            rf"{expiry}[\s:：]*{_EXPIRY_DATE}{tail_sep}(?:{keyword})?{_GAP}{_CODE}"
        ),
        after_card=re.compile(
            rf"{tail_sep}(?:\r?\n{_HSPACE}*)?"
            rf"(?:(?:{expiry})?[\s:：]*{_EXPIRY_DATE}{tail_sep})?"
            # The code ends the run of digits: a second card number typed right after
            # the first is a card, not a code followed by a leftover.
            rf"(?:{keyword})?{_GAP}{_CODE}(?!{_CARD_SEP}[0-9])"
        ),
        ssn_context=re.compile(
            _words(SSN_WORDS + tuple(re.escape(w.lower()) for w in policy.ssn_words))
        ),
        # A site's own patterns run in the `regex` engine with a time limit: a pattern
        # like `(a|aa)+$` must not hang the screen or `acw redact` (see _allowed).
        allow=_allow_patterns(policy.allow),
    )


def _allow_patterns(patterns: tuple[str, ...]) -> tuple[Any, ...]:
    if not patterns:
        return ()
    # Imported only when a site has patterns of its own: `regex` costs about 10 ms of
    # start-up, in the first preview of every wrap-up otherwise.
    import regex

    return tuple(regex.compile(p) for p in patterns)


def _stdnum(name: str) -> Any:
    """A python-stdnum module, imported when a shape first needs its check: the package
    imports pydoc and ssl on the way, tens of milliseconds that a note with no number
    in it (and every wrap-up's first preview) should not pay."""
    return importlib.import_module(f"stdnum.{name}")


def _check_with(name: str) -> Callable[[str], bool]:
    """`stdnum.<name>.is_valid`, loaded on the first call."""

    def is_valid(value: str) -> bool:
        return bool(_stdnum(name).is_valid(value))

    return is_valid


_luhn_valid = _check_with("luhn")
_pesel_valid = _check_with("pl.pesel")
_nie_valid = _check_with("es.nie")
_dni_valid = _check_with("es.dni")
_ssn_valid = _check_with("us.ssn")
_iban_valid = _check_with("iban")


def _cn_ric_valid(value: str) -> bool:
    """Check digit, birth date and province, all from python-stdnum.

    Not `ric.is_valid`: it also asks that the county existed in the birth year, and
    its table has gaps (ids are issued where people live, not where they were born),
    so a real id would be left showing.
    """
    ric = _stdnum("cn.ric")
    if ric.calc_check_digit(value) != value[-1]:
        return False
    ric.get_birth_date(value)
    return any(props for _, props in _stdnum("numdb").get("cn/loc").info(value[:6]))


def _checked(validator: Callable[[str], bool], value: str) -> bool | None:
    """The validator's verdict; None when it broke (the caller redacts to be safe)."""
    try:
        return bool(validator(value))
    except Exception as exc:
        # (stdnum is loaded by now: only its validators raise here)
        return False if isinstance(exc, _stdnum("exceptions").ValidationError) else None


def _verdict(validator: Callable[[str], bool], value: str, reason: str) -> str | None:
    """The reason to redact `value`, or None when the validator says it is not one."""
    verdict = _checked(validator, value)
    if verdict is None:
        return f"{reason}; the check failed, so redacted to be safe"
    return reason if verdict else None


# A way of reading the text: the folded text, or it without the characters that show as
# nothing, with where a position of it stands in the text.
_View = tuple[str, Callable[[int], int] | None]


class _IdKind(NamedTuple):
    shape: re.Pattern[str]  # as written in one piece
    size: int  # characters once its separators are gone
    valid: Callable[[str], bool]
    name: str


_ID_KINDS = {
    "cn_ric": _IdKind(_CN_RIC, 18, _cn_ric_valid, "Chinese resident ID"),
    "pesel": _IdKind(_PESEL, 11, _pesel_valid, "PESEL"),
    "nie": _IdKind(_NIE, 9, _nie_valid, "NIE"),
    "dni": _IdKind(_DNI, 9, _dni_valid, "DNI"),
}


def _ids(kind: str) -> Callable[[str], Iterator[Span]]:
    """The finder of one kind of id: its shape, then its check digits."""
    shape, _, validator, name = _ID_KINDS[kind]

    def find(folded: str) -> Iterator[Span]:
        for match in shape.finditer(folded):
            value = re.sub(r"[ .\-]", "", match.group()).upper()
            reason = _verdict(validator, value, f"{name}, check digit valid")
            if reason is not None:
                yield Span(match.start(), match.end(), kind, LABELS[kind], reason)

    return find


_find_cn_rics, _find_pesels, _find_nies, _find_dnis = map(_ids, ("cn_ric", "pesel", "nie", "dni"))


# An id written down in groups as the customer reads it out ("PESEL 440514 01359") is
# read after its name: groups of digits split by single spaces, dashes or dots (a
# letter may open or close it: NIE X 1234567 L, DNI 1234 5678 Z), a few characters
# after the name. Without the name, groups are numbers of their own.
_ID_NAME = re.compile(
    "|".join(
        f"(?P<{kind}>{_words(names)})"
        for kind, names in (
            ("pesel", (r"pesel",)),
            ("dni", (r"dni", r"d\.n\.i\.")),
            ("nie", (r"nie", r"n\.i\.e\.")),
            ("cn_ric", (r"身份证", r"身份證")),
            # Words for any id: each kind's check decides which it is, if any.
            ("any", (r"id", r"identity", r"documento", r"dowodu?(?:\s+osobist\w*)?")),
        )
    )
)
_POLICY_FLAG = {"pesel": "pesel", "dni": "dni", "nie": "dni", "cn_ric": "cn_ric"}
# Digits first, so the regex engine jumps from digit to digit; a letter standing alone
# before them (NIE X 1234567 L) is taken in by `_grouped_ids`.
_ID_IN_GROUPS = re.compile(
    r"[0-9](?<![0-9][0-9])[0-9]*(?:[ .\-][0-9]+)+"  # two groups of digits or more
    r"(?:[ .\-]?[A-Za-z])?(?![0-9A-Za-z])"  # a letter last
)
_ONE_DIGIT = re.compile(r"[0-9]")
_LETTER_BEFORE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][ .\-]?\Z")
_ID_NAME_GAP = 16  # characters between the name and the id ("DNI del cliente 1234…")
_ID_GROUPS_AT_MOST = 8


def _grouped_ids(kinds: tuple[str, ...], folded: str, lowered: str) -> Iterator[Span]:
    for found in _ID_IN_GROUPS.finditer(folded):
        if len(_ONE_DIGIT.findall(found.group())) < 7:
            continue  # every id has seven digits at least
        start = found.start()
        if start and folded[start - 1].isalnum():
            letter = _LETTER_BEFORE.search(folded, max(0, start - 2), start)
            if letter is None:
                continue  # the digits end a word or a code
            start = letter.start()
        elif letter := _LETTER_BEFORE.search(folded, max(0, start - 2), start):
            start = letter.start()
        before = lowered[max(0, start - _ID_NAME_GAP - 12) : start]
        names = list(_ID_NAME.finditer(before))
        if not names or len(before) - names[-1].end() > _ID_NAME_GAP:
            continue
        named = names[-1].lastgroup
        groups = [
            (m.start() + start, m.end() + start)
            for m in re.finditer(r"[0-9A-Za-z]+", folded[start : found.end()])
        ][:_ID_GROUPS_AT_MOST]
        for kind in kinds if named == "any" else (named,) if named in kinds else ():
            _, size, validator, name = _ID_KINDS[kind]
            span = _id_in_groups(folded, groups, size, validator, kind, name)
            if span is not None:
                yield span
                break


def _id_in_groups(
    folded: str,
    groups: list[tuple[int, int]],
    size: int,
    validator: Callable[[str], bool],
    kind: str,
    name: str,
) -> Span | None:
    """The first run of two or more groups that together are a valid id of `size`."""
    for first in range(len(groups)):
        value = ""
        for last in range(first, len(groups)):
            value += folded[groups[last][0] : groups[last][1]].upper()
            if len(value) >= size:
                break
        if len(value) != size or last == first:
            continue
        reason = _verdict(validator, value, f"{name} in groups, after its name")
        if reason is not None:
            return Span(groups[first][0], groups[last][1], kind, LABELS[kind], reason)
    return None


def _emails(folded: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(folded):
        yield Span(match.start(), match.end(), "email", LABELS["email"], "e-mail address")


# -- the scan ----------------------------------------------------------------------------


# How long a site's allow-list pattern may run over a text: enough for any sane
# pattern over a long note, never long enough to freeze the screen.
ALLOW_SECONDS = 0.1
ALLOW_SECONDS_PER_MB = 1.0


def _glued_to_code(folded: str, start: int, claims: _Claims) -> bool:
    """Do the digits at `start` belong to a code of letters and digits before them
    ("SN4X9…")? Not when the code's digits were taken already (a card, its security
    code): "4111…x5500…" is two cards joined by a letter, not a card and a serial."""
    glued = _CODE_BEFORE.search(folded, max(0, start - 40), start)
    return glued is not None and claims.free(glued.start(), glued.end())


class _Claims:
    """Spans taken so far; a later finding overlapping one of them is dropped.

    One mark per character of the text, so asking costs the length of the span asked
    about, not the number of spans taken before (a note full of numbers stays linear).
    """

    def __init__(self, size: int) -> None:
        self.taken = bytearray(size)

    def free(self, start: int, end: int) -> bool:
        return self.taken.find(1, start, end) < 0

    def take(self, start: int, end: int) -> None:
        if end > start:
            self.taken[start:end] = b"\x01" * (end - start)


# How cards are printed, other than in groups of four: American Express 4-6-5, Diners 4-6-4.
_PRINTED = {(4, 6, 5), (4, 6, 4)}


def _as_printed(groups: list[tuple[int, int]]) -> bool:
    sizes = tuple(end - start for start, end in groups)
    return all(size == 4 for size in sizes) or sizes in _PRINTED


class Detector:
    """Scans text under one policy. Cheap to keep; patterns are compiled once per policy."""

    def __init__(self, policy: RedactionPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self.patterns = _patterns(policy)

    def scan(self, text: str, *, drafting: bool = False) -> list[Span]:
        """Everything to redact in `text`, in order, without overlaps.

        `drafting`: the text is still being typed (a draft saved mid-number), so a card
        number or security code being typed at the end is taken too. Fifteen digits of
        a card are the card: Luhn gives the last one away.
        """
        spans, typed = self.scan_draft(text) if drafting else (self._scan(text)[0], [])
        return sorted(spans + typed, key=lambda s: s.start) if typed else spans

    def scan_draft(self, text: str) -> tuple[list[Span], list[Span]]:
        """One pass for a draft: what `scan` takes from `text`, and what `drafting` would
        take besides (a card number or security code being typed at its end)."""
        spans, claims, folded, lowered = self._scan(text)
        typed: list[Span] = []
        for found in (
            self._card_being_typed(folded, lowered, claims) if self.policy.cards else (),
            self._spoken_card_being_typed(lowered) if self.policy.cards else (),
            self._code_being_typed(lowered) if self.policy.security_codes else (),
        ):
            for span in found:
                if claims.free(span.start, span.end):
                    claims.take(span.start, span.end)
                    typed.append(span)
        return spans, typed

    def _scan(self, text: str) -> tuple[list[Span], _Claims, str, str]:
        folded = fold(text)
        lowered = _lower(folded)
        claims = _Claims(len(folded))
        spans: list[Span] = []

        def add(found: Iterator[Span]) -> None:
            for span in found:
                if claims.free(span.start, span.end):
                    claims.take(span.start, span.end)
                    spans.append(span)

        for start, end in self._allowed(folded):
            claims.take(start, end)
        policy = self.policy
        # Everything but cards is also read in the text without the characters that show
        # as nothing, first: an id or an address with a zero-width space inside shows
        # whole on screen, and is taken whole before a piece of it is found in the folded
        # text. (Cards read them as the spaces they are folded to, between groups.)
        views: list[_View] = [(folded, None)]
        squeezed = without_invisible(text, folded)
        if squeezed is not None:
            views.insert(0, squeezed)

        def lowered_of(view: str) -> str:
            return lowered if view is folded else _lower(view)

        def each_view(find: Callable[[str], Iterator[Span]]) -> Iterator[Span]:
            for view, where in views:
                for span in find(view):
                    if where is not None:
                        span = replace(span, start=where(span.start), end=where(span.end - 1) + 1)
                    yield span

        if policy.iban:
            add(each_view(self._ibans))
        if policy.cn_ric:
            add(each_view(_find_cn_rics))
        # National ids before cards: a card glued to an id by a letter ("…1359x4111…")
        # is then seen to follow an id, not to belong to a code.
        if policy.pesel:
            add(each_view(_find_pesels))
        if policy.dni:
            add(each_view(_find_nies))
            add(each_view(_find_dnis))
        grouped = tuple(kind for kind in _ID_KINDS if getattr(policy, _POLICY_FLAG[kind]))
        if grouped:
            add(each_view(lambda view: _grouped_ids(grouped, view, lowered_of(view))))
        if policy.cards:
            add(self._cards(folded, lowered, claims))
        if policy.cards or policy.security_codes:
            add(self._read_out(lowered))
        if policy.us_ssn:
            add(each_view(self._ssns))
        if policy.security_codes:
            add(each_view(lambda view: self._keyword_codes(lowered_of(view))))
        if policy.phones:
            add(each_view(self._phones))
        if policy.emails:
            add(each_view(_emails))
        spans.sort(key=lambda s: s.start)
        return spans, claims, folded, lowered

    def _allowed(self, folded: str) -> Iterator[tuple[int, int]]:
        """Where the site's allow-list patterns match; a pattern that runs out of time
        allows nothing more (redacting too much is the safe side)."""
        limit = ALLOW_SECONDS + ALLOW_SECONDS_PER_MB * len(folded) / 1_000_000
        for pattern in self.patterns.allow:
            try:
                for match in pattern.finditer(folded, timeout=limit):
                    yield match.start(), match.end()
            except TimeoutError:
                continue

    # -- cards and their security codes --------------------------------------------------

    def _cards(self, folded: str, lowered: str, claims: _Claims) -> Iterator[Span]:
        # Where a security code stands after its keyword ("cvv 123"): such a group right
        # before a card ("cvv 123 4111 1111 1111 1111") is the code, not part of the card.
        codes = (
            {m.start("code") for m in self.patterns.keyword_code.finditer(lowered)}
            if self.policy.security_codes
            else set()
        )
        for run in self._digit_runs(folded, lowered):
            if run.end() - run.start() < 13:
                continue  # too short to hold 13 digits
            # (What this yields is taken before it goes on, so a card found here
            # counts for the next run's code.)
            if _glued_to_code(folded, run.start(), claims):
                continue
            groups = [
                (m.start() + run.start(), m.end() + run.start())
                for m in _GROUP.finditer(run.group())
            ]
            total = sum(end - start for start, end in groups)
            i = 0
            while i < len(groups):
                card = self._card_from(folded, groups, i, claims, total, codes)
                if card is None:
                    i += 1
                    continue
                span, last = card
                yield span
                code = (
                    self._code_after_card(lowered, span.end) if self.policy.security_codes else None
                )
                if code is not None:
                    yield code
                i = last + 1

    @staticmethod
    def _digit_runs(folded: str, lowered: str, start: int = 0) -> Iterator[re.Match[str]]:
        """Runs of digit groups that may hold a card; one split by commas only next to a
        card word (within 40 characters before it or 20 after)."""
        for run in _DIGIT_RUN.finditer(folded, start):
            if (
                "," not in run.group()
                or _CARD_WORD.search(lowered, max(0, run.start() - 40), run.start())
                or _CARD_WORD.search(lowered, run.end(), run.end() + 20)
            ):
                yield run
            else:
                yield from _DIGIT_RUN_NO_COMMA.finditer(folded, run.start(), run.end())

    def _card_from(
        self,
        folded: str,
        groups: list[tuple[int, int]],
        first: int,
        claims: _Claims,
        total: int,
        codes: set[int],
    ) -> tuple[Span, int] | None:
        """The card number that starts at group `first` and ends on a group end, if any.

        The longest valid one, so no digit of a 19-digit card is left showing — except
        that a last group of 3–4 digits after a shorter valid number is read as the
        security code typed after the card, which is removed rather than masked.
        """
        found: dict[int, Span] = {}
        digits = ""
        for last in range(first, len(groups)):
            digits += folded[groups[last][0] : groups[last][1]]
            if len(digits) > 19:
                break
            if len(digits) >= 13:
                span = self._card_span(folded, groups[first][0], groups[last][1], digits, claims)
                if span is not None:
                    found[last] = span
        if not found:
            return None
        last = max(found)
        size = groups[last][1] - groups[last][0]
        if last - 1 in found and 3 <= size <= 4:
            last -= 1
        if not self._stands_alone(folded, groups, first, last, total, codes):
            return None
        return found[last], last

    def _card_span(
        self, folded: str, start: int, end: int, digits: str, claims: _Claims
    ) -> Span | None:
        scheme = card_scheme(digits)
        if scheme is None or not claims.free(start, end) or _DATE.search(folded, start, end):
            return None
        verdict = _checked(_luhn_valid, digits)
        if verdict is False:
            return None
        reason = f"{len(digits)} digits, {scheme} prefix, Luhn check passed"
        if verdict is None:
            reason = f"{len(digits)} digits, {scheme} prefix; the Luhn check failed, so redacted to be safe"
        return Span(start, end, "card", f"[CARD ****{digits[-4:]}]", reason)

    @staticmethod
    def _stands_alone(
        folded: str,
        groups: list[tuple[int, int]],
        first: int,
        last: int,
        total: int,
        codes: set[int],
    ) -> bool:
        """False for a card-looking piece of a longer number of card length.

        A number of 13–19 digits that fails as a whole is not a card with a digit or
        two around it — unless the card is one unbroken group of its own, or starts or
        ends the number written in groups as cards are printed (fours; 4-6-5 for Amex,
        4-6-4 for Diners), or what stands
        before it is a security code after its keyword ("cvv 123 4111 …"), or what
        follows it is its security code (one group of 3–4 digits) or the month of its
        expiry date ("12/27"). `total` is the number of digits in all the groups
        (counted once per run of digits).
        """
        if not 13 <= total <= 19 or (first == 0 and last == len(groups) - 1):
            return True
        if first == last:
            return True  # a valid card written as one group is a card wherever it stands
        if (first == 0 or last == len(groups) - 1) and _as_printed(groups[first : last + 1]):
            return True  # ... and so is one starting or ending the number grouped as printed
        if first == 1 and last == len(groups) - 1 and groups[0][0] in codes:
            return True
        if first != 0 or last != len(groups) - 2:
            return False
        start, end = groups[-1]
        return 3 <= end - start <= 4 or (end - start <= 2 and folded[end : end + 1] == "/")

    def _card_being_typed(self, folded: str, lowered: str, claims: _Claims) -> Iterator[Span]:
        tail_start = max(0, len(folded.rstrip()) - 60)
        runs = list(self._digit_runs(folded, lowered, tail_start))
        if not runs or folded[runs[-1].end() :].strip():
            return
        run = runs[-1]
        digits = re.sub(r"[^0-9]", "", run.group())
        start = run.start()
        if _glued_to_code(folded, start, claims):
            return
        if (
            6 < len(digits) <= 19
            and card_prefix_possible(digits)
            and claims.free(start, run.end())
            and not _DATE.search(folded, start, run.end())
        ):
            yield Span(
                start, run.end(), "card", "[CARD ****]", "the start of a card number being typed"
            )

    def _read_out(self, lowered: str) -> Iterator[Span]:
        """Cards read out as words (spoken.py), with a security code read out right
        after one, and security codes read out after a security-code word."""
        for run in spoken_runs(lowered):
            first = 0
            while self.policy.cards and first < len(run):
                card = self._spoken_card_from(run, first)
                if card is None:
                    break
                span, first = card
                yield span
            rest = run[first:]
            size = len("".join(d.digits for d in rest))
            if not (rest and self.policy.security_codes and 3 <= size <= 4):
                continue
            if first or self.patterns.keyword_ends.search(
                lowered[max(0, rest[0].start - 60) : rest[0].start]
            ):
                why = "right after a card number" if first else "after a security-code word"
                yield Span(
                    rest[0].start,
                    rest[-1].end,
                    "security_code",
                    "",
                    f"{size} digits read out {why}",
                )

    @staticmethod
    def _spoken_card_from(run: list[ReadDigit], first: int) -> tuple[Span, int] | None:
        """The card read out from digit `first` of the run, and where the run goes on.

        As for cards written in digits, a card is a whole number: the run holds nothing
        after it, or a security code (3–4 digits), or another card. A card-looking
        piece of a longer number read out is not one."""
        ends = []
        digits = ""
        for last in range(first, len(run)):
            digits += run[last].digits
            if len(digits) > 19:
                break
            scheme = card_scheme(digits) if len(digits) >= 13 else None
            if scheme is not None and _checked(_luhn_valid, digits) is not False:
                ends.append((last, digits, scheme))
        for last, digits, scheme in reversed(ends):  # the longest that ends well
            after = "".join(d.digits for d in run[last + 1 :])
            if len(after) in (0, 3, 4) or Detector._spoken_card_from(run, last + 1):
                if not any(d.spoken for d in run[first : last + 1]):
                    return None  # (written in digits only: the digit runs' detector decides)
                span = Span(
                    run[first].start,
                    run[last].end,
                    "card",
                    f"[CARD ****{digits[-4:]}]",
                    f"{len(digits)} digits read out as words, {scheme} prefix, Luhn check passed",
                )
                return span, last + 1
        return None

    @staticmethod
    def _spoken_card_being_typed(lowered: str) -> Iterator[Span]:
        run = spoken_run_at_end(lowered)
        if run is None:
            return
        digits = "".join(d.digits for d in run)
        if 6 < len(digits) <= 19 and card_prefix_possible(digits):
            yield Span(
                run[0].start,
                run[-1].end,
                "card",
                "[CARD ****]",
                "the start of a card number being read out",
            )

    def _code_being_typed(self, lowered: str) -> Iterator[Span]:
        match = self.patterns.code_being_typed.search(lowered, max(0, len(lowered) - _CODE_WINDOW))
        if match is not None:
            yield Span(
                match.start("code"),
                match.end("code"),
                "security_code",
                "",
                "a security code being typed after a security-code word",
            )

    def _code_after_card(self, lowered: str, end: int) -> Span | None:
        match = self.patterns.after_card.match(lowered, end)
        if match is None:
            return None
        return Span(
            match.start("code"),
            match.end("code"),
            "security_code",
            "",
            f"{len(match.group('code'))} digits right after a card number",
        )

    def _keyword_codes(self, lowered: str) -> Iterator[Span]:
        for pattern, why in (
            (self.patterns.keyword_code, "after a security-code word"),
            (self.patterns.expiry_code, "right after an expiry date"),
        ):
            for match in pattern.finditer(lowered):
                digits = len(match.group("code"))
                yield Span(
                    match.start("code"),
                    match.end("code"),
                    "security_code",
                    "",
                    f"{digits} digits {why}",
                )

    # -- ids -----------------------------------------------------------------------------

    def _ssns(self, folded: str) -> Iterator[Span]:
        context = self.patterns.ssn_context
        for match in _SSN.finditer(folded):
            before = _lower(folded[max(0, match.start() - 40) : match.start()])
            after = _lower(folded[match.end() : match.end() + 20])
            if not (context.search(before) or context.search(after)):
                continue
            value = re.sub(r"[ \-]", "", match.group())
            reason = _verdict(_ssn_valid, value, "US SSN next to an SSN word, valid ranges")
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
                reason = _verdict(_iban_valid, value, f"IBAN ({value[:2]}), check digits valid")
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
