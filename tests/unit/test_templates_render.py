"""Rendering notes: clean output for empty fields, and templates that misbehave stopped."""

from __future__ import annotations

import dataclasses
import sys
import time

import pytest

from acw_tui.core.templates import load_library, parse_template
from acw_tui.core.templates.render import NoteRenderer
from acw_tui.core.templates.sandbox import RenderLimits
from tests.unit.templates_helpers import SHIPPED, SIMPLE


@pytest.fixture(scope="module")
def renderer() -> NoteRenderer:
    return NoteRenderer()


def with_body(body: str):
    return dataclasses.replace(parse_template(SIMPLE), body=body, body_line=1)


def test_empty_optional_fields_leave_no_label_lines_and_no_none(renderer: NoteRenderer) -> None:
    note = renderer.render(parse_template(SIMPLE), {"reason": "billing"}, "cx ok")
    assert note.ok
    assert note.text == "Reason: billing\n\ncx ok"
    assert "None" not in note.text and "Budget" not in note.text


def test_a_shipped_template_renders_a_tidy_note(renderer: NoteRenderer) -> None:
    library = load_library(SHIPPED)
    template = library.get("complaint", "en")
    note = renderer.render(
        template,
        {"issue": "no signal", "category": "Technical", "details": "since Monday\nall rooms"},
        "cx upset\nrebooked tech",
        fields=library.form_fields(template, ["complaint"]),
    )
    assert note.text == (
        "Problem: no signal\n"
        "Category: Technical\n"
        "Details:\nsince Monday\nall rooms\n"
        "\n"
        "cx upset\nrebooked tech"
    )


def test_booleans_render_in_the_templates_language(renderer: NoteRenderer) -> None:
    template = load_library(SHIPPED).get("account-kyc", "pl")
    note = renderer.render(template, {"change": "Adres", "id_verified": True}, "")
    assert note.text == "Co zmieniono: Adres\nTożsamość zweryfikowana: tak"


def test_notes_are_added_when_the_template_does_not_print_them(renderer: NoteRenderer) -> None:
    note = renderer.render(with_body("Reason: {{ reason }}"), {"reason": "x"}, "typed notes")
    assert note.text == "Reason: x\n\ntyped notes"


def test_fields_a_code_adds_appear_above_the_notes(renderer: NoteRenderer) -> None:
    library = load_library(SHIPPED)
    template = library.get("sales-lead")
    fields = library.form_fields(template, ["sale", "escalated"])
    note = renderer.render(
        template,
        {"product": "Fibre 1G", "escalated_to": "Tier 2", "case_ref": "C-9"},
        "call back friday",
        fields=fields,
    )
    assert note.text == (
        "Product of interest: Fibre 1G\nEscalated to: Tier 2\nCase reference: C-9\n\n"
        "call back friday"
    )


ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "refused", "'__class__'"),
    ("{{ cycler.__init__.__globals__ }}", "refused", "'__init__'"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "refused", "'__class__'"),
    ("{{ self.__init__.__globals__ }}", "refused", "'__init__'"),
    ("{{ joiner.__init__.__globals__.os }}", "refused", "'__init__'"),
    ("{{ namespace.__init__.__globals__ }}", "refused", "'__init__'"),
    ("{{ lipsum.__globals__['os'].popen('id').read() }}", "refused", "'__globals__'"),
    ("{{ reason['__class__'] }}", "refused", "'__class__'"),
    ("{{ '{0.__class__}'.format(reason) }}", "refused", "str.format"),
    ("{{ '%s' % reason }}", "refused", "printf"),
    ("{{ 'x' * 10000000 }}", "stopped", "a repeated text"),
    ("{{ 'x'|center(100000000) }}", "stopped", "too large an argument"),
    ("{{ 'x'.ljust(100000000) }}", "stopped", "too large an argument"),
    ("{{ range(100000000)|list }}", "stopped", "too large an argument"),
    ("{{ range(0, 90000, 1)|list|length }}", "stopped", "range of 90000 items"),
    ("{{ 10 ** 100000 }}", "stopped", "too large a number"),
    (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s }}",
        "stopped",
        "a joined text",
    ),
    ("{% for i in range(10000) %}{{ 'y' * 999 }}{% endfor %}", "stopped", "the note grew past"),
    (
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
        "stopped",
        "endless loop",
    ),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "stopped", "too deeply"),
    ("{% for x in %}", "syntax error", "Expected an expression"),
    ("{{ 1 / 0 }}", "failed", "ZeroDivisionError"),
]


