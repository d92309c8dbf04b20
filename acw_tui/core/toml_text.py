"""TOML a person wrote (config, guides, templates, codes, quality rules): one parser.

tomli refuses arrays and inline tables nested more than 400 deep with a RecursionError
rather than its TOMLDecodeError. Here that is a TOMLDecodeError like any other mistake,
at the line where the nesting went too deep, so each loader names it with its file and
line and no such file ever reaches a traceback.
"""

from __future__ import annotations

from typing import Any

import tomli

TOMLDecodeError = tomli.TOMLDecodeError
MAX_NESTING = 400  # tomli's own limit


def parse_toml(text: str) -> dict[str, Any]:
    try:
        return tomli.loads(text)
    except RecursionError:
        raise TOMLDecodeError(
            f"arrays or inline tables nested more than {MAX_NESTING} deep",
            text,
            _too_deep_at(text),
        ) from None


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
