"""The reports' value axes: round marks that cover the data, written the language's way."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.i18n import choose_language, use_language
from acw_tui.tui.widgets.report_charts import axis_labels, round_ticks

EXAMPLES = int(os.environ.get("ACW_I18N_EXAMPLES", "200"))
figures = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@given(values=st.lists(figures, min_size=1, max_size=30), most=st.integers(2, 8))
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None)
def test_marks_are_few_round_evenly_spaced_and_cover_the_data(values, most) -> None:  # type: ignore[no-untyped-def]
    ticks = round_ticks(values, most)
    assert 2 <= len(ticks) <= most
    assert ticks[0] <= min(values) and ticks[-1] >= max(values)
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len({round(step / max(steps), 6) for step in steps}) == 1  # evenly spaced
    step = max(steps)
    leading = step / 10 ** math.floor(math.log10(step))
    assert any(math.isclose(leading, m) for m in (1, 2, 5, 10)), step
    assert all(math.isclose(t / step, round(t / step), abs_tol=1e-6) for t in ticks)


def test_no_figure_or_no_finite_figure_still_gives_an_axis() -> None:
    assert round_ticks([], 3) == [0.0, 0.5, 1.0]
    assert round_ticks([math.nan, math.inf], 3) == [0.0, 0.5, 1.0]


@pytest.fixture
def speak() -> Iterator[None]:
    yield
    use_language(choose_language("en", None))


@pytest.mark.usefixtures("speak")
@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["0", "0.5", "1", "12000"]),
        ("pl", ["0", "0,5", "1", "12\xa0000"]),
        ("es", ["0", "0,5", "1", "12.000"]),
        ("zh", ["0", "0.5", "1", "12,000"]),
    ],
)
def test_marks_read_as_the_language_writes_numbers(locale: str, expected: list[str]) -> None:
    use_language(choose_language(locale, None))
    assert axis_labels([0.0, 0.5, 1.0, 12000.0]) == expected
