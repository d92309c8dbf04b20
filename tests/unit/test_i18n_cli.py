"""Every subcommand of `acw` in Polish, Spanish and Chinese: its help has no English word
of the catalog left (option names and command names are typed as they are), fits 80
columns in terminal cells, and its output and error lines are translated, the core's
errors and lint findings included."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result

from acw_tui.cli import cells, cli
from acw_tui.i18n import BABEL_LOCALES, LOCALE_DIR, catalog_path, language_of

LANGUAGES = ("pl", "es", "zh")
WORD = re.compile(r"[A-Za-z]{3,}")
# What is typed as it is in every language: options (--guide), commands (`acw guide
# lint`), fill-ins and JSON ({today}), choices ([csv|md|html]), config keys, environment
# variables, file names and addresses.
TYPED = re.compile(
    r"--?[\w-]+|`[^`]*`|\{[^{}]*\}|\[[\w|.]+\]|\b[A-Z][A-Z0-9_]*_[A-Z0-9_]+\b|\b\w+\.(?:toml|md|db)\b"
    r"|\w+://\S*|@\S+|(?:/[\w.-]+)+"
)
PROPER_NAMES = {
    "acw",
    # Phone systems, libraries and formats named in the help.
    "asterisk",
    "freeswitch",
    "twilio",
    "taskrouter",
    "fastapi",
    "uvicorn",
    "excel",
    "csv",
    "json",
    "html",
    "bom",
    "utf",
    "url",
    "cti",
    "nul",
    "postgresql",
    "sqlite",
    "iso",
}


def command_paths(
    command: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every command's words after `acw` (`()` for acw itself, `("guide", "lint")`)."""
    yield path
    if isinstance(command, click.Group):
        ctx = click.Context(command, info_name=path[-1] if path else "acw")
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                yield from command_paths(sub, (*path, name))


PATHS = list(command_paths())


def typed_names() -> set[str]:
    """Words of command and option names (`call-started`, `--usage/--no-usage`: a flag's
    default is shown by its name) and of the values an option takes (`--format table`)."""
    names = {name for path in PATHS for name in path}
    for path in PATHS:
        command: click.Command | None = cli
        ctx = click.Context(cli, info_name="acw")
        for name in path:
            assert isinstance(command, click.Group)
            command = command.get_command(ctx, name)
        assert command is not None
        for param in command.params:
            names |= {o.lstrip("-") for o in (*param.opts, *param.secondary_opts)}
            if isinstance(param.type, click.Choice):
                names |= {str(choice) for choice in param.type.choices}
    return {part for name in names for part in re.split(r"[-_]", name)}


COMMAND_NAMES = typed_names()


@cache
def english_words() -> frozenset[str]:
    """Words of the English catalog (placeholders left out)."""
    with (LOCALE_DIR / "acw.pot").open("rb") as handle:
        template = read_po(handle)
    words: set[str] = set()
    for message in template:
        for text in [message.id] if isinstance(message.id, str) else list(message.id):
            words |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", "", text))}
    return frozenset(words)


@cache
def own_words(language: str) -> frozenset[str]:
    """Latin words the language's catalog keeps (Polish keeps "problem", Spanish "error")."""
    catalog_language = language_of(language) or language
    with catalog_path(catalog_language).open("rb") as handle:
        catalog = read_po(handle, locale=BABEL_LOCALES[catalog_language])
    words: set[str] = set()
    for message in catalog:
        strings = [message.string] if isinstance(message.string, str) else message.string
        for text in strings:
            words |= {w.lower() for w in WORD.findall(re.sub(r"\{[^}]*\}", "", text or ""))}
    return frozenset(words)


def english_in(text: str, language: str) -> set[str]:
    shown = {w.lower() for w in WORD.findall(TYPED.sub(" ", text))}
    return (shown & english_words()) - own_words(language) - PROPER_NAMES - COMMAND_NAMES


def acw(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, terminal_width=80)


