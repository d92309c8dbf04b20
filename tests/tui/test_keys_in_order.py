"""Keys read together act in the order they were pressed, in every field acw has.

Textual runs a field's own bindings (backspace, End, Home …) once the key has gone up
to the app, after the keys read with it have already reached the field."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Input, TextArea

import acw_tui.tui
from acw_tui.tui.widgets.keys_in_order import OrderedInput, OrderedTextArea

# (key, character) as the driver posts them for one read of the terminal.
TOGETHER = [("a", "a"), ("b", "b"), ("c", "c"), ("backspace", None), ("d", "d")]
THEN_HOME = [("home", None), ("x", "x"), ("end", None), ("y", "y")]


class Host(App[None]):
    def __init__(self, field: Widget) -> None:
        super().__init__()
        self.field = field

    def compose(self) -> ComposeResult:
        yield self.field

    def on_mount(self) -> None:
        self.field.focus()


def value(field: Widget) -> str:
    return field.value if isinstance(field, Input) else field.text  # type: ignore[attr-defined]


@pytest.mark.parametrize("make", [OrderedInput, OrderedTextArea], ids=["input", "text-area"])
async def test_keys_read_together_act_in_order(make: type[Widget]) -> None:
    app = Host(make())
    async with app.run_test() as pilot:
        for key, char in TOGETHER:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert value(app.field) == "abd"
        for key, char in THEN_HOME:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert value(app.field) == "xabdy"


async def test_the_plain_textual_field_does_not() -> None:
    """What the ordered fields are for (if Textual changes this, they can go)."""
    app = Host(Input())
    async with app.run_test() as pilot:
        for key, char in TOGETHER:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert value(app.field) != "abd"


def test_every_field_an_agent_or_lead_types_in_is_an_ordered_one() -> None:
    """No plain `Input(...)` or editable `TextArea(...)` is made in the screens."""
    plain = []
    for path in Path(acw_tui.tui.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == Input.__name__ or (
                node.func.id == TextArea.__name__
                and not any(
                    k.arg == "read_only" and isinstance(k.value, ast.Constant) and k.value.value
                    for k in node.keywords
                )
            ):
                plain.append(f"{path.name}:{node.lineno}")
    assert not plain, f"use OrderedInput / OrderedTextArea: {plain}"


class TwoFields(App[None]):
    def __init__(self, make: type[Widget]) -> None:
        super().__init__()
        self.first, self.second = make(id="first"), make(id="second")

    def compose(self) -> ComposeResult:
        yield self.first
        yield self.second

    def on_mount(self) -> None:
        self.first.focus()


@pytest.mark.parametrize("make", [OrderedInput, OrderedTextArea], ids=["input", "text-area"])
async def test_keys_read_with_tab_go_to_the_field_tab_moved_to(make: type[Widget]) -> None:
    # Tab moves focus once it has gone up to the app; the letters read with it had
    # already been handed to the field it left.
    if make is OrderedTextArea:
        app = TwoFields(lambda **kw: OrderedTextArea(tab_behavior="focus", **kw))  # type: ignore[arg-type]
    else:
        app = TwoFields(make)
    async with app.run_test() as pilot:
        for key, char in [("a", "a"), ("tab", "\t"), ("b", "b"), ("c", "c")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert (value(app.first), value(app.second)) == ("a", "bc")
        assert app.focused is app.second
        for key, char in [("shift+tab", None), ("d", "d")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        # (an Input selects its text when focused: "d" may replace the "a")
        assert value(app.first).endswith("d") and value(app.second) == "bc"
        assert app.focused is app.first


class ListThenField(App[None]):
    def __init__(self, first: Widget) -> None:
        super().__init__()
        self.first, self.second = first, OrderedInput(id="second")

    def compose(self) -> ComposeResult:
        yield self.first
        yield self.second

    def on_mount(self) -> None:
        self.first.focus()


def code_list() -> Widget:
    from textual.widgets.option_list import Option

    from acw_tui.tui.widgets.code_picker import CodeList

    return CodeList(Option("[ ] Resolved", id="resolved"), Option("[ ] Callback", id="cb"))


def template_select() -> Widget:
    from acw_tui.tui.widgets.template_form import FormSelect

    return FormSelect([("General", "general"), ("Callback", "callback")], value="general")


@pytest.mark.parametrize("make", [code_list, template_select], ids=["code-list", "select"])
async def test_keys_read_with_tab_leave_the_code_list_and_template_select(make) -> None:
    """The code list and the template select did not move the focus themselves: the
    letters read with a Tab pressed on them were lost (or, on the select, picked a
    template by its first letter)."""
    app = ListThenField(make())
    async with app.run_test() as pilot:
        for key, char in [("tab", "\t"), ("b", "b"), ("c", "c")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert app.focused is app.second and value(app.second) == "bc"
        if hasattr(app.first, "value"):
            assert app.first.value == "general"


async def test_the_open_template_list_still_takes_its_own_keys() -> None:
    from acw_tui.tui.widgets.template_form import FormSelect

    app = ListThenField(
        FormSelect([("General", "general"), ("Callback", "callback")], value="general")
    )
    async with app.run_test() as pilot:
        await pilot.press("enter")  # opens the list
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.first.value == "callback"  # type: ignore[attr-defined]
