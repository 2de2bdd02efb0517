"""The choices of the current decision: number keys, arrows and Enter, or the mouse."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine import ChoiceView

UNAVAILABLE_MARK = "✗ unavailable"
INDENT = "  "


def counsel_tally(choice: ChoiceView) -> str:
    """How many advisors speak for and against a choice, e.g. '▲2·▼1'."""
    backing = sum(1 for c in choice.counsel if c.position == "for")
    opposing = len(choice.counsel) - backing
    parts = ([f"▲{backing}"] if backing else []) + ([f"▼{opposing}"] if opposing else [])
    return "·".join(parts)


def _hanging(text: str, width: int, first: str = "") -> str:
    """Wrap text so that continuation lines sit under the label, not under the number."""
    if width <= len(INDENT) + 4:
        return first + text
    lines = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=INDENT, break_on_hyphens=False)
    return "\n".join(lines) or first + text


def choice_prompt(number: int, choice: ChoiceView, width: int = 0) -> Content:
    """The text of one option; an unavailable one says so in words and gives the reason."""
    tally = counsel_tally(choice)
    head = f"{number} "
    if choice.available:
        body = _hanging(f"{head}{choice.label}" + (f"  {tally}" if tally else ""), width)[len(head):]
        if tally and body.endswith(tally):
            return Content.assemble((head, "bold"), body[: -len(tally)], (tally, "dim"))
        return Content.assemble((head, "bold"), body)
    reason = f": {choice.reason}" if choice.reason else ""
    label = _hanging(f"{head}{choice.label}", width)[len(head):]
    why = _hanging(f"{UNAVAILABLE_MARK}{reason}", width, first=INDENT)
    return Content.assemble((head, "bold"), label, "\n", (why, "italic"))


class ChoiceList(OptionList):
    """The options in front of the player. Unavailable ones are shown dimmed and cannot be picked."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 14;
    }
    """

    class Chosen(Message):
        """The player picked an available choice."""

        def __init__(self, choice_id: str) -> None:
            super().__init__()
            self.choice_id = choice_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._choices: tuple[ChoiceView, ...] = ()
        self._wrap_width = 0

    def show(self, choices: tuple[ChoiceView, ...]) -> None:
        self._choices = choices
        self._rebuild()
        self.highlighted = next((i for i, c in enumerate(choices) if c.available), None)

    def _rebuild(self) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(
            Option(choice_prompt(number, choice, self._wrap_width), id=choice.id, disabled=not choice.available)
            for number, choice in enumerate(self._choices, start=1)
        )
        if highlighted is not None and highlighted < len(self._choices):
            self.highlighted = highlighted

    def on_resize(self, event: Resize) -> None:
        # the option's padding takes two cells; a scrollbar, when there is one, makes Textual rewrap
        width = max(0, self.scrollable_content_region.width - 2)
        if width != self._wrap_width:
            self._wrap_width = width
            self._rebuild()

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None and not event.option.disabled:
            self.post_message(self.Chosen(event.option.id))
