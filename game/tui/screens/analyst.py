"""The analyst at a decision: for each option, how its futures end, filling in as they are played.

The futures are played in a worker thread (and, where the scenario's folder is known, in processes on
the other cores), so the interface never waits; closing the screen cancels them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from game.analyst.rollouts import Futures
from game.analyst.view import FUTURES, OptionLine, basis, groups, lines_of, path_text
from game.engine import Decision, GameState

if TYPE_CHECKING:
    from game.tui.app import RedLineApp

BAR = 20


def bar(line: OptionLine) -> Content:
    """The three shares as one bar: bad, in between, good."""
    bad = round(line.bad * BAR)
    good = round(line.good * BAR)
    middle = max(0, BAR - bad - good)
    return Content.assemble(("█" * bad, "$error"), ("█" * middle, "$text-muted"), ("█" * good, "$success"))


def odds_content(app: RedLineApp, futures: Futures, decision: Decision) -> Content:
    content = app.engine.content
    numbers = {choice.id: number for number, choice in enumerate(decision.choices, start=1)}
    rows = []
    now = {k: float(v) for k, v in app.state.values.items()} if app.state is not None else None
    for line in lines_of(content, futures, now=now):
        number = numbers.get(line.option, 0)
        rows.append(Content.assemble((f"{number}. {line.label}", "bold")))
        rows.append(Content.assemble(
            "   ", bar(line),
            f"  bad {line.bad:.0%} · mid {line.middling:.0%} · good {line.good:.0%}",
            (f" ±{line.margin:.0%}", "dim"),
        ))
        likeliest = "; ".join(f"{title} {share:.0%}" for title, share in line.top)
        rows.append(Content.styled(f"   likeliest: {likeliest}", "dim"))
        if line.paths:
            rows.append(Content.styled(f"   {path_text(line)}", "dim"))
    return Content("\n").join(rows)


class AnalystScreen(ModalScreen[None]):
    """The odds of each option of the decision in front of the player."""

    DEFAULT_CSS = """
    AnalystScreen { align: center middle; }
    #analyst { width: 96%; max-width: 110; height: auto; max-height: 96%; border: round $primary;
               padding: 0 1; background: $surface; }
    #analyst-odds { height: auto; }
    #analyst-basis, #analyst-groups { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,o", "close", "Close", id="analyst_close"),
    ]

    def __init__(self, state: GameState, decision: Decision) -> None:
        super().__init__()
        self.state = state
        self.decision = decision

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        bad, middle, good = groups(self.game.engine.content)
        with Vertical(id="analyst"):
            yield Static(Content.styled("Playing the first futures…", "italic"), id="analyst-basis")
            yield Static(f"bad: {bad} · good: {good} · mid: {middle}", id="analyst-groups")
            with VerticalScroll(id="analyst-scroll"):
                yield Static(id="analyst-odds")
            yield Static(Content.styled("Esc closes (and stops the futures). The odds are estimates from "
                                        "what you know, not a forecast of the truth.", "dim"))

    def on_mount(self) -> None:
        self.query_one("#analyst").border_title = f"The analyst: {self.decision.event.title}"
        self.weigh()

    @work(thread=True, exclusive=True, group="analyst")
    def weigh(self) -> None:
        worker = get_current_worker()
        analyst = self.game.analyst()
        for futures in analyst.stream(self.state, FUTURES, fog=True, stop=lambda: worker.is_cancelled):
            if worker.is_cancelled:
                return
            shown = odds_content(self.game, futures, self.decision)
            said = basis(futures)
            self.app.call_from_thread(self._show, shown, said)

    def _show(self, odds: Content, said: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#analyst-odds", Static).update(odds)
        self.query_one("#analyst-basis", Static).update(said[0].upper() + said[1:] + ".")

    def action_close(self) -> None:
        self.workers.cancel_group(self, "analyst")
        self.dismiss(None)
