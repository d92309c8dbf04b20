"""Finishing with a critical note-quality item missing: finish anyway, or go back."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from acw_tui.core.quality import Verdict
from acw_tui.i18n import N_, _
from acw_tui.tui.screens.base import EveryScreen


class CriticalItemsDialog(EveryScreen, ModalScreen[bool]):
    """Names each critical item missing (with its rule); True finishes anyway."""

    CSS_PATH = Path(__file__).with_name("dialogs.tcss")
    DEFAULT_CSS = """
    CriticalItemsDialog {
        align: center middle;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss(False)", N_("Back to the note")),
        Binding("f", "dismiss(True)", N_("Finish anyway")),
    ]

    def __init__(self, missing: tuple[Verdict, ...]) -> None:
        super().__init__()
        self.missing = missing

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("A critical item is missing from the note:"), markup=False)
            for verdict in self.missing:
                yield Label(
                    f"✗ {verdict.message or verdict.label} [{verdict.rule}]",
                    classes="critical-item",
                    markup=False,
                )
            yield Label(
                _("f: finish anyway (stored as a critical fail) · Escape: back to the note"),
                classes="dialog-hint",
                markup=False,
            )
