"""Help: how to play, the keys, and what each meter means (from the scenario itself)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from game.content import Content as GameContent
from game.tui.widgets.footer import KeyFooter
from game.tui.widgets.prose import Prose

HOW_TO_PLAY = """\
You advise the President through a crisis, one decision at a time. Each turn a **brief** arrives:
read it, hear your staff's **counsel** (a line per advisor: ▲ the choices they back, ▼ those they
oppose, and in a few words the one they back; Enter on a line opens the full argument, with the
advisor's outlook in words), then make your **recommendation**. The President takes it. The **outcome** tells you what
happened and which meters moved; the game goes on until one of the endings is reached or the
calendar runs out.

Some things you only **estimate** (≈): the number beside them is your intelligence's best guess and
the ± its uncertainty. Better intelligence narrows the band. The truth is revealed at the debrief.

A choice marked ✗ *unavailable* cannot be taken now; the reason is given beside it.

Some scenarios give you **actions of your own** beside each decision (press **a**): tasking the
agencies, calling allies. Each has a price, shown before you take it, and limits; taking one does not
end the turn: the same decision is waiting when you come back.
"""

KEYS: tuple[tuple[str, str], ...] = (
    ("1–9", "take that choice"),
    ("↑ ↓ then Enter", "pick a choice from the list (or click it)"),
    ("space", "read on through the brief and counsel, or an outcome"),
    ("a", "actions of your own, beside the decision (in scenarios that have them)"),
    ("o", "the analyst: the odds of each option, from futures played out (O switches it off)"),
    ("b / c / m / t", "go to the brief, the choices, the meters, the timeline"),
    ("e", "every argument in full (e again: a line per advisor)"),
    ("d", "fold the dashboard away for a full-width brief, or back"),
    ("l", "show or hide which way each choice is expected to push the meters"),
    ("Tab", "move between panes; ↑ ↓ PgUp PgDn scroll the one you are in"),
    ("Enter", "go on after an outcome"),
    ("n", "after an outcome: show the notes repeated from the last"),
    ("F5 / F9", "quicksave / quickload"),
    ("Ctrl+P", "command palette: new game, save, load, replay, export debrief, theme"),
    ("?", "this help (Escape closes it)"),
    ("Ctrl+Q", "quit"),
)

REMAP = (
    "Keys can be changed on the Keys screen (k on the title screen, or Ctrl+P then Keys); the game remembers "
    "them, and the theme, in its settings file. REDLINE_KEYS='quit=ctrl+x;help=f1;choose_1=1,a' in the "
    "environment changes them for one run."
)


def keys_content() -> Content:
    width = max(len(key) for key, _ in KEYS) + 2
    return Content("\n").join(
        Content.assemble((f"{key:<{width}}", "bold $text-accent"), what) for key, what in KEYS
    )


def meters_markdown(content: GameContent) -> str:
    """The scenario's own description of each meter."""
    lines = []
    for stat in content.stats.values():
        mark = "≈ " if stat.hidden else ""
        description = stat.description or "No description."
        lines.append(f"- **{mark}{stat.label}** ({_bounds(stat.min, stat.max)}{stat.unit}): {description}")
    return "\n".join(lines) + "\n"


def _bounds(low: float, high: float) -> str:
    return f"{low:g}–{high:g}"


class HelpScreen(ModalScreen[None]):
    """Opened with ?, closed with ? or Escape."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-panel {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
    }

    #help-remap {
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help_close"),
        Binding("question_mark", "close", "Close", show=False, id="help_toggle"),
        Binding("q", "close", "Close", show=False, id="help_close_q"),
    ]

    def __init__(self, content: GameContent) -> None:
        super().__init__()
        self.content = content

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-panel"):
            yield Static("How to play", classes="section")
            yield Prose(HOW_TO_PLAY, id="help-text")
            yield Static("Keys", classes="section")
            yield Static(keys_content(), id="help-keys")
            yield Static(Content.styled(REMAP, "dim"), id="help-remap")
            yield Static("The meters", classes="section")
            yield Prose(meters_markdown(self.content), id="help-meters")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#help-panel").border_title = "Help"
        self.query_one("#help-panel").focus()

    def action_close(self) -> None:
        self.dismiss(None)
