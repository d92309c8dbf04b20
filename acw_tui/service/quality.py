"""The note-quality rules in force and the verdict on a note being finished.

The rules live beside the templates (`quality.toml` in the configured templates
folder, so they travel with the templates bundle). Loading never raises: a broken rule
is left out and its problem shown, and the agent's screen works on without it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from acw_tui.core.quality import (
    NoteInput,
    NoteQuality,
    QualityChecker,
    RuleProblem,
    RuleSet,
    Verdict,
    load_rules,
)
from acw_tui.errors import AcwError, Phrase
from acw_tui.service.desk import DeskError

if TYPE_CHECKING:
    from acw_tui.core.model import QualityRecord
    from acw_tui.core.policy import AcwPolicy
    from acw_tui.core.templates.form import NoteForm
    from acw_tui.settings.config import Config


def lint_folder(templates_dir: Path | None) -> tuple[RuleSet, list[RuleProblem]]:
    """The rule set of a templates folder and everything lint finds in it."""
    from acw_tui.core.quality.lint import lint_with_library
    from acw_tui.settings.config import load_config
    from acw_tui.settings.templates import load_configured_library

    library = load_configured_library(load_config(), templates_dir)
    rules = load_rules(library.folder)
    problems = lint_with_library(rules, library)
    return rules, problems


@functools.lru_cache(maxsize=4)
def _checker_for(folder: Path, stamp: tuple[int, int]) -> QualityChecker:
    return QualityChecker(load_rules(folder))


def checker(config: Config) -> tuple[QualityChecker, Phrase | None]:
    """The compiled rules in force (cached while the file is unchanged) and, when some
    rules are broken, which (the first; shown in the reader's language); never raises."""
    from acw_tui.settings.templates import templates_folder

    try:
        folder = templates_folder(config)
        path = folder / "quality.toml"
        try:
            info = path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (0, 0)
        found = _checker_for(folder, stamp)
    except AcwError as exc:
        return QualityChecker(RuleSet()), Phrase.of_error(exc)
    problems = [p for p in found.rules.problems if p.severity == "error"]
    if not problems:
        return found, None
    if len(problems) > 1:
        return found, Phrase("{first} (and {more} more)", first=problems[0], more=len(problems) - 1)
    return found, Phrase.joined("", [problems[0]])


def note_input(form: NoteForm, note: str, fields: dict[str, object] | None = None) -> NoteInput:
    """What the rules see of a form: the agent's text (or the rendered note), the field
    values, codes, template and the note's language."""
    template = form.template
    values = fields if fields is not None else dict(form.check().values)
    return NoteInput(
        note=note,
        fields=values,
        codes=tuple(form.codes),
        template_id=template.id if template else None,
        language=template.locale if template else form.locale,
    )


def record_of(result: NoteQuality, rules: RuleSet) -> QualityRecord | None:
    """What finishing stores; None when no rule is in force."""
    from acw_tui.core.model import QualityRecord

    if rules.empty:
        return None
    return QualityRecord(result.score, result.critical_failed, result.failed)


class CriticalItemMissing(DeskError):
    """A critical quality rule fails; finishing needs the agent's confirmation."""

    def __init__(self, template: str, missing: tuple[Verdict, ...], /, **params: Any) -> None:
        super().__init__(template, **params)
        self.missing = missing


def critical_refusal(result: NoteQuality, policy: AcwPolicy, *, confirmed: bool) -> None:
    """Raise when a failed critical rule stops finishing: always when the policy refuses,
    else until the agent confirms. Each item names its rule."""
    from acw_tui.core.policy import CriticalItems

    missing = result.missing_critical
    items = "; ".join(f"{v.message or v.label} [{v.rule}]" for v in missing)
    if policy.critical_items == CriticalItems.REFUSE:
        raise DeskError("cannot finish: critical item missing: {items}", items=items)
    if policy.critical_items == CriticalItems.CONFIRM and not confirmed:
        raise CriticalItemMissing("critical item missing: {items}", missing, items=items)