@pytest.mark.parametrize(("body", "verb", "detail"), ESCAPES, ids=[e[0][:40] for e in ESCAPES])
def test_misbehaving_templates_are_stopped_with_a_message_naming_the_template(
    renderer: NoteRenderer, body: str, verb: str, detail: str
) -> None:
    before = sys.gettrace()
    started = time.monotonic()
    note = renderer.render(with_body(body), {"reason": "billing"}, "the typed note")
    assert time.monotonic() - started < 3
    assert note.error is not None
    assert note.error.startswith("template simple.en: ")
    assert verb in note.error and detail in note.error
    # The agent keeps a plain note with everything typed.
    assert note.text == "Reason: billing\n\nthe typed note"
    assert sys.gettrace() is before


@pytest.mark.parametrize(("body", "verb", "detail"), ESCAPES, ids=[e[0][:40] for e in ESCAPES])
def test_every_stop_names_the_line_of_the_file_it_tripped_at(
    renderer: NoteRenderer, body: str, verb: str, detail: str
) -> None:
    # The offending text on the third line of a body starting at line 10 of its file.
    template = dataclasses.replace(
        parse_template(SIMPLE), body="Reason: {{ reason }}\n\n" + body + "\n", body_line=10
    )
    note = renderer.render(template, {"reason": "billing"}, "")
    assert note.error is not None and detail in note.error
    assert "line 12" in note.error, note.error


def test_a_time_limit_stops_slow_work_and_the_renderer_still_works() -> None:
    renderer = NoteRenderer(RenderLimits(max_seconds=0.05, max_steps=10**9))
    slow = with_body(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    )
    note = renderer.render(slow, {}, "")
    assert note.error and "took longer than 0.05 s" in note.error
    assert renderer.render(parse_template(SIMPLE), {"reason": "ok"}).text == "Reason: ok"


def test_syntax_errors_name_the_line_of_the_file(renderer: NoteRenderer) -> None:
    template = parse_template(SIMPLE.replace("Budget: {{ budget }}", "Budget: {{ budget }"))
    note = renderer.render(template, {"reason": "x"}, "")
    assert note.error is not None and "line 19: syntax error" in note.error


def test_unknown_names_render_as_nothing(renderer: NoteRenderer) -> None:
    body = "Reason: {{ reason }} {{ nope.deeper }}\nC: {{ missing }}\nplain line"
    note = renderer.render(with_body(body), {"reason": "x"}, "")
    assert note.ok and note.text == "Reason: x\nplain line"


def test_a_template_out_of_time_is_not_run_again_on_every_keystroke() -> None:
    renderer = NoteRenderer(RenderLimits(max_seconds=0.2, max_steps=10**9))
    slow = with_body(
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    )
    first = renderer.render(slow, {"reason": "a"}, "")
    started = time.monotonic()
    second = renderer.render(slow, {"reason": "b"}, "more")
    # Run again, it would take its whole 0.2 s; a busy machine may still take a while.
    assert time.monotonic() - started < 0.15
    assert second.error == first.error
    assert second.text == "Reason: b\n\nmore"


def test_a_megabyte_paste_in_the_notes_is_kept_whole(renderer: NoteRenderer) -> None:
    paste = ("card declined twice, customer will call the bank. " * 21_000).strip()
    assert len(paste) > 1_000_000
    note = renderer.render(parse_template(SIMPLE), {"reason": "billing"}, paste)
    assert note.ok
    assert note.text == f"Reason: billing\n\n{paste}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "stopped at line 1: took more than 200 steps (an endless loop?)"),
        ("pl", "zatrzymano w wierszu 1: wykonano ponad 200 kroków (nieskończona pętla?)"),
        ("zh_CN", "已停止（第 1 行）：执行超过 200 步（死循环？）"),
    ],
)
def test_a_stopped_template_is_said_in_the_readers_language(language: str, expected: str) -> None:
    from acw_tui.errors import Phrase
    from acw_tui.i18n import say, use_language

    use_language(language)
    renderer = NoteRenderer(RenderLimits(max_steps=200))
    note = renderer.render(with_body("{% for i in range(10000) %}x{% endfor %}"), {}, "")
    assert (
        note.error
        == "template simple.en: stopped at line 1: took more than 200 steps (an endless loop?)"
    )
    assert isinstance(note.error, Phrase)
    problem = note.error.params["problem"]
    assert say(problem.template, problem.params) == expected
