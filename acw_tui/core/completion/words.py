"""The words of a note as the completion model sees them.

A note is cut into runs of words: a run ends at a line break, at a redaction marker
(`[CARD ****1111]`, `[PESEL]` …: what was redacted is never learned, and the words on
either side of it are not joined into one phrase), and at anything that is neither a
word nor sentence punctuation. A word is a run of letters and digits (with inner
apostrophes and the shorthand's `/ & # + -`); each Chinese character is a word of its
own; `. , ; : ! ?` (and their full-width forms) are words too, so a phrase may end a
sentence. Words holding three or more digits (amounts, case numbers, what is left of an
id) are never learned: they break the run.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator

# Context marker for "the start of a line": the model learns how notes begin.
LINE_START = "\x02"
# Context keys join folded words with this separator.
JOIN = "\x1f"

_MARKER = r"\[[A-Z][A-Z-]*(?: \*+[0-9]*)?\]"
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_LETTER = r"[^\W_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_WORD = rf"{_LETTER}+(?:['’/&#+\-]{_LETTER}+)*[/&#+]?"
PUNCTUATION = ".,;:!?，。；：！？、"


@functools.cache
def _tokens() -> re.Pattern[str]:
    """The pattern that cuts a line into tokens, compiled on first use: 2.6 ms that the
    ACW screen's start need not pay (the completion model loads after the guide)."""
    return re.compile(
        rf"(?P<marker>{_MARKER})|(?P<cjk>{_CJK})|(?P<word>{_WORD})"
        rf"|(?P<punct>[{re.escape(PUNCTUATION)}])|(?P<space>[ \t\u00a0\u3000]+)|(?P<other>.)",
        re.DOTALL,
    )


_DIGITS = re.compile(r"[0-9]")


def is_cjk(char: str) -> bool:
    return (
        "\u3400" <= char <= "\u4dbf" or "\u4e00" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
    )


def gap_between(before: str, word: str) -> str:
    """What separates `word` from the text before it: nothing before punctuation or
    between Chinese characters, a space otherwise."""
    if not before or before[-1].isspace() or word[0] in PUNCTUATION:
        return ""
    if is_cjk(word[0]) or is_cjk(before[-1]) or before[-1] in "，。；：！？、":
        return ""
    return " "


def _learnable(word: str) -> bool:
    return len(_DIGITS.findall(word)) < 3


def word_runs(text: str) -> Iterator[list[str]]:
    """The runs of learnable words of `text`, each as written."""
    for line in text.splitlines():
        run: list[str] = []
        for match in _tokens().finditer(line):
            kind = match.lastgroup
            if kind == "space":
                continue
            token = match.group()
            if kind in ("word", "cjk", "punct") and _learnable(token):
                run.append(token)
                continue
            if run:
                yield run
            run = []
        if run:
            yield run


def note_ngrams(text: str, order: int = 3) -> Counter[tuple[str, str]]:
    """(context key, next word) → count, for every context of 0 to `order`-1 words.

    A run that starts a line has `LINE_START` as its first context word.
    """
    counts: Counter[tuple[str, str]] = Counter()
    count_ngrams(text, counts, order=order)
    return counts


def count_ngrams(
    text: str, counts: Counter[tuple[str, str]], weight: int = 1, order: int = 3
) -> None:
    """Add `text`'s n-grams to `counts`, each `weight` times (many texts, one counter)."""
    for line in text.splitlines():
        first = True
        for run in word_runs(line):
            words = [LINE_START, *run] if first else run
            start = 1 if first else 0
            first = False
            folded = [w.casefold() for w in words]
            for index in range(start, len(words)):
                word = words[index]
                for size in range(min(order, index + 1)):
                    counts[(JOIN.join(folded[index - size : index]), word)] += weight


def tail_tokens(before: str) -> tuple[list[str], str, bool]:
    """Read the text left of the cursor: (context words, partial word, at line start).

    The partial word is the Latin (or other spaced script) word being typed, "" when
    the cursor follows a space, punctuation or a Chinese character. The context is the
    learnable words right before it, as far back as the run goes (at most 2).
    """
    tokens: list[tuple[str, str, int]] = []
    for match in _tokens().finditer(before):
        kind = match.lastgroup or "other"
        if kind != "space":
            tokens.append((kind, match.group(), match.end()))
    partial = ""
    if tokens and tokens[-1][0] == "word" and tokens[-1][2] == len(before):
        partial = tokens.pop()[1]
    context: list[str] = []
    for kind, token, _ in reversed(tokens):
        if kind in ("word", "cjk", "punct") and _learnable(token):
            context.append(token)
            if len(context) == 2:
                break
        else:
            return list(reversed(context)), partial, False
    context.reverse()
    at_start = len(context) < 2 and len(tokens) == len(context)
    return context, partial, at_start
