"""Reading one element or one rule of quality.toml, key by key: every mistake in it is
found in one run, each at its key (acw_tui.core.entry_checks), and what is sound of a
rule left out (its conditions) is still there for lint to check."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from acw_tui.core.entry_checks import EntryCheck, Mistake
from acw_tui.core.quality.model import LANGUAGES, Condition, Element, Rule, RuleKind
from acw_tui.errors import Phrase

MAX_PATTERN_LENGTH = 300
MAX_PHRASES = 500  # per element and language
PROBE_SECONDS = 0.05
PROBE_LENGTH = 3000
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ELEMENT_KEYS = {"label", "labels", "fields", "phrases", "patterns"}
_RULE_KEYS = {"id", "element", "kind", "critical", "weight", "when", "message", "messages"}
_WHEN_KEYS = {"codes", "not_codes", "templates", "element", "not_element", "field"}


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Mistake("{where} must be a list of text, got {value}", where=where, value=repr(value))
    return tuple(value)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise Mistake("{where} must be text, got {value}", where=where, value=repr(value))
    return value


def _per_language(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise Mistake("{where} must be a table of lists per language (en, pl, es, zh)", where=where)
    found = {}
    for language, items in value.items():
        if language not in LANGUAGES:
            raise Mistake(
                "{where}.{language}: unknown language (known: {known})",
                where=where,
                language=language,
                known=", ".join(LANGUAGES),
            )
        found[language] = _texts(items, f"{where}.{language}")
        if len(found[language]) > MAX_PHRASES:
            raise Mistake(
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


def element_entry(name: str, table: Any) -> tuple[Element, list[Mistake]]:
    """One `[elements.NAME]` table and every mistake in it."""
    where = Phrase("element {element}", element=repr(name))
    check = EntryCheck()
    if not ID.match(name):
        check.add(
            Mistake("{where}: an element id is lower-case letters, digits, - and _", where=where)
        )
    if not isinstance(table, dict):
        check.add(Mistake("{where}: must be a table", where=where))
        table = {}
    check.known_keys(table, _ELEMENT_KEYS, where)
    labels: dict[str, str] = check.read("labels", lambda: _labels(table, where), {})
    phrases: dict[str, tuple[str, ...]] = check.read("phrases", lambda: _phrases(table, where), {})
    patterns: dict[str, tuple[str, ...]] = check.read(
        "patterns", lambda: _patterns(table, where), {}
    )
    fields: tuple[str, ...] = check.read(
        "fields", lambda: _texts(table.get("fields", []), f"{where}: fields"), ()
    )
    if check.sound and not fields and not phrases and not patterns:
        check.add(
            Mistake(
                "{where}: nothing to detect it by (give fields, phrases or patterns)", where=where
            )
        )
    label = check.read("label", lambda: _text(table.get("label", name), f"{where}: label"), name)
    element = Element(
        id=name, label=label, labels=labels, fields=fields, phrases=phrases, patterns=patterns
    )
    return element, check.mistakes


def _labels(table: Mapping[str, Any], where: str) -> dict[str, str]:
    labels = table.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise Mistake("{where}: `labels` must be a table of text per language", where=where)
    return dict(labels)


def _phrases(table: Mapping[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    phrases = _per_language(table.get("phrases", {}), f"{where}: phrases")
    for language, items in phrases.items():
        for phrase in items:
            if not phrase.strip().rstrip("*").strip():
                raise Mistake(
                    "{where}: phrases.{language}: an empty phrase would match anything",
                    where=where,
                    language=language,
                )
    return phrases


def _patterns(table: Mapping[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    patterns = _per_language(table.get("patterns", {}), f"{where}: patterns")
    for language, items in patterns.items():
        for pattern in items:
            problem = pattern_problem(pattern)
            if problem:
                raise Mistake(
                    "{where}: patterns.{language}: {problem}",
                    where=where,
                    language=language,
                    problem=problem,
                )
    return patterns


def _condition(
    value: Any, where: str, elements: Mapping[str, Element], known: set[str], check: EntryCheck
) -> Condition:
    """A rule's `when`: each condition read on its own (an unknown one is reported and
    the rest still read); `known` holds every element declared, sound or not."""
    if not isinstance(value, dict):
        check.add(Mistake("{where}: `when` must be a table", at_key="when", where=where))
        return Condition()
    for key in value:
        if key not in _WHEN_KEYS:
            check.add(
                Mistake(
                    "{where}: when.{key}: unknown condition (known: {known})",
                    at_key="when",
                    where=where,
                    key=key,
                    known=", ".join(sorted(_WHEN_KEYS)),
                )
            )

    def listed(key: str) -> tuple[str, ...]:
        return check.read("when", lambda: _texts(value.get(key, []), f"{where}: when.{key}"), ())

    def named(key: str) -> str | None:
        if key not in value:
            return None
        name = check.read("when", lambda: _text(value[key], f"{where}: when.{key}"), None)
        if key != "field" and name is not None and name not in known:
            check.add(
                Mistake(
                    "{where}: when.{key}: unknown element `{value}`",
                    at_key="when",
                    where=where,
                    key=key,
                    value=name,
                )
            )
            return None
        return name

    return Condition(
        codes=listed("codes"),
        not_codes=listed("not_codes"),
        templates=listed("templates"),
        element=named("element"),
        not_element=named("not_element"),
        field=named("field"),
    )


def rule_entry(
    table: Any, number: int, elements: Mapping[str, Element], known: set[str]
) -> tuple[Rule | None, list[Mistake]]:
    """One `[[rules]]` entry and every mistake in it; the rule (what of it is sound)
    even with mistakes, for lint, and None when it has no usable id. `known` holds every
    element declared, sound or not: a rule asking for one with mistakes of its own is
    left out without being said to ask for an unknown element."""
    where = Phrase("rule #{number}", number=number)
    if not isinstance(table, dict):
        return None, [Mistake("{where}: must be a table", where=where)]
    check = EntryCheck()
    rule_id = table.get("id")
    if not isinstance(rule_id, str) or not ID.match(rule_id):
        check.add(
            Mistake(
                "{where}: `id` must be lower-case letters, digits, - and _, got {rule_id}",
                at_key="id",
                where=where,
                rule_id=repr(rule_id),
            )
        )
        rule_id = None
    else:
        where = Phrase("rule {rule}", rule=repr(rule_id))
    check.known_keys(table, _RULE_KEYS, where)
    element = table.get("element")
    if element not in known:
        check.add(
            Mistake(
                "{where}: unknown element `{element}` (known: {known})",
                at_key="element",
                where=where,
                element=element,
                known=", ".join(sorted(known)) or "none",
            )
        )
    kind = check.read("kind", lambda: _kind(table, where), RuleKind.PRESENT)
    critical = check.read("critical", lambda: _critical(table, where), False)
    weight = check.read("weight", lambda: _weight(table, where), 10)
    messages: dict[str, str] = check.read("messages", lambda: _messages(table, where), {})
    when = _condition(table.get("when", {}), where, elements, known, check)
    message = check.read(
        "message", lambda: _text(table.get("message", ""), f"{where}: message"), ""
    )
    if rule_id is None:
        return None, check.mistakes
    rule = Rule(
        id=rule_id,
        element=str(element),
        kind=kind,
        critical=critical,
        weight=weight,
        when=when,
        message=message,
        messages=messages,
    )
    return rule, check.mistakes


def _kind(table: Mapping[str, Any], where: str) -> RuleKind:
    kind = table.get("kind", RuleKind.PRESENT.value)
    if kind not in {k.value for k in RuleKind}:
        raise Mistake(
            "{where}: `kind` must be present or absent, got {kind}", where=where, kind=repr(kind)
        )
    return RuleKind(kind)


def _critical(table: Mapping[str, Any], where: str) -> bool:
    critical = table.get("critical", False)
    if not isinstance(critical, bool):
        raise Mistake(
            "{where}: `critical` must be true or false, got {critical}",
            where=where,
            critical=repr(critical),
        )
    return critical


def _weight(table: Mapping[str, Any], where: str) -> int:
    weight = table.get("weight", 10)
    if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 1000:
        raise Mistake(
            "{where}: `weight` must be a whole number from 0 to 1000, got {weight}",
            where=where,
            weight=repr(weight),
        )
    return weight


def _messages(table: Mapping[str, Any], where: str) -> dict[str, str]:
    messages = table.get("messages", {})
    if not isinstance(messages, dict) or not all(isinstance(v, str) for v in messages.values()):
        raise Mistake("{where}: `messages` must be a table of text per language", where=where)
    return dict(messages)
