"""Every text the screen shows a person is marked for translation.

Walks the syntax tree of each module of `acw_tui/tui/` and finds string literals with a
word in them that reach a place a person reads — a widget's text or title, a
placeholder, a notification, a key's description, a palette entry, a table heading, a
line handed to `update` — without `_()`, `N_()` or `ngettext()` around them. (`make i18n`
extracts exactly those three, so a literal outside them never reaches a catalog.)
Styles, ids, classes, key names and actions are not in those places, so are not looked
at; a literal with no word in it ("·", "{count}", "▶ ") needs no translation.

Textual's own texts (key descriptions, the palette's prompt) are checked the other way
round: each one the installed Textual has on a widget acw uses is in
`acw_tui/tui/textual_texts.py`.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import acw_tui.tui
from acw_tui.tui import textual_texts

TUI = Path(acw_tui.tui.__file__).parent
# Texts that are names in every language: the product.
PROPER_NAMES = {"acw"}

MARKERS = {"_", "N_", "ngettext"}
# Widgets whose first argument is text a person reads.
TEXT_WIDGETS = {
    "Static", "Label", "Button", "Checkbox", "RadioButton", "Switch", "Markdown", "Option",
    "Tab", "TabPane", "Link", "Text", "Content", "Toast",
}  # fmt: skip
# Keyword arguments (any call) and attributes (any object) that are text a person reads.
TEXT_NAMES = {
    "title", "sub_title", "border_title", "border_subtitle", "tooltip", "placeholder",
    "prompt", "label", "description", "help", "message", "TITLE", "SUB_TITLE",
    "what",  # what was being done, in front of an error: "reading the draft: …"
}  # fmt: skip
# Methods whose first argument is shown as it is: a widget's new content, a notification,
# a DataTable heading or cell, a line of a log, an option of a list.
TEXT_METHODS = {"update", "notify", "add_column", "add_row", "add_option", "write", "exit"}
# Calls whose positional arguments at these places are shown: Binding(key, action,
# description), SystemCommand(title, help, callback).
# show_problem(error, what), GuideProblem(source, line, message) (the guide panel lists it).
# The template form's _show_problem(spec, text) writes under a field.
POSITIONS = {
    "Binding": (2,),
    "SystemCommand": (0, 1),
    "show_problem": (1,),
    "_show_problem": (1,),
    "GuideProblem": (0, 2),
}
# Functions named for the text they make ("listener_lines", "coaching_hint"): what they
# return, append or assign to `lines`/`text` is shown.
TEXT_FUNCTION = re.compile(r"(line|lines|hint|text|label|title|message|heading|caption)$")
TEXT_VARIABLES = {"line", "lines", "text", "label", "title", "heading"}

WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|\[/?[a-z $#@=.\-]*\]")


def has_words(text: str) -> bool:
    words = {w.lower() for w in WORD.findall(PLACEHOLDER.sub("", text))}
    return bool(words - PROPER_NAMES)


def called_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def unmarked_literals(node: ast.AST | None) -> Iterator[ast.Constant]:
    """String literals with words in `node` that are not inside `_()`/`N_()`: the
    expression itself, the parts of an f-string or a `+`, either branch of an `if`,
    the items of a list or tuple (rows of a table), a `.format()`/`.join()` receiver."""
    if node is None:
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str) and has_words(node.value):
            yield node
    elif isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.Constant):
                yield from unmarked_literals(part)
    elif isinstance(node, ast.BinOp):
        yield from unmarked_literals(node.left)
        yield from unmarked_literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from unmarked_literals(node.body)
        yield from unmarked_literals(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from unmarked_literals(value)
    elif isinstance(node, ast.Tuple | ast.List):
        for item in node.elts:
            yield from unmarked_literals(item)
    elif isinstance(node, ast.Call) and called_name(node) not in MARKERS:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in {"format", "join"}:
            yield from unmarked_literals(func.value)


def shown_expressions(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """(expression, where it goes) for every place in `tree` whose value is shown."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = called_name(node)
            if name in TEXT_WIDGETS and node.args:
                yield node.args[0], f"{name}(...)"
            if name in TEXT_METHODS and node.args and isinstance(node.func, ast.Attribute):
                for arg in node.args[:1] if name != "add_row" else node.args:
                    yield arg, f".{name}(...)"
            for index in POSITIONS.get(name, ()):
                if index < len(node.args):
                    yield node.args[index], f"{name}(...) argument {index + 1}"
            for keyword in node.keywords:
                if keyword.arg in TEXT_NAMES:
                    yield keyword.value, f"{keyword.arg}="
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = (
                    target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
                )
                if name in TEXT_NAMES:
                    yield node.value, f"{name} ="
        elif isinstance(node, ast.FunctionDef) and TEXT_FUNCTION.search(node.name.lower()):
            yield from made_in(node)


def made_in(function: ast.FunctionDef) -> Iterator[tuple[ast.AST, str]]:
    """What a text-making function returns, appends, or puts in its text variables."""
    where = f"{function.name}()"
    for node in ast.walk(function):
        if isinstance(node, ast.Return) and node.value is not None:
            yield node.value, where
        elif isinstance(node, ast.Call) and called_name(node) == "append" and node.args:
            yield node.args[0], where
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(t, "id", "") in TEXT_VARIABLES for t in targets) and node.value:
                yield node.value, where