def one_error_line(result: Result) -> str:
    assert result.exit_code != 0, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- help ------------------------------------------------------------------------------


def test_every_command_is_walked() -> None:
    assert ("guide", "lint") in PATHS and ("hub", "token", "rotate") in PATHS
    assert ("sync", "quarantine", "retry") in PATHS and ("db", "scrub") in PATHS
    assert len(PATHS) > 40


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_subcommands_help_is_in_the_language_and_fits_80_columns(
    acw_home: Path, language: str
) -> None:
    english: dict[str, set[str]] = {}
    too_wide: dict[str, list[str]] = {}
    for path in PATHS:
        result = acw("--lang", language, *path, "--help")
        assert result.exit_code == 0, (path, result.output)
        shown = " ".join(("acw", *path))
        if found := english_in(result.output, language):
            english[shown] = found
        if wide := [line for line in result.output.splitlines() if cells(line) > 80]:
            too_wide[shown] = wide
    assert english == {}
    assert too_wide == {}


@pytest.mark.parametrize(
    ("language", "usage", "value", "paragraph", "option_help"),
    [
        ("pl", "[OPCJE]", "--guide ŚCIEŻKA", "Plik przewodnika", "Najwyżej tyle."),
        ("es", "[OPCIONES]", "--guide RUTA", "Archivo de la guía", "Como máximo, estos."),
        ("zh", "[选项]", "--guide 路径", "最佳匹配在前", "最多这么多条。"),
    ],
)
def test_a_subcommands_help_translates_usage_values_help_and_defaults(
    acw_home: Path, language: str, usage: str, value: str, paragraph: str, option_help: str
) -> None:
    out = acw("--lang", language, "guide", "search", "--help").output
    for expected in (usage, value, paragraph, option_help):
        assert expected in out, out
    assert "[default: 20]" not in out  # click's words come from the catalog too
    assert "QUERY" not in out and "PATH" not in out


def test_chinese_help_columns_line_up_in_cells(acw_home: Path) -> None:
    out = acw("--lang", "zh", "listen", "--help").output
    rows = [line for line in out.splitlines() if line.startswith("  --")]
    # The help column starts at the same cell on every option's first line.
    starts = set()
    for row in rows:
        found = re.match(r"  \S+(?: \S+)?\s+(.*)", row)
        assert found is not None, row
        starts.add(cells(row) - cells(found.group(1)))
    assert len(starts) == 1, rows


def test_english_help_is_unchanged_by_the_catalog(acw_home: Path) -> None:
    assert "Pokaż tę pomoc" in acw("--lang", "pl", "guide", "search", "--help").output
    out = acw("guide", "search", "--help").output  # in the same process, after Polish
    assert "Show this message and exit." in out
    assert "Usage: acw guide search [OPTIONS] QUERY" in out
    assert "--guide PATH" in out and "[default: 20]" in out
    # ... and the check above finds English where there is some.
    assert {"fuzzy", "expansions", "abbreviations", "configured"} <= english_in(out, "pl")


# -- output and error lines --------------------------------------------------------------


GUIDE = """\
[guide]
name = "Team"
version = 3
colour = "blue"

[[entry]]
abbr = "cx"
expansion = "customer"

[[entry]]
abbr = "cx"
expansion = "client"
"""


