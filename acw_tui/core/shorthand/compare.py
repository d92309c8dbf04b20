"""Diff of two guide versions, and fuzzy search over a guide."""

from __future__ import annotations

from dataclasses import dataclass

from acw_tui.core.shorthand.model import Entry, Guide


@dataclass(frozen=True)
class GuideDiff:
    """What changed between two versions of a guide: entries added, removed and changed."""

    added: list[Entry]
    removed: list[Entry]
    changed: list[tuple[Entry, Entry]]  # (old, new)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def lines(self) -> list[str]:
        out = [f"+ {e.abbr} → {e.expansion}" for e in self.added]
        out += [f"- {e.abbr} → {e.expansion}" for e in self.removed]
        for old, new in self.changed:
            what = []
            for name in ("expansion", "category", "note", "exact"):
                before, after = getattr(old, name), getattr(new, name)
                if before != after:
                    what.append(f"{name} {before!r} → {after!r}")
            out.append(f"~ {new.abbr}: {'; '.join(what)}")
        return out


def _same(a: Entry, b: Entry) -> bool:
    return (a.expansion, a.category, a.note, a.exact) == (b.expansion, b.category, b.note, b.exact)


def diff_guides(old: Guide, new: Guide) -> GuideDiff:
    before = {e.abbr: e for e in old.entries}
    after = {e.abbr: e for e in new.entries}
    return GuideDiff(
        added=[e for a, e in after.items() if a not in before],
        removed=[e for a, e in before.items() if a not in after],
        changed=[
            (before[a], e) for a, e in after.items() if a in before and not _same(before[a], e)
        ],
    )


def fuzzy_score(query: str, text: str) -> int:
    """How well `query` matches `text` (0: not at all). Prefix > word start > substring > in order."""
    q, t = query.casefold(), text.casefold()
    if not q:
        return 1
    if t == q:
        return 1000
    if t.startswith(q):
        return 800 - len(t)
    at = t.find(q)
    if at >= 0:
        word_start = at == 0 or not t[at - 1].isalnum()
        return (600 if word_start else 400) - at
    # Characters in order, with a bonus for runs (`cbk` finds "callback").
    position = -1
    gaps = 0
    for char in q:
        found = t.find(char, position + 1)
        if found < 0:
            return 0
        gaps += found - position - 1
        position = found
    return max(1, 200 - gaps - len(t) // 4)


def search_guide(guide: Guide, query: str, limit: int | None = None) -> list[Entry]:
    """Entries matching `query` in abbreviation, expansion, category or note, best first."""
    scored = []
    for order, entry in enumerate(guide.entries):
        score = max(
            fuzzy_score(query, entry.abbr) * 2,
            fuzzy_score(query, entry.expansion),
            fuzzy_score(query, entry.note) // 2 if len(query) > 2 else 0,
        )
        if score > 0:
            scored.append((-score, order, entry))
    scored.sort(key=lambda item: (item[0], item[1]))
    found = [entry for _, _, entry in scored]
    return found[:limit] if limit is not None else found
