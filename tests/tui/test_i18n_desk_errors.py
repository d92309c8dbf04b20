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


async def test_broken_guide_templates_and_rules_are_named_in_the_language(
    make_app, acw_home, tmp_path
) -> None:
    """What the service says about the team's broken files (the guide under the notes,
    the quality rules in the checklist, the templates in a notice) keeps its template,
    so the ACW screen shows it in the agent's language like any other message."""
    from acw_tui.tui.screens.acw import AcwScreen
    from acw_tui.tui.widgets.quality_checklist import QualityChecklist
    from tests.tui.conftest import wait_for

    (tmp_path / "guide.toml").write_text("[[entry]]\nabbr = \n", encoding="utf-8")
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "quality.toml").write_text('[rule.x]\nkind = "x"\n', encoding="utf-8")
    (templates / "codes.toml").write_text("[code\n", encoding="utf-8")
    use_language("pl")
    app = make_app(
        f'[templates]\nfolder = "{templates}"\n[shorthand]\nguide = "{tmp_path / "guide.toml"}"\n'
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, AcwScreen))
        screen = app.screen
        await wait_for(pilot, lambda: "guide.toml" in str(screen.hint_line.render()))
        hint = str(screen.hint_line.render())
        checklist = str(screen.query_one(QualityChecklist).render())
        shown = "\n".join((hint, checklist, *notices(app)))
        for english in ("Shorthand guide", "malformed TOML", "rules left out", "error:"):
            assert english not in shown, shown
        assert "błędny TOML" in hint, hint
        assert "Część reguł pominięto" in checklist, checklist
        assert any("błędny TOML" in n for n in notices(app)), notices(app)
