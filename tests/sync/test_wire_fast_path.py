"""The quick yes for a usual row (`wire.plainly_storable`) never passes a row the value
by value check (`wire.first_value_problem`) would refuse: generated rows of every kind
of value the JSON of a batch can hold, hostile ones included."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.sync.tables import synced_tables
from acw_tui.sync.wire import (
    INT64_MAX,
    INT64_MIN,
    first_value_problem,
    plainly_storable,
    row_problem,
)

EXAMPLES = int(os.environ.get("ACW_FUZZ_EXAMPLES", "300"))

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=INT64_MIN, max_value=INT64_MAX),
    st.integers(min_value=INT64_MAX - 3, max_value=INT64_MAX + 3),
    st.integers(min_value=INT64_MIN - 3, max_value=INT64_MIN + 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.text(alphabet=st.sampled_from(["a", "\x00", "\ud800", "\udfff", "ż", "客"]), max_size=6),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, dict[str, str], dict[str, Any]]:
    tables = synced_tables()
    table = draw(st.sampled_from(sorted(tables)))
    kinds = tables[table].kinds
    names = draw(st.lists(st.sampled_from(sorted(kinds)), unique=True, max_size=len(kinds)))
    return table, kinds, {name: draw(VALUES) for name in names}


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(rows())
def test_the_quick_yes_is_never_wrong(found: tuple[str, dict[str, str], dict[str, Any]]) -> None:
    _table, kinds, row = found
    if plainly_storable(kinds, row):
        assert first_value_problem(kinds, row) is None


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(rows())
def test_a_row_is_judged_as_value_by_value_would(
    found: tuple[str, dict[str, str], dict[str, Any]],
) -> None:
    table, kinds, row = found
    row = {**row, "id": "r-1", "rev": 1, "site_id": "warsaw-1"}
    why = first_value_problem(kinds, row)
    verdict = row_problem(table, "r-1", 1, row)
    if why is not None:
        assert verdict == why
    else:
        assert verdict is None or not verdict.startswith("column ") or "quality" in verdict


def test_the_usual_row_takes_the_quick_path() -> None:
    kinds = synced_tables()["calls"].kinds
    row = {"id": "c-1", "rev": 2, "site_id": "warsaw-1", "queue": "billing"}
    assert plainly_storable(kinds, row)
    assert not plainly_storable(kinds, {**row, "queue": "bil\x00ling"})
    assert not plainly_storable(kinds, {**row, "rev": True})