@pytest.fixture
def guide(tmp_path: Path) -> Path:
    path = tmp_path / "team.toml"
    path.write_text(GUIDE, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("language", "heading", "duplicate", "unknown_key", "totals"),
    [
        ("pl", "Team · wersja 3 · 1 wpis", "powtórzony skrót 'cx'", "nieznany klucz", "1 błąd"),
        (
            "es",
            "Team · versión 3 · 1 entrada",
            "abreviatura 'cx' repetida",
            "clave desconocida",
            "1 error",
        ),
        ("zh", "Team · 版本 3 · 1 个条目", "重复的缩写 'cx'", "未知的键", "1 个错误"),
    ],
)
def test_guide_output_and_lint_findings_in_each_language(
    acw_home: Path,
    guide: Path,
    language: str,
    heading: str,
    duplicate: str,
    unknown_key: str,
    totals: str,
) -> None:
    listed = acw("--lang", language, "guide", "list", "--guide", str(guide))
    assert listed.stdout.splitlines()[0] == heading
    linted = acw("--lang", language, "guide", "lint", "--no-usage", "--guide", str(guide))
    assert linted.exit_code == 1
    lines = linted.stdout.splitlines()
    assert any(duplicate in line and f"{guide}:10:" in line for line in lines), lines
    assert any(unknown_key in line and f"{guide}:4:" in line for line in lines), lines
    assert totals in linted.stderr
    assert not english_in(linted.stdout + linted.stderr, language)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Błąd: acw guide search: --limit: 'many' to nie liczba całkowita (zobacz"),
        ("es", "Error: acw guide search: --limit: 'many' no es un número entero (consulta"),
        ("zh", "错误：acw guide search：--limit：'many' 不是整数（参见"),
    ],
)
def test_a_subcommands_bad_option_is_one_translated_line(
    acw_home: Path, language: str, expected: str
) -> None:
    line = one_error_line(acw("--lang", language, "guide", "search", "--limit", "many", "x"))
    assert line.startswith(expected), line


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Błąd: acw call-ended: --talk-seconds: 'inf' to nie skończona liczba"),
        ("es", "Error: acw call-ended: --talk-seconds: 'inf' no es un número finito"),
        ("zh", "错误：acw call-ended：--talk-seconds：'inf' 不是有限数"),
    ],
)
def test_a_core_input_error_reaches_the_hook_translated(
    acw_home: Path, language: str, expected: str
) -> None:
    result = acw("--lang", language, "call-ended", "--call-id", "c1", "--talk-seconds", "inf")
    assert expected in one_error_line(result)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", ("oczekiwano liczby i jednostki", "zakres jest pusty (wiek równy zeru)")),
        ("es", ("se esperaba un número y una unidad", "el intervalo está vacío")),
        ("zh", ("应为数字加单位", "范围为空（时长为零）")),
    ],
)
def test_a_reports_range_error_is_translated(
    acw_home: Path, language: str, expected: tuple[str, str]
) -> None:
    # The report wraps the core's input error in its own: the template must go along.
    for since, words in zip(("a week", "0d"), expected, strict=True):
        line = one_error_line(acw("--lang", language, "report", "--since", since))
        assert words in line, line


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "nie ma takiego pliku przewodnika"),
        ("es", "no existe ese archivo de guía"),
        ("zh", "没有这个指南文件"),
    ],
)
def test_a_core_error_raised_while_loading_is_translated(
    acw_home: Path, tmp_path: Path, language: str, expected: str
) -> None:
    missing = tmp_path / "nowhere.toml"
    line = one_error_line(acw("--lang", language, "guide", "list", "--guide", str(missing)))
    assert f"{missing}: {expected}" in line or f"{missing}：{expected}" in line


@pytest.mark.parametrize(
    ("language", "expected"),
    [("pl", "to nie JSON"), ("es", "no es JSON"), ("zh", "不是 JSON")],
)
def test_a_commands_own_error_is_translated(acw_home: Path, language: str, expected: str) -> None:
    result = acw("--lang", language, "templates", "render", "x", "--data", "{nope")
    assert expected in one_error_line(result)


@pytest.mark.parametrize(
    ("language", "word"),
    [("pl", "znalezisk"), ("es", "hallazgos"), ("zh", "处发现")],
)
def test_redact_explain_speaks_the_language(acw_home: Path, language: str, word: str) -> None:
    note = "card 4111 1111 1111 1111 and 4012 8888 8888 1881, 5555 5555 5555 4444\n"
    out = acw("--lang", language, "redact", "--explain", stdin=note).stdout
    assert word in out.splitlines()[0]
    assert "4111" not in out


