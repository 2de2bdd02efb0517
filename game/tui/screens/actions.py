"""Actions of your own: the standing actions beside the decision, each with its cost, its limits,
whether it can be taken now (and why not) and the counsel on it. Enter takes the highlighted one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.content import Content as GameContent
from game.engine import ActionView
from game.tui.widgets.footer import KeyFooter

UNAVAILABLE_MARK = "✗ not now"


def action_prompt(number: int, action: ActionView) -> Content:
    """One line of the list (two when it cannot be taken): the label, the cost, and why not."""
    if action.available:
        return Content.assemble((f"{number} ", "bold"), action.label, ("  " + action.cost_text, "dim"))
    return Content.assemble((f"{number} ", "bold dim"), (action.label, "dim"), ("  " + action.cost_text, "dim"),
                            "\n", (f"  {UNAVAILABLE_MARK}: {action.reason}", "italic dim"))


def action_detail(content: GameContent, action: ActionView) -> Content:
    """What the highlighted action is: its text, cost and limits, and the counsel on it."""
    parts: list[Content] = [Content.styled(action.label, "bold")]
    if action.text:
        parts.append(Content(" ".join(action.text.split())))
    parts.append(Content.assemble(("Cost: ", "bold"), action.cost_text))
    if action.limits_text:
        parts.append(Content.assemble(("Limits: ", "bold"), action.limits_text))
    if not action.available:
        parts.append(Content.assemble(("Not now: ", "bold $text-warning"), action.reason))
    for counsel in action.counsel:
        advisor = content.advisors.get(counsel.advisor)
        who = f"{advisor.name} ({advisor.stance})" if advisor else counsel.advisor
        mark, verb = ("▲", "for") if counsel.position == "for" else ("▼", "against")
        parts.append(Content.assemble((f"{mark} {who}, {verb}: ", "bold"), " ".join(counsel.says.split())))
    return Content("\n\n").join(parts)


class ActionsScreen(ModalScreen[str | None]):
    """The standing actions; dismissed with the id of the one to take, or None."""

    DEFAULT_CSS = """
    ActionsScreen {
        align: center middle;
        background: $background;

        &:ansi {
            background: $background;
        }
    }

    #actions-panel {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }

    #actions-list {
        height: auto;
        max-height: 10;
    }

    #actions-detail {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }

    #actions-note {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="actions_back"),
        Binding("a", "close", "Back", show=False, id="actions_back_a"),
        *(Binding(str(n), f"take({n})", f"Take {n}", show=False, id=f"actions_take_{n}") for n in range(1, 10)),
    ]

    def __init__(self, content: GameContent, actions: tuple[ActionView, ...], per_turn: int) -> None:
        super().__init__()
        self.content = content
        self.actions = actions
        self.per_turn = per_turn

    def compose(self) -> ComposeResult:
        with Vertical(id="actions-panel"):
            allowed = "One action" if self.per_turn == 1 else f"{self.per_turn} actions"
            yield Static(Content.styled(f"{allowed} a turn; the decision waits. Enter or a number takes one.",
                                        "dim"), id="actions-note")
            # (unavailable ones can still be highlighted, to read why not and the counsel)
            yield OptionList(*(Option(action_prompt(number, action), id=action.id)
                               for number, action in enumerate(self.actions, start=1)), id="actions-list")
            with VerticalScroll(id="actions-detail"):
                yield Static(id="actions-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#actions-panel").border_title = "Actions of your own"
        listing = self.query_one("#actions-list", OptionList)
        listing.highlighted = next((i for i, a in enumerate(self.actions) if a.available), 0)
        listing.focus()
        self._describe(listing.highlighted or 0)

    def _describe(self, index: int) -> None:
        if 0 <= index < len(self.actions):
            self.query_one("#actions-text", Static).update(action_detail(self.content, self.actions[index]))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_take(event.option_index + 1)

    def action_take(self, number: int) -> None:
        if not 1 <= number <= len(self.actions):
            self.app.bell()
            return
        action = self.actions[number - 1]
        if not action.available:
            self.notify(f"“{action.label}” cannot be taken now: {action.reason}", title="Not now",
                        severity="warning")
            self.query_one("#actions-list", OptionList).highlighted = number - 1
            return
        self.dismiss(action.id)

    def action_close(self) -> None:
        self.dismiss(None)
