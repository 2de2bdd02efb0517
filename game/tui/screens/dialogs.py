"""Small dialogs: starting a new game and confirming quit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from game.seeds import seed_problem


@dataclass(frozen=True)
class NewGameRequest:
    """What the player asked for: a scenario id (None for the loaded one) and a seed (None for random)."""

    scenario: str | None
    seed: int | None


def parse_seed(text: str) -> int | None:
    """A seed from what the player typed; blank means random. Raises ValueError with a reason."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError("the seed must be a whole number, or blank for a random one") from None
    problem = seed_problem(value)
    if problem:
        raise ValueError(problem)
    return value


class Dialog(ModalScreen[ScreenResultType]):
    """A small panel in the middle of the screen: its content in a container of class "dialog",
    with its buttons in a Horizontal of class "buttons"."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }

    .dialog {
        width: 60;
        max-width: 90%;
        height: auto;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 1 2;
    }

    .buttons {
        height: auto;
        align: right middle;
        margin-top: 1;
    }

    .buttons Button {
        margin-left: 2;
    }
    """


class NewGameDialog(Dialog[NewGameRequest | None]):
    """Choose the scenario (the shipped ones, and the one being played) and, optionally, a seed."""

    DEFAULT_CSS = """
    #scenario-list {
        height: auto;
        max-height: 6;
        margin-bottom: 1;
    }

    #seed-error {
        height: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="new_game_cancel")]

    def __init__(self, scenarios: list[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.scenarios = scenarios  # (id, title)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="new-game-panel", classes="dialog"):
            if self.scenarios:
                yield Label("Scenario")
                yield OptionList(*(Option(title, id=ident) for ident, title in self.scenarios), id="scenario-list")
            yield Label("Seed (blank for a random one)")
            yield Input(placeholder="random", id="seed", restrict=r"[0-9]*", max_length=19)
            yield Static(id="seed-error")
            with Horizontal(classes="buttons"):
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#new-game-panel").border_title = "New game"
        if self.scenarios:
            options = self.query_one("#scenario-list", OptionList)
            ids = [ident for ident, _ in self.scenarios]
            options.highlighted = ids.index(self.current) if self.current in ids else 0
        self.query_one("#seed", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#seed", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self._start()
        else:
            self.dismiss(None)

    def _start(self) -> None:
        try:
            seed = parse_seed(self.query_one("#seed", Input).value)
        except ValueError as error:
            self.query_one("#seed-error", Static).update(Content.styled(str(error), "$text-error"))
            return
        scenario = None
        if self.scenarios:
            options = self.query_one("#scenario-list", OptionList)
            if options.highlighted is not None:
                scenario = self.scenarios[options.highlighted][0]
        self.dismiss(NewGameRequest(scenario, seed))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(Dialog[bool]):
    """A yes/no question; y or Enter on Yes confirms, n or Escape declines."""

    DEFAULT_CSS = """
    #confirm-detail {
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n", "answer(False)", "No", id="confirm_no"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm_escape"),
    ]

    def __init__(self, question: str, detail: str = "", yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-panel", classes="dialog"):
            yield Static(Content.styled(self.question, "bold"))
            if self.detail:
                yield Static(self.detail, id="confirm-detail")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.yes} (y)", variant="error", id="yes")
                yield Button(f"{self.no} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
