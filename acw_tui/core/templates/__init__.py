"""Note templates and wrap-up codes (SPEC §4): loading, checking, rendering, lint.

Pure Python over Jinja2's sandbox: no Textual, no SQL. Rendering (`render`, `sandbox`)
is imported where a template is rendered, not here: the ACW screen opens on the plain
note, and importing Jinja2 would add to the agent's wait before typing.
"""

from acw_tui.core.templates.loader import load_library, parse_codes, parse_template
from acw_tui.core.templates.model import (
    BUILTIN_NAMES,
    FieldSpec,
    FieldType,
    NoteTemplate,
    Problem,
    TemplateError,
    TemplateLibrary,
    WrapupCode,
)
from acw_tui.core.templates.note import RenderedNote, plain_note
from acw_tui.core.templates.values import FormCheck, ValueProblem, check_form, check_value

__all__ = [
    "BUILTIN_NAMES",
    "FieldSpec",
    "FieldType",
    "FormCheck",
    "NoteTemplate",
    "Problem",
    "RenderedNote",
    "TemplateError",
    "TemplateLibrary",
    "ValueProblem",
    "WrapupCode",
    "check_form",
    "check_value",
    "load_library",
    "parse_codes",
    "parse_template",
    "plain_note",
]
