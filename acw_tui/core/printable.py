"""Text from outside acw (a file name, a value, a hub's answer) as one printable line.

A line break would split one message over lines; an escape sequence would move the
cursor, clear or retitle the terminal of whoever reads it. Both are shown escaped.
"""

from __future__ import annotations


def flat(text: str) -> str:
    """`text` as one printable line: line breaks and other control characters are shown
    escaped (`\\n`, `\\x1b`), never acted on."""
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in text
    )


def cut(text: str, limit: int) -> str:
    """`text` up to `limit` characters, an ellipsis saying where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
