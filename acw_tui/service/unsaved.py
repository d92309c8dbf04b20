"""Text the store refused when acw quit, kept in files, and brought back at the next start.

Quitting saves every draft; when the store cannot take them (read-only, full, locked by
another program) the text, redacted, goes to `unsaved-drafts/<wrap-up id>.txt` under
the data folder (`-2`, `-3` … when that name is taken: a file is never replaced). The
next acw screen on a store that takes writes again puts each file's text back before
its first screen is built: into this window's draft of a wrap-up still open, or after
the note of one finished meanwhile, as text left in another window is. A file goes once
the store holds its text; one for a wrap-up this store does not have stays where it is.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.core.file_bytes import read_file_text
from acw_tui.errors import AcwError, os_reason
from acw_tui.files import write_private

if TYPE_CHECKING:
    from acw_tui.core.model import Wrapup
    from acw_tui.service.desk import Desk

FOLDER = "unsaved-drafts"

# `<wrap-up id>.txt` or `<wrap-up id>-<n>.txt` (write_private's names).
_NAME = re.compile(r"(?P<id>.+?)(?:-(?P<n>[0-9]{1,4}))?\.txt")


def keep(folder: Path, texts: Iterable[tuple[str, str]]) -> None:
    """Each (wrap-up id, redacted text) in a new private file of `folder`. OSError."""
    for wrapup_id, text in texts:
        write_private(folder, wrapup_id, text)


def kept(folder: Path) -> list[tuple[str, Path]]:
    """(wrap-up id, file) for every kept text, oldest file first; none if no folder."""
    try:
        files = list(folder.iterdir())
    except OSError:
        return []
    found = []
    for path in files:
        match = _NAME.fullmatch(path.name)
        if match:
            with contextlib.suppress(OSError):
                order = (path.stat().st_mtime_ns, int(match["n"] or 1))
                found.append((order, match["id"], path))
    return [(wrapup_id, path) for _order, wrapup_id, path in sorted(found)]


def bring_back(desk: Desk, folder: Path) -> tuple[list[Wrapup], list[AcwError]]:
    """Every kept text back into the store: the wrap-ups it went to, and one error per
    file that could not be read or taken (the file stays for the next start)."""
    back: list[Wrapup] = []
    problems: list[AcwError] = []
    for wrapup_id, path in kept(folder):
        try:
            text = read_file_text(path, "utf-8")
            if not desk.has_wrapup(wrapup_id):
                continue  # kept for another store (ACW_DB changed): left where it is
            wrapup = desk.take_back(wrapup_id, text)
            path.unlink()
        except UnicodeDecodeError:
            problems.append(AcwError("{path}: not UTF-8 text, left as it is", path=path))
            continue
        except OSError as exc:
            problems.append(
                AcwError(
                    "{path}: cannot be read or removed ({reason})", path=path, reason=os_reason(exc)
                )
            )
            continue
        except AcwError as exc:
            problems.append(exc)
            continue
        if wrapup is not None:
            back.append(wrapup)
    return back, problems
