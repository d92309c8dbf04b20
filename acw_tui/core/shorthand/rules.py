"""The rules of SPEC §3: what a token is, where it may fire, and how case carries over.

`decide_expansion` is the one function that decides an expansion from the text before
the cursor and the delimiter just typed; the editor, `acw expand` and the "expand whole
note" command all go through it.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from acw_tui.core.shorthand.fillins import FillIns, fill, has_fill_ins
from acw_tui.core.shorthand.model import TOKEN_PUNCTUATION, Entry, Guide

_ASCII_LETTERS = frozenset(string.ascii_letters)
_ASCII_TOKEN = frozenset(string.ascii_letters + string.digits) | TOKEN_PUNCTUATION
# A token may follow these (besides whitespace and the start of the text).
OPENERS = frozenset("([{\"'«‹„‚“‘¿¡「『（【《〈")


@lru_cache(maxsize=4096)
def _is_token_char(char: str) -> bool:
    if char.isalnum() or char in TOKEN_PUNCTUATION:
        return True
    # Combining marks (a decomposed ñ is n + U+0303) belong to the letter before them.
    return unicodedata.category(char).startswith("M")


def is_token_char(char: str) -> bool:
    """Letters, digits and `/ & # + -` (rule 2), in any script."""
    if char < "\x80":
        return char.isalnum() or char in TOKEN_PUNCTUATION
    return _is_token_char(char)


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return ""
    first = name.split(" ", 1)[0]
    # Han ideographs are named "CJK UNIFIED/COMPATIBILITY IDEOGRAPH-…".
    return "CJK" if first in ("CJK", "IDEOGRAPHIC") else first


def script_of(char: str) -> str:
    """The script of a letter ("LATIN", "CJK", "CYRILLIC", …); "" for anything else."""
    if char < "\x80":
        return "LATIN" if char.isalpha() else ""
    if not char.isalpha():
        return ""
    return _script(char)


@dataclass(frozen=True)
class Token:
    """What was typed just before a delimiter: perhaps an abbreviation to expand."""

    start: int  # index in the text where the token (or its sigil) begins
    text: str  # the token without the sigil
    sigil: bool  # written with the sigil in front
    at_boundary: bool  # may fire without the sigil


def token_before(text: str, end: int, guide: Guide) -> Token | None:
    """The token ending at `end` in `text`, or None if there is none.

    The token is the run of token characters left of `end`, cut where the script of
    its letters changes (a Latin token right after Chinese text is a token of its own).
    Runs longer than the guide's longest abbreviation are not looked at further: no
    entry could match them, and stopping keeps each keystroke's cost flat.
    """
    limit = guide.longest_abbr
    start = end
    script = ""
    while start > 0:
        char = text[start - 1]
        if char in _ASCII_TOKEN:  # the common case, without a function call
            letter_script = "LATIN" if char in _ASCII_LETTERS else ""
        elif char < "\x80" or not _is_token_char(char):
            break
        else:
            letter_script = script_of(char)
        if letter_script:
            if script and letter_script != script:
                break
            script = letter_script
        start -= 1
        if end - start > limit:
            return None
    if start == end:
        return None
    word = text[start:end]
    sigil = guide.sigil
    if sigil and text.startswith(sigil, start - len(sigil)) and start >= len(sigil):
        return Token(start - len(sigil), word, True, False)
    return Token(start, word, False, _at_boundary(text, start))


def _at_boundary(text: str, start: int) -> bool:
    """Rule 2: a token starts the text or follows whitespace, an opener or another script."""
    if start == 0:
        return True
    before = text[start - 1]
    # Reached only when the scan stopped at a letter of another script, or at a
    # character that is not part of tokens at all.
    return before.isspace() or before in OPENERS or bool(script_of(before))


def apply_case(typed: str, entry: Entry) -> str:
    """Rule 4: carry the case of what was typed over to the expansion."""
    return carry_case(typed, entry, entry.expansion)


def carry_case(typed: str, entry: Entry, expansion: str) -> str:
    """Rule 4 for `expansion` (the entry's, or its own words around fill-ins)."""
    if entry.matches_exactly:
        return expansion
    cased = [c for c in typed if c.isupper() or c.islower()]
    if not cased or cased[0].islower():
        return expansion
    if len(cased) >= 2 and all(c.isupper() for c in cased):
        return expansion.upper()
    return capitalise_first_letter(expansion)


def capitalise_first_letter(text: str) -> str:
    """Capitalise the first letter (not the first character: `(optional)` → `(Optional)`)."""
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.title() + text[index + 1 :]
    return text


@dataclass(frozen=True)
class Expansion:
    """Replace `text[start:end]` (what was typed: `typed`) with `replacement`."""

    start: int
    end: int
    typed: str
    replacement: str
    entry: Entry
    cursor: int | None = None  # where typing goes on in `replacement` (None: after it)


def decide_expansion(
    before: str, delimiter: str, guide: Guide, fill_ins: FillIns | None = None
) -> Expansion | None:
    """Rules 1–4: does typing `delimiter` after `before` expand something, and into what?

    `before` is the text left of the cursor; the last `guide.context_chars` characters
    of it are enough (the editor passes the current line up to the cursor).
    """
    if delimiter not in guide.delimiter_set:
        return None
    end = len(before)
    token = token_before(before, end, guide)
    if token is None or not (token.sigil or token.at_boundary):
        return None
    entry = guide.lookup(token.text)
    if entry is None:
        return None
    typed = before[token.start :]
    if has_fill_ins(entry.expansion):
        filled = fill(entry.expansion, fill_ins, lambda text: carry_case(token.text, entry, text))
        return Expansion(token.start, end, typed, filled.text, entry, filled.cursor)
    return Expansion(token.start, end, typed, apply_case(token.text, entry), entry)


def entry_being_typed(before: str, guide: Guide) -> tuple[str, Entry] | None:
    """The token left of the cursor and its entry, if a delimiter now would expand it."""
    token = token_before(before, len(before), guide)
    if token is None or not (token.sigil or token.at_boundary):
        return None
    entry = guide.lookup(token.text)
    return None if entry is None else (token.text, entry)
