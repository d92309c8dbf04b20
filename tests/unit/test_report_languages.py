"""`acw report` in Polish, Spanish and Chinese: headings, notices, formula texts and the
HTML report in the reader's language, figures and dates written the language's way,
CSV and JSON the same in every language (programs read them)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rich.cells import cell_len

from acw_tui import i18n
from acw_tui.cli import cli
from acw_tui.core import metrics
from acw_tui.i18n import use_language
from acw_tui.reports.assemble import build_report
from acw_tui.reports.local_format import LocalFormat
from acw_tui.reports.queries import Selection
from acw_tui.reports.render import render
from acw_tui.reports.source import sqlite_source
from acw_tui.store import Store
from tests.report_seed import seed

RANGE = ["--from", "2026-03-01", "--to", "2026-03-02", "--now", "2026-03-03T00:30:00Z"]

# (language, title start, the figures' headings, a section line, a formula's words)
HEADINGS = {
    "pl": (
        "Raport ACW, wg konsultanta: 1.03.2026, 00:00 → 3.03.2026, 00:00 UTC (bez filtrów)",
        ["grupa", "połącz.", "suma ACW", "śr. ACW", "mediana", "% ACW", "zgodność"],
        "Odstępstwa (mediana ACW powyżej 1,5 × mediana zespołu):",
        "aht_s: AHT = (rozmowa + zawieszenie + ACW)",
    ),
    "es": (
        "Informe de ACW, por agente: 1/3/2026, 0:00 → 3/3/2026, 0:00 UTC (sin filtros)",
        ["grupo", "llamadas", "ACW total", "ACW media", "mediana", "% ACW", "cumplim."],
        "Valores atípicos (mediana de ACW por encima de 1,5 × la mediana del equipo):",
        "aht_s: AHT = (conversación + espera + ACW)",
    ),
    "zh": (
        "ACW 报表，按坐席：2026/3/1 00:00 → 2026/3/3 00:00 UTC（无筛选）",
        ["分组", "通话数", "ACW 总计", "ACW 平均", "中位数", "ACW 占比", "达标率"],
        "异常值（ACW 中位数高于 1.5 × 团队中位数）：",
        "aht_s: 平均处理时长 (AHT) = （通话 + 保持 + ACW）",
    ),
}
# ana's row: 66.7 % compliant and 2.4 % ACW, as each language writes a percentage.
ANA_PERCENTS = {"pl": ("2,4%", "66,7%"), "es": ("2,4\xa0%", "66,7\xa0%"), "zh": ("2.4%", "66.7%")}


@pytest.fixture(autouse=True)
def fresh_group_help() -> Iterator[None]:
    # click makes the group's --help option once, with its text in the language of the
    # first `--help` of the process; a process speaks one language, these tests four.
    yield
    cli._help_option = None


@pytest.fixture
def seeded(fresh_store: Store) -> Store:
    seed(fresh_store)
    return fresh_store


def run(language: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", language, "report", *args], catch_exceptions=False)


@pytest.mark.parametrize("language", ["pl", "es", "zh"])
def test_the_table_reads_in_the_language_asked_for(seeded: Store, language: str) -> None:
    result = run(language, *RANGE, "--by", "agent")
    assert result.exit_code == 0, result.output
    out = result.output
    title, headings, outliers, formula = HEADINGS[language]
    lines = out.splitlines()
    assert lines[0] == title
    header = lines[3]
    for heading in headings:
        assert heading in header, header
    assert outliers in out and formula in out
    # (The formula lines start with the figure's key, `compliance_pct:`, as in CSV/JSON.)
    for english in ("ACW report", "Outliers", "Formulas", "Shorthand", "Typing", "no filters"):
        assert english not in out
    assert "compliance" not in header and "calls" not in header
    ana = next(line for line in lines if line.startswith("ana "))
    for percent in ANA_PERCENTS[language]:
        assert percent in ana


def test_columns_line_up_in_terminal_cells_with_chinese_headings(seeded: Store) -> None:
    lines = run("zh", *RANGE, "--by", "agent").output.splitlines()
    header, rule, *rows = lines[3:8]
    # Every line of the table takes the same number of cells; the dashes under each
    # heading are as wide as the heading's cells (a Chinese character takes two).
    assert {cell_len(line) for line in (header, rule, *rows)} == {cell_len(rule)}
    widths = [len(dashes) for dashes in rule.split("  ") if dashes]
    assert widths[1] == cell_len("通话数")


@pytest.mark.parametrize("language", ["pl", "es", "zh"])
def test_csv_and_json_are_the_same_in_every_language(seeded: Store, language: str) -> None:
    for fmt in ("csv", "json"):
        english = run("en", *RANGE, "--by", "agent", "--format", fmt).output
        assert run(language, *RANGE, "--by", "agent", "--format", fmt).output == english


@pytest.mark.parametrize(
    ("language", "title", "heading", "formulas", "empty"),
    [
        ("pl", "Raport ACW, wg zespołu:", "## Odstępstwa", "## Wzory", "nie zapisano naciśnięć"),
        ("es", "Informe de ACW, por equipo:", "## Valores atípicos", "## Fórmulas", "pulsaciones"),
        ("zh", "ACW 报表，按团队：", "## 异常值", "## 计算公式", "此范围内没有记录按键"),
    ],
)
def test_markdown_headings(
    seeded: Store, language: str, title: str, heading: str, formulas: str, empty: str
) -> None:
    out = run(language, *RANGE, "--by", "team", "--format", "md").output
    assert out.startswith("# " + title)
    assert heading in out and formulas in out and empty in out
    assert "## Outliers" not in out and "## Formulas" not in out
    assert "- **aht_s**:" in out  # the figure's key, as CSV and JSON name it


def test_the_html_report_in_chinese(seeded: Store, tmp_path: Path) -> None:
    target = tmp_path / "week.html"
    result = run("zh", *RANGE, "--by", "agent", "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    assert result.output.strip() == f"报表已写入 {target}"
    page = target.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page
    assert "<title>ACW 报表，按坐席：" in page
    for heading in (
        "ACW 分布",
        "每日趋势",
        "坐席与团队中位数对比",
        "异常值",
        "速记",
        "打字",
        "计算公式",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert "<th>分组</th>" in page and '<th class="num">达标率</th>' in page
    assert "团队中位数 3:00（site-1）" in page  # the agents chart's line
    assert 'aria-label="ACW 分布"' in page
    for english in ("<h2>Outliers</h2>", "Agents against", "team median", "Source:", "wrap-ups"):
        assert english not in page


def test_the_html_report_in_english_says_so(seeded: Store, tmp_path: Path) -> None:
    target = tmp_path / "week.html"
    assert run("en", *RANGE, "--format", "html", "-o", str(target)).exit_code == 0
    assert '<html lang="en">' in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "help_words", "error"),
    [
        (
            "pl",
            ["Jeden wiersz na konsultanta", "Zapisz do FILE.", "domyślnie: table"],
            "zakres jest pusty",
        ),
        (
            "es",
            ["Una fila por agente", "Escribir en FILE.", "por defecto: table"],
            "el intervalo está vacío",
        ),
        ("zh", ["每个坐席、团队", "写入 FILE。", "默认：table"], "范围为空"),
    ],
)
def test_help_and_error_lines_in_each_language(
    acw_home: Path, seeded: Store, language: str, help_words: list[str], error: str
) -> None:
    out = run(language, "--help").output
    for words in help_words:
        assert words in out
    assert "One row per agent" not in out and "Write to FILE" not in out
    result = CliRunner().invoke(
        cli, ["--lang", language, "report", "--from", "2026-03-02", "--to", "2026-03-01"]
    )
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert error in result.output


def test_english_help_is_unchanged_after_another_language(seeded: Store) -> None:
    # The help is translated when shown, not when the command is first imported.
    assert "Pokaż tę pomoc" in run("pl", "--help").output
    out = run("en", "--help").output
    assert "One row per agent" in out and "Show this message and exit." in out


# -- figures and dates as each language writes them ----------------------------------------


@pytest.mark.parametrize(
    ("language", "percent", "ratio", "count", "moment", "day"),
    [
        ("en", "66.7%", "0.40", "12345", "2026-03-01 09:05", "03-05"),
        ("pl", "66,7%", "0,40", "12\xa0345", "1.03.2026, 09:05", "5.03"),
        ("es", "66,7\xa0%", "0,40", "12.345", "1/3/2026, 9:05", "5/3"),
        ("zh_CN", "66.7%", "0.40", "12,345", "2026/3/1 09:05", "3/5"),
    ],
)
def test_figures_follow_the_language(
    language: str, percent: str, ratio: str, count: str, moment: str, day: str
) -> None:
    use_language(language)
    shown = LocalFormat()
    assert shown.percent(66.7) == shown.percent(0.667, fraction=True) == percent
    assert shown.ratio(0.4) == ratio
    assert shown.count(12345) == count
    assert shown.moment(datetime(2026, 3, 1, 9, 5, tzinfo=UTC)) == moment
    assert shown.stored_moment("2026-03-01T09:05:59.000Z") in (moment, "2026-03-01T09:05")
    assert shown.day("2026-03-05") == day
    assert shown.percent(None) == shown.ratio(float("nan")) == "–"
    assert shown.seconds(125) == "2:05"  # durations are m:ss everywhere


# -- speed: a word is looked up once per report, not once per row ----------------------------


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    use_language("pl")
    seen: list[str] = []
    translations = i18n._translations
    original = translations.gettext

    def counted(message: str) -> str:
        seen.append(message)
        return original(message)

    monkeypatch.setattr(translations, "gettext", counted)
    yield seen


@pytest.mark.parametrize("fmt", ["table", "md", "html"])
def test_lookups_do_not_grow_with_the_rows(seeded: Store, lookups: list[str], fmt: str) -> None:
    source = sqlite_source(seeded.path)
    try:
        made = build_report(
            source,
            Selection(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)),
            datetime(2026, 3, 3, 0, 30, tzinfo=UTC),
            by="agent",
            charts=fmt == "html",
        )
    finally:
        source.close()
    render(made, fmt)
    few = len(lookups)
    assert few > 20  # the headings, sections and formulas were looked up
    lookups.clear()
    many = dataclasses.replace(
        made,
        rows=[
            dataclasses.replace(row, group=f"{row.group}-{n}")
            for n in range(50)
            for row in made.rows
        ],
    )
    out = render(many, fmt)
    assert len(lookups) == few
    assert out.count("połącz.") >= 1 and len(re.findall(r"ana-\d+", out)) == 50


def test_every_formula_of_the_core_is_in_the_catalogs() -> None:
    from acw_tui.i18n_catalogs import report_formulas

    texts = {text for _name, text in report_formulas()}
    assert set(metrics.FORMULAS.values()) <= texts
    assert set(metrics.TYPING_FORMULAS.values()) <= texts
    use_language("zh_CN")
    assert all(i18n._(text) != text for text in texts)
