"""What the agent typed and the store does not hold yet, kept in memory per wrap-up.

The screen puts every change here; each draft save takes the newest content out and
gives it back if the store refused it, so a locked or full store, leaving a wrap-up,
or switching to another never loses text: the next save tries again. The shorthand
counts of a wrap-up live here too, so leaving it and coming back keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass

from acw_tui.core.shorthand import UsageTally
from acw_tui.service.desk import DraftContent


@dataclass
class _Unsaved:
    """A wrap-up's newest content that the store does not hold yet, and which version it is."""

    content: DraftContent
    version: int


class DraftKeeper:
    def __init__(self) -> None:
        self._unsaved: dict[str, _Unsaved] = {}
        self._usage: dict[str, UsageTally] = {}
        self._tried: dict[str, int] = {}
        self._masked: dict[str, int] = {}  # version stored with a number masked
        self._version = 0

    def put(self, wrapup_id: str, content: DraftContent) -> None:
        """The newest content of a wrap-up, not saved yet."""
        self._version += 1
        self._unsaved[wrapup_id] = _Unsaved(content, self._version)

    def get(self, wrapup_id: str) -> DraftContent | None:
        held = self._unsaved.get(wrapup_id)
        return held.content if held else None

    def take(self) -> list[tuple[str, DraftContent, int]]:
        """Everything unsaved, to save now: (wrap-up id, content, version)."""
        return [(wid, held.content, held.version) for wid, held in self._unsaved.items()]

    def saved(self, wrapup_id: str, version: int) -> None:
        """That version reached the store; newer content put since stays unsaved."""
        held = self._unsaved.get(wrapup_id)
        if held is not None and held.version == version:
            del self._unsaved[wrapup_id]

    def stored_masked(self, wrapup_id: str, version: int) -> None:
        """That version reached the store with the number at its end masked: it stays
        here as typed (the screen, a later save), but is not stored again."""
        self._masked[wrapup_id] = version

    def stored_masked_now(self, wrapup_id: str, version: int) -> bool:
        return self._masked.get(wrapup_id) == version

    def fresh(self, wrapup_id: str, version: int) -> bool:
        """True the first time this version is tried: the agent may still be typing it.
        A save that waited once for that reason is made the next time."""
        first = self._tried.get(wrapup_id) != version
        self._tried[wrapup_id] = version
        return first

    def forget(self, wrapup_id: str) -> None:
        """The wrap-up was finished or discarded: its draft is gone from the store too."""
        self._unsaved.pop(wrapup_id, None)
        self._usage.pop(wrapup_id, None)
        self._tried.pop(wrapup_id, None)
        self._masked.pop(wrapup_id, None)

    def __bool__(self) -> bool:
        return bool(self._unsaved)

    def usage(self, wrapup_id: str) -> UsageTally:
        return self._usage.setdefault(wrapup_id, UsageTally())
