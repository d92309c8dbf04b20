"""The team's completion model as a file: built by the hub from every site's finished
notes and sent down with the guide (bundle kind `completion`), added by each site to
the model of its own notes.

The file is JSON: `{"format": "acw-team-completion", "version": 1, "notes": N,
"rows": [[context, word, count], …]}`, the most frequent n-grams first. Only n-grams
seen at least twice travel (a phrase one agent wrote once says nothing about the team),
and at most `MAX_ROWS` of them, so the file stays a few megabytes at most.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from acw_tui.core.completion.words import note_ngrams
from acw_tui.core.json_text import parse_json
from acw_tui.errors import N_, AcwError

TEAM_MODEL_FILE = "team-completion.json"
FORMAT = "acw-team-completion"
MAX_ROWS = 100_000
MIN_TEAM_COUNT = 2


class TeamModelError(AcwError):
    """A team model file that cannot be read; the message says why."""


def team_model_text(notes: Iterable[str]) -> tuple[str, int]:
    """(the file's text, n-grams in it) for these finished notes."""
    counts: Counter[tuple[str, str]] = Counter()
    read = 0
    for note in notes:
        counts.update(note_ngrams(note))
        read += 1
    rows = [
        [context, word, count]
        for (context, word), count in counts.most_common(MAX_ROWS)
        if count >= MIN_TEAM_COUNT
    ]
    body = {"format": FORMAT, "version": 1, "notes": read, "rows": rows}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")), len(rows)


def parse_team_model(text: str, where: str) -> list[tuple[str, str, int]]:
    """The (context, word, count) rows of a team model file; TeamModelError names
    `where` and the problem when it is not one."""
    try:
        data = parse_json(text)
    except ValueError as exc:
        raise TeamModelError(N_("{where}: not JSON: {error}"), where=where, error=exc) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TeamModelError(N_("{where}: not an acw team completion model"), where=where)
    rows = data.get("rows")
    if not isinstance(rows, list):
        raise TeamModelError(N_("{where}: rows: expected a list"), where=where)
    found = []
    for index, row in enumerate(rows):
        if (
            not isinstance(row, list)
            or len(row) != 3
            or not isinstance(row[0], str)
            or not isinstance(row[1], str)
            or not row[1]
            or not isinstance(row[2], int)
            or isinstance(row[2], bool)
            or not 0 < row[2] < 2**53
        ):
            raise TeamModelError(
                N_("{where}: row {row}: expected [context, word, count]"),
                where=where,
                row=index + 1,
            )
        found.append((row[0], row[1], row[2]))
    return found
