"""CSV import and export, the way spreadsheets read and write it.

Excel writes UTF-8 with a byte-order mark and, in many European locales, semicolons;
LibreOffice and Google Sheets write plain UTF-8 with commas. Import accepts all of
them; export writes a BOM (so Excel shows `ż` and `客户` correctly) and commas unless
asked otherwise. Export then import gives back the same entries.

Cells that a spreadsheet would run as a formula are quoted on export and flagged on
import (core/csv_cells.py); a quote left open, a duplicate column or a row longer than
the header is refused with the line, never read into an expansion.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from acw_tui.core.csv_cells import looks_like_formula, neutralise, restore
from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.core.printable import control_at, control_name
from acw_tui.core.problems import card_data_lines
from acw_tui.core.shorthand.model import Entry, ShorthandError
from acw_tui.errors import os_reason

COLUMNS = ("abbr", "expansion", "category", "note", "case")


def export_csv(
    entries: list[Entry] | tuple[Entry, ...], delimiter: str = ",", bom: bool = True
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                neutralise(entry.abbr),
                neutralise(entry.expansion),
                neutralise(entry.category),
                neutralise(entry.note),
                "exact" if entry.exact else "",
            ]
        )
    return ("\ufeff" if bom else "") + buffer.getvalue()


def decode_csv(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ShorthandError(
            '{file}:{line}: not UTF-8 text (byte {byte}); save the sheet as "CSV UTF-8"',
            file=source,
            line=line,
            byte=exc.start,
        ) from None


def _sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def import_csv(raw: bytes, source: str, flagged: list[str] | None = None) -> list[Entry]:
    """Entries from a spreadsheet's CSV; the header row names the columns (any order).

    Cells that look like spreadsheet formulas are imported as text and described in
    `flagged` (one line each, naming file, line and column)."""
    text = decode_csv(raw, source)
    if not text.strip():
        raise ShorthandError("{file}: the file is empty", file=source)
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ShorthandError(
            "{file}:{line}: a NUL character; this is not a CSV text file", file=source, line=line
        )
    for line, shown in card_data_lines(text)[:1]:  # a guide goes to every agent and site
        raise ShorthandError(
            "{file}:{line}: holds card data or an id (the line would read {redacted}); take it out",
            file=source,
            line=line,
            redacted=repr(shown),
        )
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True
    )
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise ShorthandError("{file}:{line}: {reason}", file=source, line=1, reason=exc) from None
    for needed in ("abbr", "expansion"):
        if needed not in header:
            raise ShorthandError(
                "{file}:{line}: no {column} column (the header has: {header})",
                file=source,
                line=1,
                column=repr(needed),
                header=", ".join(header) or "–",
            )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ShorthandError(
            "{file}:{line}: the column {column} appears twice",
            file=source,
            line=1,
            column=repr(twice[0]),
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ShorthandError(
            "{file}:{line}: unknown column {column} (known: {known})",
            file=source,
            line=1,
            column=repr(unknown[0]),
            known=", ".join(COLUMNS),
        )
    entries = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise ShorthandError(
                    "{file}:{line}: {cells} cells but the header has {columns}",
                    file=source,
                    line=line,
                    cells=len(row),
                    columns=len(header),
                )
            row = [restore(cell) for cell in row]
            for name, cell in zip(header, row, strict=False):
                at = control_at(cell)
                if at is not None:  # it would end up in notes and on agents' screens
                    raise ShorthandError(
                        "{file}:{line}: {column} holds the control character {char} "
                        "(only tabs and line breaks may be in a cell)",
                        file=source,
                        line=line,
                        column=name,
                        char=control_name(cell[at]),
                    )
            cells = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
            if flagged is not None:
                flagged.extend(
                    f"{source}:{line}: {name} {cells[name][:30]!r} starts like a spreadsheet "
                    "formula; imported as text"
                    for name in header
                    if looks_like_formula(cells[name])
                )
            case = cells.get("case", "").strip().lower()
            if case not in ("", "auto", "exact"):
                raise ShorthandError(
                    "{file}:{line}: case must be empty, auto or exact, got {case}",
                    file=source,
                    line=line,
                    case=repr(case),
                )
            entries.append(
                Entry(
                    cells["abbr"],
                    cells["expansion"],
                    cells.get("category", ""),
                    cells.get("note", ""),
                    case == "exact",
                    line,
                )
            )
    except csv.Error as exc:
        reason = str(exc)
        if "end of data" in reason or "expected after" in reason:
            reason = 'a quoted cell is not closed properly (a " without its pair)'
        raise ShorthandError(
            "{file}:{line}: {reason}", file=source, line=reader.line_num, reason=reason
        ) from None
    return entries


def read_csv_file(path: Path, flagged: list[str] | None = None) -> list[Entry]:
    try:
        raw = read_file_bytes(path)
    except OSError as exc:
        raise ShorthandError(
            "{file}: cannot read ({reason})", file=path, reason=os_reason(exc)
        ) from None
    return import_csv(raw, str(path), flagged)
