"""Reading note-quality rules (`quality.toml` beside the templates).

```toml
[quality]
version = 3

[elements.reason]                    # something a note must say
label = "Why the customer called"
labels = { pl = "Powód kontaktu" }
fields = ["reason"]                  # present when one of these fields is filled …
[elements.reason.phrases]            # … or one of these phrases is in the note
en = ["called about", "asked about", "complain*"]   # `*`: any word ending
zh = ["咨询", "投诉"]
[elements.reason.patterns]           # rarely: Python regex, run with a time limit
en = ['\\bref\\s*#?\\d{5,}']

[[rules]]
id = "reason"                        # names every verdict it gives
element = "reason"
weight = 30                          # weighted rule: its share of the 0–100 score
message = "Say why the customer called"
messages = { pl = "Napisz, dlaczego klient dzwonił" }

[[rules]]
id = "identity-checked"
element = "identity"
critical = true                      # kept apart from the score: a critical fail
when = { codes = ["account-update"] }  # also: not_codes, templates, element,
                                       # not_element, field
# kind = "absent"                    # the note must NOT say it
```

A file is read leniently: a broken element or rule is left out and reported with
its file and line, so the agent's screen keeps working without it; a file that is not
TOML at all leaves out every rule of that file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.problems import without_where
from acw_tui.core.quality.entries import element_entry, pattern_problem, rule_entry
from acw_tui.core.quality.model import (
    Element,
    QualityError,
    Rule,
    RuleProblem,
    RuleSet,
)
from acw_tui.core.toml_text import TomlMistake, read_toml
from acw_tui.errors import N_, os_reason

__all__ = ["QUALITY_FILE", "load_rules", "parse_rules", "pattern_problem"]

QUALITY_FILE = "quality.toml"
_TOP_KEYS = {"quality", "elements", "rules"}


class _Lines:
    """Where things are in the file, for messages (tomli gives no positions)."""

    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()

    def first(self, pattern: str, start: int = 1, stop: int | None = None) -> int | None:
        for number in range(start, (stop or len(self.lines)) + 1):
            if number - 1 < len(self.lines) and re.search(pattern, self.lines[number - 1]):
                return number
        return None

    def rule_starts(self) -> list[int]:
        return [
            number
            for number, text in enumerate(self.lines, start=1)
            if re.match(r"^\s*\[\[\s*rules\s*\]\]", text)
        ]

    def element_line(self, name: str) -> int | None:
        return self.first(rf"^\s*\[\s*elements\.[\"']?{re.escape(name)}[\"']?\s*[\].]")

    def in_element(self, name: str, message: str, line: int | None) -> int | None:
        """The line of an element's key a message is about (`patterns.en: …`)."""
        found = re.search(r": (label|labels|fields|phrases|patterns)(?:\.([a-z]{2}))?\b", message)
        if not found or line is None:
            return None
        key, language = found.groups()
        if language:
            table = self.first(
                rf"^\s*\[\s*elements\.[\"']?{re.escape(name)}[\"']?\.{key}\s*\]", line
            )
            if table:
                return self.first(rf"^\s*{language}\s*=", table) or table
            return self.first(rf"^\s*{key}\.{language}\s*=", line) or self.first(
                rf"^\s*{key}\s*=", line
            )
        return self.first(rf"^\s*{key}\s*=", line)

    def table_end(self, line: int | None) -> int | None:
        """The last line of the table starting at `line` (before the next header)."""
        if line is None:
            return None
        after = self.first(r"^\s*\[", line + 1)
        return after - 1 if after else None

    def key_in(self, key: str, start: int | None, stop: int | None) -> int | None:
        if start is None:
            return None
        found = self.first(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]", start, stop)
        return found or start


