"""Every TOML file a person writes (config, guide, templates, codes, quality rules) is
read by one parser: a file nested too deeply is a mistake named with its file and line,
never a traceback, and a byte-order mark (as Windows editors write) is not a mistake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from acw_tui.core.quality.loader import load_rules, parse_rules
from acw_tui.core.shorthand.loader import load_guide, load_guide_leniently
from acw_tui.core.shorthand.model import ShorthandError
from acw_tui.core.templates.loader import load_library, parse_codes
from acw_tui.core.templates.model import TemplateError
from acw_tui.settings.config import ConfigError, load_config

DEEP = "x = 1\nnested = " + "[" * 1000 + "]" * 1000 + "\n"
BOM = "\ufeff"


def test_a_config_nested_too_deeply_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(DEEP)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}:2: malformed TOML: ")
    assert "nested" in str(refused.value) and "(column " in str(refused.value)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [("foo = [", 1, 8), ('agent_id = "ana"\nfoo = ', 2, 7), ("a = 1\n[b\n", 2, 3)],
)
def test_malformed_toml_is_named_with_its_line_and_column_in_every_file(
    tmp_path: Path, text: str, line: int, column: int
) -> None:
    # tomli names no line for a mistake "at end of document"; every reader does.
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert str(refused.value).startswith(f"{path}:{line}: malformed TOML: ")
    assert str(refused.value).endswith(f"(column {column})")
    with pytest.raises(TemplateError) as refused_codes:
        parse_codes(text, tmp_path / "codes.toml")
    assert str(refused_codes.value).startswith(f"{tmp_path / 'codes.toml'}:{line}: malformed TOML")
    assert f"(column {column})" in str(refused_codes.value)
    [problem] = parse_rules(text, "quality.toml").problems
    assert problem.line == line and f"(column {column})" in problem.message
    with pytest.raises(ShorthandError) as refused_guide:
        load_guide(_written(tmp_path / "en.toml", text))
    assert str(refused_guide.value).startswith(f"{tmp_path / 'en.toml'}:{line}: malformed TOML")
    assert f"(column {column})" in str(refused_guide.value)


def _written(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_a_config_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(BOM + 'agent_id = "ana"\n', encoding="utf-8")
    assert load_config(path).agent_id == "ana"


def test_a_guide_nested_too_deeply_is_a_problem_of_the_guide(tmp_path: Path) -> None:
    path = tmp_path / "en.toml"
    path.write_text('[guide]\nname = "S"\n' + DEEP)
    with pytest.raises(ShorthandError) as refused:
        load_guide(path)
    assert str(refused.value).startswith(f"{path}:4: malformed TOML: ")
    assert load_guide_leniently(path).problems  # the agent's screen works on without it


def test_codes_nested_too_deeply_are_named(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as refused:
        parse_codes(DEEP, tmp_path / "codes.toml")
    assert "malformed TOML" in str(refused.value) and "codes.toml:2" in str(refused.value)


def test_quality_rules_nested_too_deeply_are_a_problem_not_a_crash() -> None:
    rules = parse_rules(DEEP, "quality.toml")
    assert [p.line for p in rules.problems] == [2]


def test_rules_codes_and_templates_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[2] / "templates"
    for name in ("quality.toml", "codes.toml", "general-inquiry.en.j2"):
        text = (shipped / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(BOM + text, encoding="utf-8")
    rules = load_rules(tmp_path)
    assert rules.rules and not rules.problems
    library = load_library(tmp_path)
    assert library.codes and [t.id for t in library.templates] == ["general-inquiry"]
    assert not library.problems


def test_the_command_line_names_a_config_nested_too_deeply(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(DEEP)
    done = subprocess.run(
        [sys.executable, "-m", "acw_tui", "call-ended", "--call-id", "A"],
        env={"ACW_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "config.toml:2: malformed TOML" in done.stderr
