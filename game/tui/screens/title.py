"""The title screen: new game, continue, load, replay, help, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from game.tui.app import RedLineApp

LOGO = "R E D   L I N E"

MENU = (
    ("new_game", "n", "New game"),
    ("continue_game", "c", "Continue"),
    ("load", "l", "Load a saved game"),
    ("replay", "r", "Watch a replay"),
    ("help", "?", "How to play"),
    ("request_quit", "q", "Quit"),
)


class TitleScreen(Screen[None]):
    """The first thing a player sees."""

    BINDINGS = [
        Binding("n", "app.new_game", "New game", id="title_new_game"),
        Binding("c", "app.continue_game", "Continue", id="title_continue"),
        Binding("l", "app.load", "Load", id="title_load"),
        Binding("r", "app.replay", "Replay", id="title_replay"),
        Binding("q", "app.request_quit", "Quit", id="title_quit"),
    ]

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        scenario = self.game.engine.content.scenario
        with Vertical(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Static(Content.styled(scenario.title, "bold"), id="scenario-title")
            yield Static(Content.styled(f"You are the {scenario.role[0].lower()}{scenario.role[1:]}.", "italic")
                         if scenario.role else "", id="role")
            with Center():
                yield OptionList(id="menu")
            yield Static(id="continue-note")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_menu()
        self.query_one("#menu", OptionList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_menu()

    def refresh_menu(self) -> None:
        """Rebuild the menu: Continue is offered only when there is an autosave to continue."""
        menu = self.query_one("#menu", OptionList)
        highlighted = menu.highlighted
        latest = self.game.latest_autosave_label()
        menu.clear_options()
        for action, key, label in MENU:
            disabled = action == "continue_game" and latest is None
            text = label if action != "continue_game" or latest is None else f"{label}: {latest}"
            if action == "continue_game" and latest is None:
                text = f"{label} (no autosave yet)"
            menu.add_option(Option(Content.assemble((f"{key}  ", "bold $text-accent"), text), id=action,
                                   disabled=disabled))
        menu.highlighted = highlighted if highlighted is not None else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.app.run_action(f"app.{event.option.id}")
