"""Live marks: what saving will redact, shown in the editor while the agent types.

`RedactionMarks` attaches to any `TextArea` (the plain one or a subclass such as the
notes editor); the screen owns it and calls `note_changed()` from its `TextArea.Changed`
handler. That call only records the time; the scan runs from a timer once typing has
paused, so a keystroke never waits for it. Saving always re-checks (the desk redacts
before writing), so a mark that lags a keystroke behind can never let anything through.

Textual's TextArea draws highlights kept per line (start byte, end byte, name) with
styles looked up by name in its theme's `syntax_styles` (reached through
`acw_tui.tui.compat`, the one module that touches Textual internals). A TextArea without
a language has no highlights of its own, and with one the map is rebuilt on every edit;
either way our marks are added after the pause and wiped by the next edit, so they are
never drawn at stale offsets.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable

from rich.style import Style
from textual.widget import Widget
from textual.widgets import Static, TextArea

from acw_tui.core.redaction import DEFAULT_POLICY, Redactor, Span, describe, redactor_for
from acw_tui.i18n import _
from acw_tui.tui.after_pause import AfterPause
from acw_tui.tui.compat import forget_drawn_lines, highlights, theme_in_use

MARK_PREFIX = "redaction."
MARK_STYLES = {
    "redaction.masked": Style(color="red", bold=True, underline=True),
    "redaction.removed": Style(color="red", strike=True),
    "redaction.replaced": Style(color="yellow", underline=True),
}
WARM_UP_AFTER = 0.5  # seconds after the editor appears to load the detector in a thread


class RedactionStatus(Static):
    """One line under the editor: "1 card number will be stored as [CARD ****1111]; …"."""

    DEFAULT_CSS = """
    RedactionStatus {
        height: auto;
        color: $warning;
    }
    RedactionStatus.-clear {
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        # The message quotes what the agent typed ("[CARD ****1111]"): never markup.
        super().__init__("", id=id, classes=classes, markup=False)
        self.add_class("-clear")
        self.message = ""

    def show(self, spans: list[Span]) -> None:
        self.show_message(describe(spans))

    def show_message(self, message: str) -> None:
        if message == self.message:
            return
        self.message = message
        self.update(_("Saving will redact: {what}").format(what=message) if message else "")
        self.set_class(not message, "-clear")


class RedactionMarks:
    """Marks what will be redacted in `text_area` after a pause in typing."""

    def __init__(
        self,
        text_area: TextArea,
        status: RedactionStatus | None = None,
        redactor: Redactor | None = None,
        pause: float | None = None,
        on_scan: Callable[[list[Span]], None] | None = None,
    ) -> None:
        self.text_area = text_area
        self.status = status
        self.redactor = redactor or redactor_for(DEFAULT_POLICY)
        self.pause = pause if pause is not None else self.redactor.policy.pause_ms / 1000
        self.on_scan = on_scan
        self.spans: list[Span] = []
        self._rows: set[int] = set()
        self._scan = AfterPause(text_area, self.pause, self.refresh_now)
        # python-stdnum and the patterns load on first use; do it off the UI thread once
        # the screen is up, so neither start-up nor the first pause in typing pays.
        text_area.set_timer(WARM_UP_AFTER, self._warm_up, name="redaction-warm-up")

    def _warm_up(self) -> None:
        threading.Thread(
            target=self.redactor.warm_up, name="redaction-warm-up", daemon=True
        ).start()

    # -- the keystroke path: keep it to an assignment -----------------------------------

    def note_changed(self) -> None:
        """The text changed: look again once typing has paused."""
        self._scan.poke()

    # -- after the pause --------------------------------------------------------------------

    def refresh_now(self) -> list[Span]:
        """Scan the current text, mark it and update the status line; returns the spans."""
        self._scan.cancel()
        text = self.text_area.text
        self.spans = self.redactor.scan(text)
        self._apply(text, self.spans)
        if self.status is not None:
            self.status.show(self.spans)
        if self.on_scan is not None:
            self.on_scan(self.spans)
        return self.spans

    def _apply(self, text: str, spans: list[Span]) -> None:
        area = self.text_area
        by_row = highlights(area)
        for row in self._rows:
            kept = [h for h in by_row.get(row, ()) if not h[2].startswith(MARK_PREFIX)]
            if kept:
                by_row[row] = kept
            else:
                by_row.pop(row, None)
        self._rows = set()
        self._ensure_styles()
        lines = text.split(area.document.newline)
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + len(area.document.newline))
        for span in spans:
            name = MARK_PREFIX + span.action
            first = bisect.bisect_right(starts, span.start) - 1
            last = bisect.bisect_right(starts, max(span.start, span.end - 1)) - 1
            for row in range(first, last + 1):
                line = lines[row]
                begin = max(span.start - starts[row], 0)
                end = min(span.end - starts[row], len(line))
                if end <= begin:
                    continue
                marks = by_row.setdefault(row, [])
                marks.append((len(line[:begin].encode()), len(line[:end].encode()), name))
                self._rows.add(row)
        forget_drawn_lines(area)
        area.refresh()

    def _ensure_styles(self) -> None:
        # The theme object is a shallow copy of a shared one: give it its own dict
        # rather than writing into the shared styles. A theme change drops them; the
        # next scan puts them back.
        theme = theme_in_use(self.text_area)
        if theme is not None and not set(MARK_STYLES) <= theme.syntax_styles.keys():
            theme.syntax_styles = {**theme.syntax_styles, **MARK_STYLES}

    def marked(self) -> list[tuple[int, int, int, str]]:
        """(row, start byte, end byte, name) of the marks drawn now; for tests and tools."""
        return sorted(
            (row, start, end or -1, name)
            for row, items in highlights(self.text_area).items()
            for start, end, name in items
            if name.startswith(MARK_PREFIX)
        )


class FieldsRedactionHint:
    """The status line for template fields (Inputs, Selects, …), after a pause.

    The form calls `field_changed(name, value)` from its change handlers; once typing
    pauses, every field is scanned and `status` says what saving will do, by field:
    "Card: 1 card number will be stored as [CARD ****1111]". Inputs cannot show marks
    inside their text, so the line is the whole hint.
    """

    def __init__(
        self,
        host: Widget,
        status: RedactionStatus,
        redactor: Redactor | None = None,
        pause: float | None = None,
    ) -> None:
        self.status = status
        self.redactor = redactor or redactor_for(DEFAULT_POLICY)
        self.pause = pause if pause is not None else self.redactor.policy.pause_ms / 1000
        self.values: dict[str, str] = {}
        self.spans: dict[str, list[Span]] = {}
        self._scan = AfterPause(host, self.pause, self.refresh_now)

    def field_changed(self, name: str, value: object) -> None:
        self.values[name] = value if isinstance(value, str) else ""
        self._scan.poke()

    def refresh_now(self) -> str:
        self._scan.cancel()
        self.spans = {name: self.redactor.scan(value) for name, value in self.values.items()}
        parts = [f"{name}: {describe(spans)}" for name, spans in self.spans.items() if spans]
        self.status.show_message("; ".join(parts))
        return self.status.message
