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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from acw_tui.core.file_bytes import read_file_text
from acw_tui.core.problems import without_where
from acw_tui.core.quality.model import (
    LANGUAGES,
    Condition,
    Element,
    QualityError,
    Rule,
    RuleKind,
    RuleProblem,
    RuleSet,
)
from acw_tui.core.toml_text import TOMLDecodeError, parse_toml
from acw_tui.errors import N_, AcwError, Phrase

QUALITY_FILE = "quality.toml"
T = TypeVar("T")
MAX_PATTERN_LENGTH = 300
MAX_PHRASES = 500  # per element and language
PROBE_SECONDS = 0.05
PROBE_LENGTH = 3000
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TOML_LINE = re.compile(r"line (\d+)")
_TOP_KEYS = {"quality", "elements", "rules"}
_ELEMENT_KEYS = {"label", "labels", "fields", "phrases", "patterns"}
_RULE_KEYS = {"id", "element", "kind", "critical", "weight", "when", "message", "messages"}
_WHEN_KEYS = {"codes", "not_codes", "templates", "element", "not_element", "field"}


class _Bad(AcwError):
    """A problem in the file (a message template and parameters); `key` says which key
    of the table it is at."""

    def __init__(
        self, template: str, line: int | None = None, /, *, at_key: str | None = None, **params: Any
    ) -> None:
        super().__init__(template, **params)
        self.line = line
        self.key = at_key


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

    def key_in(self, key: str, start: int | None, stop: int | None) -> int | None:
        if start is None:
            return None
        found = self.first(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]", start, stop)
        return found or start


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _Bad("{where} must be a list of text, got {value}", where=where, value=repr(value))
    return tuple(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Bad("{where} must be text, got {value}", where=where, value=repr(value))
    return value


def _per_language(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _Bad("{where} must be a table of lists per language (en, pl, es, zh)", where=where)
    found = {}
    for language, items in value.items():
        if language not in LANGUAGES:
            raise _Bad(
                "{where}.{language}: unknown language (known: {known})",
                where=where,
                language=language,
                known=", ".join(LANGUAGES),
            )
        found[language] = _texts(items, f"{where}.{language}")
        if len(found[language]) > MAX_PHRASES:
            raise _Bad(
                "{where}.{language}: more than {limit} entries",
                where=where,
                language=language,
                limit=MAX_PHRASES,
            )
    return found


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern cannot be used: invalid, too long, or slow on a probe string
    (nested repetition that backtracks without end); None when it is fine."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"pattern longer than {MAX_PATTERN_LENGTH} characters"
    import regex  # (only when a rule file has patterns of its own)

    try:
        compiled = regex.compile(pattern, regex.IGNORECASE)
    except regex.error as exc:
        return f"pattern {pattern!r} is not a valid regex ({exc})"
    if compiled.search("") is not None and compiled.pattern:
        return f"pattern {pattern!r} matches empty text, so it would find every element"
    letters = {c for c in pattern if c.isalnum()} | {"a", "0", " ", "-"}
    for letter in sorted(letters):
        for probe in (letter * PROBE_LENGTH + "!", (letter + " ") * (PROBE_LENGTH // 2) + "!"):
            try:
                compiled.search(probe, timeout=PROBE_SECONDS)
            except TimeoutError:
                return (
                    f"pattern {pattern!r} runs for ever on text like {letter * 8!r}… "
                    "(nested repetition); use phrases or a simpler pattern"
                )
    return None


def _element(name: str, table: Any) -> Element:
    where = Phrase("element {element}", element=repr(name))
    if not _ID.match(name):
        raise _Bad("{where}: an element id is lower-case letters, digits, - and _", where=where)
    if not isinstance(table, dict):
        raise _Bad("{where}: must be a table", where=where)
    for key in table:
        if key not in _ELEMENT_KEYS:
            raise _Bad(
                "{where}: unknown key `{key}` (known: {known})",
                where=where,
                key=key,
                known=", ".join(sorted(_ELEMENT_KEYS)),
            )
    labels = table.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise _Bad("{where}: `labels` must be a table of text per language", where=where)
    phrases = _per_language(table.get("phrases", {}), f"{where}: phrases")
    for language, items in phrases.items():
        for phrase in items:
            if not phrase.strip().rstrip("*").strip():
                raise _Bad(
                    "{where}: phrases.{language}: an empty phrase would match anything",
                    where=where,
                    language=language,
                )
    patterns = _per_language(table.get("patterns", {}), f"{where}: patterns")
    for language, items in patterns.items():
        for pattern in items:
            problem = pattern_problem(pattern)
            if problem:
                raise _Bad(
                    "{where}: patterns.{language}: {problem}",
                    where=where,
                    language=language,
                    problem=problem,
                )
    fields = _texts(table.get("fields", []), f"{where}: fields")
    if not fields and not phrases and not patterns:
        raise _Bad(
            "{where}: nothing to detect it by (give fields, phrases or patterns)", where=where
        )
    return Element(
        id=name,
        label=_text(table.get("label", name), f"{where}: label"),
        labels=dict(labels),
        fields=fields,
        phrases=phrases,
        patterns=patterns,
    )


def _condition(value: Any, where: str, elements: Mapping[str, Element]) -> Condition:
    if not isinstance(value, dict):
        raise _Bad("{where}: `when` must be a table", where=where)
    for key in value:
        if key not in _WHEN_KEYS:
            raise _Bad(
                "{where}: when.{key}: unknown condition (known: {known})",
                where=where,
                key=key,
                known=", ".join(sorted(_WHEN_KEYS)),
            )
    for key in ("element", "not_element"):
        if key in value and value[key] not in elements:
            raise _Bad(
                "{where}: when.{key}: unknown element `{value}`",
                where=where,
                key=key,
                value=value[key],
            )
    return Condition(
        codes=_texts(value.get("codes", []), f"{where}: when.codes"),
        not_codes=_texts(value.get("not_codes", []), f"{where}: when.not_codes"),
        templates=_texts(value.get("templates", []), f"{where}: when.templates"),
        element=_text(value["element"], f"{where}: when.element") if "element" in value else None,
        not_element=(
            _text(value["not_element"], f"{where}: when.not_element")
            if "not_element" in value
            else None
        ),
        field=_text(value["field"], f"{where}: when.field") if "field" in value else None,
    )


def _rule(table: Any, number: int, elements: Mapping[str, Element]) -> Rule:
    where = Phrase("rule #{number}", number=number)
    if not isinstance(table, dict):
        raise _Bad("{where}: must be a table", where=where)
    for key in table:
        if key not in _RULE_KEYS:
            raise _Bad(
                "{where}: unknown key `{key}` (known: {known})",
                at_key=key,
                where=where,
                key=key,
                known=", ".join(sorted(_RULE_KEYS)),
            )
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise _Bad(
            "{where}: `id` must be lower-case letters, digits, - and _, got {rule_id}",
            at_key="id",
            where=where,
            rule_id=repr(rule_id),
        )
    where = Phrase("rule {rule}", rule=repr(rule_id))
    element = table.get("element")
    if element not in elements:
        known = ", ".join(sorted(elements)) or "none"
        raise _Bad(
            "{where}: unknown element `{element}` (known: {known})",
            at_key="element",
            where=where,
            element=element,
            known=known,
        )
    kind = table.get("kind", RuleKind.PRESENT.value)
    if kind not in {k.value for k in RuleKind}:
        raise _Bad(
            "{where}: `kind` must be present or absent, got {kind}",
            at_key="kind",
            where=where,
            kind=repr(kind),
        )
    critical = table.get("critical", False)
    if not isinstance(critical, bool):
        raise _Bad(
            "{where}: `critical` must be true or false, got {critical}",
            at_key="critical",
            where=where,
            critical=repr(critical),
        )
    weight = table.get("weight", 10)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 1000:
        raise _Bad(
            "{where}: `weight` must be a whole number from 0 to 1000, got {weight}",
            at_key="weight",
            where=where,
            weight=repr(weight),
        )
    messages = table.get("messages", {})
    if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
        raise _Bad(
            "{where}: `messages` must be a table of text per language",
            at_key="messages",
            where=where,
        )
    return Rule(
        id=rule_id,
        element=str(element),
        kind=RuleKind(kind),
        critical=critical,
        weight=weight,
        when=_keyed("when", lambda: _condition(table.get("when", {}), where, elements)),
        message=_keyed("message", lambda: _text(table.get("message", ""), f"{where}: message")),
        messages=dict(messages),
    )


def _keyed(key: str, read: Callable[[], T]) -> T:
    """Read one key of a rule; a problem found there is located at that key."""
    try:
        return read()
    except _Bad as exc:
        exc.key = exc.key or key
        raise


def parse_rules(source: str, path: Path | str = QUALITY_FILE) -> RuleSet:
    """A rule set from one file's text; broken parts are left out and reported."""
    where = str(path)
    lines = _Lines(source)
    problems: list[RuleProblem] = []
    try:
        data = parse_toml(source)
    except TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        message = _TOML_LINE.sub("", str(exc)).replace("(at , column", "(column").strip()
        line = int(match.group(1)) if match else None
        return RuleSet(
            problems=(
                RuleProblem.of(where, line, N_("malformed TOML: {message}"), message=message),
            ),
            path=where,
        )
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
    for name, table in raw_elements.items():
        line = lines.element_line(name)
        try:
            element = _element(name, table)
        except _Bad as exc:
            at = lines.in_element(name, str(exc), line)
            problems.append(RuleProblem.of_error(where, exc.line or at or line, exc))
            continue
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
    for number, table in enumerate(raw_rules, start=1):
        start = starts[number - 1] if number - 1 < len(starts) else None
        stop = starts[number] - 1 if number < len(starts) else None
        try:
            rule = _rule(table, number, elements)
        except _Bad as exc:
            line = exc.line or (lines.key_in(exc.key, start, stop) if exc.key else start)
            problems.append(RuleProblem.of_error(where, line, exc))
            continue
        if any(r.id == rule.id for r in rules):
            problems.append(
                RuleProblem.of(where, start, N_("rule {rule}: listed twice"), rule=repr(rule.id))
            )
            continue
        rules.append(Rule(**{**vars(rule), "line": start}))
    return RuleSet(elements, tuple(rules), tuple(problems), version, where)


def _read(path: Path) -> str:
    try:
        return read_file_text(path)  # a BOM is no mistake
    except UnicodeDecodeError as exc:
        raise QualityError(
            "{file}: not UTF-8 text (byte {byte})", file=path, byte=exc.start
        ) from None
    except OSError as exc:
        raise QualityError(
            "{file}: cannot read ({reason})", file=path, reason=exc.strerror
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
