"""Errors and findings of the core and the service, kept as template and parameters and
translated where they are shown; and every message template of the catalogs formats
with its parameters in every language (generated)."""

from __future__ import annotations

import os
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui import i18n
from acw_tui.core import inputs
from acw_tui.core.inputs import InputError
from acw_tui.core.problems import Problem
from acw_tui.core.shorthand import ShorthandError, parse_guide
from acw_tui.core.shorthand.model import GuideProblem
from acw_tui.core.templates import TemplateError
from acw_tui.errors import AcwError, Phrase, fill
from acw_tui.i18n import BABEL_LOCALES, catalog_path, said, say, use_language
from acw_tui.i18n_catalogs import TRANSLATED, command_help, template
from acw_tui.service.desk import DeskError
from acw_tui.user_errors import one_line

EXAMPLES = int(os.environ.get("ACW_I18N_EXAMPLES", "200"))


def test_an_error_keeps_its_template_and_reads_in_english_as_before() -> None:
    error = InputError("{what}: {value} is not a number", what="--limit", value="'x'")
    assert str(error) == "--limit: 'x' is not a number"
    assert error.template == "{what}: {value} is not a number"
    assert error.params == {"what": "--limit", "value": "'x'"}
    # A message given whole (from a file or a library) is shown as written, braces and all.
    assert str(AcwError("bad {json}")) == "bad {json}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "--talk-seconds: 'inf' is not a finite number"),
        ("pl", "--talk-seconds: 'inf' to nie skończona liczba"),
        ("es", "--talk-seconds: 'inf' no es un número finito"),
        ("zh_CN", "--talk-seconds：'inf' 不是有限数"),
    ],
)
def test_the_cores_input_errors_are_shown_in_the_language(language: str, expected: str) -> None:
    with pytest.raises(InputError) as raised:
        inputs.seconds("inf", "--talk-seconds")
    use_language(language)
    assert said(raised.value) == expected
    assert one_line(raised.value) == expected  # the command line's one error line
    assert str(raised.value) == "--talk-seconds: 'inf' is not a finite number"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "nie można jeszcze zakończyć: przed zakończeniem wymagany jest kod podsumowania"),
        ("es", "todavía no se puede terminar: se necesita un código de cierre antes de terminar"),
        ("zh_CN", "还不能完成：完成前必须选择收尾代码"),
    ],
)
def test_an_error_wrapping_another_shows_both_in_the_language(language: str, expected: str) -> None:
    inner = DeskError("a wrap-up code is required before finishing")
    outer = DeskError("cannot finish yet: {reason}", reason=inner)
    use_language(language)
    assert said(outer) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "pl",
            "team.toml:5: błąd: powtórzony skrót 'cx' (pierwszy w wierszu 1); ten jest pomijany",
        ),
        (
            "es",
            "team.toml:5: error: abreviatura 'cx' repetida (la primera en la línea 1); esta se ignora",
        ),
        ("zh_CN", "team.toml:5: 错误: 重复的缩写 'cx'（首次出现在第 1 行）；此条被忽略"),
    ],
)
def test_a_guides_problem_is_shown_in_the_language(language: str, expected: str) -> None:
    text = "[[entry]]\nabbr = 'cx'\nexpansion = 'customer'\n\n[[entry]]\nabbr = 'cx'\nexpansion = 'client'\n"
    problem = parse_guide(text, "team.toml").problems[0]
    assert isinstance(problem, GuideProblem)
    assert problem.message.startswith("duplicate abbr 'cx'")  # English for logs and tests
    use_language(language)
    assert said(problem) == expected


def test_a_templates_finding_and_a_quality_finding_are_shown_in_the_language() -> None:
    finding = Problem.of(
        "a.md", 3, "field `{name}` is declared but never printed", "warning", name="x"
    )
    assert str(finding) == "a.md:3: warning: field `x` is declared but never printed"
    use_language("pl")
    assert (
        said(finding)
        == "a.md:3: ostrzeżenie: pole `x` jest zadeklarowane, ale nigdy nie wypisywane"
    )
    use_language("zh_CN")
    assert said(finding) == "a.md:3: 警告: 字段 `x` 已声明但从未输出"
    # A finding without a template (a library's message) is shown as written.
    assert said(Problem("a.md", None, "malformed TOML: x")) == "a.md: 错误: malformed TOML: x"