def test_db_check_says_ok_in_polish(acw_home: Path) -> None:
    assert acw("db", "migrate").exit_code == 0
    out = acw("--lang", "pl", "db", "check").stdout
    assert ": OK (schemat w wersji " in out


@pytest.mark.parametrize(
    ("language", "fence", "kind", "totals"),
    [
        (
            "pl",
            "nagłówek (front matter) nie ma zamykającego wiersza `+++`",
            "`kind` musi być present lub absent",
            "1 błąd",
        ),
        (
            "es",
            "la cabecera (front matter) no tiene la línea `+++` de cierre",
            "`kind` debe ser present o absent",
            "1 error",
        ),
        (
            "zh",
            "前置信息（front matter）缺少结尾的 `+++` 行",
            "`kind` 必须为 present 或 absent",
            "1 个错误",
        ),
    ],
)
def test_templates_and_rules_lint_findings_in_each_language(
    acw_home: Path, tmp_path: Path, language: str, fence: str, kind: str, totals: str
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "broken.en.j2").write_text("+++\nid = 'broken'\nlocale = 'en'\n", encoding="utf-8")
    (folder / "quality.toml").write_text(
        "[elements.reason]\nfields = ['reason']\n\n"
        "[[rules]]\nid = 'why'\nelement = 'reason'\nkind = 'sometimes'\n",
        encoding="utf-8",
    )
    templates = acw("--lang", language, "templates", "lint", "--templates", str(folder))
    assert templates.exit_code == 1
    assert any(
        line.startswith(f"{folder / 'broken.en.j2'}:1:") and fence in line
        for line in templates.stdout.splitlines()
    ), templates.stdout
    assert totals in templates.stderr
    rules = acw("--lang", language, "rules", "lint", "--templates", str(folder))
    assert rules.exit_code == 1
    assert any(
        f"{folder / 'quality.toml'}:" in line and kind in line for line in rules.stdout.splitlines()
    ), rules.stdout
    assert not english_in(rules.stdout, language) - {"why", "reason", "sometimes"}


@pytest.mark.parametrize(
    ("language", "sent", "waiting"),
    [
        ("en", "sent 3 record(s) in 1 batch(es), 0.5 s", "2 record(s) wait in quarantine"),
        ("pl", "wysłano 3 rekordy w 1 paczce, 0.5 s", "2 rekordy czekają w kwarantannie"),
        ("zh", "已发送 3 条记录，分 1 批，用时 0.5 秒", "2 条记录在隔离区等待"),
    ],
)
def test_the_sync_summary_reads_in_the_language(language: str, sent: str, waiting: str) -> None:
    from acw_tui.i18n import use_language
    from acw_tui.sync.client import SyncSummary

    use_language(language_of(language) or "en")
    lines = SyncSummary(sent=3, batches=1, seconds=0.5, mark=9, quarantined=2).lines()
    assert lines[0].startswith(sent), lines
    assert waiting in lines[-1]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "locale: musi być jednym z en, pl, es, zh, jest 'xx'"),
        ("es", "locale: debe ser uno de en, pl, es, zh, se obtuvo 'xx'"),
        ("zh", "locale：必须是 en, pl, es, zh 之一，实际为 'xx'"),
    ],
)
def test_a_config_error_is_one_translated_line(
    acw_home: Path, language: str, expected: str
) -> None:
    (acw_home / "config.toml").write_text('locale = "xx"\n', encoding="utf-8")
    line = one_error_line(acw("--lang", language, "guide", "list"))
    assert str(acw_home / "config.toml") in line and expected in line


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "połączenie c7: już zakończone; jego podsumowanie istnieje"),
        ("es", "llamada c7: ya terminada; su cierre ya existe"),
        ("zh", "通话 c7：已经结束；其收尾已存在"),
    ],
)
def test_a_service_error_reaches_the_hook_translated(
    acw_home: Path, language: str, expected: str
) -> None:
    assert acw("call-ended", "--call-id", "c7").exit_code == 0
    line = one_error_line(acw("--lang", language, "call-ended", "--call-id", "c7"))
    assert expected in line


