"""Entries that would fire where agents do not mean them, or change what another entry
types: add, import and lint judge them alike (one checker), by the case rules (SPEC §3
rule 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.shorthand import expand_text, parse_guide
from acw_tui.core.shorthand.lint import guide_errors, lint_guide, no_word_list
from acw_tui.core.shorthand.model import TOKEN_PUNCTUATION
from acw_tui.core.shorthand.writer import entry_toml

HEAD = '[guide]\nname = "t"\nversion = 1\nlocale = "en"\n\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def guide(tmp_path: Path, acw_home: Path) -> Path:
    path = tmp_path / "g.toml"
    path.write_text(HEAD, encoding="utf-8")
    return path


@pytest.mark.parametrize("abbr", ["-", "/", "#", "&", "+", "--", "/-"])
def test_an_abbreviation_without_a_letter_or_digit_is_refused(
    guide: Path, tmp_path: Path, abbr: str
) -> None:
    before = guide.read_text(encoding="utf-8")
    code, out = run("guide", "add", "--guide", str(guide), "--", abbr, "some expansion text")
    assert code == 1 and "has no letter or digit" in out and str(guide) in out
    assert guide.read_text(encoding="utf-8") == before
    sheet = tmp_path / "rows.csv"
    sheet.write_text(f'abbr,expansion\nok,okay\n"{abbr}",some expansion text\n', "utf-8")
    code, out = run("guide", "import", str(sheet), "--guide", str(guide))
    assert code == 1 and f"{sheet}:3:" in out and "has no letter or digit" in out
    guide.write_text(before + "\n" + entry_toml(_entry(abbr)), encoding="utf-8")
    code, out = run("guide", "lint", "--no-usage", "--guide", str(guide))
    assert code == 1 and f"{guide}:11: error: abbr {abbr!r} has no letter or digit" in out
    # ... and the agent's guide leaves it out: "a - b" stays as typed.
    assert expand_text("a - b / c # d\n", parse_guide(guide.read_text("utf-8"))).text == (
        "a - b / c # d\n"
    )


def _entry(abbr: str, exact: bool = False):  # type: ignore[no-untyped-def]
    from acw_tui.core.shorthand import Entry

    return Entry(abbr, "some expansion text", exact=exact)


def test_the_same_abbreviation_twice_is_a_duplicate_whatever_its_case_setting(
    guide: Path,
) -> None:
    before = guide.read_text(encoding="utf-8")
    code, out = run("guide", "add", "cx", "client", "--exact", "--guide", str(guide))
    assert code == 1 and "duplicate abbr 'cx' (first at line 6)" in out
    assert guide.read_text(encoding="utf-8") == before


def test_an_abbreviation_differing_only_by_case_is_added_with_a_warning(guide: Path) -> None:
    code, out = run("guide", "add", "CX", "connection", "--guide", str(guide))
    assert code == 0 and "added CX" in out
    assert "warning: abbr 'CX' differs from 'cx' (line 6) only by case" in out
    code, out = run("guide", "lint", "--no-usage", "--guide", str(guide))
    assert code == 0 and "differs from 'cx' (line 6) only by case" in out


# -- the class: add, import and lint agree on every abbreviation ---------------------------

abbrs = st.text(alphabet="cxCX-/#&+1é", min_size=1, max_size=3)


@given(st.lists(st.tuples(abbrs, st.booleans()), min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_lint_errors_exactly_when_an_entry_is_left_out(entries: list) -> None:  # type: ignore[type-arg]
    """An entry lint flags as an error never reaches the agent, and one it does not
    flag always does: what the lead is told is what agents get."""
    text = HEAD + "".join("\n" + entry_toml(_entry(a, e)) for a, e in entries)
    parsed = parse_guide(text, "g.toml")
    kept = {e.line for e in parsed.entries}
    starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[entry]]"]
    ends = [*starts[1:], len(text.splitlines()) + 1]
    errors = {
        start
        for start, end in zip(starts, ends, strict=True)
        for p in guide_errors(parsed)
        if start <= p.line < end
    }
    for start, (abbr, _exact) in zip(starts[1:], entries, strict=True):
        assert (start in kept) != (start in errors), (abbr, text)
        if start in kept:
            assert any(c.isalnum() for c in abbr)
            assert all(c.isalnum() or c in TOKEN_PUNCTUATION for c in abbr)
    written = [e.abbr for e in parsed.entries]
    assert len(written) == len(set(written))  # one entry per abbreviation as written
    warnings = [p for p in lint_guide(parsed, frequency=no_word_list) if p.check == "case-shadow"]
    for entry in parsed.entries:
        shadows = [
            other
            for other in parsed.entries
            if not other.matches_exactly
            and entry.matches_exactly
            and other.key == entry.abbr.casefold()
            and other.abbr != entry.abbr
        ]
        assert bool(shadows) == any(p.line == entry.line for p in warnings), text