def test_a_message_the_catalog_lacks_shows_in_english() -> None:
    use_language("pl")
    error = TemplateError("{folder}: a message no catalog has", folder="f")
    assert said(error) == "f: a message no catalog has"


def test_a_translation_that_does_not_take_the_parameters_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = Catalog(locale="pl_PL", domain="acw")
    catalog.add("{file}: no such guide file", "{plik}: nie ma takiego pliku")  # hand-edited
    path = tmp_path / "acw.po"
    with path.open("wb") as out:
        write_po(out, catalog)
    monkeypatch.setattr(i18n, "_translations", i18n.compile_catalog(path, "pl"))
    error = ShorthandError("{file}: no such guide file", file="g.toml")
    assert say(error.template, error.params) == "g.toml: no such guide file"


def test_make_i18n_extracts_the_templates_of_errors_and_findings() -> None:
    ids = {m.id for m in template() if m.id}
    for expected in (
        "{what}: {value} is not a number",  # InputError (core/inputs.py)
        "{file}: no such guide file",  # ShorthandError
        "abbr {shown} is not shorter than its expansion {expansion}",  # guide lint
        "rule {rule}: when: unknown code `{code}`",  # rules lint
        "`{name}` is used but no field declares it",  # templates lint
        "cannot finish yet: {reason}",  # DeskError (service)
        "Guide file (default: the configured guide for your locale).",  # option help
        "PATH",  # a value's name in the help
        ("{count} entry", "{count} entries"),  # counted()
    ):
        assert expected in ids, expected


# -- every template, every language (generated) --------------------------------------------


@cache
def templates_with_parameters() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """(language, English template and its plural, the translations) for every message
    with placeholders (help texts are shown as written: their braces are fill-ins and
    JSON, not parameters)."""
    help_texts = {text for text, _where in command_help()}
    found = []
    for language in TRANSLATED:
        with catalog_path(language).open("rb") as handle:
            catalog = read_po(handle, locale=BABEL_LOCALES[language])
        for message in catalog:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else message.string
            if message.id and "{" in ids[0] and ids[0] not in help_texts:
                found.append((language, tuple(ids), tuple(strings)))
    return found


def fields(template_text: str) -> dict[str, str]:
    """Placeholder name -> its format spec, as str.format reads them."""
    return {
        name: spec or ""
        for _text, name, spec, _conversion in string.Formatter().parse(template_text)
        if name is not None
    }


def value_for(spec: str) -> st.SearchStrategy[object]:
    if spec and spec[-1] in "dfgxX%":
        return st.integers(-(10**9), 10**9)
    return st.one_of(
        st.text(max_size=20), st.integers(0, 10**6), st.builds(Path, st.text("ab/", max_size=8))
    )


def test_the_generated_check_sees_hundreds_of_templates() -> None:
    assert len(templates_with_parameters()) > 3 * 150


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True)
@given(st.data())
def test_every_template_formats_with_its_parameters_in_every_language(data: st.DataObject) -> None:
    language, forms, translations = data.draw(st.sampled_from(templates_with_parameters()))
    # Every parameter either English form names: a caller fills both forms' (click
    # fills "{choice}" and "{choices}" alike), and a form may leave out what only one
    # English form names.
    specs = {name: spec for english in forms for name, spec in fields(english).items()}
    params = {name: data.draw(value_for(spec), label=name) for name, spec in specs.items()}
    needed = set.intersection(*(set(fields(english)) for english in forms))
    english_shown = [fill(english, params) for english in forms]
    english = forms[0]
    for translation in translations:
        assert needed <= fields(translation).keys() <= params.keys(), (language, forms, translation)
        shown = fill(translation, params)  # never a KeyError, IndexError or ValueError
        # (empty only where the English is: "{reason}" with an empty reason)
        assert shown.strip() or not all(e.strip() for e in english_shown), (
            language,
            forms,
            translation,
        )
        if params and translation not in forms:
            assert shown not in english_shown or english.count(" ") < 2, (language, forms)


