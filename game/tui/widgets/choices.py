"""The choices of the current decision: number keys, arrows and Enter, or the mouse."""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine import ChoiceView

UNAVAILABLE_MARK = "✗ unavailable"


def choice_prompt(number: int, choice: ChoiceView) -> Content:
    """The text of one option; an unavailable one says so in words and gives the reason."""
    if choice.available:
        return Content.assemble((f"{number} ", "bold $text-accent"), choice.label)
    reason = f": {choice.reason}" if choice.reason else ""
    return Content.assemble(
        (f"{number} ", "bold"),
        choice.label,
        "\n  ",
        (f"{UNAVAILABLE_MARK}{reason}", "italic"),
    )


class ChoiceList(OptionList):
    """The options in front of the player. Unavailable ones are shown dimmed and cannot be picked."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 12;
    }
    """

    class Chosen(Message):
        """The player picked an available choice."""

        def __init__(self, choice_id: str) -> None:
            super().__init__()
            self.choice_id = choice_id

    def show(self, choices: tuple[ChoiceView, ...]) -> None:
        self.clear_options()
        self.add_options(
            Option(choice_prompt(number, choice), id=choice.id, disabled=not choice.available)
            for number, choice in enumerate(choices, start=1)
        )
        first = next((i for i, c in enumerate(choices) if c.available), None)
        self.highlighted = first

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and not event.option.disabled:
            self.post_message(self.Chosen(event.option.id))
