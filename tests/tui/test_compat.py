"""Textual internals: what `acw_tui.tui.compat` relies on still exists in the installed
Textual, and nothing else in `acw_tui` reaches for them.

When a Textual upgrade changes one of them, the test named for it fails and says which.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import textwrap
from pathlib import Path
from types import ModuleType

import pytest
import textual
from rich.style import Style
from textual.app import App, ComposeResult
from textual.widgets import Select, TextArea
from textual.widgets.text_area import Edit, Selection, TextAreaTheme

from acw_tui.tui import compat

PACKAGE = Path(compat.__file__).parents[1]  # acw_tui/
COMPAT = Path(compat.__file__)
VERSION = f"Textual {textual.__version__}"


def changed(what: str, how: str) -> str:
    return f"{VERSION} changed {what}: {how}. Update acw_tui/tui/compat.py."


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea("cx called", id="area")


# -- what compat relies on ------------------------------------------------------------------


def test_textarea_restart_blink_exists() -> None:
    method = getattr(TextArea, "_restart_blink", None)
    assert callable(method), changed("TextArea._restart_blink", "it is gone")
    params = list(inspect.signature(method).parameters)
    assert params == ["self"], changed("TextArea._restart_blink", f"it takes {params}")


async def test_edit_original_selection_and_edit_result_make_undo_give_back_the_token() -> None:
    """`record_edit_as_typed`: undo puts back the recorded text and cursor."""
    app = Host()
    async with app.run_test():
        area = app.query_one(TextArea)
        area.move_cursor((0, 2))
        area.history.checkpoint()
        edit = Edit("customer ", (0, 0), (0, 2), maintain_selection_offset=True)
        area.edit(edit)
        for name in ("_original_selection", "_edit_result"):
            assert hasattr(edit, name), changed(f"Edit.{name}", "it is gone")
        assert hasattr(edit._edit_result, "replaced_text"), changed(
            "Edit._edit_result.replaced_text", "it is gone"
        )
        area.history.checkpoint()
        assert area.text == "customer  called"
        compat.record_edit_as_typed(edit, Selection.cursor((0, 3)), "cx ")
        area.action_undo()
        assert area.text == "cx  called", changed(
            "Edit._edit_result.replaced_text", "undo no longer puts it back"
        )
        assert area.selection == Selection.cursor((0, 3)), changed(
            "Edit._original_selection", "undo no longer restores it"
        )


async def test_textarea_highlights_line_cache_and_theme_draw_a_mark() -> None:
    """`highlights`, `forget_drawn_lines`, `theme_in_use`: a mark added is drawn."""
    app = Host()
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        for name in ("_highlights", "_line_cache", "_theme"):
            assert hasattr(area, name), changed(f"TextArea.{name}", "it is gone")
        by_row = compat.highlights(area)
        assert isinstance(by_row, dict), changed("TextArea._highlights", f"it is {type(by_row)}")
        assert callable(getattr(area._line_cache, "clear", None)), changed(
            "TextArea._line_cache", "it has no clear()"
        )
        theme = compat.theme_in_use(area)
        assert isinstance(theme, TextAreaTheme), changed("TextArea._theme", f"it is {theme!r}")
        assert isinstance(theme.syntax_styles, dict)
        theme.syntax_styles = {**theme.syntax_styles, "test.mark": Style(strike=True)}
        by_row.setdefault(0, []).append((0, 2, "test.mark"))
        compat.forget_drawn_lines(area)
        area.refresh()
        await pilot.pause()
        drawn = area.render_line(0)
        struck = [seg.text for seg in drawn if seg.style is not None and seg.style.strike]
        assert "".join(struck) == "cx", changed(
            "TextArea highlights", "a (start, end, name) highlight is no longer drawn"
        )


async def test_select_still_composes_the_parts_it_queries_when_mounted() -> None:
    """`select_parts_missing`: Select's children, by type name, and its mount handler."""

    class SelectHost(App[None]):
        def compose(self) -> ComposeResult:
            yield Select([("a", "a")], id="select")

    app = SelectHost()
    async with app.run_test():
        select = app.query_one(Select)
        for part in compat.SELECT_PARTS:
            assert select.query(part), changed("Select", f"it no longer has a {part} child")
        assert not compat.select_parts_missing(select)
    assert "_on_mount" in vars(Select), changed("Select._on_mount", "it is gone")
    source = inspect.getsource(Select._setup_options_renderables)
    assert "SelectOverlay" in source, changed("Select mounting", "it queries something else")


async def test_the_app_s_driver_takes_writes() -> None:
    """`show_terminal_cursor`: the running app's driver, and its `write`."""
    app = Host()
    async with app.run_test():
        driver = getattr(app, "_driver", None)
        assert driver is not None, changed("App._driver", "it is gone")
        assert callable(getattr(driver, "write", None)), changed("Driver.write", "it is gone")
        compat.show_terminal_cursor(app, True)  # headless: nothing written, no error


