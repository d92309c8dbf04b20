"""Fill-ins in guide expansions: `{today}`, `{tomorrow}`, `{date+N}`, `{date-N}`,
`{time}`, `{customer}`, `{agent}`, and `{cursor}` (where typing goes on).

An entry such as `abbr = "cbt"`, `expansion = "callback {tomorrow} {cursor}re {customer}"`
then stores a real date. Dates are ISO (`2026-01-06`: one form a reader in any of the
guide's languages reads the same way), times `HH:MM`, both in the agent's local time.
`{{` and `}}` stand for a literal brace. The clock comes from outside
(`acw_tui.core.clock`), so tests freeze it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from acw_tui.core.clock import Clock

CURSOR = "{cursor}"
_FILL_IN = re.compile(r"\{\{|\}\}|\{([a-z]+)([+-][0-9]{1,3})?\}")
KNOWN = ("today", "tomorrow", "date", "time", "customer", "agent", "cursor")


@dataclass(frozen=True)
class FillIns:
    """What the fill-ins of one wrap-up stand for."""

    clock: Clock
    customer: str = ""
    agent: str = ""

    def value(self, name: str, days: int) -> str:
        now = self.clock.now().astimezone()  # the agent's local date and time
        if name == "today" or (name == "date" and days == 0):
            return now.date().isoformat()
        if name == "tomorrow":
            return (now + timedelta(days=1)).date().isoformat()
        if name == "date":
            return (now + timedelta(days=days)).date().isoformat()
        if name == "time":
            return now.strftime("%H:%M")
        if name == "customer":
            return self.customer
        if name == "agent":
            return self.agent
        raise KeyError(name)


def has_fill_ins(expansion: str) -> bool:
    return "{" in expansion or "}" in expansion


def fill_in_problems(expansion: str) -> list[str]:
    """What is wrong with the fill-ins of an expansion (for the loader and lint)."""
    problems = []
    for match in _FILL_IN.finditer(expansion):
        name, offset = match.group(1), match.group(2)
        if name is None:
            continue
        if name not in KNOWN:
            problems.append(f"unknown fill-in {match.group()} (known: {', '.join(KNOWN)})")
        elif offset and name != "date":
            problems.append(f"{match.group()}: only {{date±N}} takes a number of days")
    if expansion.count(CURSOR) > 1:
        problems.append("more than one {cursor}")
    stray = _FILL_IN.sub("", expansion)
    if "{" in stray or "}" in stray:
        problems.append("a brace that opens no fill-in (write {{ or }} for a brace)")
    return problems


@dataclass(frozen=True)
class Filled:
    """An expansion with its fill-ins filled in, and where typing goes on."""

    text: str
    cursor: int | None  # where typing goes on, as an offset in `text` (None: at its end)


def fill(
    expansion: str, fill_ins: FillIns | None, case: Callable[[str], str] | None = None
) -> Filled:
    """The expansion with its fill-ins replaced; `case` (a function) is applied to the
    guide's own words only, never to a customer reference or a date.

    Without `fill_ins` (nothing to fill from), the fill-ins stay as written.
    """
    pieces: list[tuple[bool, str]] = []  # (is the guide's own text, text)
    cursor_piece: int | None = None
    last = 0
    for match in _FILL_IN.finditer(expansion):
        pieces.append((True, expansion[last : match.start()]))
        last = match.end()
        token = match.group()
        if token in ("{{", "}}"):
            pieces.append((True, token[0]))
            continue
        name, offset = match.group(1), match.group(2)
        if name == "cursor":
            cursor_piece = len(pieces)
            continue
        if fill_ins is None or name not in KNOWN:
            pieces.append((False, token))
            continue
        pieces.append((False, fill_ins.value(name, int(offset or 0))))
    pieces.append((True, expansion[last:]))
    own = "\x00".join(text for is_own, text in pieces if is_own)
    if case is not None:
        own = case(own)
    cased = iter(own.split("\x00"))
    out: list[str] = []
    cursor = None
    for index, (is_own, text) in enumerate(pieces):
        if index == cursor_piece:
            cursor = sum(len(t) for t in out)
        out.append(next(cased) if is_own else text)
    if cursor_piece == len(pieces):
        cursor = sum(len(t) for t in out)
    return Filled("".join(out), cursor)
