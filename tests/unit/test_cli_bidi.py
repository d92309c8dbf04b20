"""Text from outside acw never acts on the terminal through the command line: control
characters and the bidirectional formatting characters (overrides, embeddings, isolates,
marks) that a hook, a guide or a hub put in stored text are shown escaped by every
command that prints it. `acw show` printed U+202E as it was, so "paid \\u202e0001"
read "paid 1000" in a terminal that lays out right-to-left text."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.printable import flat, shown_lines

EXAMPLES = int(os.environ.get("ACW_BIDI_EXAMPLES", "8"))

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# What must never reach the terminal raw: those, and every control character but line
# breaks and tabs.
ACTING = re.compile(f"[{BIDI}\x00-\x08\x0b-\x1f\x7f-\x9f]")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("char", list(BIDI))
def test_the_escaping_helpers_escape_every_bidi_control(char: str) -> None:
    for shown in (flat(f"a{char}b"), shown_lines(f"a{char}b\nc")):
        assert char not in shown and f"\\u{ord(char):04x}" in shown


def test_show_and_the_hook_escape_bidi_controls(config, acw_home: Path) -> None:
    call_id = "paid \u202e0001"
    code, out = run(
        "call-ended", "--call-id", call_id, "--queue", "q\u2066x", "--customer", "c\u202dy"
    )
    assert code == 0 and not ACTING.search(out), repr(out)
    assert "paid \\u202e0001" in out
    code, out = run("show", call_id)
    assert code == 0 and not ACTING.search(out), repr(out)
    assert "q\\u2066x" in out and "c\\u202dy" in out


# Text a phone system or a person could send: words with the characters that reorder or
# act among them (control characters are refused at the door; bidi ones are text).
HOSTILE = st.text(
    alphabet=st.sampled_from(list(BIDI) + list("ab1 -#")), min_size=1, max_size=12
).filter(lambda t: t.strip() and any(c in BIDI for c in t))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(call=HOSTILE, queue=HOSTILE, customer=HOSTILE, abbr=HOSTILE, expansion=HOSTILE)
def test_every_command_that_prints_stored_text_escapes_it(
    monkeypatch, call: str, queue: str, customer: str, abbr: str, expansion: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        monkeypatch.setenv("ACW_HOME", str(home))
        (home / "config.toml").write_text('agent_id = "ana"\nsite_id = "s"\n', encoding="utf-8")
        outputs = []
        for hook in ("call-started", "call-ended"):
            code, out = run(hook, "--call-id", call, "--queue", queue, "--customer", customer)
            assert code == 0, out
            outputs.append(out)
        # A guide as a hub could send it: name, category and expansion hostile.
        guide = str(home / "guide.toml")
        Path(guide).write_text(
            f'[guide]\nname = {json.dumps(abbr)}\nversion = 1\nlocale = "en"\n\n'
            f'[[entry]]\nabbr = "xq"\nexpansion = {json.dumps(expansion)}\n'
            f"category = {json.dumps(queue)}\nnote = {json.dumps(customer)}\n",
            encoding="utf-8",
        )
        code, out = run("guide", "add", "--guide", guide, "zq", expansion, "--category", queue)
        outputs.append(out)
        for args in (
            ("show", call),
            ("report",),
            ("report", "--format", "md"),
            ("report", "--by", "queue"),
            ("report", "--by", "queue", "--format", "md"),
            ("guide", "list", "--guide", guide),
            ("guide", "search", "--guide", guide, "q"),
            ("guide", "lint", "--guide", guide),
            ("guide", "export", "--guide", guide, "--format", "md"),
        ):
            code, out = run(*args)
            outputs.append(out)
        assert any("\\u" in out for out in outputs[3:])  # the guide was read and shown
        for out in outputs:
            assert not ACTING.search(out), repr(out)
