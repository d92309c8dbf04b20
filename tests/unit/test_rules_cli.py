"""`acw rules lint|check`: file and line of every problem, exit codes, verdicts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from acw_tui.cli import cli
from tests.unit.templates_helpers import CODES, SIMPLE, write_folder


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_the_shipped_rules_lint_clean(acw_home: Path) -> None:
    code, out, err = run("rules", "lint")
    assert code == 0 and out == ""
    assert "7 elements, 6 rules: 0 error(s), 0 warning(s)" in err


def test_lint_names_file_and_line_and_exits_non_zero(acw_home: Path, tmp_path: Path) -> None:
    rules = '[elements.a]\nfields = ["x"]\n[[rules]]\nid = "r"\nelement = "b"\n'
    folder = write_folder(
        tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES, "quality.toml": rules}
    )
    code, out, _ = run("rules", "lint", "--templates", str(folder))
    assert code == 1
    assert f"{folder / 'quality.toml'}:5: error: rule 'r': unknown element `b`" in out


def test_lint_of_a_file_that_is_not_toml(acw_home: Path, tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES, "quality.toml": "[[rules\n"}
    )
    code, out, _ = run("rules", "lint", "--templates", str(folder))
    assert code == 1 and f"{folder / 'quality.toml'}:1: error: malformed TOML" in out


def test_strict_lint_fails_on_warnings(acw_home: Path, tmp_path: Path) -> None:
    rules = '[elements.a]\nfields = ["nobody"]\n[[rules]]\nid = "r"\nelement = "a"\n'
    folder = write_folder(
        tmp_path, {"simple.en.j2": SIMPLE, "codes.toml": CODES, "quality.toml": rules}
    )
    assert run("rules", "lint", "--templates", str(folder))[0] == 0
    code, out, _ = run("rules", "lint", "--strict", "--templates", str(folder))
    assert code == 1 and "warning: element 'a': no template or code declares field `nobody`" in out


def test_check_prints_each_verdict_with_its_rule(acw_home: Path) -> None:
    note = "Klient dzwonił w sprawie faktury. Sprawdziłem. Rozwiązane."
    code, out, _ = run("rules", "check", "--lang", "pl", "--code", "account-update", stdin=note)
    assert code == 0
    assert "CRIT identity-on-account-change" in out
    assert "score 100/100; critical item missing" in out
    code, out, _ = run("rules", "check", "--json", "--lang", "pl", stdin=note)
    data = json.loads(out)
    assert data["score"] == 100 and not data["critical_failed"]
    assert {v["rule"] for v in data["verdicts"]} == {
        "reason",
        "steps-taken",
        "outcome",
        "no-insults",
    }


def test_show_prints_the_stored_verdict(acw_home: Path) -> None:
    from acw_tui.service.desk import Desk, FinishRequest
    from acw_tui.settings.config import load_config
    from acw_tui.store import open_store

    desk = Desk(open_store(acw_home / "acw.db"), load_config())
    desk.finish(
        desk.call_ended("PBX-9"), FinishRequest(note="Address changed.", codes=("account-update",))
    )
    desk.close()
    code, out, _ = run("show", "PBX-9")
    assert code == 0
    # "changed" is a step taken; no reason, no outcome: 25 of 75 weighted points.
    assert (
        "quality   33.3/100  CRITICAL  failed: reason, outcome, identity-on-account-change" in out
    )


def test_check_against_broken_rules_says_so_and_exits_non_zero(
    acw_home: Path, tmp_path: Path
) -> None:
    # A score from the rules that still load would pass for the team's verdict.
    folder = write_folder(
        tmp_path,
        {"simple.en.j2": SIMPLE, "codes.toml": CODES, "quality.toml": '[quality]\nversion = "x"\n'},
    )
    for extra in ((), ("--json",)):
        code, out, err = run("rules", "check", "--templates", str(folder), *extra, stdin="note")
        assert code == 1 and out == ""
        assert "quality.toml:2: error: quality.version must be a whole number" in err
        assert "acw rules lint" in err and len(err.strip().splitlines()) == 1
