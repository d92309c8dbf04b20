"""A DeskError on the screen reads in the agent's language: the screen's one error path
translates the template the service raised with, and what it wraps."""

from __future__ import annotations

import pytest

from acw_tui.i18n import use_language
from acw_tui.service.desk import DeskError
from tests.tui.conftest import notices


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "nie można jeszcze zakończyć: przed zakończeniem wymagany jest kod podsumowania"),
        ("zh_CN", "还不能完成：完成前必须选择收尾代码"),
    ],
)
async def test_a_desk_error_is_shown_in_the_language(
    make_app, language: str, expected: str
) -> None:
    use_language(language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        reason = DeskError("a wrap-up code is required before finishing")
        app.show_problem(DeskError("cannot finish yet: {reason}", reason=reason))
        await pilot.pause()
        assert expected in notices(app)
