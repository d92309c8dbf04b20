"""Note-quality rules (SPEC §14): elements a note must say, rules as data, a score.

Pure Python: no Textual, no SQL. No language model: every verdict names its rule.
"""

from acw_tui.core.quality.engine import QualityChecker, score_of
from acw_tui.core.quality.loader import QUALITY_FILE, load_rules, parse_rules, pattern_problem
from acw_tui.core.quality.model import (
    LANGUAGES,
    Condition,
    Element,
    NoteInput,
    NoteQuality,
    QualityError,
    Rule,
    RuleKind,
    RuleProblem,
    RuleSet,
    Verdict,
)

__all__ = [
    "LANGUAGES",
    "QUALITY_FILE",
    "Condition",
    "Element",
    "NoteInput",
    "NoteQuality",
    "QualityChecker",
    "QualityError",
    "Rule",
    "RuleKind",
    "RuleProblem",
    "RuleSet",
    "Verdict",
    "load_rules",
    "parse_rules",
    "pattern_problem",
    "score_of",
]
