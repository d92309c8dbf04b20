"""The shorthand engine (SPEC §3): guides, the expansion rules and the team lead's tools.

Pure Python: no Textual, no SQL. The editor asks `decide_expansion` at each delimiter;
`acw expand` and "expand whole note" use `expand_text`, which applies the same rule.
"""

from acw_tui.core.shorthand.expand import ExpandedText, PhraseIndex, expand_text
from acw_tui.core.shorthand.fillins import FillIns, fill_in_problems
from acw_tui.core.shorthand.loader import load_guide, load_guide_leniently, parse_guide
from acw_tui.core.shorthand.model import (
    DEFAULT_DELIMITERS,
    DEFAULT_SIGIL,
    ChangelogEntry,
    Entry,
    Guide,
    GuideProblem,
    ShorthandError,
)
from acw_tui.core.shorthand.rules import (
    Expansion,
    apply_case,
    decide_expansion,
    entry_being_typed,
    token_before,
)
from acw_tui.core.shorthand.usage import DoneExpansion, EntryUsage, UndoBook, UsageTally

__all__ = [
    "DEFAULT_DELIMITERS",
    "DEFAULT_SIGIL",
    "ChangelogEntry",
    "DoneExpansion",
    "Entry",
    "EntryUsage",
    "ExpandedText",
    "Expansion",
    "FillIns",
    "Guide",
    "GuideProblem",
    "PhraseIndex",
    "ShorthandError",
    "UndoBook",
    "UsageTally",
    "apply_case",
    "decide_expansion",
    "entry_being_typed",
    "expand_text",
    "fill_in_problems",
    "load_guide",
    "load_guide_leniently",
    "parse_guide",
    "token_before",
]