async def test_option_list_still_maps_an_option_to_its_first_line() -> None:
    """`option_top_line`: where each option starts, options of two lines included."""
    from textual.widgets import OptionList

    class ListHost(App[None]):
        def compose(self) -> ComposeResult:
            yield OptionList("one", "two\nlines", "three")

    app = ListHost()
    async with app.run_test():
        options = app.query_one(OptionList)
        assert isinstance(getattr(OptionList, "_index_to_line", None), property), changed(
            "OptionList._index_to_line", "it is no longer a property"
        )
        lines = [compat.option_top_line(options, index) for index in range(3)]
        assert lines == [0, 1, 3], changed("OptionList._index_to_line", f"it says {lines}")


async def test_the_app_keeps_its_size_and_a_repeated_size_is_recognised() -> None:
    """`repeats_the_size`: the size the app has, unset until the first Resize."""
    from textual import events
    from textual.geometry import Size

    app = Host()
    assert hasattr(app, "_size"), changed("App._size", "it is gone")
    assert app._size is None, changed("App._size", "it is set before the first Resize")
    async with app.run_test(size=(70, 20)):
        assert app._size == Size(70, 20), changed("App._size", f"it is {app._size!r}")
        assert compat.repeats_the_size(app, events.Resize(Size(70, 20), Size(70, 20)))
        assert not compat.repeats_the_size(app, events.Resize(Size(71, 20), Size(71, 20)))


async def test_a_table_sizes_its_columns_to_new_rows_at_once() -> None:
    """`size_columns_now`: the columns fit the rows as soon as they are in, before the
    table is idle, and the table has nothing left to size."""
    from textual.widgets import DataTable

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = Table()
    async with app.run_test():
        table = app.query_one(DataTable)
        for name in ("_require_update_dimensions", "_new_rows", "_update_dimensions"):
            assert hasattr(table, name), changed(f"DataTable.{name}", "it is gone")
        (column,) = table.add_columns("p90")
        table.add_row("10:42:59")
        compat.size_columns_now(table)
        assert table.columns[column].content_width == len("10:42:59"), changed(
            "DataTable._update_dimensions", "it no longer sizes columns to the new rows"
        )
        assert not table._require_update_dimensions and not table._new_rows


# -- nobody else touches them ----------------------------------------------------------------

# What compat wraps, by name: never used anywhere else in acw_tui.
WRAPPED = {
    "_restart_blink",
    "_replace_via_keyboard",
    "_original_selection",
    "_edit_result",
    "_highlights",
    "_line_cache",
    "_theme",
    "_driver",
    "_index_to_line",
    "_size",
    "_require_update_dimensions",
    "_new_rows",
    "_update_dimensions",
}
# Textual calls these hooks by name: defining one overrides Textual's own.
HOOK_PREFIXES = ("_on_", "_watch_", "_validate_", "_compute_")


