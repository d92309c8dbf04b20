"""Card data never gets into a guide, by any door: the file, a CSV import, any
`acw guide` argument (abbreviation, expansion, note, category, changelog message), an
export, or a bundle published to the hub (comments included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.shorthand import parse_guide
from acw_tui.core.shorthand.lint import lint_guide
from acw_tui.core.shorthand.writer import toml_string
from acw_tui.sync.content import lint_errors

CARD = "4111111111111111"
DIGITS = ("4111", "1111", "1111", "1111")
HEAD = '[guide]\nname = "t"\nversion = 1\nlocale = "en"\n\n[[entry]]\nabbr = "cx"\nexpansion = "customer"\n'


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.fixture
def guide(tmp_path: Path, acw_home: Path) -> Path:
    path = tmp_path / "g.toml"
    path.write_text(HEAD, encoding="utf-8")
    return path


def _refused(code: int, out: str, path: Path, before: str) -> None:
    assert code == 1, out
    assert "holds card data or an id" in out
    assert CARD not in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1, out
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    "args",
    [
        ("add", "cc4", "x", "--category", CARD),
        ("add", CARD, "x"),
        ("add", "pc", f"paid with {CARD}"),
        ("add", "pn", "paid", "--note", f"e.g. {CARD}"),
        ("bump", "-m", f"card {CARD}"),
    ],
    ids=["category", "abbr", "expansion", "note", "changelog"],
)
def test_no_guide_argument_takes_card_data(guide: Path, args: tuple[str, ...]) -> None:
    before = guide.read_text(encoding="utf-8")
    code, out = run("guide", *args, "--guide", str(guide))
    _refused(code, out, guide, before)
    assert str(guide) in out


def test_a_csv_import_with_card_data_is_refused_naming_its_line(
    guide: Path, tmp_path: Path
) -> None:
    before = guide.read_text(encoding="utf-8")
    sheet = tmp_path / "c.csv"
    sheet.write_text("abbr,expansion,category\nok,okay,\nzz5,x,5500005555555559\n", "utf-8")
    code, out = run("guide", "import", str(sheet), "--guide", str(guide))
    _refused(code, out.replace("5500005555555559", CARD), guide, before)
    assert f"{sheet}:3:" in out and "5500005555555559" not in out


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("# card 4111 1111 1111 1111\n", 10),
        (f'[[changelog]]\nversion = 1\ndate = "2026-01-01"\ntext = "card {CARD}"\n', 13),
        (f'[[entry]]\nabbr = "cc"\nexpansion = "x"\ncategory = "{CARD}"\n', 13),
        ('[[entry]]\nabbr = "cc"\nexpansion = "x"\nnote = "4\\u003111111111111111"\n', 13),
    ],
    ids=["comment", "changelog", "category", "escaped"],
)
def test_lint_finds_card_data_anywhere_in_the_file(guide: Path, extra: str, line: int) -> None:
    guide.write_text(HEAD + "\n" + extra, encoding="utf-8")
    code, out = run("guide", "lint", "--no-usage", "--guide", str(guide))
    assert code == 1 and f"{guide}:{line}: error:" in out and "holds card data" in out
    assert CARD not in out and "4111 1111 1111 1111" not in out


def test_export_never_writes_card_data(guide: Path, tmp_path: Path) -> None:
    guide.write_text(HEAD + f"\n# card {CARD}\n", encoding="utf-8")
    for fmt in ("md", "html", "csv"):
        target = tmp_path / f"out.{fmt}"
        code, out = run("guide", "export", fmt, "-o", str(target), "--guide", str(guide))
        assert code == 1 and "holds card data" in out and CARD not in out
        assert not target.exists()


def test_a_bundle_with_card_data_in_any_file_is_refused() -> None:
    (error,) = lint_errors("shorthand", {"en.toml": HEAD + "# card 4111 1111 1111 1111\n"})
    assert error.startswith("en.toml:9: ") and "holds card data" in error
    from tests.unit.templates_helpers import CODES, SIMPLE

    files = {"simple.en.j2": SIMPLE, "codes.toml": CODES, "notes.toml": f"# {CARD}\n"}
    (error,) = lint_errors("templates", files)
    assert error.startswith("notes.toml:1: ") and CARD not in error


# -- the class: wherever a card stands in a guide's text, lint has an error for it --------

separators = st.sampled_from([" ", "-", ".", ""])
cards = st.builds(lambda sep: sep.join(DIGITS), separators)
places = st.sampled_from(["abbr", "expansion", "category", "note", "name", "changelog", "comment"])


def _guide_with(place: str, card: str) -> str:
    value = toml_string(f"ref {card}")
    head = f"[guide]\nname = {value if place == 'name' else toml_string('t')}\nversion = 1\n"
    entry = {"abbr": toml_string("cx"), "expansion": toml_string("customer")}
    if place == "abbr":
        entry["abbr"] = toml_string(card.replace(" ", "").replace(".", ""))
    elif place in ("expansion", "category", "note"):
        entry[place] = value
    text = head + "\n[[entry]]\n" + "".join(f"{k} = {v}\n" for k, v in entry.items())
    if place == "changelog":
        text += f'\n[[changelog]]\nversion = 1\ndate = "2026-01-01"\ntext = {value}\n'
    if place == "comment":
        text += f"# {card}\n"
    return text


@given(places, cards)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_card_data_anywhere_is_an_error_and_never_shown(place: str, card: str) -> None:
    from acw_tui.core.shorthand.lint import guide_errors

    text = _guide_with(place, card)
    guide = parse_guide(text, "g.toml")
    errors = guide_errors(guide)
    assert any("holds card data" in p.message for p in errors), (place, card)
    assert [p for p in lint_guide(guide, frequency=lambda _w, _l: 0.0) if p.severity == "error"]
    for problem in errors:
        assert card not in str(problem) and CARD not in str(problem)
    assert lint_errors("shorthand", {"en.toml": text})
