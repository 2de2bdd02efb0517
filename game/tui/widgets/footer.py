"""The footer of the game's screens: Textual's Footer, with its keys drawn along with the screen."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

#: what the footer shows of one binding: the binding, whether it is enabled, its tooltip
ShownKey = tuple[Binding, bool, str]


class KeyFooter(Footer):
    """Textual's Footer, with its keys composed with the rest of the screen.

    Textual's Footer composes its keys only once the screen has announced its bindings, after the
    screen is first drawn, and again at every announcement (each change of focus, each time the
    screen comes back), each time at the cost of a new layout of the whole screen. This one has
    its keys in the screen's first layout, and composes them again only when they change.
    """

    def __init__(self) -> None:
        super().__init__()
        #: the keys composed last; None until the footer is first composed
        self._shown: tuple[ShownKey, ...] | None = None

    def shown_keys(self, screen: Screen[Any]) -> tuple[ShownKey, ...]:
        """The bindings the footer shows on the screen now, with their state."""
        active = screen.active_bindings
        keys = [(key.binding, key.enabled, key.tooltip) for key in active.values() if key.binding.show]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            keys.append((palette.binding, palette.enabled, palette.tooltip))
        return tuple(keys)

    def compose(self) -> ComposeResult:
        if self._shown is None:
            # Textual's Footer composes no keys until it is told the screen's bindings are ready:
            # they are, as the screen is being composed (the recompose this asks for is skipped below)
            self.bindings_changed(self.screen)
        self._shown = self.shown_keys(self.screen)
        yield from super().compose()

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self.shown_keys(self.screen) == self._shown:
            return
        await super().recompose()
