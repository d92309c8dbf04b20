"""Note-quality rules as the rest of acw sees them (SPEC §14).

An *element* is something a note must (or must not) say — why the customer called,
the steps taken, the outcome — detected by a filled field or by phrases (and, rarely,
bounded patterns) in the note's language. A *rule* asks for an element, under
conditions (codes, template, another element), and is either critical (kept apart: a
failure is a critical fail, whatever the score) or weighted (the score is the weighted
share of weighted rules passed, 0–100). Every verdict names its rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from acw_tui.core.problems import Problem
from acw_tui.errors import AcwError

LANGUAGES = ("en", "pl", "es", "zh")


class QualityError(AcwError):
    """A rule file is broken; the message names the file and line."""


# A rule file's findings are told like the templates' (the same lint output).
RuleProblem = Problem


class RuleKind(StrEnum):
    PRESENT = "present"  # the note must say it
    ABSENT = "absent"  # the note must not say it


@dataclass(frozen=True)
class Element:
    """Something a note must (or must not) say, and how to tell it is there: a filled field,
    a phrase in the note's language, or a pattern."""

    id: str
    label: str
    labels: Mapping[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()  # present when any of these fields is filled
    phrases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per language
    patterns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # bounded regexes
    line: int | None = None

    def label_in(self, language: str) -> str:
        return self.labels.get(language) or self.label


@dataclass(frozen=True)
class Condition:
    """When a rule applies; every part given must hold (an empty condition always holds)."""

    codes: tuple[str, ...] = ()  # any of these codes was chosen
    not_codes: tuple[str, ...] = ()  # none of these codes was chosen
    templates: tuple[str, ...] = ()  # the note uses one of these templates
    element: str | None = None  # this element is present
    not_element: str | None = None  # this element is absent
    field: str | None = None  # this field is filled


@dataclass(frozen=True)
class Rule:
    """A note-quality rule: it asks for an element (or its absence) under conditions, and is
    either critical or weighted."""

    id: str
    element: str
    kind: RuleKind = RuleKind.PRESENT
    critical: bool = False
    weight: int = 10  # for weighted rules; a critical rule's weight is not used
    when: Condition = Condition()
    message: str = ""
    messages: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None
    when_line: int | None = None  # of its `when`, for lint's messages about it

    def message_in(self, language: str) -> str:
        return self.messages.get(language) or self.message


@dataclass(frozen=True)
class RuleSet:
    """Every usable element and rule; broken ones are left out and reported."""

    elements: Mapping[str, Element] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    problems: tuple[RuleProblem, ...] = ()
    version: int = 0
    path: str | None = None
    # Rules read but left out for a mistake (reported in `problems`) or listed twice:
    # lint still checks what they name.
    set_aside: tuple[Rule, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.rules


@dataclass(frozen=True)
class NoteInput:
    """What the rules look at: the note's text, its fields, codes, template, language."""

    note: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    codes: tuple[str, ...] = ()
    template_id: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class Evidence:
    """Why an element counts as present: a field, a phrase or a pattern (or nothing)."""

    present: bool
    how: str = ""  # "field reason", "phrase 'called about'", "pattern #1"


@dataclass(frozen=True)
class Verdict:
    """What one rule found in one note: passed or failed, and why."""

    rule: str  # the rule's id: every verdict names the rule that gave it
    element: str
    label: str  # the element's label in the note's language
    passed: bool
    critical: bool
    weight: int
    why: str  # what was (or was not) found
    message: str = ""  # what to fix, for a failed rule


@dataclass(frozen=True)
class NoteQuality:
    """What the quality rules made of one note: every verdict, and the score out of 100."""

    verdicts: tuple[Verdict, ...] = ()
    score: float | None = None  # 0–100 over weighted rules; None when none applied
    problems: tuple[str, ...] = ()  # a pattern that ran out of time, …

    @property
    def failed(self) -> tuple[str, ...]:
        return tuple(v.rule for v in self.verdicts if not v.passed)

    @property
    def critical_failed(self) -> bool:
        return any(v.critical and not v.passed for v in self.verdicts)

    @property
    def missing_critical(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.critical and not v.passed)