def test_acw_demo_says_what_it_made_and_why_it_refuses_in_the_language(acw_home: Path) -> None:
    made = acw("--lang", "pl", "demo", "--calls", "20", "--agents", "2", "--days", "1")
    assert made.exit_code == 0, made.output
    assert made.output.startswith("demo: 20 połączeń, 20 podsumowań,")
    again = acw("--lang", "zh", "demo", "--calls", "20", "--agents", "2", "--days", "1")
    assert "已包含演示历史" in one_error_line(again)


# -- click's own words -------------------------------------------------------------------


def click_messages() -> set[str]:
    """Every message click asks gettext for (`_(…)`, `ngettext(…)`), read from its source:
    a new click that adds one fails the test below until it is in the catalog."""
    import ast
    import inspect

    from acw_tui.cli import click_modules

    found: set[str] = set()
    for module in click_modules():
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "ngettext")
            ):
                found |= {
                    arg.value
                    for arg in node.args[:2]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                }
    return found


def test_every_message_click_can_show_a_user_is_in_the_catalog() -> None:
    from acw_tui.cli import CLICK_DEVELOPER_WORDS, CLICK_PLURAL_WORDS, CLICK_WORDS

    with (LOCALE_DIR / "acw.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = set()
    for message in template:
        catalog |= {message.id} if isinstance(message.id, str) else set(message.id)
    said = click_messages()
    assert len(said) > 40
    assert said - CLICK_DEVELOPER_WORDS - catalog == set()
    # Each is in the catalog because acw marks it, not by chance of a message of its own.
    marked = set(CLICK_WORDS) | {form for pair in CLICK_PLURAL_WORDS for form in pair}
    assert said - CLICK_DEVELOPER_WORDS - marked <= {"Error: {message}"}


@pytest.mark.parametrize(
    ("language", "args", "expected"),
    [
        ("pl", ("hub", "serve", "--port", "99999"), "99999 nie mieści się w zakresie 0<=x<=65535"),
        ("es", ("report", "--by", "xx"), "'xx' no es ninguno de 'agent', 'team'"),
        ("zh", ("guide", "list", "extra"), "多余的参数（extra）"),
        ("pl", ("report", "--outp"), "(Czy chodziło o jedno z: '--output', '--to'?)"),
        (
            "es",
            ("sync", "quarantine", "retry", "x"),
            "'x' no es un valor válido de tipo integer range",
        ),
        ("zh", ("hub", "serve", "--port", "x"), "'x' 不是有效的 integer range 值。"),
    ],
)
def test_clicks_own_errors_read_in_the_language(
    acw_home: Path, language: str, args: tuple[str, ...], expected: str
) -> None:
    line = one_error_line(acw("--lang", language, *args))
    assert expected in line, line
    assert not english_in(line.replace(expected, ""), language), line


def test_clicks_names_for_paths_read_in_the_language(acw_home: Path, tmp_path: Path) -> None:
    """click names a path ("directory") when a command is defined: in a new process, as a
    person runs acw, that is after `--lang` was read."""
    import subprocess
    import sys

    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    command = ["--lang", "zh", "templates", "list", "--templates", str(a_file)]
    ran = subprocess.run(
        [sys.executable, "-m", "acw_tui", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "ACW_HOME": str(acw_home)},
    )
    assert ran.returncode == 2
    assert f"目录 '{a_file}' 是文件。" in ran.stderr, ran.stderr


def test_the_version_line_reads_in_the_language() -> None:
    from acw_tui import __version__

    assert acw("--lang", "pl", "--version").output == f"acw, wersja {__version__}\n"
    assert acw("--version").output == f"acw, version {__version__}\n"
