"""The big ACW timer: elapsed time in `Digits`, coloured against the team's target.

The colour is never the only sign: the line under the digits says "near target" or
"over target" too, for a monochrome terminal, NO_COLOR and anyone who cannot tell amber
from red.

A time-out and the extensions go in the box's border, above and below: the timer shares
one row with the call details and the pending list, and a line naming all three would
push them off a 60- or 80-column terminal."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widgets import Digits, Label

from acw_tui.core.durations import format_duration
from acw_tui.core.policy import AcwPolicy, TimerLevel
from acw_tui.i18n import N_, _

# The target line names the state the colour shows (the colour is never alone).
TARGET_LINES = {
    TimerLevel.OK: N_("target {time}"),
    TimerLevel.AMBER: N_("near target {time}"),
    TimerLevel.RED: N_("over target {time}"),
}
# What a border title costs beside its text: the two corners, a line and a space each side.
TITLE_FRAME = 6


class AcwTimer(Vertical):
    """Shows elapsed ACW time; the policy decides the colour (amber 80 %, red 100 %)."""

    elapsed: reactive[float] = reactive(0.0)
    timed_out: reactive[bool] = reactive(False)
    extensions: reactive[int] = reactive(0)

    def __init__(
        self,
        policy: AcwPolicy,
        extensions: int = 0,
        *,
        elapsed: float = 0.0,
        timed_out: bool = False,
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.policy = policy
        self.set_reactive(AcwTimer.extensions, extensions)
        # Start with the right time and colour, so showing the screen does not restyle.
        self.set_reactive(AcwTimer.elapsed, elapsed)
        self.set_reactive(AcwTimer.timed_out, timed_out)
        self.set_class(True, f"-{policy.level(elapsed).value}", update=False)
        self.set_class(timed_out, "-timed-out", update=False)
        self._show_border()

    def compose(self) -> ComposeResult:
        yield Digits(format_duration(self.elapsed), id="acw-digits")
        # Shown instead of the digits when the screen is plain (no box drawing).
        yield Label(format_duration(self.elapsed), id="acw-plain-time")
        yield Label(self.target_text(), id="acw-target")

    def watch_elapsed(self) -> None:
        self._show()

    def watch_timed_out(self) -> None:
        self._show()

    def watch_extensions(self) -> None:
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        # Four times a second: touch the DOM only when something visible changed, since
        # every class change re-applies styles.
        text = format_duration(self.elapsed)
        digits = self.query_one(Digits)
        if digits.value != text:
            digits.update(text)
            if self.app.has_class("-plain"):
                self.query_one("#acw-plain-time", Label).update(text)
        level = self.policy.level(self.elapsed)
        # One batch: each separate class change would re-apply styles on its own.
        self.update_classes(
            {f"-{candidate.value}": candidate is level for candidate in TimerLevel}
            | {"-timed-out": self.timed_out}
        )
        target, text = self.query_one("#acw-target", Label), self.target_text()
        if target.content != text:  # the timer is as wide as this line: a change lays out
            target.update(text)
        self._show_border()

    def target_text(self) -> str:
        """The line under the digits: where the time stands against the target."""
        if self.timed_out:  # (past the target goes without saying)
            return _("ACW timed out")
        target = format_duration(self.policy.target_seconds)
        return _(TARGET_LINES[self.policy.level(self.elapsed)]).format(time=target)

    def limit_text(self) -> str:
        """The border's top: when ACW times out, or that the draft is kept once it has."""
        if self.timed_out:
            return _("draft kept")
        limit = self.policy.timeout_after(self.extensions)
        return "" if limit is None else _("time-out {time}").format(time=format_duration(limit))

    def extensions_text(self) -> str:
        """The border's bottom: how often this wrap-up's ACW was extended."""
        return _("extended ×{count}").format(count=self.extensions) if self.extensions else ""

    def _show_border(self) -> None:
        title, subtitle = self.limit_text(), self.extensions_text()
        if (title, subtitle) == (self.border_title or "", self.border_subtitle or ""):
            return
        self.border_title, self.border_subtitle = title, subtitle
        # The box is as wide as its content; a border title longer than that would be cut.
        longest = max(cell_len(title), cell_len(subtitle))
        self.styles.min_width = longest + TITLE_FRAME if longest else None
