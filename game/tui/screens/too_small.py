"""The notice that covers the game while the terminal is too small for it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static


class TooSmallScreen(Screen[None]):
    """Covers the game while the terminal is smaller than the game can be drawn in."""

    DEFAULT_CSS = """
    TooSmallScreen {
        align: center middle;
    }

    #too-small-text {
        width: 100%;
        text-align: center;
        padding: 0 1;
    }
    """

    def __init__(self, min_width: int, min_height: int) -> None:
        super().__init__()
        self.min_width = min_width
        self.min_height = min_height

    def compose(self) -> ComposeResult:
        yield Static(id="too-small-text")

    def on_mount(self) -> None:
        self.show_size(self.app.size.width, self.app.size.height)

    def show_size(self, width: int, height: int) -> None:
        self.query_one("#too-small-text", Static).update(Content.assemble(
            ("Please enlarge the terminal", "bold"),
            f"\n\nRed Line needs at least {self.min_width}×{self.min_height}; this one is {width}×{height}.",
            "\nThe game is paused and comes back as soon as there is room.",
        ))
