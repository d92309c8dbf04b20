"""Issue 14: the sandbox bounds every operation that builds text or lists, and each
render's memory and time, in render, the form's preview and lint's trial render alike."""

from __future__ import annotations

import dataclasses
import time
import tracemalloc
from pathlib import Path

import pytest

from acw_tui.core.templates import load_library, parse_template
from acw_tui.core.templates.form import NoteForm
from acw_tui.core.templates.lint import lint_library
from acw_tui.core.templates.render import NoteRenderer
from tests.unit.templates_helpers import CODES, SIMPLE

BLOWUPS = [
    "{{ ('a'*99999)|replace('a','a'*99999) }}",
    "{{ ('a'*99999).replace('a','a'*99999) }}",
    "{{ ('a'*99999)|replace('','b'*99999) }}",
    "{{ ('x'*99999).join(['a'*99999, 'b']) }}",
    "{{ ['a'*99999, 'b'*99999]|join('c'*99999) }}",
    "{{ ('a'*99999)|wordwrap(1, true, 'w'*99999) }}",
    "{{ ('a\n'*49999)|indent('i'*99999) }}",
    "{{ ('a'*99999).translate({97: 'b'*99999}) }}",
    "{{ ('\t'*99999).expandtabs(99999) }}",
    "{{ [['a']*99999, ['b']*99999]|sum(start=[]) }}",
    "{% set l = ['a'*999] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}{{ l|length }}",
    "{% for i in range(9999) %}{% set x = ('a'*99999)|replace('a', 'b') %}{% endfor %}",
    "{{ lipsum(100000) }}",
    "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set block %}{{ ns.s }}"
    "{{ ns.s }}{% endset %}{% set ns.s = block %}{% endfor %}{{ ns.s|length }}",
]


def with_body(body: str):
    return dataclasses.replace(parse_template(SIMPLE), body=body, body_line=1)


@pytest.mark.parametrize("body", BLOWUPS, ids=[b[:40] for b in BLOWUPS])
def test_render_refuses_before_building(body: str) -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        note = NoteRenderer().render(with_body(body), {"reason": "billing"}, "typed")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB"
    assert note.error is not None and note.error.startswith("template simple.en: ")
    assert note.text == "Reason: billing\n\ntyped"


def test_ordinary_filters_still_work() -> None:
    body = (
        "{{ reason|replace('bill', 'BILL') }} {{ ['a','b']|join(', ') }} "
        "{{ 'one two three'|wordwrap(5) }} {{ [[1],[2]]|sum(start=[]) }} {{ 'a\tb'.expandtabs(2) }}"
    )
    note = NoteRenderer().render(with_body(body), {"reason": "billing"})
    assert note.ok, note.error
    assert note.text.startswith("BILLing a, b one\ntwo\nthree [1, 2] a b")


def test_filters_on_a_megabyte_paste_are_not_refused() -> None:
    paste = "card declined, customer will call the bank. " * 25_000
    note = NoteRenderer().render(with_body("{{ notes|replace('bank', 'BANK') }}"), {}, paste)
    assert note.ok, note.error
    assert "BANK" in note.text


def test_the_preview_path_is_bounded(tmp_path: Path) -> None:
    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "simple.en.j2").write_text(
        SIMPLE.replace(
            "Reason: {{ reason }}",
            "Reason: {{ (reason[:1]*99999)|replace(reason[:1], 'x'*99999) }}",
        ),
        encoding="utf-8",
    )
    (folder / "codes.toml").write_text(CODES, encoding="utf-8")
    library = load_library(folder)
    form = NoteForm(library, "en")
    form.choose_template("simple")
    form.set_value("reason", "billing")
    started = time.monotonic()
    rendered = form.render(form.check())
    assert time.monotonic() - started < 2
    assert rendered.error and "replace" in rendered.error
    problems = lint_library(library)
    assert time.monotonic() - started < 4
    assert any("trial render" in p.message and "replace" in p.message for p in problems)


def test_templates_render_prints_what_would_be_stored(acw_home: Path) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli

    data = '{"reason": "card 4111 1111 1111 1111 cvv 123"}'
    result = CliRunner().invoke(
        cli,
        [
            "templates",
            "render",
            "general-inquiry",
            "--data",
            data,
            "--notes",
            "pan 4111111111111111",
        ],
    )
    assert "4111 1111 1111 1111" not in result.stdout and "4111111111111111" not in result.stdout
    assert "[CARD ****1111]" in result.stdout


def test_templates_list_codes_with_a_malformed_codes_file(tmp_path: Path, acw_home: Path) -> None:
    from click.testing import CliRunner

    from acw_tui.cli import cli

    folder = tmp_path / "t"
    folder.mkdir()
    (folder / "simple.en.j2").write_text(SIMPLE, encoding="utf-8")
    (folder / "codes.toml").write_text("[[codes]\ncode = 'x'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["templates", "list", "--codes", "--templates", str(folder)])
    assert result.exit_code == 1
    assert "codes.toml" in result.stderr and result.stderr.count("\n") == 1


SHARED = "{% set l = ['a'*99999]*99999 %}"
PRINTING = [
    SHARED + "{{ l }}",
    SHARED + "{{ l|string|length }}",
    SHARED + "{{ l|tojson|length }}",
    SHARED + "{{ (l ~ '')|length }}",
    SHARED + "{{ l|replace('a', 'b')|length }}",
    "{% set l = [['a'*999]*999]*999 %}{{ l|upper|length }}",
    "{% set ns = namespace(l=['a'*99999]*99999) %}{{ ns }}",
]


@pytest.mark.parametrize("body", PRINTING, ids=[b[len(SHARED) :][:30] or b[:30] for b in PRINTING])
def test_printing_a_list_of_shared_texts_is_sized_first(body: str) -> None:
    tracemalloc.start()
    try:
        note = NoteRenderer().render(with_body(body), {"reason": "billing"}, "")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20
    assert note.error is not None and "would be over" in note.error


def test_counting_a_big_list_is_not_printing_it() -> None:
    note = NoteRenderer().render(with_body(SHARED + "{{ l|length }} {{ l|first|length }}"), {})
    assert note.ok and note.text.startswith("99999 99999")