def unmarked(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    found = []
    for expression, place in shown_expressions(tree):
        for literal in unmarked_literals(expression):
            found.append(f"{where}:{literal.lineno}: {literal.value!r} ({place})")
    return sorted(set(found))


def tui_modules() -> list[Path]:
    return sorted(TUI.rglob("*.py"))


def test_every_shown_string_in_the_screen_is_marked() -> None:
    found = [
        problem
        for path in tui_modules()
        for problem in unmarked(path.read_text(encoding="utf-8"), str(path.relative_to(TUI)))
    ]
    assert not found, "shown but not marked for translation:\n" + "\n".join(found)


PLANTED = """
from textual.binding import Binding
from textual.widgets import Label, Static

class Planted(Static):
    BINDINGS = [Binding("f5", "expand", "Expand all"), Binding("f6", "x", N_("Marked"))]

    def compose(self):
        yield Label("Codes of the call")
        yield Label(_("Codes"), id="code-title", classes="section-title")
        yield Static("▶ " + str(3))

    def on_mount(self):
        self.border_title = f"Preview of {self.id}"
        self.notify("Draft saved", title="Saved")
        self.notify(_("Done: {n}").format(n=2), severity="warning")
        self.query_one(Label).update("nothing yet" if self.id else _("none"))


def waiting_line(count):
    lines = [f"{count} calls"]
    lines.append(_("{count} waiting").format(count=count))
    return "; ".join(lines) if count else _("nothing") + " is waiting"
"""


def test_the_check_finds_planted_unmarked_strings() -> None:
    found = unmarked(PLANTED, "planted.py")
    assert {line.split(": ", 1)[1] for line in found} == {
        "'Expand all' (Binding(...) argument 3)",
        "'Codes of the call' (Label(...))",
        "'Preview of ' (border_title =)",
        "'Draft saved' (.notify(...))",
        "'Saved' (title=)",
        "'nothing yet' (.update(...))",
        "' calls' (waiting_line())",
        "' is waiting' (waiting_line())",
    }


@pytest.mark.parametrize(
    "snippet",
    [
        'self.sub_title = "Ready for calls"',
        'yield Button("Finish", id="finish")',
        'table.add_column("Agent", key="agent")',
        'SystemCommand("Reports", "Figures for leads", self.reports)',
        'yield Input(placeholder="reason (required)")',
        'self.app.exit(message="acw stopped")',
        'self.calls.read(self.desk.pending, what="reading pending wrap-ups")',
        'def state_line(status):\n    return f"connected to {status.source}"',
    ],
)
def test_each_kind_of_place_is_checked(snippet: str) -> None:
    assert unmarked(snippet, "probe.py"), snippet
    marked = re.sub(r'"([^"]*[a-z]{2}[^"]*)"', r'_("\1")', snippet)
    marked = marked.replace('key=_("agent")', 'key="agent"').replace(
        'id=_("finish")', 'id="finish"'
    )
    assert not unmarked(marked, "probe.py"), marked


# -- Textual's own texts ----------------------------------------------------------------------


def textual_classes_in_use() -> set[type]:
    """Textual's classes acw builds on or composes (every `from textual… import X`
    in acw_tui/tui that is a class), with what Textual composes inside them."""
    import importlib

    from textual.app import App
    from textual.command import CommandInput, CommandList, CommandPalette
    from textual.screen import Screen
    from textual.widgets._select import SelectCurrent, SelectOverlay

    classes: set[type] = {App, Screen, CommandPalette, CommandInput, CommandList}
    classes |= {SelectCurrent, SelectOverlay}
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    value = getattr(module, alias.name, None)
                    if isinstance(value, type):
                        classes.add(value)
    return classes


def textual_texts_in_use() -> set[str]:
    texts: set[str] = set()
    for cls in textual_classes_in_use():
        for base in cls.__mro__:
            if not base.__module__.startswith("textual"):
                continue
            for binding in vars(base).get("BINDINGS", []):
                if isinstance(binding, tuple):
                    texts.add(binding[2] if len(binding) > 2 else "")
                else:
                    texts |= {binding.description, binding.tooltip}
            texts.add(vars(base).get("BINDING_GROUP_TITLE") or "")
    return texts - {""}


def test_every_textual_key_text_acw_shows_is_in_the_catalog_list() -> None:
    listed = set(textual_texts.BINDING_TEXTS) | set(textual_texts.GROUP_TITLES)
    missing = sorted(textual_texts_in_use() - listed)
    assert not missing, (
        "Textual texts shown in the keys panel but not in acw_tui/tui/textual_texts.py: "
        + ", ".join(map(repr, missing))
    )


def test_the_palette_texts_are_textuals() -> None:
    """The listed English must be Textual's exactly, or the translation never applies."""
    import inspect

    from textual.app import App
    from textual.command import CommandPalette

    source = inspect.getsource(CommandPalette) + inspect.getsource(App)
    for text in (
        textual_texts.SEARCH_COMMANDS,
        textual_texts.SEARCH_THEMES,
        textual_texts.NO_MATCHES,
    ):
        assert f'"{text}"' in source, text
