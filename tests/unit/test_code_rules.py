"""Codes that carry rules (SPEC §14): hierarchy, secondary codes, required and
forbidden fields, implied follow-ups and flags, as codes.toml states them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from acw_tui.core.templates import TemplateError, load_library, parse_codes
from acw_tui.core.templates.form import NoteForm
from acw_tui.core.templates.lint import lint_library
from acw_tui.core.templates.model import CodeUse
from tests.unit.templates_helpers import SHIPPED

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def library():
    return load_library(SHIPPED)


def test_codes_form_a_hierarchy_of_categories(library) -> None:
    categories = [c.id for c in library.categories()]
    assert categories == ["outcome", "handover", "commerce", "customer", "system"]
    assert library.code("callback").category.label_in("pl") == "Przekazanie"
    assert all(code.category is not None for code in library.codes)


def test_a_secondary_only_code_cannot_stand_first(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["info-sent"])
    assert "only a secondary code" in form.refusal(False, NOW, UTC)
    form.set_codes(["complaint", "info-sent"])
    assert "secondary" not in (form.refusal(False, NOW, UTC) or "")


def test_a_primary_only_code_must_come_first(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["sale", "resolved"])
    assert "Resolved: only a main code" in form.refusal(False, NOW, UTC)


def test_a_forbidden_field_must_stay_empty(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["callback"])
    form.set_value("follow_up_at", "2026-03-03 10:00")
    form.set_value("follow_up_owner", "ana")
    form.set_codes(["callback", "do-not-call"])
    refusal = form.refusal(False, NOW, UTC)
    assert refusal.endswith("; Do not call again: follow_up_at must stay empty with this code")
    assert not form.finished(now=NOW, zone=UTC).required_complete


def test_an_implied_follow_up_requires_owner_and_due_time(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["callback"])
    assert "Follow-up due" in form.refusal(False, NOW, UTC)
    assert "Follow-up owner" in form.refusal(False, NOW, UTC)
    form.set_value("follow_up_at", "2026-03-03 10:00")
    form.set_value("follow_up_owner", "ana")
    assert "Follow-up" not in (form.refusal(False, NOW, UTC) or "")


def test_do_not_call_sets_its_flag_in_the_stored_fields(library) -> None:
    form = NoteForm(library, "en")
    form.set_codes(["complaint", "do-not-call"])
    finished = form.finished(now=NOW, zone=UTC)
    assert finished.fields["do_not_call"] is True
    form.set_codes(["complaint"])
    assert "do_not_call" not in form.finished(now=NOW, zone=UTC).fields


def test_the_shipped_codes_lint_clean_with_their_rules(library) -> None:
    assert [p for p in lint_library(library) if p.severity == "error"] == []
    assert library.code("do-not-call").use is CodeUse.SECONDARY


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ('[[codes]]\ncode = "a"\ncategory = "nope"\n', 3, "unknown category `nope`"),
        ('[categories.x]\nlabel = "X"\ncolour = 1\n', 3, "unknown key `colour`"),
        ('[[codes]]\ncode = "a"\nuse = "first"\n', 3, "`use` must be any, primary or secondary"),
        ('[[codes]]\ncode = "a"\nfollow_up = "yes"\n', 3, "`follow_up` must be true or false"),
        (
            '[[codes]]\ncode = "a"\nfollow_up = true\nforbids = ["follow_up_at"]\n',
            4,
            "`follow_up_at` is both required and forbidden",
        ),
        ('[[codes]]\ncode = "a"\nsets = { x = 1.5 }\n', 3, "`sets.x` must be"),
        ('[[codes]]\ncode = "a"\nsets = { "no way" = true }\n', 3, "not a field name"),
    ],
)
def test_a_broken_code_rule_names_file_and_the_line_of_its_key(
    source: str, line: int, message: str
) -> None:
    with pytest.raises(TemplateError, match=message) as caught:
        parse_codes(source, Path("/t/codes.toml"))
    assert str(caught.value).startswith(f"/t/codes.toml:{line}: ")


def test_lint_warns_of_a_forbidden_field_nobody_declares(tmp_path: Path) -> None:
    (tmp_path / "codes.toml").write_text(
        '[[codes]]\ncode = "a"\nforbids = ["ghost"]\n', encoding="utf-8"
    )
    problems = lint_library(load_library(tmp_path))
    assert any(
        p.line == 3 and "forbids field `ghost`" in p.message and p.severity == "warning"
        for p in problems
    )


def test_typing_a_category_lists_its_codes(library) -> None:
    from acw_tui.tui.widgets.code_picker import code_matches

    found = [c.code for c in library.codes if code_matches(c, "przekazanie", "pl")]
    assert found == ["callback", "escalated", "transferred"]
    assert [c.code for c in library.codes if code_matches(c, "hand-over", "en")] == found
