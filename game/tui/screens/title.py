"""The title screen: new game, continue, load, replay, keys, help, quit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from game.saves import Listing
    from game.tui.app import RedLineApp

LOGO = "R E D   L I N E"

MENU = (
    ("new_game", "n", "New game"),
    ("continue_game", "c", "Continue"),
    ("load", "l", "Load a saved game"),
    ("replay", "r", "Watch a replay"),
    ("keys", "k", "Keys"),
    ("help", "?", "How to play"),
    ("request_quit", "q", "Quit"),
)


class TitleScreen(Screen[None]):
    """The first thing a player sees."""

    DEFAULT_CSS = """
    TitleScreen {
        align: center middle;
    }

    #title-box {
        width: 100%;
        height: auto;
        align: center middle;
    }

    #logo {
        width: 100%;
        text-align: center;
        text-style: bold;
        color: $text-primary;
        padding: 1 0;
    }

    #scenario-title, #role, #continue-note {
        width: 100%;
        text-align: center;
    }

    #role {
        color: $text-muted;
        margin-bottom: 1;
    }

    #menu {
        width: 52;
        height: auto;
        border: round $primary;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_game", "New game", id="title_new_game"),
        Binding("c", "app.continue_game", "Continue", id="title_continue"),
        Binding("l", "app.load", "Load", id="title_load"),
        Binding("r", "app.replay", "Replay", id="title_replay"),
        Binding("k", "app.keys", "Keys", show=False, id="title_keys"),
        Binding("q", "app.request_quit", "Quit", show=False, id="title_quit"),
    ]

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        scenario = self.game.engine.content.scenario
        with Vertical(id="title-box"):
            yield Static(LOGO, id="logo")
            yield Static(Content.assemble((scenario.title, "bold"), f" · from {scenario.start_date:%d %B %Y}"),
                         id="scenario-title")
            yield Static(Content.styled(f"You are the {scenario.role[0].lower()}{scenario.role[1:]}.", "italic")
                         if scenario.role else "", id="role")
            with Center():
                yield OptionList(id="menu")
            yield Static(id="continue-note")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show_menu(None)
        self.query_one("#menu", OptionList).focus()
        self._look_for_autosave()

    def on_screen_resume(self) -> None:
        self._look_for_autosave()

    def _look_for_autosave(self) -> None:
        self.game.find_latest_autosave(self._show_menu)

    def _show_menu(self, latest: Listing | None) -> None:
        """The menu; Continue is offered only when there is an autosave to continue from."""
        self.latest = latest
        # the search for an autosave may end after the player has left this screen
        if not self.is_attached:
            return
        try:
            menu = self.query_one("#menu", OptionList)
        except NoMatches:
            return
        highlighted = menu.highlighted
        menu.clear_options()
        for action, key, label in MENU:
            disabled = action == "continue_game" and latest is None
            menu.add_option(Option(Content.assemble((f"{key}  ", "bold $text-accent"), label), id=action,
                                   disabled=disabled))
        menu.highlighted = highlighted if highlighted is not None and highlighted < len(MENU) else 0
        from game.saves import local_time, progress

        note = self.query_one("#continue-note", Static)
        if latest is not None and latest.record is not None:
            note.update(Content.styled(f"Continue: {progress(latest.record)}, saved {local_time(latest.record.saved)}",
                                       "dim"))
        else:
            note.update(Content.styled("No game to continue yet.", "dim"))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self.app.run_action(f"app.{event.option.id}")
