"""Text from outside acw (a file name, a value, a paste, a hub's answer, a stored note)
kept from acting on a terminal.

A line break would split one message over lines; an escape sequence (or another control
character) would move the cursor, clear the screen, retitle the terminal or write its
clipboard for whoever reads the text. `flat` shows one line with both escaped;
`shown_lines` keeps line breaks and tabs and escapes the rest; `without_controls` leaves
them out, as a paste does (they show as nothing, so nothing the agent saw is lost).
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and a carriage return that does
# not end a line (CR LF is how Windows ends one).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
# Whole escape sequences, so that a paste of coloured text keeps its words and loses
# their colours: CSI (ESC [ … final), and the strings OSC, DCS, SOS, PM, APC up to
# their terminator (BEL or ESC \) within the line. Anything else: only the ESC goes.
_SEQUENCE = re.compile(
    "\x1b\\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b[\\]PX^_][^\x07\x1b\n]*(?:\x07|\x1b\\\\)"
)


def control_at(text: str) -> int | None:
    """Where the first control character that could act on a terminal is, or None.
    Line breaks (LF, or CR LF) and tabs are text."""
    found = _CONTROL.search(text)
    return None if found is None else found.start()


def control_name(char: str) -> str:
    """`U+001B`: how messages name a character that shows as nothing."""
    return "U+" + format(ord(char), "04X")


def without_controls(text: str) -> str:
    """`text` as a paste should insert it: escape sequences and other control
    characters left out, line endings as line feeds."""
    if control_at(text) is None and "\r" not in text:
        return text
    text = _SEQUENCE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


# The bidirectional formatting characters (embeddings, overrides, isolates, and the
# left-to-right, right-to-left and Arabic letter marks): in a terminal that lays out
# right-to-left text they reorder what follows them, so "paid \u202e0001" reads
# "paid 1000". Shown escaped wherever text from outside is printed.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_SHOWN_ESCAPED = re.compile(f"{_CONTROL.pattern}|[{BIDI_CONTROLS}]")


def shown_lines(text: str) -> str:
    """`text` to print as it is, over its lines: control characters but line breaks
    and tabs, and the characters that reorder text, shown escaped (`\\x1b`, `\\u202e`),
    never acted on."""
    if _SHOWN_ESCAPED.search(text) is None:
        return text
    return _SHOWN_ESCAPED.sub(lambda found: _escaped(found.group()), text)


def flat(text: str) -> str:
    """`text` as one printable line: line breaks, other control characters and the
    characters that reorder text (all of which `str.isprintable` counts out) are shown
    escaped (`\\n`, `\\x1b`, `\\u202e`), never acted on."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)


def _escaped(char: str) -> str:
    return char.encode("unicode_escape", "backslashreplace").decode("ascii")


def cut(text: str, limit: int) -> str:
    """`text` up to `limit` characters, an ellipsis saying where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What would make stored text act in Markdown: raw HTML (`<`, `>`, entities), a cell
# break (`|`), and a backslash that would escape the pipe after it.
_MARKDOWN_INERT = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def markdown_cell(text: str, line_break: str = " ") -> str:
    """`text` as inert Markdown on one line (a table cell, a heading, a list item): it
    reads as written and never becomes HTML or another cell; line breaks become
    `line_break` (a space, or `<br>` where a cell should keep them)."""
    one = text.replace("\r\n", "\n").replace("\r", "\n").translate(_MARKDOWN_INERT)
    return one.replace("\n", line_break)


def markdown_code(text: str) -> str:
    """`text` as a Markdown code span (shown as written, HTML included), on one line,
    safe in a table cell."""
    text = " ".join(text.splitlines()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