def parse_rules(source: str, path: Path | str = QUALITY_FILE) -> RuleSet:
    """A rule set from one file's text; broken parts are left out and reported."""
    where = str(path)
    lines = _Lines(source)
    problems: list[RuleProblem] = []
    try:
        data = read_toml(source)
    except TomlMistake as exc:
        return RuleSet(problems=(RuleProblem.of_error(where, exc.line, exc),), path=where)
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                RuleProblem.of(
                    where,
                    lines.first(rf"^\s*\[?\s*{re.escape(key)}"),
                    N_("unknown key `{key}` (known: elements, quality, rules)"),
                    key=key,
                )
            )
    head = data.get("quality", {})
    version = head.get("version", 0) if isinstance(head, dict) else 0
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        problems.append(
            RuleProblem.of(
                where,
                lines.first(r"^\s*version"),
                N_("quality.version must be a whole number, got {version}"),
                version=repr(version),
            )
        )
        version = 0

    elements: dict[str, Element] = {}
    raw_elements = data.get("elements", {})
    if not isinstance(raw_elements, dict):
        problems.append(
            RuleProblem.of(
                where, lines.first(r"elements"), N_("`elements` must be tables ([elements.NAME])")
            )
        )
        raw_elements = {}
    declared = set(raw_elements)  # sound or not: a rule naming one names no unknown element
    for name, table in raw_elements.items():
        line = lines.element_line(name)
        element, mistakes = element_entry(name, table)
        for mistake in mistakes:
            at = lines.in_element(name, str(mistake), line)
            if mistake.key and not at:
                at = lines.key_in(mistake.key, line, lines.table_end(line))
            problems.append(RuleProblem.of_error(where, mistake.line or at or line, mistake))
        if not mistakes:
            elements[name] = Element(**{**vars(element), "line": line})

    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        problems.append(
            RuleProblem.of(
                where, lines.first(r"rules"), N_("`rules` must be an array of tables ([[rules]])")
            )
        )
        raw_rules = []
    starts = lines.rule_starts()
    rules: list[Rule] = []
    set_aside: list[Rule] = []
    for number, table in enumerate(raw_rules, start=1):
        start = starts[number - 1] if number - 1 < len(starts) else None
        stop = starts[number] - 1 if number < len(starts) else None
        rule, mistakes = rule_entry(table, number, elements, declared)
        for mistake in mistakes:
            at = lines.key_in(mistake.key, start, stop) if mistake.key else start
            problems.append(RuleProblem.of_error(where, mistake.line or at, mistake))
        if rule is None:
            continue
        when_line = lines.key_in("when", start, stop) if "when" in table else None
        rule = Rule(**{**vars(rule), "line": start, "when_line": when_line})
        if any(r.id == rule.id for r in (*rules, *set_aside)):
            problems.append(
                RuleProblem.of(where, start, N_("rule {rule}: listed twice"), rule=repr(rule.id))
            )
            set_aside.append(rule)
        elif mistakes:
            set_aside.append(rule)
        elif broken := _broken_element(rule, elements):
            problems.append(
                RuleProblem.of(
                    where,
                    lines.key_in("element", start, stop),
                    N_(
                        "rule {rule}: element `{element}` has a mistake of its own, "
                        "so the rule is left out until it is fixed"
                    ),
                    rule=repr(rule.id),
                    element=broken,
                )
            )
            set_aside.append(rule)
        else:
            rules.append(rule)
    return RuleSet(elements, tuple(rules), tuple(problems), version, where, tuple(set_aside))


def _broken_element(rule: Rule, elements: Mapping[str, Element]) -> str | None:
    """An element `rule` names that is declared but was not read for a mistake."""
    named = (rule.element, rule.when.element, rule.when.not_element)
    return next((name for name in named if name is not None and name not in elements), None)


def _read(path: Path) -> str:
    try:
        return read_file_text(path)  # a BOM is no mistake
    except UnicodeDecodeError as exc:
        raise QualityError(
            "{file}: not UTF-8 text (byte {byte})", file=path, byte=exc.start
        ) from None
    except OSError as exc:
        raise QualityError(
            "{file}: cannot read ({reason})", file=path, reason=os_reason(exc)
        ) from None


def load_rules(folder: Path) -> RuleSet:
    """The rules of a templates folder (`quality.toml`); none when the file is absent.
    Never raises for what the file holds: problems ride along on the rule set."""
    path = folder / QUALITY_FILE
    if not path.is_file():
        return RuleSet(path=str(path))
    try:
        source = _read(path)
    except QualityError as exc:
        line, template, params = without_where(exc)
        return RuleSet(
            problems=(RuleProblem.of(str(path), line, template, **params),), path=str(path)
        )
    return parse_rules(source, path)
