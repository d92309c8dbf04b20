"""Text that could act on a terminal (an escape sequence, another control character)
never reaches one through acw. Files a person writes are refused at the line that holds
one (a guide published to the hub would carry it to every agent's screen and into their
notes); a paste leaves them out (see tests/tui/test_paste.py); text already stored, or
received from another site, is printed with them shown, never acted on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.printable import control_at, shown_lines, without_controls
from acw_tui.core.quality.loader import parse_rules
from acw_tui.core.shorthand.loader import load_guide, load_guide_leniently
from acw_tui.core.shorthand.model import ShorthandError
from acw_tui.core.shorthand.spreadsheet import import_csv
from acw_tui.core.templates.loader import load_library, parse_codes
from acw_tui.core.templates.model import TemplateError
from acw_tui.core.toml_text import TOMLDecodeError, parse_toml
from acw_tui.settings.config import ConfigError, load_config
from acw_tui.store import Store, open_store
from tests.report_seed import wrapup

TITLE = "\\u001b]2;PWNED\\u0007"  # as a TOML file spells it: sets the terminal's title
SHIPPED = Path(__file__).parents[2] / "templates"
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))]


# -- files a person writes ----------------------------------------------------------------


def test_a_guide_entry_with_an_escape_sequence_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "en.toml"
    path.write_text(
        f'[guide]\nname = "S"\n\n[[entry]]\nabbr = "zz"\nexpansion = "hello {TITLE} world"\n',
        encoding="utf-8",
    )
    with pytest.raises(ShorthandError) as refused:
        load_guide(path)
    assert str(refused.value).startswith(f"{path}:6: ")
    assert "U+001B" in str(refused.value)
    assert load_guide_leniently(path).problems  # the agent's screen works on without it


def test_guide_lint_names_the_line_and_fails(tmp_path: Path) -> None:
    path = tmp_path / "en.toml"
    path.write_text(f'[[entry]]\nabbr = "zz"\ncategory = "x{TITLE}"\nexpansion = "y"\n')
    result = CliRunner().invoke(cli, ["guide", "lint", "--guide", str(path)], color=True)
    assert result.exit_code != 0
    assert f"{path}:3:" in result.output and "U+001B" in result.output
    assert "\x1b" not in result.output


def test_a_config_with_a_control_character_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'agent_id = "ana"\nsite_id = "s{TITLE}"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}:2: ")
    assert "(column " in str(refused.value) and "U+001B" in str(refused.value)


def test_codes_with_a_control_character_are_named(tmp_path: Path) -> None:
    text = (SHIPPED / "codes.toml").read_text(encoding="utf-8")
    line = text.count("\n", 0, text.index('label = "')) + 1
    text = text.replace('label = "', f'label = "{TITLE}', 1)
    with pytest.raises(TemplateError) as refused:
        parse_codes(text, tmp_path / "codes.toml")
    assert f"codes.toml:{line}" in str(refused.value) and "U+001B" in str(refused.value)


def test_quality_rules_with_a_control_character_are_a_problem_at_the_line() -> None:
    rules = parse_rules(f'[[rule]]\nid = "r"\nmessage = "{TITLE}"\n', "quality.toml")
    assert [p.line for p in rules.problems] == [3]
    assert "U+001B" in str(rules.problems[0])


def test_a_template_with_a_control_character_in_its_text_is_a_problem(tmp_path: Path) -> None:
    text = (SHIPPED / "general-inquiry.en.j2").read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[-1] = lines[-1].rstrip("\n") + " \x1b]2;PWNED\x07\n"  # raw, in the Jinja part
    (tmp_path / "general-inquiry.en.j2").write_text("".join(lines), encoding="utf-8")
    (tmp_path / "codes.toml").write_text((SHIPPED / "codes.toml").read_text(encoding="utf-8"))
    library = load_library(tmp_path)
    assert not library.templates
    [problem] = library.problems
    assert f"general-inquiry.en.j2:{len(lines)}" in str(problem) and "U+001B" in str(problem)


def test_a_template_with_a_control_character_in_its_fields_is_a_problem(tmp_path: Path) -> None:
    text = (SHIPPED / "general-inquiry.en.j2").read_text(encoding="utf-8")
    text = text.replace('label = "Reason for call"', f'label = "Reason{TITLE}"')
    (tmp_path / "general-inquiry.en.j2").write_text(text, encoding="utf-8")
    (tmp_path / "codes.toml").write_text((SHIPPED / "codes.toml").read_text(encoding="utf-8"))
    library = load_library(tmp_path)
    assert not library.templates and "U+001B" in str(library.problems[0])


@pytest.mark.parametrize(
    "spelled",
    ["\\u001b", "\\U0000001B", "\\b", "\\f", "\\u007f", "\\u009b", "\u009b", "\\u0000", "\\r"],
)
def test_every_way_to_write_a_control_character_in_toml_is_named(spelled: str) -> None:
    with pytest.raises(TOMLDecodeError) as refused:
        parse_toml(f'a = "ok"\nb = "x{spelled}y"\n')
    assert "(at line 2, column" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        'a = "tab\\there"\nb = """\nline one\nline two\n"""\n',
        "a = 'C:\\\\no\\escape\\u001b here'\n",  # a literal string: a backslash is a backslash
        'a = "\\\\u001b"\n',  # an escaped backslash, then plain letters
        'a = "x" # a comment that mentions \\u001b\n',
        'a = """quote "" inside \\""" and \\\\"""\n',
        'a = "\\r\\n"\n',  # a Windows line ending spelled out
    ],
)
def test_tabs_line_breaks_and_look_alikes_are_fine(text: str) -> None:
    parse_toml(text)


