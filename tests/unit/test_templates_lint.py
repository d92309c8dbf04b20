"""Lint names file, line and problem, errors apart from warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.core.templates.lint import lint_folder
from tests.unit.templates_helpers import CODES, SIMPLE, write_folder


def found(folder: Path) -> list[str]:
    return [str(p).replace(str(folder) + "/", "") for p in lint_folder(folder, locales=("en",))]


def test_a_clean_folder_has_nothing_to_say(tmp_path: Path) -> None:
    assert found(write_folder(tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES})) == []


def test_syntax_error_at_its_line(tmp_path: Path) -> None:
    broken = SIMPLE.replace("Budget: {{ budget }}", "Budget: {% if budget %}{{ budget }}")
    folder = write_folder(tmp_path, {"simple.en.j2": broken, "codes.toml": CODES})
    problems = found(folder)
    assert len(problems) == 1
    assert problems[0].startswith("simple.en.j2:")
    assert "error: syntax error: Unexpected end of template" in problems[0]


def test_undeclared_unused_unknown_code_and_internals(tmp_path: Path) -> None:
    text = SIMPLE.replace('codes = ["resolved"]', 'codes = ["resolved", "refnud"]').replace(
        "Budget: {{ budget }}", "Product: {{ product }}\n{{ reason.__class__ }}"
    )
    folder = write_folder(tmp_path, {"simple.en.j2": text, "codes.toml": CODES})
    assert found(folder) == [
        "simple.en.j2:6: error: unknown code `refnud` (not in codes.toml)",
        "simple.en.j2:14: warning: field `budget` is declared but never printed",
        "simple.en.j2:19: error: `product` is used but no field declares it",
        "simple.en.j2:20: error: a trial render refused: access to attribute '__class__' "
        "of a 'str' object is not allowed",
        "simple.en.j2:20: error: reaches for Python internals ('__class__'); not allowed",
    ]


def test_loop_variables_macros_and_builtins_are_not_undeclared(tmp_path: Path) -> None:
    body = (
        "{% macro row(k, v) %}{{ k }}: {{ v }}{% endmacro %}\n"
        "{% for c in code_labels %}{{ row('Code', c) }}{% endfor %}\n"
        "{% set who = agent %}{{ who }} {{ call.queue }} {{ reason }} {{ budget }}\n"
        "{{ notes }}"
    )
    text = SIMPLE.split("+++\n")[1]
    folder = write_folder(
        tmp_path, {"simple.en.j2": f"+++\n{text}+++\n{body}", "codes.toml": CODES}
    )
    assert found(folder) == []


def test_notes_not_printed_and_missing_languages_are_warnings(tmp_path: Path) -> None:
    no_notes = SIMPLE.replace("{{ notes }}", "")
    folder = write_folder(tmp_path, {"simple.en.j2": no_notes, "codes.toml": CODES})
    problems = [str(p) for p in lint_folder(folder, locales=("en", "pl"))]
    assert any("warning: does not print `{{ notes }}`" in p for p in problems)
    assert any("warning: `simple` has no pl version" in p for p in problems)
    assert not any(": error:" in p for p in problems)


def test_codes_file_references_are_checked(tmp_path: Path) -> None:
    codes = CODES + (
        '\n[[codes]]\ncode = "callback"\ntemplate = "missing"\n'
        '\n[[codes]]\ncode = "other"\ntemplate = "simple"\nrequires = ["due"]\n'
    )
    folder = write_folder(tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": codes})
    assert found(folder) == [
        "codes.toml:9: error: code `callback`: unknown template `missing`",
        "codes.toml:14: error: code `other` requires field `due`, which neither its template "
        "nor [fields] in codes.toml declares",
    ]


def test_broken_files_and_duplicates_are_errors(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        {
            "simple.en.j2": SIMPLE,
            "simple-copy.en.j2": SIMPLE,
            "codes.toml": "[[codes]\n",
        },
    )
    problems = found(folder)
    assert any(p.startswith("codes.toml:1: error: malformed TOML") for p in problems)
    assert any("simple.en is also defined in" in p for p in problems)


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ('id = "a"\nlocale = "en"\ncolour = "x"\n', 4, "unknown key `colour`"),
        ('id = "a"\nlocale = "en"\n[extra]\nx = 1\n', 4, "unknown key `extra`"),
        ('id = "a"\nlocale = "en"\n"col our" = 1\n', 4, "unknown key `col our`"),
        ('id = "a"\nlocale = "en"\nmeta.x = 1\n', 4, "unknown key `meta`"),
        ('locale = "en"\n', 1, "missing `id`"),
        (
            'id = "a"\nlocale = "en"\n[[fields]]\nname = "r"\n[[fields]]\nname = "s"\ncolour = 1\n',
            8,
            "field #2: unknown key `colour`",
        ),
        ('id = "a"\nlocale = "en"\n[[fields]]\nlabel = "r"\n', 4, "field #1: missing `name`"),
    ],
)
def test_front_matter_errors_name_their_line(front: str, line: int, message: str) -> None:
    from acw_tui.core.templates.loader import TemplateError, parse_template

    with pytest.raises(TemplateError) as caught:
        parse_template(f"+++\n{front}+++\nbody\n", Path("t.en.j2"))
    assert str(caught.value).startswith(f"t.en.j2:{line}: ")
    assert message in str(caught.value)


def test_card_data_in_a_template_is_an_error_at_its_line(tmp_path: Path) -> None:
    """Templates go to every agent and every site: a card number or an id written into
    one (an example in a help text, a default) is named, at its line, not published."""
    text = SIMPLE.replace(
        "Budget: {{ budget }}", "Budget: {{ budget }} (paid by 4111 1111 1111 1111)"
    )
    problems = found(write_folder(tmp_path, {"simple.en.j2": text, "codes.toml": CODES}))
    line = text.splitlines().index(next(row for row in text.splitlines() if "4111" in row)) + 1
    assert [p for p in problems if "card data" in p] == [
        f"simple.en.j2:{line}: error: holds card data or an id (the line would read "
        "'Budget: {{ budget }} (paid by [CARD ****1111])'); take it out"
    ]


def test_card_data_in_the_codes_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    codes = CODES.replace(
        'label = "Resolved"', 'label = "Resolved (test card 4111 1111 1111 1111)"'
    )
    problems = found(write_folder(tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": codes}))
    assert [p for p in problems if "card data" in p] == [
        "codes.toml:4: error: holds card data or an id (the line would read "
        "'label = \"Resolved (test card [CARD ****1111])\"'); take it out"
    ]
