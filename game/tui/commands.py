"""Command palette entries for the game: new game, save, load, replay, export debrief, theme, help."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from game.tui.app import RedLineApp

#: (title, help, action name on the app)
GAME_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("New game", "Start a new game, with a seed if you like", "new_game"),
    ("Save game", "Quicksave the game in progress (F5)", "quicksave"),
    ("Load game", "Open a saved game", "load"),
    ("Quickload", "Go back to the last quicksave (F9)", "quickload"),
    ("Replay", "Watch a finished or saved game again, step by step", "replay"),
    ("Export debrief", "Write the debrief of this game to a Markdown file", "export_debrief"),
    ("Switch light/dark theme", "Between the dark crisis room and the light daytime office", "toggle_theme"),
    ("Keys", "See and change the keys of every command", "keys"),
    ("Help", "How to play and the keys", "help"),
    ("Title screen", "Leave the game for the title screen (the game is kept in its autosave)", "to_title"),
)


class GameCommands(Provider):
    """The game's own commands; an entry that makes no sense right now is left out."""

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        for title, help_text, action in GAME_COMMANDS:
            if self.game.can_run(action):
                yield title, help_text, self._runner(action)

    def _runner(self, action: str) -> Callable[[], object]:
        async def run() -> None:
            await self.game.run_action(action)

        return run

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