def test_a_phrase_naming_the_place_is_english_text_and_translated_inside_a_message() -> None:
    where = Phrase("rule {rule}", rule="'why'")
    assert where == "rule 'why'" and f"{where}: x" == "rule 'why': x"
    finding = Problem.of("q.toml", 7, "{where}: must be a table", where=where)
    assert finding.message == "rule 'why': must be a table"
    use_language("pl")
    assert said(finding) == "q.toml:7: błąd: reguła 'why': musi być tabelą"
    use_language("zh_CN")
    assert said(finding) == "q.toml:7: 错误: 规则 'why'：必须是表"


def test_a_sqlite_error_met_outside_the_store_reads_in_the_chosen_language(
    acw_home: Path,
) -> None:
    """`one_line` gave SQLite's description as its English text."""
    import sqlite3

    use_language("pl")
    try:
        line = one_line(sqlite3.OperationalError("database is locked"))
    finally:
        use_language("en")
    assert "database is locked" not in line and "acw.db" in line


@pytest.mark.parametrize("names", [["../x.toml"], ["a" * 120 + ".toml"], ["a", "a/b.toml"]])
def test_why_bundle_names_cannot_be_written_reads_in_the_chosen_language(
    names: list[str],
) -> None:
    """The reasons of `protocol.names_problem` were English text inside translated lines."""
    from acw_tui.sync.protocol import names_problem

    why = names_problem(names)
    assert why is not None
    use_language("pl")
    try:
        line = say("{where}: {reason}", {"where": "guide", "reason": why})
    finally:
        use_language("en")
    assert not any(word in line for word in ("plain", "too long", "both a file"))


@given(st.text(max_size=20), st.integers(), st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=100, deadline=None)
def test_a_phrase_stored_as_data_reads_back_the_same(text: str, whole: int, number: float) -> None:
    import json

    inner = Phrase("{name} is both a file and a folder", name=text)
    phrase = Phrase(
        "{where}: {reason} ({count}, {share})",
        where=Path("x"),
        reason=inner,
        count=whole,
        share=number,
    )
    back = Phrase.from_data(json.loads(json.dumps(phrase.as_data())))
    assert back is not None and str(back) == str(phrase) and back.template == phrase.template
    assert isinstance(back.params["reason"], Phrase)
    assert Phrase.from_data({"template": 3}) is None and Phrase.from_data("ok") is None


@given(st.text(max_size=20), st.text(max_size=20), st.integers())
@settings(max_examples=100, deadline=None)
def test_a_change_to_a_phrases_text_reaches_every_text_in_it(
    outer: str, inner: str, whole: int
) -> None:
    """`Phrase.with_text` (how a phrase quoting outside input is redacted) changes the
    template and every text, nested ones too, and leaves numbers and the shape alone."""
    phrase = Phrase(
        "{where}: {reason} ({count})",
        where=outer,
        reason=Phrase("{name} refused", name=inner),
        count=whole,
    )
    assert phrase.with_text(lambda text: text) == phrase
    upper = phrase.with_text(str.upper)
    assert upper.params["count"] == whole
    assert isinstance(upper.params["reason"], Phrase)
    assert upper.params["reason"].params["name"] == inner.upper()
    assert upper.params["where"] == outer.upper()
    assert upper.template == phrase.template  # its words have no letters; placeholders stay
    assert upper.params["reason"].template == "{name} REFUSED"
    shaped = Phrase("{user!r} talk {seconds:g}s {{braces}}", user=outer, seconds=whole)
    assert shaped.with_text(lambda text: text).template == shaped.template
    assert str(shaped.with_text(lambda text: text)) == str(shaped)
    plain = Phrase(f"raw {{x}} {outer}")  # no parameters: the text as written, all of it
    assert plain.with_text(str.upper) == plain.upper()
