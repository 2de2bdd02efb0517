"""The game's footer: its keys come with the screen, and follow the bindings when they change."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer

from game.tui.widgets.footer import KeyFooter


class Keys(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "alpha", "Alpha"),
        Binding("b", "beta", "Beta"),
        Binding("c", "gamma", "Gamma", show=False),
    ]

    def __init__(self, footer: Footer) -> None:
        super().__init__()
        self.footer = footer
        self.beta_shown = True

    def compose(self) -> ComposeResult:
        yield self.footer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.beta_shown if action == "beta" else True

    def action_alpha(self) -> None:
        pass

    def action_beta(self) -> None:
        pass

    def action_gamma(self) -> None:
        pass


def described(footer: Footer) -> list[str]:
    """The keys the footer shows, as their text: 'a Alpha'."""
    return [" ".join(str(key.render()).split()) for key in footer.query("FooterKey")]


async def test_the_keys_are_there_from_the_first_frame() -> None:
    app = Keys(KeyFooter())
    async with app.run_test(size=(80, 10)):
        # no pause: Textual's own footer has no keys yet at this point
        assert described(app.footer)[:2] == ["a Alpha", "b Beta"]


async def test_the_same_keys_as_textuals_footer() -> None:
    shown = []
    for footer in (Footer(), KeyFooter()):
        app = Keys(footer)
        async with app.run_test(size=(80, 10)) as pilot:
            await pilot.pause()
            shown.append(described(footer))
    assert shown[0] == shown[1]


async def test_keys_that_change_are_composed_again() -> None:
    app = Keys(KeyFooter())
    async with app.run_test(size=(80, 10)) as pilot:
        app.beta_shown = False
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "b Beta" not in described(app.footer)
        app.beta_shown = True
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "b Beta" in described(app.footer)


async def test_keys_that_stay_the_same_are_not_composed_again() -> None:
    app = Keys(KeyFooter())
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        keys = list(app.footer.query("FooterKey"))
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert list(app.footer.query("FooterKey")) == keys