def test_a_file_with_windows_line_endings_is_read() -> None:
    assert parse_toml("a = \"\"\"\r\none\r\ntwo\"\"\"\r\nb = '''x\r\ny'''\r\n") == {
        "a": "one\ntwo",
        "b": "x\ny",
    }


def test_a_spreadsheet_cell_with_a_control_character_is_named(tmp_path: Path) -> None:
    raw = b"abbr,expansion\r\nzz,fine\r\nzy,bad \x1b]2;PWNED\x07 text\r\n"
    with pytest.raises(ShorthandError) as refused:
        import_csv(raw, "guide.csv")
    assert str(refused.value).startswith("guide.csv:3: expansion")
    assert "U+001B" in str(refused.value)


@pytest.mark.parametrize(
    "args",
    [
        ["add", "zz", "bad \x1b]2;PWNED\x07"],
        ["add", "zz", "ok", "--category", "x\x9b"],
        ["add", "zz", "ok", "--note", "\x07"],
        ["bump", "-m", "changed \x1b[2J"],
    ],
)
def test_guide_edits_with_a_control_character_are_refused(tmp_path: Path, args) -> None:
    path = tmp_path / "en.toml"
    path.write_text('[guide]\nname = "S"\nversion = 1\n\n[[entry]]\nabbr = "cx"\nexpansion = "c"\n')
    before = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["guide", args[0], "--guide", str(path), *args[1:]], color=True
    )
    assert result.exit_code != 0
    assert result.output.count("\n") == 1 and "U+00" in result.output, result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert path.read_bytes() == before


# -- stored text, printed ---------------------------------------------------------------


def test_acw_show_prints_a_stored_note_with_its_controls_shown(acw_home: Path) -> None:
    """A note stored with an escape sequence in it (pasted before acw left them out)."""
    env = {"ACW_HOME": str(acw_home), "PATH": "/usr/bin:/bin"}
    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s1"\n')

    def acw(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [sys.executable, "-m", "acw_tui", *args], env=env, capture_output=True, check=True
        )

    acw("call-ended", "--call-id", "ESC-1")
    store = open_store(acw_home / "acw.db")
    store.conn.execute(
        "UPDATE wrapups SET status = 'done', note = ?",
        ("line one\n\tline \x1b]2;PWNED\x07two\x1b[2J\x9b\u202e",),
    )
    store.conn.commit()
    store.close()
    out = acw("show", "ESC-1").stdout.decode()
    assert out.endswith("line one\n\tline \\x1b]2;PWNED\\x07two\\x1b[2J\\x9b\\u202e\n")


