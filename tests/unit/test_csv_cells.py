"""Spreadsheet formula injection (OWASP): neutralised on export, flagged on import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from acw_tui.cli import cli
from acw_tui.core.csv_cells import neutralise, restore
from acw_tui.core.shorthand import Entry, ShorthandError
from acw_tui.core.shorthand.spreadsheet import export_csv, import_csv

EVIL = '=HYPERLINK("http://evil.example","x")'


# Spreadsheets skip leading blanks and line breaks before a formula, and read the
# full-width signs an East Asian keyboard types as the ASCII ones.
@pytest.mark.parametrize(
    "cell",
    [EVIL, "+1", "-2", "@SUM(A1)", "\tx", "\rx", " " + EVIL, "\n=1+1", "\u00a0=1", "＝1+1", " ＠x"],
)
def test_export_quotes_formula_cells(cell: str) -> None:
    text = export_csv([Entry("ev", cell, cell, cell)], bom=False)
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "ev")
    assert all(c.startswith("'") for c in row[1:4])


@given(st.text(max_size=20))
@settings(max_examples=200, deadline=None)
def test_neutralise_then_restore_is_identity(cell: str) -> None:
    assert restore(str(neutralise(cell))) == cell


def test_export_then_import_keeps_the_text() -> None:
    entries = [Entry("ev", EVIL, "-x", "'tis"), Entry("ok", "fine", "", "")]
    back = import_csv(export_csv(entries).encode("utf-8"), "g.csv")
    assert [(e.abbr, e.expansion, e.category, e.note) for e in back] == [
        ("ev", EVIL, "-x", "'tis"),
        ("ok", "fine", "", ""),
    ]


def test_import_flags_formula_cells() -> None:
    flagged: list[str] = []
    quoted = EVIL.replace('"', '""')
    import_csv(f'abbr,expansion\nev,"{quoted}"\n'.encode(), "g.csv", flagged)
    import_csv(b'abbr,expansion\nev,"=1+2"\n', "g.csv", flagged)
    assert flagged and all(f.startswith("g.csv:2: expansion") for f in flagged)


def test_unterminated_quote_is_refused() -> None:
    with pytest.raises(ShorthandError, match=r"g\.csv:\d+: a quoted cell is not closed"):
        import_csv(b'abbr,expansion\ncx,"customer\nty,thank you\n', "g.csv")


def test_duplicate_column_is_refused() -> None:
    with pytest.raises(ShorthandError, match=r"g\.csv:1: the column 'expansion' appears twice"):
        import_csv(b"abbr,expansion,expansion\ncx,customer,client\n", "g.csv")


def test_report_csv_neutralises_a_queue_name(acw_home: Path) -> None:
    import sqlite3

    from acw_tui.store import open_store
    from tests.report_seed import seed

    store = open_store(acw_home / "acw.db")
    seed(store)
    store.close()
    db = sqlite3.connect(acw_home / "acw.db")
    db.execute("UPDATE calls SET queue = ?", (EVIL,))
    db.commit()
    args = ["report", "--by", "queue", "--format", "csv", "--now", "2026-03-03T00:30:00Z"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    cells = [row[0] for row in csv.reader(io.StringIO(result.stdout))]
    assert "'" + EVIL in cells and EVIL not in cells


def test_guide_import_warns_about_formula_cells(tmp_path: Path, acw_home: Path) -> None:
    sheet = tmp_path / "in.csv"
    sheet.write_text('abbr,expansion\nev,"=1+2"\n', encoding="utf-8")
    guide = tmp_path / "g.toml"
    result = CliRunner().invoke(cli, ["guide", "import", "--guide", str(guide), str(sheet)])
    assert result.exit_code == 0, result.output
    assert "formula" in result.stderr and "in.csv:2" in result.stderr
