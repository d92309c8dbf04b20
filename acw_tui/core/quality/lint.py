"""`acw rules lint`: the loader's problems plus what only the whole folder shows —
a condition naming a code or template that does not exist, a field nobody declares,
an element without phrases in one of the note languages, an element no rule uses."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from acw_tui.core.quality.model import LANGUAGES, RuleProblem, RuleSet
from acw_tui.errors import N_

if TYPE_CHECKING:
    from acw_tui.core.templates import TemplateLibrary


def lint_with_library(rules: RuleSet, library: TemplateLibrary) -> list[RuleProblem]:
    """Lint against the codes, templates and fields of the templates folder beside it."""
    fields = set(library.shared_fields) | {f.name for t in library.templates for f in t.fields}
    fields |= {name for code in library.codes for name in code.sets}
    return lint_rules(
        rules, codes={c.code for c in library.codes}, templates=set(library.ids()), fields=fields
    )


def lint_rules(
    rules: RuleSet,
    *,
    codes: Collection[str],
    templates: Collection[str],
    fields: Collection[str],
) -> list[RuleProblem]:
    from pathlib import Path

    from acw_tui.core.problems import card_data_in

    where = rules.path or "quality.toml"
    found = list(rules.problems) + card_data_in(Path(rules.path) if rules.path else None)

    def warn(line: int | None, template: str, severity: str = "warning", **params: object) -> None:
        found.append(RuleProblem.of(where, line, template, severity, **params))

    # Rules left out for a mistake are checked too: one run names every problem.
    every_rule = (*rules.rules, *rules.set_aside)
    for rule in every_rule:
        for code in (*rule.when.codes, *rule.when.not_codes):
            if code not in codes:
                warn(
                    rule.when_line or rule.line,
                    N_("rule {rule}: when: unknown code `{code}`"),
                    "error",
                    rule=repr(rule.id),
                    code=code,
                )
        for template in rule.when.templates:
            if template not in templates:
                warn(
                    rule.when_line or rule.line,
                    N_("rule {rule}: when.templates: unknown template `{name}`"),
                    "error",
                    rule=repr(rule.id),
                    name=template,
                )
        if rule.when.field and rule.when.field not in fields:
            warn(
                rule.when_line or rule.line,
                N_("rule {rule}: when.field: no template or code declares `{name}`"),
                rule=repr(rule.id),
                name=rule.when.field,
            )
    used = {r.element for r in every_rule}
    used |= {r.when.element for r in every_rule if r.when.element}
    used |= {r.when.not_element for r in every_rule if r.when.not_element}
    for element in rules.elements.values():
        for name in (spec.partition("=")[0].strip() for spec in element.fields):
            if name not in fields:
                warn(
                    element.line,
                    N_("element {element}: no template or code declares field `{name}`"),
                    element=repr(element.id),
                    name=name,
                )
        if element.phrases or element.patterns:
            missing = [
                language
                for language in LANGUAGES
                if not element.phrases.get(language) and not element.patterns.get(language)
            ]
            if missing:
                warn(
                    element.line,
                    N_(
                        "element {element}: no phrases in {languages}: notes in "
                        "that language find it only by its fields"
                    ),
                    element=repr(element.id),
                    languages=", ".join(missing),
                )
        if element.id not in used:
            warn(element.line, N_("element {element}: no rule uses it"), element=repr(element.id))
    return sorted(found, key=lambda p: (p.path, p.line or 0))  # in the order of the file
