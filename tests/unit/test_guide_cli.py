"""`acw guide …` and `acw expand` through click's CliRunner, on real files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from acw_tui.cli import cli
from acw_tui.core.shorthand import load_guide
from acw_tui.settings.paths import bundled


def run(*args: str, stdin: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def guide(tmp_path: Path, acw_home: Path) -> Path:
    path = tmp_path / "en.toml"
    shutil.copy(bundled("shorthand") / "en.toml", path)
    return path


SMALL = """\
# our team's guide
[guide]
name = "Team guide"
version = 4
locale = "en"

[[entry]]
abbr = "cx"
expansion = "customer"
category = "people"

[[entry]]
abbr = "cb"
expansion = "callback"
category = "actions"
note = "say when"
"""


@pytest.fixture
def small(tmp_path: Path, acw_home: Path) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_every_guide_command_has_help() -> None:
    for command in ("list", "search", "add", "remove", "lint", "import", "export", "bump", "diff"):
        code, out, _ = run("guide", command, "--help")
        assert code == 0 and "--guide" in out
    code, out, _ = run("expand", "--help")
    assert code == 0 and "stdin" in out


def test_list_shows_entries_by_category(guide: Path) -> None:
    code, out, _ = run("guide", "list", "--guide", str(guide))
    assert code == 0
    assert "[people]" in out and "[payment]" in out
    assert "cx           customer" in out


def test_list_one_category(small: Path) -> None:
    _code, out, _ = run("guide", "list", "--guide", str(small), "--category", "actions")
    assert "cb" in out and "cx " not in out


def test_default_guide_follows_the_configured_locale(acw_home: Path) -> None:
    (acw_home / "config.toml").write_text('locale = "pl"\n', encoding="utf-8")
    code, out, _ = run("guide", "list")
    assert code == 0 and "polski" in out


def test_shorthand_section_names_a_guide(acw_home: Path, small: Path) -> None:
    (acw_home / "config.toml").write_text(f'[shorthand]\nguide = "{small}"\n', encoding="utf-8")
    code, out, _ = run("guide", "list")
    assert code == 0 and out.startswith("Team guide · version 4")


def test_search_is_fuzzy_over_abbreviation_and_expansion(guide: Path) -> None:
    code, out, _ = run("guide", "search", "clbk", "--guide", str(guide))
    assert code == 0 and out.splitlines()[0].startswith("cb")
    code, out, _ = run("guide", "search", "password", "--guide", str(guide))
    assert out.splitlines()[0].startswith("pwd")
    code, _, err = run("guide", "search", "qqqqzzz", "--guide", str(guide))
    assert code == 1 and "nothing matches" in err


def test_add_keeps_comments_and_refuses_duplicates_and_bad_abbreviations(small: Path) -> None:
    code, out, _ = run(
        "guide", "add", "nfa", "no further action", "--category", "outcomes", "--guide", str(small)
    )
    assert code == 0 and "added nfa" in out
    text = small.read_text(encoding="utf-8")
    assert text.startswith("# our team's guide")
    assert load_guide(small).lookup("nfa").category == "outcomes"

    code, _, err = run("guide", "add", "cx", "client", "--guide", str(small))
    assert code == 1 and "duplicate abbr 'cx' (first at line 7)" in err
    code, _, err = run("guide", "add", "a.b", "x", "--guide", str(small))
    assert code == 1 and "contains the delimiter '.'" in err and str(small) in err
    assert small.read_text(encoding="utf-8") == text


def test_remove(small: Path) -> None:
    code, _out, _ = run("guide", "remove", "cx", "--guide", str(small))
    assert code == 0
    guide = load_guide(small)
    assert [e.abbr for e in guide.entries] == ["cb"]
    assert guide.problems == ()
    code, _, err = run("guide", "remove", "zz", "--guide", str(small))
    assert code == 1 and "no entry with abbr 'zz'" in err


def test_lint_clean_guide_passes(guide: Path) -> None:
    code, _, err = run("guide", "lint", "--guide", str(guide))
    assert code == 0 and "0 error(s)" in err


def test_lint_fails_on_errors_and_names_file_and_line(small: Path) -> None:
    small.write_text(SMALL + '\n[[entry]]\nabbr = "cx"\nexpansion = "client"\n', encoding="utf-8")
    code, out, _ = run("guide", "lint", "--guide", str(small))
    assert code == 1
    assert f"{small}:18: error: duplicate abbr 'cx' (first at line 7)" in out


def test_lint_warnings_do_not_fail(small: Path) -> None:
    small.write_text(SMALL + '\n[[entry]]\nabbr = "the"\nexpansion = "theatre"\n', encoding="utf-8")
    code, out, _ = run("guide", "lint", "--guide", str(small))
    assert code == 0 and "common en word" in out


def test_lint_malformed_toml_is_one_line(small: Path) -> None:
    small.write_text("[guide\n", encoding="utf-8")
    code, _, err = run("guide", "lint", "--guide", str(small))
    assert code == 1 and err.strip().startswith(f"Error: {small}:1: malformed TOML")
    assert "Traceback" not in err


def test_lint_flags_entries_agents_often_undo(small: Path, desk) -> None:  # type: ignore[no-untyped-def]
    from acw_tui.core.shorthand import EntryUsage
    from acw_tui.store.shorthand_usage import record_usage

    wrapup = desk.call_ended("PBX-1")
    rows = [EntryUsage("cb", "callback", used=5, undone=4)]
    record_usage(desk.store, wrapup.id, "ana", "site-1", 4, rows, desk.clock.now())
    code, out, _ = run("guide", "lint", "--guide", str(small))
    assert code == 0 and "'cb' was undone 4 of 5 times" in out
    code, out, _ = run("guide", "lint", "--guide", str(small), "--no-usage")
    assert "undone" not in out


# -- CSV ---------------------------------------------------------------------------------


def test_csv_round_trip_loses_nothing(guide: Path, tmp_path: Path) -> None:
    tricky = tmp_path / "tricky.toml"
    tricky.write_text(
        SMALL
        + '\n[[entry]]\nabbr = "zż"\nexpansion = "żółw; \\"quoted\\", comma"\ncategory = "pl"\n'
        + 'note = "two\\nlines"\n\n[[entry]]\nabbr = "IVR"\nexpansion = "voice menu"\ncase = "exact"\n'
        + '\n[[entry]]\nabbr = "kh"\nexpansion = "客户"\n',
        encoding="utf-8",
    )
    for source in (guide, tricky):
        for flags in ([], ["--semicolon"], ["--no-bom"]):
            out_csv = tmp_path / "out.csv"
            code, _, _ = run(
                "guide", "export", "csv", "-o", str(out_csv), "--guide", str(source), *flags
            )
            assert code == 0
            target = tmp_path / "imported.toml"
            target.write_text('[guide]\nname = "x"\n', encoding="utf-8")
            code, _out, err = run(
                "guide", "import", str(out_csv), "--replace", "--guide", str(target)
            )
            assert code == 0, err
            before = [
                (e.abbr, e.expansion, e.category, e.note, e.exact)
                for e in load_guide(source).entries
            ]
            after = [
                (e.abbr, e.expansion, e.category, e.note, e.exact)
                for e in load_guide(target).entries
            ]
            assert after == before


def test_csv_export_has_bom_and_header(small: Path) -> None:
    result = CliRunner().invoke(cli, ["guide", "export", "csv", "--guide", str(small)])
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbfabbr,expansion,category,note,case\r\n")


@pytest.mark.parametrize(
    "raw",
    [
        b"abbr,expansion,category\r\nnfa,no further action,outcomes\r\ncx,client,people\r\n",
        "\ufeffabbr;expansion;category\nnfa;no further action;outcomes\ncx;client;people\n".encode(),
    ],
)
def test_import_merges_spreadsheet_csv(small: Path, tmp_path: Path, raw: bytes) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(raw)
    code, _out, err = run("guide", "import", str(sheet), "--guide", str(small))
    assert code == 0, err
    guide = load_guide(small)
    assert [e.abbr for e in guide.entries] == ["cx", "cb", "nfa"]
    assert guide.lookup("cx").expansion == "client"
    assert guide.version == 4 and guide.name == "Team guide"


def test_import_bad_encoding_names_file_and_line(small: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "latin1.csv"
    sheet.write_bytes("abbr,expansion\ncx,customer\nmñn,mañana\n".encode("latin-1"))
    code, _, err = run("guide", "import", str(sheet), "--guide", str(small))
    assert code == 1 and f"{sheet}:3: not UTF-8" in err
    assert load_guide(small).lookup("cx").expansion == "customer"  # nothing written


def test_import_bad_rows_are_refused_with_their_csv_line(small: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "abbr,expansion\nok1,fine\n  ,blank\nnfa,no further action\nnfa,dup\n", encoding="utf-8"
    )
    code, _, err = run("guide", "import", str(sheet), "--guide", str(small))
    assert code == 1
    assert f"{sheet}:3: entry abbr is empty" in err
    sheet.write_text("abbr,colour\ncx,red\n", encoding="utf-8")
    code, _, err = run("guide", "import", str(sheet), "--guide", str(small))
    assert code == 1 and f"{sheet}:1: no 'expansion' column" in err


# -- printable export --------------------------------------------------------------------


def test_markdown_export_groups_by_category(small: Path) -> None:
    code, out, _ = run("guide", "export", "md", "--guide", str(small))
    assert code == 0
    assert out.startswith("# Team guide")
    assert "## People" in out and "| `cx` | customer |  |" in out
    assert "| `cb` | callback | say when |" in out


def test_html_export_is_a_printable_page_with_escaping(small: Path, tmp_path: Path) -> None:
    small.write_text(
        SMALL + '\n[[entry]]\nabbr = "lt"\nexpansion = "<b>less</b> & more"\ncategory = "people"\n',
        encoding="utf-8",
    )
    page = tmp_path / "guide.html"
    code, _, _ = run("guide", "export", "html", "-o", str(page), "--guide", str(small))
    assert code == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "@media print" in html
    assert "<h2>people</h2>" in html and "<h2>actions</h2>" in html
    assert "&lt;b&gt;less&lt;/b&gt; &amp; more" in html
    assert "<b>less" not in html


# -- versions ----------------------------------------------------------------------------


def test_bump_adds_a_changelog_entry_and_diff_shows_the_change(small: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.toml"
    shutil.copy(small, old)
    run("guide", "add", "nfa", "no further action", "--guide", str(small))
    run("guide", "remove", "cb", "--guide", str(small))
    code, out, _ = run("guide", "bump", "-m", "nfa added, cb retired", "--guide", str(small))
    assert code == 0 and "version 4 → 5" in out
    guide = load_guide(small)
    assert guide.version == 5
    assert guide.changelog[-1].text == "nfa added, cb retired"
    assert small.read_text(encoding="utf-8").startswith("# our team's guide")

    code, out, _ = run("guide", "diff", str(old), str(small))
    assert code == 0
    assert "version 4 → 5" in out
    assert "+ nfa → no further action" in out
    assert "- cb → callback" in out
    assert "changelog 5" in out


def test_diff_reports_changed_entries(small: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.toml"
    new.write_text(SMALL.replace('"callback"', '"call back"'), encoding="utf-8")
    _code, out, _ = run("guide", "diff", str(small), "--guide", str(new))
    assert "~ cb: expansion 'callback' → 'call back'" in out


def test_bump_needs_a_message(small: Path) -> None:
    code, _, err = run("guide", "bump", "-m", "  ", "--guide", str(small))
    assert code != 0 and "say what changed" in err


# -- expand ------------------------------------------------------------------------------


def test_expand_filters_stdin_to_stdout(small: Path) -> None:
    code, out, _ = run("expand", "--guide", str(small), stdin="Cx wants a cb.\nxcx cx@acme.com cx")
    assert code == 0
    assert out == "Customer wants a callback.\nxcx cx@acme.com cx"


def test_expand_reads_a_file(small: Path, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("CX cb!\n", encoding="utf-8")
    _code, out, _ = run("expand", str(note), "--guide", str(small))
    assert out == "CUSTOMER callback!\n"


def test_expand_with_a_broken_guide_is_one_line(tmp_path: Path, acw_home: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entry]]\nabbr = \n", encoding="utf-8")
    code, _, err = run("expand", "--guide", str(bad), stdin="cx ")
    assert code == 1 and f"{bad}:2: malformed TOML" in err


def test_expand_refuses_non_utf8_input(small: Path) -> None:
    code, _, err = run("expand", "--guide", str(small), stdin=b"caf\xe9 cx ")
    assert code == 1 and "stdin:1: not UTF-8" in err


def test_card_data_never_enters_a_guide(small: Path, tmp_path: Path) -> None:
    """A guide goes to every agent and is published to every site: an entry whose
    expansion or note holds a card number or an id is refused by add and import (the
    file untouched) and is an error for lint, in a file edited by hand."""
    text = small.read_text(encoding="utf-8")
    card = "4111 1111 1111 1111"
    code, _, err = run("guide", "add", "pc", f"paid with {card}", "--guide", str(small))
    assert code == 1 and f"{small}:20: error: holds card data or an id" in err
    assert card not in err and 'expansion = "paid with [CARD ****1111]"' in err
    rows = tmp_path / "rows.csv"
    rows.write_text(f'abbr,expansion,note\nab,about,\npp,paid,"e.g. {card}"\n', encoding="utf-8")
    code, _, err = run("guide", "import", str(rows), "--guide", str(small))
    assert code == 1 and f"{rows}:3: holds card data or an id" in err and card not in err
    assert small.read_text(encoding="utf-8") == text

    small.write_text(text + f'\n[[entry]]\nabbr = "pc"\nexpansion = "paid with {card}"\n')
    code, out, err = run("guide", "lint", "--guide", str(small))
    assert code == 1 and "error: holds card data" in out + err


def test_a_guide_or_templates_holding_card_data_are_not_published(small: Path) -> None:
    """The checks publishing runs, at the site and again at the hub (sync/content.py)."""
    from acw_tui.sync.content import lint_errors
    from tests.unit.templates_helpers import CODES, SIMPLE

    text = small.read_text(encoding="utf-8")
    text += '\n[[entry]]\nabbr = "pc"\nexpansion = "paid with 4111 1111 1111 1111"\n'
    (error,) = lint_errors("shorthand", {"en.toml": text})
    assert "en.toml:20: error: holds card data or an id" in error
    paid = SIMPLE.replace("Budget: {{ budget }}", "Budget: {{ budget }} PESEL 44051401359")
    (error,) = lint_errors("templates", {"simple.en.j2": paid, "codes.toml": CODES})
    assert "holds card data or an id" in error and "44051401359" not in error


@pytest.mark.parametrize(
    "args",
    [
        ("add", "zz", "sleepy"),
        ("remove", "cx"),
        ("bump", "-m", "more"),
        ("import", "{csv}"),
    ],
)
def test_an_edit_never_goes_into_the_copy_the_hub_replaces(
    acw_home: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    # No guide of the lead's own: the one in force is the hub's latest release, which
    # the next release replaces. An edit there would be gone without a word.
    from acw_tui.settings.paths import hub_copy

    received = hub_copy("shorthand") / "en.toml"
    received.parent.mkdir(parents=True)
    received.write_text(SMALL, encoding="utf-8")
    sheet = tmp_path / "more.csv"
    sheet.write_text("abbr,expansion\nzz,sleepy\n", encoding="utf-8")
    args = tuple(a.format(csv=sheet) for a in args)
    code, out, err = run("guide", *args)
    assert code != 0 and not out
    assert received.read_text(encoding="utf-8") == SMALL
    line = err.strip()
    assert "\n" not in line and str(received) in line and "--guide" in line
    # Named, the same file is the lead's to edit.
    code, _, err = run("guide", args[0], "--guide", str(received), *args[1:])
    assert code == 0, err


def test_an_edit_never_goes_into_the_guide_an_upgrade_replaces(
    acw_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed acw carries its guides inside the package.
    from acw_tui.settings import paths

    package = tmp_path / "site-packages" / "acw_tui"
    shipped = package / "_data" / "shorthand" / "en.toml"
    shipped.parent.mkdir(parents=True)
    shipped.write_text(SMALL, encoding="utf-8")
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    assert run("guide", "list")[0] == 0
    code, out, err = run("guide", "add", "zz", "sleepy")
    assert code != 0 and not out and "upgrade" in err and str(shipped) in err
    assert shipped.read_text(encoding="utf-8") == SMALL
    # A guide of the lead's own, named in config.toml, is edited as before.
    own = tmp_path / "own.toml"
    own.write_text(SMALL, encoding="utf-8")
    (acw_home / "config.toml").write_text(f'[shorthand]\nguide = "{own}"\n', encoding="utf-8")
    assert run("guide", "add", "zz", "sleepy")[0] == 0
    assert "sleepy" in own.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [["expand"], ["guide", "effort"]])
def test_a_file_that_cannot_be_read_says_why_in_acws_words(
    small: Path, tmp_path: Path, command: list[str]
) -> None:
    """The reason is acw's own phrase (translated where shown), not the system's text."""
    missing = tmp_path / "nowhere.txt"
    code, _, err = run(*command, str(missing), "--guide", str(small))
    assert code == 1
    [line] = err.strip().splitlines()
    assert f"{missing}: cannot read: no such file or folder" in line, line
    code, _, err = run("--lang", "pl", *command, str(missing), "--guide", str(small))
    assert "No such file or directory" not in err and "no such file or folder" not in err, err
