"""Redacting text, template fields and whole wrap-up records.

`Redactor.redact(text)` returns the text to store and what was found — type, action and
position in the redacted text, never the value. It never raises: if the scan itself
fails, every number of three or more digits is redacted instead, so saving goes on and
nothing leaks.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from acw_tui.core.redaction.policy import DEFAULT_POLICY, RedactionPolicy
from acw_tui.core.redaction.spans import Span, unchecked_spans
from acw_tui.core.redaction.spoken import may_hold_spoken_digits

if TYPE_CHECKING:
    from acw_tui.core.redaction.detect import Detector

NOTE = "note"  # the location of findings in the note; a field's is its name


@dataclass(frozen=True)
class Finding:
    """One thing redacted, by its place in the redacted text."""

    kind: str
    action: str  # masked, removed or replaced
    start: int
    end: int  # == start when the text was removed
    reason: str
    location: str = NOTE


@dataclass(frozen=True)
class Redacted:
    """A text as it may be stored, and what redaction took out of it."""

    text: str
    findings: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.findings)


@dataclass(frozen=True)
class RedactedRecord:
    """A wrap-up's note and template fields as they may be stored, and what redaction took out."""

    note: str
    fields: dict[str, Any] | None
    findings: tuple[Finding, ...] = field(default=())


def apply_spans(text: str, spans: list[Span], location: str = NOTE) -> Redacted:
    """Rewrite `text` with each span replaced (or removed); spans must not overlap."""
    out: list[str] = []
    findings: list[Finding] = []
    pos = 0
    length = 0
    for span in sorted(spans, key=lambda s: s.start):
        start = span.start
        if not span.replacement:
            # A removed code leaves no double space behind: "cvv 123, ok" -> "cvv, ok".
            after = text[span.end : span.end + 1]
            if not after or after.isspace() or after in ",.;:)]}":
                while start > pos and text[start - 1] in " \t\u00a0\u3000":
                    start -= 1
        piece = text[pos:start]
        out.append(piece)
        length += len(piece)
        out.append(span.replacement)
        findings.append(
            Finding(
                span.kind,
                span.action,
                length,
                length + len(span.replacement),
                span.reason,
                location,
            )
        )
        length += len(span.replacement)
        pos = span.end
    out.append(text[pos:])
    return Redacted("".join(out), tuple(findings))


# Every kind of data the detector takes holds a digit (of any script: they fold to
# ASCII ones), digits read out as words, or, for an e-mail address, an "@". Text with
# none has nothing to take and needs no detector: the screen's first preview then does
# not load python-stdnum.
_MIGHT_HOLD = re.compile(r"[\d@]")


def _might_hold(text: str) -> bool:
    return bool(text) and (_MIGHT_HOLD.search(text) is not None or may_hold_spoken_digits(text))


class Redactor:
    """Redacts under one site policy; the desk, the screen and the commands share one."""

    def __init__(self, policy: RedactionPolicy = DEFAULT_POLICY) -> None:
        self.policy = policy
        self._detector: Detector | None = None

    @property
    def detector(self) -> Detector:
        # Built on first use: python-stdnum and the patterns cost start-up time the
        # screen does not need before the agent types.
        if self._detector is None:
            from acw_tui.core.redaction.detect import Detector

            self._detector = Detector(self.policy)
        return self._detector

    def warm_up(self) -> None:
        """Load and compile everything now (e.g. from a thread once the screen is up)."""
        self.scan("card 4111 1111 1111 1111 cvv 123")

    def scan(self, text: str, *, drafting: bool = False) -> list[Span]:
        """What `redact` would take out of `text`, by offsets in `text`."""
        if not _might_hold(text):
            return []
        try:
            return self.detector.scan(text, drafting=drafting)
        except Exception:
            return unchecked_spans(text)

    def scan_draft(self, text: str) -> tuple[list[Span], list[Span]]:
        """One pass for a draft saved while the agent types: what `scan` takes from
        `text`, and what `scan(drafting=True)` takes besides (a card number or security
        code being typed at its end)."""
        if not _might_hold(text):
            return [], []
        try:
            return self.detector.scan_draft(text)
        except Exception:
            return unchecked_spans(text), []

    def redact(self, text: str, location: str = NOTE, *, drafting: bool = False) -> Redacted:
        return apply_spans(text, self.scan(text, drafting=drafting), location)

    def redact_value(
        self, value: Any, location: str, *, drafting: bool = False
    ) -> tuple[Any, list[Finding]]:
        """A field value with every string in it redacted (lists and tables included)."""
        if isinstance(value, str):
            done = self.redact(value, location, drafting=drafting)
            return done.text, list(done.findings)
        if isinstance(value, dict):
            result, findings = {}, []
            for key, item in value.items():
                result[key], found = self.redact_value(item, location, drafting=drafting)
                findings += found
            return result, findings
        if isinstance(value, (list, tuple)):
            items, findings = [], []
            for item in value:
                cleaned, found = self.redact_value(item, location, drafting=drafting)
                items.append(cleaned)
                findings += found
            return type(value)(items), findings
        return value, []

    def redact_record(
        self,
        note: str,
        fields: dict[str, Any] | None = None,
        *,
        drafting: bool = False,
        note_spans: list[Span] | None = None,
    ) -> RedactedRecord:
        """The note and every template field value, as they may be stored.

        `drafting` for a draft saved while the agent types (see `Detector.scan`);
        `note_spans`: the note's scan, when the caller has just made it.
        """
        if note_spans is None:
            note_spans = self.scan(note, drafting=drafting)
        done = apply_spans(note, note_spans, NOTE)
        findings = list(done.findings)
        cleaned: dict[str, Any] | None = None
        if fields is not None:
            cleaned = {}
            for name, value in fields.items():
                cleaned[name], found = self.redact_value(value, str(name), drafting=drafting)
                findings += found
        return RedactedRecord(done.text, cleaned, tuple(findings))


@lru_cache(maxsize=8)
def redactor_for(policy: RedactionPolicy = DEFAULT_POLICY) -> Redactor:
    return Redactor(policy)


def redact(text: str, policy: RedactionPolicy = DEFAULT_POLICY) -> Redacted:
    """Redact `text` under `policy` (the defaults when not given)."""
    return redactor_for(policy).redact(text)


# -- saying what will happen -------------------------------------------------------------

NAMES = {
    "card": ("card number", "card numbers"),
    "security_code": ("security code", "security codes"),
    "pesel": ("PESEL", "PESELs"),
    "dni": ("DNI", "DNIs"),
    "nie": ("NIE", "NIEs"),
    "cn_ric": ("Chinese resident ID", "Chinese resident IDs"),
    "ssn": ("US SSN", "US SSNs"),
    "iban": ("IBAN", "IBANs"),
    "phone": ("phone number", "phone numbers"),
    "email": ("e-mail address", "e-mail addresses"),
    "unchecked": ("number", "numbers"),
}


def describe(spans: list[Span]) -> str:
    """One line for the status bar: "1 card number will be stored as [CARD ****1111]; …"."""
    if not spans:
        return ""
    counts = Counter(span.kind for span in spans)
    parts = []
    for kind in sorted(counts, key=lambda k: min(s.start for s in spans if s.kind == k)):
        count = counts[kind]
        singular, plural = NAMES.get(kind, (kind, kind))
        noun = singular if count == 1 else plural
        if kind == "security_code":
            parts.append(f"{count} {noun} will be removed")
            continue
        labels = list(dict.fromkeys(s.replacement for s in spans if s.kind == kind))
        parts.append(f"{count} {noun} will be stored as {', '.join(labels)}")
    return "; ".join(parts)
