"""The language of everything printed: choosing it, the catalogs, plural forms, Babel's
dates and numbers, and the command line's help and error lines in each language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from acw_tui import i18n
from acw_tui.cli import cli
from acw_tui.i18n import LanguageError, _, choose_language, language_of, ngettext, use_language
from acw_tui.i18n_catalogs import TRANSLATED, gaps, template


@pytest.fixture(scope="module")
def source() -> Catalog:
    """Every marked message in the code now (extracted once for the module)."""
    return template()


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("pl", "pl"),
        ("pl_PL.UTF-8", "pl"),
        ("es_MX", "es"),
        ("es-ES", "es"),
        ("zh", "zh_CN"),
        ("zh_CN.UTF-8", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("en_US.UTF-8", "en"),
        ("C.UTF-8", None),
        ("POSIX", None),
        ("de_DE.UTF-8", None),
        ("", None),
    ],
)
def test_a_locale_names_its_catalog(tag: str, language: str | None) -> None:
    assert language_of(tag) == language


def test_the_option_beats_the_config_which_beats_the_environment() -> None:
    env = {"LANG": "es_ES.UTF-8"}
    assert choose_language("zh", "pl", env) == "zh_CN"
    assert choose_language(None, "pl", env) == "pl"
    assert choose_language(None, None, env) == "es"
    assert choose_language(None, None, {"LANG": "es_ES", "LC_MESSAGES": "pl_PL"}) == "pl"
    assert choose_language(None, None, {"LANG": "es_ES", "LC_ALL": "zh_CN"}) == "zh_CN"
    assert choose_language(None, None, {"LANG": "de_DE.UTF-8"}) == "en"
    assert choose_language(None, None, {}) == "en"
    # A locale without a catalog passes the choice on; one asked for by name is refused.
    assert choose_language(None, "de", env) == "es"
    with pytest.raises(LanguageError, match="known: en, pl, es, zh"):
        choose_language("de", None, env)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_has_every_message(language: str, source: Catalog) -> None:
    assert gaps(language, source=source) == []


def test_a_catalog_lacking_an_entry_is_found_out(tmp_path: Path, source: Catalog) -> None:
    copy = tmp_path / "acw.po"
    shutil.copy(i18n.catalog_path("pl"), copy)
    with copy.open("rb") as handle:
        catalog = read_po(handle, locale="pl_PL")
    del catalog["Draft saved"]
    catalog["Finish"].string = ""
    catalog["Notes"].flags.add("fuzzy")
    catalog["Cannot extend: {reason}."].string = "Nie można przedłużyć."
    with copy.open("wb") as out:
        write_po(out, catalog)
    found = "\n".join(gaps("pl", copy, source))
    assert "missing: 'Draft saved'" in found
    assert "not translated: 'Finish'" in found
    assert "not translated: 'Notes'" in found
    assert "placeholders differ: 'Cannot extend: {reason}.'" in found
    assert len(gaps("pl", copy, source)) == 4


def test_the_template_holds_what_the_screen_and_the_command_line_show(source: Catalog) -> None:
    ids = {m.id for m in source if m.id}
    # A key bar description (N_ at import), a notification, a timer state, click's own
    # words, and a command's first sentence as `acw --help` lists it.
    for expected in (
        "Finish",
        "Call {call} wrapped up.",
        "over target {time}",
        "Usage:",
        "Inspect and upgrade the local store.",
        ("{count} error(s)", "{count} error(s)"),
    ):
        assert expected in ids


def test_untranslated_and_fuzzy_entries_fall_back_to_english(tmp_path: Path) -> None:
    catalog = Catalog(locale="pl_PL", domain="acw")
    catalog.add("Draft saved", "Szkic zapisany")
    catalog.add("Finish", "")
    catalog.add("Notes", "Notatki", flags=["fuzzy"])
    path = tmp_path / "acw.po"
    with path.open("wb") as out:
        write_po(out, catalog)
    translations = i18n.compile_catalog(path, "pl")
    assert translations.gettext("Draft saved") == "Szkic zapisany"
    assert translations.gettext("Finish") == "Finish"
    assert translations.gettext("Notes") == "Notes"
    use_language("pl")
    assert _("a message no catalog has") == "a message no catalog has"
    assert _("") == ""


def test_polish_has_three_plural_forms_and_chinese_one() -> None:
    use_language("pl")
    forms = [
        ngettext("{count} error(s)", "{count} error(s)", n).format(count=n) for n in (1, 3, 5, 22)
    ]
    assert forms == ["1 błąd", "3 błędy", "5 błędów", "22 błędy"]
    use_language("zh_CN")
    assert ngettext("{count} error(s)", "{count} error(s)", 7).format(count=7) == "7 个错误"
    use_language("en")
    assert ngettext("{count} error(s)", "{count} error(s)", 2).format(count=2) == "2 error(s)"


def test_dates_and_numbers_follow_the_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 9, 14, 5, tzinfo=UTC)
    use_language("en")
    assert i18n.number(12345.5) == "12,345.5"
    english = i18n.date_time(moment)
    assert english.startswith("2026-03-")  # ISO order, as acw always wrote it
    use_language("pl")
    assert i18n.number(12345.5) == "12\xa0345,5"
    assert i18n.date_time(moment).endswith(english[-5:])  # same local time of day
    assert "2026" in i18n.date_time(moment) and "-" not in i18n.date_time(moment)
    use_language("es")
    assert i18n.number(12345.5) == "12.345,5"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(LanguageError):
        use_language("de")


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "usage", "options", "commands", "db_line", "help_line"),
    [
        ("en", "Usage:", "Options:", "Commands:", "Inspect and upgrade", "Show this message"),
        ("pl", "Użycie:", "Opcje:", "Polecenia:", "Sprawdź i zaktualizuj", "Pokaż tę pomoc"),
        ("es", "Uso:", "Opciones:", "Comandos:", "Inspeccionar y actualizar", "Mostrar este"),
        ("zh", "用法：", "选项:", "命令:", "检查并升级本地存储", "显示此帮助"),
    ],
)
def test_help_of_the_top_level_group_in_each_language(
    acw_home: Path,
    language: str,
    usage: str,
    options: str,
    commands: str,
    db_line: str,
    help_line: str,
) -> None:
    result = CliRunner().invoke(cli, ["--lang", language, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    out = result.output
    for expected in (usage, options, commands, db_line, help_line):
        assert expected in out, out
    if language != "en":
        assert "Show the version" not in out and "Phone-system hook" not in out


@pytest.mark.parametrize(
    ("language", "prefix", "see"),
    [
        ("en", "Error:", "see"),
        ("pl", "Błąd:", "zobacz"),
        ("es", "Error:", "consulta"),
        ("zh", "错误：", "参见"),
    ],
)
def test_an_error_line_in_each_language(
    acw_home: Path, language: str, prefix: str, see: str
) -> None:
    result = CliRunner().invoke(cli, ["--lang", language, "--no-such-option"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(prefix) and see in lines[0] and "--no-such-option" in lines[0]


def test_the_config_locale_and_then_lang_choose_when_no_option_is_given(
    acw_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "es_ES.UTF-8")
    assert "Uso:" in CliRunner().invoke(cli, ["--help"]).output
    (acw_home / "config.toml").write_text('locale = "pl"\n', encoding="utf-8")
    assert "Użycie:" in CliRunner().invoke(cli, ["--help"]).output
    assert "Usage:" in CliRunner().invoke(cli, ["--lang", "en", "--help"]).output


def test_a_language_without_a_catalog_is_one_line(acw_home: Path) -> None:
    result = CliRunner().invoke(cli, ["--lang", "de", "--help"])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "--lang" in result.output
    assert "known: en, pl, es, zh" in result.output


def test_the_config_says_whether_it_names_a_locale(tmp_path: Path) -> None:
    from acw_tui.settings.config import load_config

    path = tmp_path / "config.toml"
    path.write_text('agent_id = "ana"\n', encoding="utf-8")
    assert not load_config(path).locale_given
    path.write_text('locale = "en"\n', encoding="utf-8")
    assert load_config(path).locale_given


def test_the_english_clock_is_babels_british_one_without_loading_it() -> None:
    from datetime import UTC, datetime

    from babel.dates import format_time

    moment = datetime(2026, 3, 9, 14, 5, 9, tzinfo=UTC)
    babel = format_time(moment.astimezone(), format="medium", locale="en_GB")
    assert i18n.clock_time(moment) == babel
    use_language("zh_CN")
    assert i18n.clock_time(moment) == format_time(
        moment.astimezone(), format="medium", locale="zh_Hans_CN"
    )


@pytest.mark.parametrize(
    ("args", "found"),
    [
        (["--lang", "pl", "--help"], "pl"),
        (["--plain", "--lang=zh"], "zh"),
        (["--lang"], None),
        (["rules", "check", "--lang", "pl"], None),  # the command's own option
        (["--", "--lang", "pl"], None),
        ([], None),
    ],
)
def test_the_top_level_language_is_found_before_click_reads_the_arguments(
    args: list[str], found: str | None
) -> None:
    from acw_tui.cli import language_option

    assert language_option(args) == found


FINDINGS = ("Problem", "RuleProblem", "GuideProblem")


def test_every_finding_is_made_from_a_template_in_the_catalog(source: Catalog) -> None:
    """A finding is shown in the reader's language from its template: built with `.of`
    (or `.of_error`), or with a message that is itself a catalog entry. A message made
    of an f-string or of `str(error)` would always read in English."""
    import ast

    package = Path(i18n.__file__).parent
    made_of_text = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in FINDINGS or len(node.args) < 3:
                continue
            message = node.args[2]
            if isinstance(message, ast.Call) and getattr(message.func, "id", "") == "N_":
                message = message.args[0]
            literal = isinstance(message, ast.Constant) and isinstance(message.value, str)
            if not literal or message.value not in source:
                where = f"{path.relative_to(package)}:{node.lineno}"
                made_of_text.append(f"{where}: {ast.unparse(node)[:80]}")
    assert made_of_text == []


# Exceptions that are not acw's: Python's own, click's, the command line's one-line
# error, and the libraries' (Jinja's sandbox, tomli) whose text acw never shows as is.
NOT_ACW_ERRORS = frozenset(
    {
        "ValueError",
        "KeyError",
        "RuntimeError",
        "TypeError",
        "OSError",
        "UsageError",
        "BadParameter",
        "OneLineError",
        "SecurityError",
        "TOMLDecodeError",
    }
)


def test_no_error_is_raised_with_its_message_already_filled_in() -> None:
    """An acw error keeps its English template and its parameters, so the message is
    translated where it is shown. One made of an f-string or of `+` is the filled-in
    English text, which no catalog holds: it always reads in English. (A message with no
    word of its own, `f"{where}: {reason}"` or `f"AMI: {reason}"`, has nothing to
    translate and passes.)"""
    import ast

    from acw_tui.i18n_catalogs import ERROR_CLASSES

    def has_words(node: ast.expr) -> bool:
        texts = [
            part.value
            for part in ast.walk(node)
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
        return any(char.islower() for text in texts for char in text)

    package = Path(i18n.__file__).parent
    filled_in = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name in NOT_ACW_ERRORS or not (name in ERROR_CLASSES or name.endswith("Error")):
                continue
            message = node.args[0]
            made = isinstance(message, ast.JoinedStr) or (
                isinstance(message, ast.BinOp) and isinstance(message.op, ast.Add)
            )
            if made and has_words(message):
                where = f"{path.relative_to(package)}:{node.lineno}"
                filled_in.append(f"{where}: {ast.unparse(node)[:80]}")
    assert filled_in == []
