"""The big ACW timer: elapsed time in `Digits`, coloured against the team's target.

The colour is never the only sign: the line under the digits says "near target" or
"over target" too, for a monochrome terminal, NO_COLOR and anyone who cannot tell amber
from red."""

from __future__ import annotations

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

    def target_text(self) -> str:
        if self.timed_out:
            # Said alone (past the target goes without saying): the timer is as wide as
            # this line, and the call details and pending list share its row.
            parts = [_("ACW TIMED OUT — note kept as a draft")]
        else:
            level = self.policy.level(self.elapsed)
            target = format_duration(self.policy.target_seconds)
            parts = [_(TARGET_LINES[level]).format(time=target)]
            limit = self.policy.timeout_after(self.extensions)
            if limit is not None:
                parts.append(_("time-out {time}").format(time=format_duration(limit)))
        if self.extensions:
            parts.append(_("extended ×{count}").format(count=self.extensions))
        return "  ·  ".join(parts)
