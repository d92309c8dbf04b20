"""Writing guides back to TOML, and the small edits team leads make (add, remove, bump).

Add, remove and bump edit the file's text in place, so the team lead's comments and
layout survive; import writes the whole file anew.
"""

from __future__ import annotations

import re
from datetime import date

from acw_tui.core.shorthand.model import (
    DEFAULT_DELIMITERS,
    DEFAULT_SIGIL,
    ChangelogEntry,
    Entry,
    Guide,
    ShorthandError,
)


def toml_string(value: str) -> str:
    """A TOML basic string that reads back as exactly `value`."""
    out = ['"']
    for char in value:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def entry_toml(entry: Entry) -> str:
    lines = [
        "[[entry]]",
        f"abbr = {toml_string(entry.abbr)}",
        f"expansion = {toml_string(entry.expansion)}",
    ]
    if entry.category:
        lines.append(f"category = {toml_string(entry.category)}")
    if entry.note:
        lines.append(f"note = {toml_string(entry.note)}")
    if entry.exact:
        lines.append('case = "exact"')
    return "\n".join(lines) + "\n"


def changelog_toml(item: ChangelogEntry) -> str:
    return (
        "[[changelog]]\n"
        f"version = {item.version}\n"
        f"date = {toml_string(item.date)}\n"
        f"text = {toml_string(item.text)}\n"
    )


def dump_guide(guide: Guide) -> str:
    """The whole guide as TOML: header, entries grouped as they come, then the changelog."""
    parts = [
        "[guide]\n"
        f"name = {toml_string(guide.name)}\n"
        f"version = {guide.version}\n"
        f"locale = {toml_string(guide.locale)}\n"
    ]
    if guide.delimiters != DEFAULT_DELIMITERS:
        parts[0] += f"delimiters = {toml_string(guide.delimiters)}\n"
    if guide.sigil != DEFAULT_SIGIL:
        parts[0] += f"sigil = {toml_string(guide.sigil)}\n"
    parts.extend(entry_toml(e) for e in guide.entries)
    parts.extend(changelog_toml(c) for c in guide.changelog)
    return "\n".join(parts)


_HEADER = re.compile(r"^\s*\[")


def _entry_blocks(text: str) -> list[tuple[int, int]]:
    """(first, last+1) line indexes of each [[entry]] block, in file order."""
    lines = text.splitlines(keepends=True)
    blocks = []
    start = None
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            if start is not None:
                blocks.append((start, index))
                start = None
            if re.match(r"^\s*\[\[\s*entry\s*\]\]", line):
                start = index
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def add_entry(text: str, entry: Entry) -> str:
    """Append an entry after the last one (before any changelog), keeping the rest as is."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    blocks = _entry_blocks(text)
    at = _trim_trailing_blank(lines, blocks[-1][1]) if blocks else len(lines)
    insert = ["\n", *entry_toml(entry).splitlines(keepends=True)]
    return "".join(lines[:at] + insert + lines[at:])


def _trim_trailing_blank(lines: list[str], end: int) -> int:
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return end


def remove_entry(text: str, guide: Guide, abbr: str) -> str:
    """Delete the [[entry]] block of `abbr` (found by its line in `guide`)."""
    entry = guide.get(abbr)
    if entry is None:
        raise ShorthandError(
            "{file}: no entry with abbr {abbr}", file=guide.source, abbr=repr(abbr)
        )
    lines = text.splitlines(keepends=True)
    for start, end in _entry_blocks(text):
        if start + 1 == entry.line:
            end = _trim_trailing_blank(lines, end)
            # Drop the blank line that separated it from the block before.
            if start > 0 and not lines[start - 1].strip():
                start -= 1
            return "".join(lines[:start] + lines[end:])
    raise ShorthandError(
        "{file}:{line}: cannot find the entry {abbr} to remove",
        file=guide.source,
        line=entry.line,
        abbr=repr(abbr),
    )


def bump_version(text: str, guide: Guide, message: str, today: date) -> tuple[str, int]:
    """Raise `[guide] version` by one and append a changelog entry; returns (text, version)."""
    new = guide.version + 1
    lines = text.splitlines(keepends=True)
    in_guide = False
    head: int | None = None
    for index, line in enumerate(lines):
        if _HEADER.match(line):
            in_guide = re.match(r"^\s*\[\s*guide\s*\]", line) is not None
            if in_guide:
                head = index
            continue
        if in_guide and re.match(r"^\s*version\s*=", line):
            lines[index] = re.sub(r"=\s*\d+", f"= {new}", line, count=1)
            break
    else:
        if head is not None:
            lines.insert(head + 1, f"version = {new}\n")
        else:
            lines.insert(0, f"[guide]\nversion = {new}\n\n")
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = ChangelogEntry(new, today.isoformat(), message)
    return "".join(lines) + "\n" + changelog_toml(entry), new
