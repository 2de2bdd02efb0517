"""The briefing before the first decision: who the player is and what has happened."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from game.model import Scenario
from game.tui.widgets.footer import KeyFooter
from game.tui.widgets.prose import Prose


class IntroScreen(Screen[None]):
    """The scenario's introduction; Enter begins the game."""

    DEFAULT_CSS = """
    IntroScreen {
        align: center middle;
    }

    #intro-panel {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }

    #intro-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }

    #intro-role {
        margin-bottom: 1;
    }

    #intro-seed {
        margin-top: 1;
    }

    #intro-next {
        height: 1;
        text-align: right;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "begin", "Begin", id="intro_begin"),
        Binding("escape", "app.to_title", "Title", id="intro_title"),
    ]

    def __init__(self, scenario: Scenario, seed: int) -> None:
        super().__init__()
        self.scenario = scenario
        self.seed = seed

    def compose(self) -> ComposeResult:
        scenario = self.scenario
        with Vertical(id="intro-panel"):
            with VerticalScroll(id="intro-body"):
                yield Static(Content.assemble(("You are: ", "dim"), (scenario.role, "bold")), id="intro-role")
                yield Prose(scenario.intro.strip() or "The crisis begins.", id="intro-text")
                if scenario.departure_note():
                    yield Static(Content.styled(scenario.departure_note(), "italic"), id="intro-departure")
                yield Static(Content.styled(f"Seed {self.seed}: the same seed and the same decisions give the "
                                            "same game.", "dim"), id="intro-seed")
            yield Static(Content.styled("Press Enter to read the first brief.", "bold $text-accent"),
                         id="intro-next")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#intro-panel").border_title = self.scenario.title
        self.query_one("#intro-body").focus()

    def action_begin(self) -> None:
        self.dismiss(None)
