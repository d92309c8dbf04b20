"""The guide and the templates in force for this agent, read again only when a file
changed (a guide or templates received from the hub are picked up by the next wrap-up).

Neither ever raises: a broken guide or templates folder leaves the agent with plain
notes and one line saying why.
"""

from __future__ import annotations

import threading
from pathlib import Path

from acw_tui.core.model import Draft
from acw_tui.core.shorthand import Guide, GuideProblem
from acw_tui.core.templates import TemplateLibrary
from acw_tui.core.templates.form import NoteForm
from acw_tui.errors import AcwError, Phrase
from acw_tui.settings.config import Config

_GUIDES: dict[tuple[Path, int], Guide] = {}
_LIBRARIES: dict[tuple[str, tuple[tuple[str, float], ...]], TemplateLibrary] = {}
# The screen's form and the completion model (a worker thread) both ask for the library.
_LIBRARIES_LOCK = threading.Lock()


def agent_guide(config: Config) -> Guide:
    """The guide for this agent's locale; problems ride along as warnings."""
    from acw_tui.settings.shorthand import guide_file, load_agent_guide

    try:
        path = guide_file(config)
        key = (path, path.stat().st_mtime_ns if path.exists() else 0)
        if key not in _GUIDES:
            _GUIDES.clear()
            _GUIDES[key] = load_agent_guide(config)
        return _GUIDES[key]
    except (AcwError, OSError, ValueError) as exc:
        where = str(config.path or "config")
        said = Phrase.of_error(exc)  # its template kept: shown in the agent's language
        return Guide(problems=(GuideProblem.of(where, 0, said.template, **said.params),))


def guide_warning(guide: Guide) -> Phrase | None:
    """One line for the agent when the guide loaded with problems (None when it is fine),
    shown in the agent's language where it is shown."""
    if not guide.problems:
        return None
    first, more = guide.problems[0], len(guide.problems) - 1
    if more:
        return Phrase("Shorthand guide: {problem} (+{more} more)", problem=first, more=more)
    return Phrase("Shorthand guide: {problem}", problem=first)


def _signature(folder: Path) -> tuple[tuple[str, float], ...]:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime) for p in folder.iterdir() if p.is_file()))
    except OSError:
        return ()


def template_library(config: Config) -> tuple[TemplateLibrary, Phrase | None]:
    """The templates in force, or why there are none / some were left out (shown in the
    agent's language where it is shown)."""
    from acw_tui.settings.templates import load_configured_library, templates_folder

    try:
        folder = templates_folder(config)
        key = (str(folder), _signature(folder))
        with _LIBRARIES_LOCK:
            if key not in _LIBRARIES:
                _LIBRARIES.clear()
                _LIBRARIES[key] = load_configured_library(config)
            library = _LIBRARIES[key]
    except (AcwError, OSError, ValueError) as exc:
        return TemplateLibrary(folder=Path(".")), Phrase.of_error(exc)
    broken = [p for p in library.problems if p.severity == "error"]
    if broken:
        return library, Phrase(
            "template files left out ({count}): {first}", count=len(broken), first=broken[0]
        )
    return library, None


def note_form(config: Config, library: TemplateLibrary, draft: Draft | None) -> NoteForm:
    """A NoteForm for a wrap-up: its saved draft if any, else the configured default."""
    from acw_tui.settings.templates import templates_config

    form = NoteForm(library, config.locale)
    if draft is not None and (draft.codes or draft.template_id or draft.fields):
        form.restore(draft.codes, draft.template_id, draft.fields, draft.note)
        return form
    try:
        default = templates_config(config).default
    except AcwError:
        default = ""
    if default in library.ids():
        form.template_id = default
    return form
