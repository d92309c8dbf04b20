"""Fill-ins in guide expansions: dates from a frozen clock, the call's customer, the
agent, and the cursor mark; the loader names a fill-in it does not know."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acw_tui.core.clock import ManualClock
from acw_tui.core.shorthand import Entry, FillIns, Guide, decide_expansion, expand_text, parse_guide

# Noon UTC: the same calendar day in every zone a test machine may be in (±11 h).
CLOCK = ManualClock(wall=datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
FILL = FillIns(CLOCK, customer="CU-77", agent="ana")
GUIDE = Guide.of(
    [
        Entry("cbt", "callback {tomorrow} {cursor}re {customer}"),
        Entry("td", "today ({today})"),
        Entry("d2", "due {date+2}, was {date-1}"),
        Entry("sig", "{agent} at {time}"),
        Entry("br", "braces {{kept}}"),
    ]
)


def expand(typed: str, fill: FillIns | None = FILL) -> str:
    return expand_text(typed, GUIDE, fill).text


def test_dates_come_from_the_clock() -> None:
    assert expand("cbt ") == "callback 2026-01-06 re CU-77 "
    assert expand("td.") == "today (2026-01-05)."
    assert expand("d2 ") == "due 2026-01-07, was 2026-01-04 "


def test_agent_and_local_time() -> None:
    local = CLOCK.now().astimezone().strftime("%H:%M")
    assert expand("sig ") == f"ana at {local} "


def test_the_cursor_mark_says_where_typing_goes_on() -> None:
    found = decide_expansion("cbt", " ", GUIDE, FILL)
    assert found is not None
    assert found.replacement == "callback 2026-01-06 re CU-77"
    assert found.replacement[: found.cursor] == "callback 2026-01-06 "


def test_case_carries_to_the_guide_words_only() -> None:
    upper = FillIns(CLOCK, customer="cu-77x", agent="ana")
    assert expand("CBT ", upper) == "CALLBACK 2026-01-06 RE cu-77x "
    assert expand("Cbt ", upper) == "Callback 2026-01-06 re cu-77x "


def test_literal_braces_and_no_fill_source() -> None:
    assert expand("br ") == "braces {kept} "
    assert expand("td ", None) == "today ({today}) "


@pytest.mark.parametrize(
    ("expansion", "message"),
    [
        ("call {tomorow}", "unknown fill-in {tomorow}"),
        ("call {time+2}", "only {date±N} takes a number of days"),
        ("a {cursor} b {cursor}", "more than one {cursor}"),
        ("half { open", "a brace that opens no fill-in"),
    ],
)
def test_the_loader_names_a_bad_fill_in_with_its_line(expansion: str, message: str) -> None:
    text = f'[guide]\nname = "t"\n\n[[entry]]\nabbr = "xx"\nexpansion = "{expansion}"\n'
    guide = parse_guide(text, "team.toml")
    [problem] = [p for p in guide.problems if p.check == "fill-in"]
    assert message in problem.message
    assert str(problem).startswith("team.toml:6: error:")
