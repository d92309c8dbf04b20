"""Card numbers written as the words for their digits.

A customer reads the card out digit by digit, and the number reaches the note as words:
typed by an agent who writes down what is said, or pasted from a speech-to-text
transcript ("four one one one, one one one one …", "cztery jeden jeden …", "cuatro uno
uno …", "四一一一…"). Here a run of such words (digits may be mixed in, and "double" or
"triple" before a digit, as people read numbers out) is read as the digits it names; the
detector then takes it as a card when those digits are one: 13–19 of them with a card
prefix, passing Luhn. Counting in prose ("one or two questions") never makes 13 digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

_DIGIT_WORDS = {
    # English
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    # Polish, with and without its diacritics (typed in a hurry, or by a transcript)
    "jeden": "1",
    "jedna": "1",
    "dwa": "2",
    "dwie": "2",
    "trzy": "3",
    "cztery": "4",
    "pięć": "5",
    "piec": "5",
    "sześć": "6",
    "szesc": "6",
    "siedem": "7",
    "osiem": "8",
    "dziewięć": "9",
    "dziewiec": "9",
    # Spanish
    "cero": "0",
    "uno": "1",
    "una": "1",
    "dos": "2",
    "tres": "3",
    "cuatro": "4",
    "cinco": "5",
    "seis": "6",
    "siete": "7",
    "ocho": "8",
    "nueve": "9",
}
# Chinese digits as read out, 幺 and 两 included (幺 for 1 in numbers read over the phone).
_CJK_DIGITS = {
    "零": "0",
    "〇": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_REPEATS = {"double": 2, "triple": 3}

_CJK = "".join(_CJK_DIGITS)
# Between two digits read out: spaces, a line break, commas, dots, dashes, slashes.
_BETWEEN = r"[\s,.;:/\-]{0,4}"


def _trie(words: list[str]) -> str:
    """One pattern for `words`, sharing their beginnings ("t(?:hree|wo|r(?:es|zy))"):
    the regex engine then tries one branch at a letter, not every word."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [
            re.escape(letter) + pattern(rest) for letter, rest in sorted(node.items()) if letter
        ]
        if not branches:
            return ""
        ends_here = "" in node
        if len(branches) == 1 and not ends_here:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if ends_here else "")

    return pattern(tree)


def _tokens() -> tuple[str, str]:
    """A digit read out as a word (or a Chinese digit); the same or a digit."""
    words = [*_DIGIT_WORDS, *_REPEATS]
    firsts = "".join(sorted({word[0] for word in words}))
    # A word stands alone: no letter after it ("ones" is not 1). The letter before it is
    # looked at in `read_digits` ("someone"), so that the pattern begins with the words
    # themselves; the look ahead at the first letter lets the regex engine skip ahead.
    spoken = rf"(?=[{firsts}{_CJK}])(?:{_trie(words)}(?![^\W\d_])|[{_CJK}])"
    return spoken, rf"(?:{spoken}|[0-9])"


class _Patterns(NamedTuple):
    tokens: re.Pattern[str]
    run: re.Pattern[str]
    digits_before: re.Pattern[str]
    may_hold: re.Pattern[str]
    half_word: re.Pattern[str]
    letter: re.Pattern[str]


@cache
def _patterns() -> _Patterns:
    """Compiled on first use (a start-up that scans nothing does not pay for them). They
    run over lower-cased text, as the detector's keyword patterns do: much faster than
    IGNORECASE."""
    spoken, token = _tokens()
    return _Patterns(
        tokens=re.compile(token),
        # A run starts at a word; digits written before it are taken in by `spoken_runs`.
        run=re.compile(rf"{spoken}(?:{_BETWEEN}{token})+"),
        digits_before=re.compile(rf"(?:[0-9]{_BETWEEN})+\Z"),
        # Before the detector is loaded for a text with no digit at all: three digits read
        # out in a row are the least that may be a security code.
        may_hold=re.compile(rf"{spoken}(?:{_BETWEEN}{token}){{2}}"),
        # What may follow a card being read out at the end of a draft: the next word,
        # half typed.
        half_word=re.compile(r"[\s,.;:/\-]*[^\W\d_]{0,8}\Z"),
        letter=re.compile(r"[^\W\d_]"),
    )


class ReadDigit(NamedTuple):
    """One digit word (or digit) of a run: where it stands, the digits it names."""

    start: int
    end: int
    digits: str
    spoken: bool


def may_hold_spoken_digits(text: str) -> bool:
    # (Three digits read out take three characters at least; a shorter text does not
    # compile the patterns, which the detector's warm-up does off the screen's thread.)
    return len(text) >= 3 and _patterns().may_hold.search(text.lower()) is not None


def read_digits(lowered: str, start: int, end: int) -> list[ReadDigit]:
    """The digits read out between `start` and `end`, one per word (or digit); "double"
    and "triple" count in the word after them."""
    read: list[ReadDigit] = []
    times, at = 0, 0
    for m in _patterns().tokens.finditer(lowered, start, end):
        word = m.group()
        written = "0" <= word <= "9"  # (tokens are one digit, one Chinese digit, or a word)
        latin = word not in _CJK_DIGITS and not written
        if not read and not times and latin and _letter_before(lowered, m.start()):
            continue  # the end of a longer word ("someone")
        if word in _REPEATS:
            times, at = _REPEATS[word], m.start()
            continue
        digit = _CJK_DIGITS.get(word) or _DIGIT_WORDS.get(word) or word
        if times:
            read.append(ReadDigit(at, m.end(), digit * times, True))
            times = 0
        else:
            read.append(ReadDigit(m.start(), m.end(), digit, not written))
    return read


def _letter_before(text: str, at: int) -> bool:
    """A letter of a script written with spaces stands right before `at` (Chinese and
    Japanese run their words together: "卡号four …" starts a word)."""
    return at > 0 and text[at - 1].isalpha() and text[at - 1] < "\u2e80"


def spoken_runs(lowered: str, start: int = 0) -> Iterator[list[ReadDigit]]:
    """Runs of three or more digits read out (at least one of them as a word) in
    lower-cased text, with the digits written just before the first word."""
    patterns = _patterns()
    for run in patterns.run.finditer(lowered, start):
        first = run.start()
        window = max(start, first - 80)
        before = patterns.digits_before.search(lowered, window, first)
        digits = read_digits(lowered, before.start() if before else first, run.end())
        if len(digits) >= 3 and any(d.spoken for d in digits):
            yield digits


def spoken_run_at_end(lowered: str) -> list[ReadDigit] | None:
    """The run of digits read out that ends the text (the next word may be half typed)."""
    tail = max(0, len(lowered) - 400)
    last = None
    for run in spoken_runs(lowered, tail):
        last = run
    if last is None or not _patterns().half_word.match(lowered, last[-1].end):
        return None
    return last
