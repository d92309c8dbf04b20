"""A form field's value problem keeps its template, so the agent reads it in the chosen
language: under the field and in a refusal to finish."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acw_tui.core.templates import FieldSpec, FieldType, check_form, check_value
from acw_tui.core.templates.values import ValueProblem
from acw_tui.i18n import say, use_language

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DUE = FieldSpec("due", "Follow-up due", FieldType.DATE)
AMOUNT = FieldSpec("amount", "Amount", FieldType.NUMBER)


@pytest.mark.parametrize(
    ("language", "date", "number"),
    [
        ("en", "2026-02-30 is not a real date", "'lots' is not a number"),
        ("pl", "2026-02-30 nie jest prawdziwą datą", "'lots' nie jest liczbą"),
        ("es", "2026-02-30 no es una fecha real", "'lots' no es un número"),
        ("zh_CN", "2026-02-30 不是有效日期", "'lots' 不是数字"),
    ],
)
def test_a_value_problem_reads_in_the_language(language: str, date: str, number: str) -> None:
    use_language(language)
    with pytest.raises(ValueProblem) as found:
        check_value(DUE, "2026-02-30", NOW, UTC)
    assert say(found.value.template, found.value.params) == date
    assert str(found.value) == "2026-02-30 is not a real date"  # English where not shown
    check = check_form([DUE, AMOUNT], {"due": "2026-02-30", "amount": "lots"}, NOW, UTC)
    assert [say(p.template, p.params) for p in check.errors.values()] == [date, number]
