"""Judging one note against a rule set: every applicable rule gives a named verdict."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from acw_tui.core.quality.detect import ElementDetector, filled, fold
from acw_tui.core.quality.model import (
    Condition,
    Evidence,
    NoteInput,
    NoteQuality,
    Rule,
    RuleKind,
    RuleSet,
    Verdict,
)


@dataclass
class QualityChecker:
    """A rule set compiled once; `check` is then one pass per element over the note."""

    rules: RuleSet
    _detectors: dict[str, ElementDetector] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._detectors = {
            name: ElementDetector(element) for name, element in self.rules.elements.items()
        }

    def evidence(self, note: NoteInput) -> dict[str, Evidence]:
        """Every element, found or not (what the corpus measures detectors by)."""
        folded = fold(note.note)
        problems: list[str] = []
        return {
            name: detector.find(folded, note.fields, note.language, problems)
            for name, detector in self._detectors.items()
        }

    def check(self, note: NoteInput) -> NoteQuality:
        folded = fold(note.note)
        problems: list[str] = []
        found: dict[str, Evidence] = {}

        def evidence(element: str) -> Evidence:
            if element not in found:
                found[element] = self._detectors[element].find(
                    folded, note.fields, note.language, problems
                )
            return found[element]

        verdicts = []
        for rule in self.rules.rules:
            if not _applies(rule.when, note, evidence):
                continue
            seen = evidence(rule.element)
            passed = seen.present if rule.kind is RuleKind.PRESENT else not seen.present
            verdicts.append(_verdict(rule, self.rules, note.language, seen, passed))
        return NoteQuality(tuple(verdicts), score_of(verdicts), tuple(problems))


def _applies(when: Condition, note: NoteInput, evidence: Callable[[str], Evidence]) -> bool:
    if when.codes and not set(when.codes) & set(note.codes):
        return False
    if set(when.not_codes) & set(note.codes):
        return False
    if when.templates and note.template_id not in when.templates:
        return False
    if when.field and not filled(note.fields.get(when.field)):
        return False
    if when.element and not evidence(when.element).present:
        return False
    return not (when.not_element and evidence(when.not_element).present)


def _verdict(rule: Rule, rules: RuleSet, language: str, seen: Evidence, passed: bool) -> Verdict:
    element = rules.elements[rule.element]
    if rule.kind is RuleKind.PRESENT:
        why = f"found: {seen.how}" if seen.present else seen.how
    else:
        why = f"must not say it, but found: {seen.how}" if seen.present else "not said"
    return Verdict(
        rule=rule.id,
        element=rule.element,
        label=element.label_in(language),
        passed=passed,
        critical=rule.critical,
        weight=0 if rule.critical else rule.weight,
        why=why,
        message="" if passed else rule.message_in(language),
    )


def score_of(verdicts: list[Verdict]) -> float | None:
    """Weighted share of weighted rules passed, 0–100 (one decimal); critical rules are
    kept apart. None when no weighted rule applied."""
    total = sum(v.weight for v in verdicts if not v.critical)
    if total <= 0:
        return None
    passed = sum(v.weight for v in verdicts if not v.critical and v.passed)
    return round(100 * passed / total, 1)
