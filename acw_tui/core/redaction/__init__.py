"""Card data and personal data, caught before anything is written (SPEC §10).

`Redactor(policy).redact(text)` gives the text to store and what was found; `scan(text)`
gives the same findings by offsets in the typed text, for the live marks in the editor.
"""

from acw_tui.core.redaction.engine import (
    NOTE,
    Finding,
    Redacted,
    RedactedRecord,
    Redactor,
    apply_spans,
    describe,
    redact,
    redactor_for,
)
from acw_tui.core.redaction.policy import DEFAULT_POLICY, RedactionPolicy
from acw_tui.core.redaction.spans import Span, fold

__all__ = [
    "DEFAULT_POLICY",
    "NOTE",
    "Finding",
    "Redacted",
    "RedactedRecord",
    "RedactionPolicy",
    "Redactor",
    "Span",
    "apply_spans",
    "describe",
    "fold",
    "redact",
    "redactor_for",
]