@functools.cache
def textual_private_names() -> frozenset[str]:
    """Every underscored name Textual defines or assigns on self, anywhere in its source."""
    names: set[str] = set()
    for path in Path(textual.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


@functools.cache
def private_names_of(cls: type) -> frozenset[str]:
    """Underscored names a Textual class has: in its dict or assigned on self."""
    names = {n for n in vars(cls) if n.startswith("_") and not n.startswith("__")}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return frozenset(names)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            names.add(node.attr)
    return frozenset(names)


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def own_private_names() -> set[str]:
    """Underscored names acw defines itself (outside compat)."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if path == COMPAT:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if is_private(n)}


def problems_in(path: Path, own: set[str], module: ModuleType | None = None) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    where = path.name if module is not None else path.relative_to(PACKAGE.parent)
    modules = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    found = []
    textual_names = textual_private_names()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            receiver = node.value
            text = f"{where}:{node.lineno}: {ast.unparse(node)}"
            if node.attr in WRAPPED:
                found.append(f"{text} (use acw_tui.tui.compat)")
            elif isinstance(receiver, ast.Call) and ast.unparse(receiver.func) == "super":
                found.append(f"{text} (Textual calls each class's handler itself)")
            elif isinstance(receiver, ast.Name) and receiver.id in ("self", "cls"):
                continue  # checked against the class's Textual bases below
            elif isinstance(receiver, ast.Name) and receiver.id in modules:
                continue  # a module's private name (os._exit), not a Textual object's
            elif node.attr in textual_names and node.attr not in own:
                found.append(f"{text} (a Textual private name)")
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(
                    item, ast.FunctionDef | ast.AsyncFunctionDef
                ) and item.name.startswith(HOOK_PREFIXES):
                    found.append(f"{where}:{item.lineno}: def {item.name} (use the public on_…)")
    if "textual" not in source or path.name == "__main__.py":
        return found
    # Classes built on Textual ones: no underscored name of their Textual bases.
    module = module or importlib.import_module(module_name(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(module, node.name, None)
        if not isinstance(cls, type):
            continue
        bases = [b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"]
        taken = frozenset().union(*(private_names_of(b) for b in bases))
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Attribute)
                and isinstance(inner.value, ast.Name)
                and inner.value.id in ("self", "cls")
                and inner.attr in taken
            ):
                found.append(f"{where}:{inner.lineno}: {ast.unparse(inner)} in {node.name}")
            elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef) and inner.name in taken:
                found.append(f"{where}:{inner.lineno}: def {inner.name} in {node.name}")
    return found


def test_nothing_outside_compat_touches_textual_internals() -> None:
    own = own_private_names()
    found = [
        problem
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != COMPAT
        for problem in problems_in(path, own)
    ]
    assert not found, "Textual internals used outside acw_tui/tui/compat.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "class E(TextArea):\n    async def _on_paste(self, event):\n        await super()._on_paste(event)\n",
        "class E(TextArea):\n    def on_key(self, event):\n        self._restart_blink()\n",
        "def mark(area):\n    area._line_cache.clear()\n",
        "class S(Select):\n    def on_mount(self, event):\n        Select._on_mount(self, event)\n",
        "class E(TextArea):\n    def on_key(self, event):\n        self._selecting = True\n",
    ],
    ids=["super-handler", "wrapped-name", "private-cache", "base-handler", "shadowed-attribute"],
)
def test_the_scan_finds_each_kind_of_use(snippet: str, tmp_path: Path) -> None:
    """The scan is honest: each way of reaching into Textual is found."""
    path = tmp_path / "probe_widget.py"
    path.write_text("from textual.widgets import Select, TextArea\n\n" + snippet, encoding="utf-8")
    module = ModuleType("probe_widget")
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    assert problems_in(path, set(), module), snippet


def test_class_bindings_are_merged_as_textual_merges_them() -> None:
    """`class_bindings`: a TextArea's End is its own; a class that does not inherit
    bindings keeps only what it declares (the notes editor leaves F6 and F7 out)."""
    from textual.widgets import TextArea

    from acw_tui.tui.widgets.notes_editor import NotesEditor

    area = compat.class_bindings(TextArea).key_to_bindings
    assert [b.action for b in area.get("end", [])] == ["cursor_line_end"], changed(
        "Widget._merge_bindings", "TextArea's End is not found"
    )
    notes = compat.class_bindings(NotesEditor).key_to_bindings
    assert "f6" in area and "f6" not in notes and "f5" in notes


async def test_an_edit_recorded_as_typed_joins_the_typing_and_undoes_and_redoes() -> None:
    """`record_as_typed`: a key put in the history (the document gets it otherwise) is
    undone with the keys typed before it, and redone with the cursor after it."""
    app = Host()
    async with app.run_test() as pilot:
        area = app.query_one(TextArea)
        area.load_text("")
        area.focus()
        await pilot.press("c", "x")
        compat.record_as_typed(area, " ", (0, 2), (0, 3))
        area.document.replace_range((0, 2), (0, 2), " ")
        assert len(area.history.undo_stack) == 1, changed(
            "EditHistory.record", "a typed key no longer joins the keys typed before it"
        )
        area.action_undo()
        assert area.text == "", changed("Edit.undo", "an edit recorded as typed is not undone")
        area.action_redo()
        assert (area.text, area.cursor_location) == ("cx ", (0, 3)), changed(
            "Edit.do", "redoing a recorded edit no longer leaves the cursor after it"
        )


def test_the_key_parser_still_reads_a_paste_as_keep_pastes_whole_expects() -> None:
    """`keep_pastes_whole`: XTermParser.parse is a generator taking the token callback,
    reads one character per Read1, starts a paste at ESC [200~ and ends it at ESC [201~,
    and makes one Paste of the text between."""
    from textual._parser import Read1
    from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser

    assert (BRACKETED_PASTE_START, BRACKETED_PASTE_END) == ("\x1b[200~", "\x1b[201~"), changed(
        "the bracketed paste markers", "they are named for other sequences"
    )
    params = list(inspect.signature(compat._original_parse).parameters)
    assert params == ["self", "token_callback"], changed("XTermParser.parse", f"it takes {params}")
    compat.keep_pastes_whole()
    assert XTermParser.parse is compat._whole_pastes, "keep_pastes_whole is not installed"
    tokens: list[object] = []
    inner = compat._original_parse(XTermParser(), tokens.append)
    assert isinstance(next(inner), Read1), changed("XTermParser.parse", "it waits otherwise")
    for char in BRACKETED_PASTE_START + "a b" + BRACKETED_PASTE_END:
        inner.send(char)
    assert [(type(t).__name__, getattr(t, "text", None)) for t in tokens] == [("Paste", "a b")], (
        changed("XTermParser.parse", "a paste without escapes is not one Paste of its text")
    )
