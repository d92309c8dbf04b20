"""Reading a guide from TOML, with the file and line of every problem.

A guide with problems still loads: a bad entry is left out, a duplicate keeps its
first occurrence, a bad setting falls back to the default. Each is reported as a
`GuideProblem`, so the agent sees a warning while the team lead's `acw guide lint`
sees an error, and both get the same guide every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from acw_tui.core.file_bytes import read_file_bytes
from acw_tui.core.problems import without_where
from acw_tui.core.shorthand.fillins import fill_in_problems
from acw_tui.core.shorthand.model import (
    DEFAULT_DELIMITERS,
    DEFAULT_SIGIL,
    ChangelogEntry,
    Entry,
    Guide,
    GuideProblem,
    ShorthandError,
)
from acw_tui.core.shorthand.rules import is_token_char
from acw_tui.core.toml_text import TOMLDecodeError, TomlMistake, parse_toml, read_toml
from acw_tui.errors import N_, os_reason

ENTRY_KEYS = ("abbr", "expansion", "category", "note", "case")
GUIDE_KEYS = ("name", "version", "locale", "delimiters", "sigil", "description")
_TABLE = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\"-]+)\s*=")


def read_text(path: Path) -> str:
    """The guide file's text; a missing file or bad encoding is one clear line."""
    try:
        raw = read_file_bytes(path)
    except FileNotFoundError:
        raise ShorthandError("{file}: no such guide file", file=path) from None
    except OSError as exc:
        raise ShorthandError(
            "{file}: cannot read the guide ({reason})", file=path, reason=os_reason(exc)
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ShorthandError(
            "{file}:{line}: not UTF-8 text (byte {byte})", file=path, line=line, byte=exc.start
        ) from None


def load_guide(path: Path) -> Guide:
    """Load a guide file; raises ShorthandError only when it cannot be read or parsed."""
    return parse_guide(read_text(path), str(path))


def load_guide_leniently(path: Path) -> Guide:
    """For the agent's screen: never raises; an unreadable guide is an empty one with a warning."""
    try:
        return load_guide(path)
    except ShorthandError as exc:
        return Guide(source=str(path), problems=(_problem_from_error(exc, str(path)),))


def _problem_from_error(exc: ShorthandError, source: str) -> GuideProblem:
    line, template, params = without_where(exc)
    return GuideProblem.of(source, line or 0, template, check="malformed", **params)


@dataclass
class _Lines:
    """Where tables and keys sit in the file (tomli does not say)."""

    text: str

    def __post_init__(self) -> None:
        self.tables: dict[str, list[int]] = {}  # table name -> its header lines, in order
        self.starts: list[int] = []  # every table header line, in order
        self.keys: dict[int, dict[str, int]] = {}  # table header line -> key -> line
        current = 0
        for number, line in enumerate(self.text.splitlines(), start=1):
            if table := _TABLE.match(line):
                self.tables.setdefault(table.group(1).strip('"'), []).append(number)
                self.starts.append(number)
                current = number
            elif key := _KEY.match(line):
                self.keys.setdefault(current, {}).setdefault(key.group(1).strip('"'), number)

    def table_line(self, name: str, index: int = 0) -> int:
        found = self.tables.get(name, [])
        return found[index] if index < len(found) else 0

    def key_line(self, table_line: int, key: str) -> int:
        """The line of `key` inside the table starting at `table_line`."""
        return self.keys.get(table_line, {}).get(key, table_line)


def parse_guide(text: str, source: str = "<guide>") -> Guide:
    """Build a Guide from TOML text; `source` names the file in every problem."""
    try:
        data = read_toml(text)
    except TomlMistake as exc:
        raise ShorthandError(
            "{file}:{line}: {reason}", file=source, line=exc.line, reason=exc
        ) from None
    lines = _Lines(text)
    problems: list[GuideProblem] = []

    def problem(
        line: int,
        template: str,
        severity: str = "error",
        *,
        abbr: str = "",
        check: str = "",
        **params: object,
    ) -> None:
        problems.append(GuideProblem.of(source, line, template, severity, abbr, check, **params))

    for key in data:
        if key not in ("guide", "entry", "changelog"):
            problem(
                lines.table_line(key) or 1,
                N_("unknown table [{table}] (known: guide, entry, changelog)"),
                "warning",
                table=key,
            )
    settings = _settings(data.get("guide", {}), lines, problem)
    entries = []
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        problem(1, N_("`entry` must be a list of [[entry]] tables"))
        raw_entries = []
    for index, raw in enumerate(raw_entries):
        line = lines.table_line("entry", index) or 1
        entry = _entry(raw, line, lines, settings, problem)
        if entry is not None:
            entries.append(entry)
    kept = _without_duplicates(entries, problem)
    changelog = _changelog(data.get("changelog", []), lines, problem)
    return Guide.of(
        kept,
        problems=tuple(sorted(problems, key=lambda p: p.line)),
        changelog=changelog,
        source=source,
        text=text,
        **settings,
    )


def values_by_line(text: str) -> list[tuple[int, str, str]]:
    """Every text in a guide file's values and keys, with escapes read, and the line of
    its key: (line, key, text). For checks that must see all of a file, whatever its
    tables (nothing for a file that is not TOML)."""
    try:
        data = parse_toml(text)
    except TOMLDecodeError:
        return []
    lines = _Lines(text)
    found: list[tuple[int, str, str]] = []
    for table, body in data.items():
        if isinstance(body, dict):
            heads = [(lines.table_line(table) or 1, body)]
        elif isinstance(body, list) and all(isinstance(item, dict) for item in body):
            heads = [(lines.table_line(table, i) or 1, item) for i, item in enumerate(body)]
        else:  # a key before any table
            found += [(lines.key_line(0, table) or 1, table, t) for t in _texts(table, body)]
            continue
        for head, item in heads:
            for key, value in item.items():
                found += [(lines.key_line(head, key), key, t) for t in _texts(key, value)]
    return found


def _texts(key: str, value: Any) -> list[str]:
    """`key` and every text inside `value` (nested lists and tables included)."""
    if isinstance(value, str):
        return [key, value]
    if isinstance(value, dict):
        return [key] + [t for k, v in value.items() for t in _texts(k, v)]
    if isinstance(value, list):
        return [key] + [t for v in value for t in _texts(key, v)]
    return [key]


def _settings(table: Any, lines: _Lines, problem: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    head = lines.table_line("guide") or 1
    if not isinstance(table, dict):
        problem(head, N_("[guide] must be a table"))
        return settings
    for key, value in table.items():
        line = lines.key_line(head, key)
        if key not in GUIDE_KEYS:
            problem(
                line,
                N_("[guide] {key}: unknown key (known: {known})"),
                "warning",
                key=key,
                known=", ".join(GUIDE_KEYS),
            )
        elif key == "version":
            if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                settings["version"] = value
            else:
                problem(
                    line,
                    N_("[guide] version: expected a whole number, got {value}"),
                    value=repr(value),
                )
        elif not isinstance(value, str):
            problem(
                line, N_("[guide] {key}: expected text, got {value}"), key=key, value=repr(value)
            )
        elif key in ("name", "locale"):
            settings[key] = value
        elif key == "delimiters":
            bad = [c for c in value if is_token_char(c)]
            if bad:
                problem(
                    line,
                    N_("[guide] delimiters: {characters} are token characters; ignored"),
                    characters=repr("".join(bad)),
                )
            settings["delimiters"] = "".join(c for c in value if not is_token_char(c))
        elif key == "sigil":
            if any(is_token_char(c) or c.isspace() for c in value):
                problem(
                    line,
                    N_("[guide] sigil: {value} contains a token character or space; using {sigil}"),
                    value=repr(value),
                    sigil=repr(DEFAULT_SIGIL),
                )
            else:
                settings["sigil"] = value
    return settings


def _entry(
    raw: Any, line: int, lines: _Lines, settings: dict[str, Any], problem: Any
) -> Entry | None:
    if not isinstance(raw, dict):
        problem(line, N_("entry is not a table; left out"), check="malformed")
        return None
    for key in raw:
        if key not in ENTRY_KEYS:
            problem(
                lines.key_line(line, key),
                N_("entry: {key}: unknown key (known: {known})"),
                "warning",
                key=key,
                known=", ".join(ENTRY_KEYS),
            )
    values: dict[str, str] = {}
    for key in ("abbr", "expansion"):
        value = raw.get(key)
        where = lines.key_line(line, key)
        if value is None:
            problem(line, N_("entry has no {key}; left out"), check="malformed", key=key)
            return None
        if not isinstance(value, str):
            problem(
                where,
                N_("entry {key}: expected text, got {value}; left out"),
                check="malformed",
                key=key,
                value=repr(value),
            )
            return None
        if not value.strip():
            problem(where, N_("entry {key} is empty; left out"), check="empty", key=key)
            return None
        values[key] = value
    abbr, expansion = values["abbr"], values["expansion"]
    where = lines.key_line(line, "abbr")
    delimiters = settings.get("delimiters", DEFAULT_DELIMITERS)
    sigil = settings.get("sigil", DEFAULT_SIGIL)
    used = sorted({c for c in abbr if c in delimiters})
    if sigil and sigil in abbr:
        problem(
            where,
            N_("abbr {shown} contains the sigil {sigil}; left out"),
            abbr=abbr,
            shown=repr(abbr),
            sigil=repr(sigil),
            check="delimiter",
        )
        return None
    if used:
        shown = ", ".join(repr(c) for c in used)
        problem(
            where,
            N_("abbr {shown} contains the delimiter {delimiter}; left out"),
            abbr=abbr,
            shown=repr(abbr),
            delimiter=shown,
            check="delimiter",
        )
        return None
    if not all(is_token_char(c) for c in abbr):
        odd = ", ".join(repr(c) for c in sorted({c for c in abbr if not is_token_char(c)}))
        problem(
            where,
            N_("abbr {shown} contains {odd}, which cannot be part of a token; left out"),
            abbr=abbr,
            shown=repr(abbr),
            odd=odd,
            check="malformed",
        )
        return None
    if not any(c.isalnum() for c in abbr):
        # Rule 2 makes `-` a token wherever it stands alone: "a - b" would expand.
        problem(
            where,
            N_(
                "abbr {shown} has no letter or digit: it would expand wherever it stands alone; left out"
            ),
            abbr=abbr,
            shown=repr(abbr),
            check="malformed",
        )
        return None
    if expansion != expansion.strip():
        problem(
            lines.key_line(line, "expansion"),
            N_("entry {shown}: expansion starts or ends with whitespace"),
            "warning",
            abbr=abbr,
            shown=repr(abbr),
            check="malformed",
        )
    for message in fill_in_problems(expansion):
        problem(
            lines.key_line(line, "expansion"),
            f"entry {abbr!r}: {message}",
            abbr=abbr,
            check="fill-in",
        )
    case = raw.get("case", "auto")
    if case not in ("auto", "exact"):
        problem(
            lines.key_line(line, "case"),
            N_('entry {shown}: case must be "exact" or "auto", got {case}; using auto'),
            abbr=abbr,
            shown=repr(abbr),
            case=repr(case),
            check="malformed",
        )
        case = "auto"
    texts = {}
    for key in ("category", "note"):
        value = raw.get(key, "")
        if not isinstance(value, str):
            problem(
                lines.key_line(line, key),
                N_("entry {shown}: {key}: expected text"),
                "warning",
                abbr=abbr,
                shown=repr(abbr),
                key=key,
            )
            value = ""
        texts[key] = value
    return Entry(abbr, expansion, texts["category"], texts["note"], case == "exact", line)


def _without_duplicates(entries: list[Entry], problem: Any) -> list[Entry]:
    """The first entry for each key (rule 4), and for each abbreviation as written:
    `cx` twice is a duplicate even when one of them says `case = "exact"`."""
    first: dict[tuple[bool, str], Entry] = {}
    kept = []
    for entry in entries:
        keys = [(entry.matches_exactly, entry.key), (True, entry.abbr)]
        earlier = next((first[key] for key in keys if key in first), None)
        if earlier is not None:
            problem(
                entry.line,
                N_("duplicate abbr {shown} (first at line {first}); this one is ignored"),
                abbr=entry.abbr,
                shown=repr(entry.abbr),
                first=earlier.line,
                check="duplicate",
            )
            continue
        for key in keys:
            first.setdefault(key, entry)
        kept.append(entry)
    return kept


def _changelog(raw: Any, lines: _Lines, problem: Any) -> tuple[ChangelogEntry, ...]:
    if not isinstance(raw, list):
        problem(lines.table_line("changelog") or 1, N_("`changelog` must be [[changelog]] tables"))
        return ()
    result = []
    for index, item in enumerate(raw):
        line = lines.table_line("changelog", index) or 1
        if not isinstance(item, dict) or not isinstance(item.get("version"), int):
            problem(line, N_("changelog entry needs a whole-number version"), "warning")
            continue
        result.append(
            ChangelogEntry(item["version"], str(item.get("date", "")), str(item.get("text", "")))
        )
    return tuple(result)
