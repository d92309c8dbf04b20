"""Spreadsheet formula injection (OWASP's "CSV injection"), handled in one place.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by
Excel, LibreOffice and Google Sheets as a formula, and so is one where blanks or line
breaks come first, or the full-width signs (＝＋－＠) an East Asian keyboard types: a queue named
`=HYPERLINK("http://evil.example","x")` in a report becomes a link, or worse. On
export such a text cell is prefixed with a single quote, which spreadsheets show as
text; a cell already starting with a quote gets one more, so import can take exactly
one off again (`restore`) and export then import gives back the same text. On import
a cell that would start a formula is flagged (`looks_like_formula`).
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS)


def neutralise(cell: object) -> object:
    """The cell as it may be written to a CSV file; numbers are left as numbers."""
    if not isinstance(cell, str):
        return cell
    if looks_like_formula(cell) or cell.startswith("'"):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """A cell read from a CSV file that `neutralise` (or a careful person) quoted."""
    if cell.startswith("'") and (looks_like_formula(cell[1:]) or cell[1:2] == "'"):
        return cell[1:]
    return cell
