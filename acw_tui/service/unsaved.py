"""Text the store refused when acw quit, kept in files, and brought back at the next start.

Quitting saves every draft; when the store cannot take them (read-only, full, locked by
another program) the text, redacted, goes to `unsaved-drafts/<wrap-up id>.txt` under
the data folder (`-2`, `-3` … when that name is taken: a file is never replaced), and
what else the draft held (codes, template, its fields, redacted too) beside it in
`<name>.txt.form` (JSON). The next acw screen on a store that takes writes again puts
each file's text back before its first screen is built: into this window's draft of a
wrap-up still open, or after the note of one finished meanwhile, as text left in another
window is. A file goes once the store holds its text; one for a wrap-up this store does
not have stays where it is.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from acw_tui.core.file_bytes import read_file_text
from acw_tui.errors import AcwError, os_reason
from acw_tui.files import write_private
from acw_tui.service.requests import DraftContent

if TYPE_CHECKING:
    from acw_tui.core.model import Wrapup
    from acw_tui.service.desk import Desk

FOLDER = "unsaved-drafts"

# `<wrap-up id>.txt` or `<wrap-up id>-<n>.txt` (write_private's names).
_NAME = re.compile(r"(?P<id>.+?)(?:-(?P<n>[0-9]{1,4}))?\.txt")


FORM = ".form"  # after a kept text's own name: its codes, template and fields


def keep(folder: Path, drafts: Iterable[tuple[str, DraftContent | str]]) -> None:
    """Each (wrap-up id, redacted draft) in a new private file of `folder`: the note,
    and the rest of the draft beside it when there is any. OSError (nothing is left of
    a draft that could not be kept whole)."""
    for wrapup_id, draft in drafts:
        content = draft if isinstance(draft, DraftContent) else DraftContent(draft)
        path = write_private(folder, wrapup_id, content.note)
        if not (content.codes or content.template_id or content.fields):
            continue
        form = {
            "codes": list(content.codes),
            "template_id": content.template_id,
            "fields": content.fields,
        }
        try:
            write_private(folder, path.name + FORM, json.dumps(form, ensure_ascii=False), suffix="")
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise


def _form_of(path: Path, note: str) -> DraftContent:
    """The kept draft: its note, and its codes, template and fields if they were kept."""
    beside = path.with_name(path.name + FORM)
    if not beside.exists():
        return DraftContent(note)
    try:
        data = json.loads(read_file_text(beside, "utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        raise AcwError(
            "{path}: not what acw kept ({reason}), left as it is", path=beside, reason=exc
        ) from None
    fields, codes, template_id = data.get("fields"), data.get("codes"), data.get("template_id")
    return DraftContent(
        note,
        dict(fields) if isinstance(fields, dict) else None,
        tuple(str(code) for code in codes) if isinstance(codes, list) else (),
        template_id if isinstance(template_id, str) else None,
    )


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
            draft = _form_of(path, read_file_text(path, "utf-8"))
            if not desk.has_wrapup(wrapup_id):
                continue  # kept for another store (ACW_DB changed): left where it is
            wrapup = desk.take_back(wrapup_id, draft)
            path.unlink()
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + FORM).unlink()
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
