"""The choices of the current decision: number keys, arrows and Enter, or the mouse."""

from __future__ import annotations

import textwrap

from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from game.engine import ChoiceView
from game.stakes import Leaning, StakesView

UNAVAILABLE_MARK = "✗ unavailable"
ENDS_MARK = "⚠"
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


def leaning_line(leaning: Leaning) -> str:
    """'Political capital ▼▼ · Escalation ▲?': the meters a choice is expected to push most."""
    return " · ".join(f"{push.label} {push.arrows}" for push in leaning.pushes)


def stakes_lines(leaning: Leaning | None, show_leanings: bool, width: int) -> list[tuple[str, str]]:
    """The lines under an option: its leaning (dim) and whether it ends the game at once (as a warning)."""
    if leaning is None:
        return []
    lines = []
    if show_leanings and leaning.pushes:
        lines.append((_hanging(leaning_line(leaning), width, first=INDENT), "dim"))
    if leaning.ends:
        lines.append((_hanging(f"{ENDS_MARK} {leaning.ending_text}", width, first=INDENT), "bold $text-error"))
    if leaning.nears:
        lines.append((_hanging(f"{ENDS_MARK} {leaning.near_text}", width, first=INDENT), "$text-warning"))
    return lines


def choice_prompt(number: int, choice: ChoiceView, width: int = 0, leaning: Leaning | None = None,
                  show_leanings: bool = True) -> Content:
    """The text of one option; an unavailable one says so in words and gives the reason. Under an
    available one, its leaning and whether it ends the game at once."""
    tally = counsel_tally(choice)
    head = f"{number} "
    if choice.available:
        body = _hanging(f"{head}{choice.label}" + (f"  {tally}" if tally else ""), width)[len(head):]
        under: list[str | tuple[str, str]] = []
        for text, style in stakes_lines(leaning, show_leanings, width):
            under += ["\n", (text, style)]
        if tally and body.endswith(tally):
            return Content.assemble((head, "bold"), body[: -len(tally)], (tally, "dim"), *under)
        return Content.assemble((head, "bold"), body, *under)
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
        self._stakes: StakesView | None = None
        self._wrap_width = 0

    def show(self, choices: tuple[ChoiceView, ...], stakes: StakesView | None = None) -> None:
        """Show these choices, with their leanings and whether each ends the game, from `stakes`."""
        self._choices = choices
        self._stakes = stakes
        self._rebuild()
        self.highlighted = next((i for i, c in enumerate(choices) if c.available), None)

    def _rebuild(self) -> None:
        highlighted = self.highlighted
        self.clear_options()
        stakes = self._stakes
        self.add_options(
            Option(choice_prompt(number, choice, self._wrap_width,
                                 stakes.leanings.get(choice.id) if stakes else None,
                                 stakes.show_leanings if stakes else False),
                   id=choice.id, disabled=not choice.available)
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
