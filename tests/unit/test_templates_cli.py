"""`acw templates list|lint|render`: output, exit codes, one clear line per error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from tests.unit.templates_helpers import CODES, SIMPLE, write_folder


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_every_templates_command_has_help(acw_home: Path) -> None:
    for command in ("list", "lint", "render"):
        code, out, _ = run("templates", command, "--help")
        assert code == 0 and "--templates" in out


def test_list_shows_templates_and_codes(acw_home: Path) -> None:
    code, out, _ = run("templates", "list")
    assert code == 0
    assert "sales-lead" in out and "en,es,pl,zh" in out
    assert "6 templates, 16 codes" in out
    code, out, _ = run("templates", "list", "--codes")
    assert code == 0
    assert "callback" in out and "requires follow_up_at, follow_up_owner" in out


def test_lint_of_the_shipped_templates_passes(acw_home: Path) -> None:
    code, out, err = run("templates", "lint")
    assert code == 0, out
    assert out == ""
    assert "24 template files, 16 codes: 0 error(s), 0 warning(s)" in err


def test_lint_exit_code_says_whether_anything_is_wrong(acw_home: Path, tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES})
    assert run("templates", "lint", "--templates", str(folder))[0] == 0
    # A warning only (no pl/es/zh versions): passes unless --strict.
    code, out, _ = run("templates", "lint", "--templates", str(folder), "--strict")
    assert code == 1 and "has no pl, es, zh version" in out
    (folder / "simple.en.j2").write_text(SIMPLE.replace("{{ budget }}", "{{ budgte }}"), "utf-8")
    code, out, _ = run("templates", "lint", "--templates", str(folder))
    assert code == 1
    assert f"{folder / 'simple.en.j2'}:19: error: `budgte` is used but no field declares it" in out


def test_render_prints_the_note(acw_home: Path) -> None:
    data = json.dumps({"product": "Fibre", "budget": "1 200,50", "heard_from": "web search"})
    code, out, err = run(
        "templates", "render", "sales-lead", "--data", data, "--notes", "send price list"
    )
    assert (code, err) == (0, "")
    assert out == (
        "Product of interest: Fibre\nBudget: 1200.5\nHow they heard of us: Web search\n"
        "Interest: Warm\n\nsend price list\n"
    )


def test_render_in_another_language_from_a_file_and_stdin(acw_home: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    # Saved by a Windows editor: with a byte-order mark, as stdin may have one too.
    data.write_text('\ufeff{"change": "Adres", "id_verified": true}', encoding="utf-8")
    code, out, _ = run("templates", "render", "account-kyc", "--locale", "pl", "--data", f"@{data}")
    assert code == 0 and out == "Co zmieniono: Adres\nTożsamość zweryfikowana: tak\n"
    code, out, _ = run(
        "templates", "render", "account-kyc", "--locale", "zh", "--data", "-",
        stdin='{"change": "地址", "id_verified": "是"}',
    )  # fmt: skip
    assert code == 0 and out.startswith("变更内容: 地址\n")


def test_render_with_a_code_requires_its_fields(acw_home: Path) -> None:
    data = json.dumps(
        {"reason": "refund", "outcome": "Pending", "follow_up_at": "2026-05-04 10:00"}
    )
    code, out, err = run(
        "templates", "render", "general-inquiry", "--code", "callback", "--data", data
    )
    assert code == 1
    assert "Follow-up due: 2026-05-04 10:00" in out
    assert "general-inquiry: Follow-up owner: required" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("render", "nope"), "no template 'nope' (known: account-kyc"),
        (("render", "sales-lead", "--data", "{oops"), "--data: not JSON: Expecting property name"),
        (("render", "sales-lead", "--data", "[1]"), "expected a JSON object"),
        (("render", "sales-lead", "--data", '{"colour": 1}'), "sales-lead has no field 'colour'"),
        (("render", "sales-lead", "--data", "@/no/such.json"), "/no/such.json: cannot read"),
        (("render", "sales-lead", "--code", "nope"), "unknown code 'nope'"),
        (("list", "--templates", "/no/such/dir"), "/no/such/dir: no such templates folder"),
    ],
)
def test_errors_are_one_clear_line(acw_home: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = run("templates", *args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_a_bad_value_is_reported_after_the_note(acw_home: Path) -> None:
    code, out, err = run("templates", "render", "sales-lead", "--data", '{"budget": "lots"}')
    assert code == 1
    assert out == "Budget: lots\nInterest: Warm\n"
    assert "sales-lead: Budget: 'lots' is not a number" in err
    assert "sales-lead: Product of interest: required" in err


def test_the_configured_folder_is_used(acw_home: Path, tmp_path: Path) -> None:
    folder = write_folder(tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES})
    (acw_home / "config.toml").write_text(f'[templates]\nfolder = "{folder}"\n', "utf-8")
    code, out, _ = run("templates", "list")
    assert code == 0 and out.startswith("simple ")
    (acw_home / "config.toml").write_text("[templates]\nfolder = 3\n", "utf-8")
    code, _, err = run("templates", "list")
    assert code == 1 and "templates.folder: expected text" in err
