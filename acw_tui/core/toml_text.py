"""TOML a person wrote (config, guides, templates, codes, quality rules): one parser,
whose mistakes name their line and column (`read_toml`).

A string may not hold a control character other than a tab or a line break, however it
is spelled (`\u001b`, `\b`, a raw C1 character): every text in these files ends up on
someone's screen or in a note (a guide published to the hub, on every agent's), where
an escape sequence would act on the terminal. It is refused at its line like any other
mistake.

tomli refuses arrays and inline tables nested more than 400 deep with a RecursionError
rather than its TOMLDecodeError. Here that is a TOMLDecodeError like any other mistake,
at the line where the nesting went too deep, so each loader names it with its file and
line and no such file ever reaches a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import tomli

from acw_tui.core.printable import control_at, control_name
from acw_tui.errors import N_, AcwError

TOMLDecodeError = tomli.TOMLDecodeError
MAX_NESTING = 400  # tomli's own limit
# How a string can come to hold a control character: an escape that makes one, or a C1
# control as it is (TOML itself refuses the others, and a lone carriage return, raw).
_CONTROL_ESCAPE = re.compile(r"\\[uUbfre]")
_C1 = re.compile("[\x80-\x9f]")


def parse_toml(text: str) -> dict[str, Any]:
    try:
        data = tomli.loads(text)
    except RecursionError:
        raise TOMLDecodeError(
            f"arrays or inline tables nested more than {MAX_NESTING} deep",
            text,
            _too_deep_at(text),
        ) from None
    if not _may_spell_a_control(text):  # a usual file: no walk through its strings
        return data
    texts: list[str] = []
    _collect_texts(data, texts)
    if control_at(" ".join(texts)) is not None:
        position, char = _first_control(text)
        raise TOMLDecodeError(
            f"the control character {control_name(char)} in a string "
            "(only tabs and line breaks may be in one)",
            text,
            position,
        )
    return data


def _may_spell_a_control(text: str) -> bool:
    if "\\" in text and _CONTROL_ESCAPE.search(text):
        return True
    return not text.isascii() and _C1.search(text) is not None


def _collect_texts(value: Any, texts: list[str]) -> None:
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            texts.append(key)
            _collect_texts(item, texts)
    elif isinstance(value, list):
        for item in value:
            _collect_texts(item, texts)


def _first_control(text: str) -> tuple[int, str]:
    """The file position of the first control character a string of `text` (parsed
    already, so valid TOML) holds, and the character."""
    for chars in _strings(text):
        decoded = "".join(char for _, char in chars)
        at = control_at(decoded)
        if at is not None:
            return chars[at][0], decoded[at]
    return 0, "\x00"  # pragma: no cover - the parsed data held one


_ESCAPES = {
    "b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b", '"': '"', "\\": "\\",
}  # fmt: skip


def _strings(text: str) -> Iterator[list[tuple[int, str]]]:
    """Each string of a valid TOML text (keys too) as its characters, each with the
    position where the file spells it (an escape's backslash)."""
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
        elif char in "\"'":
            quotes = 3 if text.startswith(char * 3, i) else 1
            chars: list[tuple[int, str]] = []
            i += quotes
            while True:
                if text.startswith(char * quotes, i):
                    run = len(text[i : i + 5]) - len(text[i : i + 5].lstrip(char))
                    extra = max(0, run - quotes) if quotes == 3 else 0
                    chars += [(i + n, char) for n in range(extra)]  # quotes just inside
                    i += extra + quotes
                    break
                if char == '"' and text[i] == "\\":
                    i = _escape(text, i, chars)
                else:
                    chars.append((i, text[i]))
                    i += 1
            yield chars
        else:
            i += 1


def _escape(text: str, i: int, chars: list[tuple[int, str]]) -> int:
    """Read the escape at `text[i]` (a backslash) into `chars`; where reading goes on."""
    kind = text[i + 1]
    if kind in "uU":
        size = 4 if kind == "u" else 8
        chars.append((i, chr(int(text[i + 2 : i + 2 + size], 16))))
        return i + 2 + size
    if kind in _ESCAPES:
        chars.append((i, _ESCAPES[kind]))
        return i + 2
    # A line-ending backslash: the line break and the whitespace after it are trimmed.
    i += 1
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _too_deep_at(text: str) -> int:
    """Where the brackets first open past MAX_NESTING (strings and comments skipped)."""
    depth, quote, comment = 0, "", False
    for position, char in enumerate(text):
        if comment:
            comment = char != "\n"
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return position
        elif char in "]}":
            depth -= 1
    return 0


class TomlMistake(AcwError):
    """Malformed TOML, at its line (of the file: `first_line` is where the text starts)
    and column. tomli's own text names the line only sometimes ("at end of document"
    names none); here both always ride along, the same way for every file."""

    def __init__(self, exc: TOMLDecodeError, first_line: int = 1) -> None:
        super().__init__(
            N_("malformed TOML: {reason} (column {column})"), reason=exc.msg, column=exc.colno
        )
        self.line = first_line + exc.lineno - 1
        self.column = exc.colno


def read_toml(text: str, first_line: int = 1) -> dict[str, Any]:
    """`parse_toml`, a mistake raised as a TomlMistake naming its line and column."""
    try:
        return parse_toml(text)
    except TOMLDecodeError as exc:
        raise TomlMistake(exc, first_line) from None
