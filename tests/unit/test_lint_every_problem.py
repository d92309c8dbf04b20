"""One lint run reports every problem of codes.toml and quality.toml, each at its line,
and a broken entry hides nothing else: the sound entries are still checked, and what
names them (a template naming a code) is not reported as unknown."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.core.quality import load_rules
from acw_tui.core.quality.lint import lint_with_library
from acw_tui.core.templates import load_library
from acw_tui.core.templates.lint import lint_library
from tests.unit.templates_helpers import SHIPPED, SIMPLE, write_folder

BROKEN_CODES = """
[[codes]]
code = "sale"
label = "dup"
template = "nope"
requires = ["ghost_field"]

[[codes]]
code = "x1"
label = "X1"
use = "sometimes"
forbids = "follow_up_at"
category = "nocat"
"""


def _shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "T"
    shutil.copytree(SHIPPED, folder)
    return folder


def test_a_broken_code_hides_neither_the_sound_codes_nor_its_own_problems(
    tmp_path: Path,
) -> None:
    folder = _shipped_copy(tmp_path)
    codes = folder / "codes.toml"
    before = len(codes.read_text(encoding="utf-8").splitlines())
    codes.write_text(codes.read_text(encoding="utf-8") + BROKEN_CODES, encoding="utf-8")
    problems = lint_library(load_library(folder))
    assert not [p for p in problems if "not in codes.toml" in p.message]
    found = {(p.line, p.message) for p in problems if p.path == str(codes)}
    at = before + 1  # BROKEN_CODES starts with a blank line
    expected = [
        (at + 2, "code 'sale' is listed twice"),
        (at + 4, "unknown template `nope`"),
        (at + 5, "requires field `ghost_field`"),
        (at + 10, "`use` must be any, primary or secondary"),
        (at + 11, "`forbids` must be a list of text"),
        (at + 12, "unknown category `nocat`"),
    ]
    for line, words in expected:
        assert any(n == line and words in m for n, m in found), (line, words, sorted(found))


def test_one_rules_lint_run_reports_every_problem_of_a_rule(tmp_path: Path) -> None:
    folder = _shipped_copy(tmp_path)
    rules = folder / "quality.toml"
    before = len(rules.read_text(encoding="utf-8").splitlines())
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + '\n[[rules]]\nid = "reason"\nelement = "reason"\nweight = -3\n'
        + 'when = { bogus = 1, codes = ["nope"] }\n',
        encoding="utf-8",
    )
    found = lint_with_library(load_rules(folder), load_library(folder))
    at = before + 2  # the [[rules]] line
    expected = [
        (at, "listed twice"),
        (at + 3, "`weight` must be"),
        (at + 4, "when.bogus: unknown condition"),
        (at + 4, "unknown code `nope`"),
    ]
    for line, words in expected:
        assert any(p.line == line and words in p.message for p in found), (
            line,
            words,
            [str(p) for p in found],
        )


# -- generated files: every injected mistake is reported, at its line ----------------


@dataclass(frozen=True)
class Fault:
    """One mistake written into an entry: its TOML line and what lint must say."""

    line: str
    says: str


CODE_FAULTS = [
    Fault('use = "sometimes"', "`use` must be any, primary or secondary"),
    Fault('forbids = "follow_up_at"', "`forbids` must be a list of text"),
    Fault('category = "nocat"', "unknown category `nocat`"),
    Fault('follow_up = "yes"', "`follow_up` must be true or false"),
    Fault("colour = 1", "unknown key `colour`"),
    Fault("label = 3", "`label` must be text"),
    Fault("sets = { x = 1.5 }", "`sets.x` must be"),
    Fault('template = "nope"', "unknown template `nope`"),
    Fault('requires = ["ghost"]', "requires field `ghost`"),
]


def _codes_file(entries: list[list[Fault]]) -> tuple[str, list[tuple[int, str]]]:
    lines: list[str] = []
    expected: list[tuple[int, str]] = []
    for number, faults in enumerate(entries):
        lines += ["[[codes]]", f'code = "c{number}"']
        for fault in faults:
            lines.append(fault.line)
            expected.append((len(lines), fault.says))
        lines.append("")
    return "\n".join(lines) + "\n", expected


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(st.sampled_from(CODE_FAULTS), unique=True, max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_every_mistake_of_a_generated_codes_file_is_reported_at_its_line(
    tmp_path: Path, entries: list[list[Fault]]
) -> None:
    codes, expected = _codes_file(entries)
    template = SIMPLE.replace(
        'codes = ["resolved"]', f"codes = {[f'c{n}' for n in range(len(entries))]!r}"
    )
    folder = write_folder(tmp_path, {"simple.en.j2": template, "codes.toml": codes})
    problems = lint_library(load_library(folder), locales=("en",))
    assert not [p for p in problems if "not in codes.toml" in p.message]
    for line, says in expected:
        assert any(p.line == line and says in p.message for p in problems), (
            line,
            says,
            codes,
            [str(p) for p in problems],
        )


RULE_FAULTS = [
    Fault("weight = -1", "`weight` must be"),
    Fault('kind = "maybe"', "`kind` must be present or absent"),
    Fault('critical = "yes"', "`critical` must be true or false"),
    Fault("colour = 1", "unknown key `colour`"),
    Fault("when = { bogus = 1 }", "when.bogus: unknown condition"),
    Fault('when = { codes = ["nope"] }', "unknown code `nope`"),
    Fault("message = 3", "message must be text"),
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.lists(
                st.sampled_from(RULE_FAULTS), unique_by=lambda f: f.line.split()[0], max_size=4
            ),
            st.booleans(),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_every_mistake_of_a_generated_rules_file_is_reported_at_its_line(
    tmp_path: Path, entries: list[tuple[list[Fault], bool]]
) -> None:
    lines = ["[elements.a]", 'fields = ["reason"]', ""]
    expected: list[tuple[int, str]] = []
    for number, (faults, twice) in enumerate(entries):
        lines += ["[[rules]]", f'id = "{"r0" if twice else f"r{number}"}"', 'element = "a"']
        if twice and number:
            expected.append((len(lines) - 2, "listed twice"))
        for fault in faults:
            lines.append(fault.line)
            expected.append((len(lines), fault.says))
        lines.append("")
    folder = write_folder(
        tmp_path, {"simple.en.j2": SIMPLE, "quality.toml": "\n".join(lines) + "\n"}
    )
    (folder / "codes.toml").write_text('[[codes]]\ncode = "resolved"\n', encoding="utf-8")
    found = lint_with_library(load_rules(folder), load_library(folder))
    for line, says in expected:
        assert any(p.line == line and says in p.message for p in found), (
            line,
            says,
            "\n".join(lines),
            [str(p) for p in found],
        )