def test_a_hub_report_shows_what_a_site_sent_without_acting_on_it(fresh_store: Store) -> None:
    """A site (or whoever holds its token) can send any text in a record; the lead who
    reads the report at the hub must not have it act on their terminal."""
    hostile = "\x1b]2;PWNED\x07"
    w = wrapup(
        fresh_store, f"ana{hostile}\u202e", "site-1", "2026-03-01T09:10:00", 60,
        queue=f"billing{hostile}", codes=(f"refund{hostile}",), template="t",
        note=f"angry \x1b[2Jcustomer{hostile}",
    )  # fmt: skip
    fresh_store.conn.execute(
        "UPDATE wrapups SET quality_score = 50, quality_failed = ? WHERE id = ?",
        (json.dumps([f"steps{hostile}"]), w),
    )
    fresh_store.conn.commit()
    span = ["--from", "2026-03-01", "--to", "2026-03-01", "--now", "2026-03-03T00:30:00Z"]
    for extra in ([], ["--by", "agent"], ["--by", "queue"], ["--by", "code"], ["--format", "md"]):
        result = CliRunner().invoke(cli, ["report", *span, *extra], color=True)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\\x1b" in result.output, extra
    result = CliRunner().invoke(cli, ["report", *span, "--by", "agent", "--format", "json"])
    assert "\x1b" not in result.output and "\u202e" not in result.output
    data = json.loads(result.output)  # escaped the JSON way: the values as the site sent
    assert data["rows"][0]["group"] == f"ana{hostile}\u202e"


# -- the helpers, over generated text ------------------------------------------------------

BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}  # reorder text
PIECES = [*sorted(BIDI), *CONTROLS, "\x1b[31m", "\x1b]2;title\x07", "\r\n", "\u202e", "é", "卡"]
ANY_TEXT = st.lists(st.characters(codec="utf-8") | st.sampled_from(PIECES)).map("".join)
EXAMPLES = settings(
    max_examples=int(os.environ.get("ACW_FUZZ_EXAMPLES", "300")), deadline=None, derandomize=True
)


@EXAMPLES
@given(ANY_TEXT)
def test_what_is_left_or_shown_holds_no_control_but_line_breaks_and_tabs(text: str) -> None:
    """And what is shown holds nothing that would reorder the text after it."""
    for result in (without_controls(text), shown_lines(text)):
        assert control_at(result) is None
        assert all(c in "\r\n\t" or c.isprintable() or not c.isascii() for c in result)
    assert without_controls(without_controls(text)) == without_controls(text)
    assert not BIDI.intersection(shown_lines(text))
    if control_at(text) is None:
        assert without_controls(text) == text.replace("\r\n", "\n")
        if not BIDI.intersection(text):
            assert shown_lines(text) == text


def test_a_paste_keeps_its_text_and_loses_its_escape_sequences() -> None:
    pasted = "a\x1b]2;PWNED\x07b\x1b[31mc\x1b[0m\r\nd\x9be\rf\x1b]52;c;aGk=\x1b\\g\x1bh"
    assert without_controls(pasted) == "abc\nde\nfgh"


KEYS = st.text(st.characters(categories=["Ll"], max_codepoint=0x7A), min_size=1, max_size=5)


@EXAMPLES
@given(st.dictionaries(KEYS, ANY_TEXT, max_size=4))
def test_a_toml_file_either_reads_free_of_controls_or_is_refused(values: dict) -> None:
    # Spelled as TOML allows: C0 controls and DEL as \\uXXXX (json.dumps writes the
    # former the way TOML reads them), C1 raw.
    text = "".join(
        f"{key} = {json.dumps(value, ensure_ascii=False)}\n".replace("\x7f", "\\u007f")
        for key, value in values.items()
    )
    try:
        parsed = parse_toml(text)
    except TOMLDecodeError as refused:
        first = next(n for n, v in enumerate(values.values()) if control_at(v) is not None)
        assert f"(at line {first + 1}, column" in str(refused)
        return
    assert parsed == values
    assert all(control_at(v) is None for v in values.values())


def test_a_rendered_template_shows_a_control_character_in_a_value(acw_home: Path) -> None:
    """The screen's fields cannot hold one; `--data` can."""
    (acw_home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s1"\n')
    data = json.dumps({"reason": "billing \x1b]2;PWNED\x07", "details": "two\nlines\x9b"})
    result = CliRunner().invoke(
        cli, ["templates", "render", "general-inquiry", "--data", data], color=True
    )
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "billing \\x1b]2;PWNED\\x07" in result.output and "two\nlines\\x9b" in result.output
