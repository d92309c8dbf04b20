"""Reading guides: every problem names file and line; a guide with problems still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from acw_tui.core.shorthand import ShorthandError, load_guide, load_guide_leniently, parse_guide
from acw_tui.core.shorthand.lint import has_errors, lint_guide
from acw_tui.settings.paths import bundled

GOOD = """\
[guide]
name = "Support style guide"
version = 12
locale = "en"

[[entry]]
abbr = "cx"
expansion = "customer"
category = "people"
note = "the caller"
"""


def test_reads_header_and_entries() -> None:
    guide = parse_guide(GOOD, "g.toml")
    assert (guide.name, guide.version, guide.locale) == ("Support style guide", 12, "en")
    assert guide.entries[0].abbr == "cx"
    assert guide.entries[0].line == 6
    assert guide.problems == ()


def test_reads_toml_1_1_inline_tables_over_several_lines() -> None:
    """TOML 1.1: an inline table may span lines and end with a comma."""
    guide = parse_guide(
        'entry = [\n  { abbr = "cx", expansion = "customer",\n    category = "people", },\n]\n'
        '[guide]\nname = "x"\nversion = 1\nlocale = "en"\n',
        "g.toml",
    )
    assert [(e.abbr, e.expansion) for e in guide.entries] == [("cx", "customer")]
    assert guide.problems == ()


def test_malformed_toml_names_file_and_line() -> None:
    with pytest.raises(ShorthandError, match=r"^g\.toml:3: malformed TOML"):
        parse_guide('[guide]\nname = "x"\nversion = = 3\n', "g.toml")


def test_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_bytes(b'[guide]\nname = "caf\xe9"\n')
    with pytest.raises(ShorthandError, match=r"g\.toml:2: not UTF-8"):
        load_guide(path)


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(ShorthandError, match="no such guide file"):
        load_guide(tmp_path / "nope.toml")


def test_agent_gets_an_empty_guide_with_a_warning_for_a_broken_file(tmp_path: Path) -> None:
    path = tmp_path / "g.toml"
    path.write_text("[[entry]\nabbr=", encoding="utf-8")
    guide = load_guide_leniently(path)
    assert guide.entries == ()
    assert guide.problems[0].line == 1
    assert "malformed TOML" in str(guide.problems[0])


BAD = """\
[guide]
version = 3

[[entry]]
abbr = "cx"
expansion = "customer"

[[entry]]
abbr = "cx"
expansion = "client"

[[entry]]
abbr = "   "
expansion = "blank"

[[entry]]
abbr = "x"
expansion = ""

[[entry]]
abbr = "a.b"
expansion = "dotted"

[[entry]]
abbr = "k;h"
expansion = "sigil"

[[entry]]
expansion = "no abbr"

[[entry]]
abbr = "ok"
expansion = "okay"
case = "shouty"
colour = "red"
"""


def test_a_guide_with_problems_loads_deterministically_with_each_problem_located() -> None:
    first = parse_guide(BAD, "bad.toml")
    again = parse_guide(BAD, "bad.toml")
    assert first == again
    assert [e.abbr for e in first.entries] == ["cx", "ok"]
    assert first.lookup("cx").expansion == "customer"  # first one wins
    messages = [str(p) for p in first.problems]
    assert (
        "bad.toml:8: error: duplicate abbr 'cx' (first at line 4); this one is ignored" in messages
    )
    assert any(m.startswith("bad.toml:13: error: entry abbr is empty") for m in messages)
    assert any(m.startswith("bad.toml:18: error: entry expansion is empty") for m in messages)
    assert any(
        m.startswith("bad.toml:21: error: abbr 'a.b' contains the delimiter '.'") for m in messages
    )
    assert any(
        m.startswith("bad.toml:25: error: abbr 'k;h' contains the sigil ';'") for m in messages
    )
    assert any(m.startswith("bad.toml:28: error: entry has no abbr") for m in messages)
    assert any(m.startswith("bad.toml:34: error: entry 'ok': case must be") for m in messages)
    assert any(m.startswith("bad.toml:35: warning: entry: colour: unknown key") for m in messages)


def test_bad_sigil_falls_back_to_default() -> None:
    guide = parse_guide('[guide]\nsigil = "x"\n', "g.toml")
    assert guide.sigil == ";"
    assert "g.toml:2" in str(guide.problems[0])


def test_lint_finds_every_check() -> None:
    text = """\
[guide]
locale = "en"

[[entry]]
abbr = "the"
expansion = "theatre"

[[entry]]
abbr = "accnt"
expansion = "acct"

[[entry]]
abbr = "cust"
expansion = "customer"

[[entry]]
abbr = "cx"
expansion = "Customer"

[[entry]]
abbr = "cx"
expansion = "dup"
"""
    from acw_tui.core.shorthand.lint import UndoFigures

    guide = parse_guide(text, "g.toml")
    problems = lint_guide(guide, {"cust": UndoFigures(used=10, undone=4)})
    by_check = {(p.check, p.abbr): p for p in problems}
    assert by_check[("common-word", "the")].line == 4
    assert by_check[("not-shorter", "accnt")].line == 8
    assert by_check[("same-expansion", "cx")].line == 16
    assert by_check[("often-undone", "cust")].line == 12
    assert by_check[("duplicate", "cx")].severity == "error"
    assert has_errors(problems)


def test_lint_ignores_rarely_undone_entries() -> None:
    from acw_tui.core.shorthand.lint import UndoFigures

    guide = parse_guide(GOOD, "g.toml")
    assert (
        lint_guide(guide, {"cx": UndoFigures(used=100, undone=3)}, lambda word, locale: 0.0) == []
    )


@pytest.mark.parametrize("locale", ["en", "pl", "es", "zh"])
def test_shipped_guides_are_clean_and_big_enough(locale: str) -> None:
    guide = load_guide(bundled("shorthand") / f"{locale}.toml")
    assert guide.locale == locale
    assert len(guide.entries) >= (150 if locale == "en" else 40)
    assert lint_guide(guide) == []
    assert len(guide.categories()) >= 5


def test_english_guide_covers_the_demo_notes() -> None:
    from acw_tui.core.shorthand import expand_text

    guide = load_guide(bundled("shorthand") / "en.toml")
    note = "cx cld abt pwd reset. id&v ok, sent reset link. cb tmrw w/ fin, asap."
    assert expand_text(note, guide).text == (
        "customer called about password reset. identification and verification ok, sent reset "
        "link. callback tomorrow with finance, as soon as possible."
    )


def test_chinese_guide_works_with_the_sigil() -> None:
    from acw_tui.core.shorthand import expand_text

    guide = load_guide(bundled("shorthand") / "zh.toml")
    assert expand_text("客户;zd 有问题，已;tk。", guide).text == "客户账单 有问题，已退款。"
    assert expand_text("我的kh，", guide).text == "我的客户，"
