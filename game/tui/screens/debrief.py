"""The ending and debrief: the epilogue, the hidden truth beside the player's estimate, the meters, the decisions."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ProgressBar, Static
from textual.worker import get_current_worker

from game.debrief import advisor_lines, format_shown, meter_series, sparkline, timeline, truth_rows, with_unit
from game.engine import Engine, GameState
from game.text import estimate_figure
from game.tui.widgets.footer import KeyFooter
from game.tui.widgets.prose import Prose
from game.tui.widgets.timeline import TimelineText

if TYPE_CHECKING:
    from game.tui.app import RedLineApp


def truth_content(engine: Engine, state: GameState) -> Content:
    """Each hidden stat: what the player last believed, and what was true."""
    rows = truth_rows(engine, state)
    if not rows:
        return Content.styled("Nothing was hidden from you in this scenario.", "dim italic")
    width = max(len(view.label) for view, _ in rows)
    lines = []
    for view, truth in rows:
        believed = estimate_figure(view.value, (view.high - view.low) / 2, view.min, view.max, view.unit)
        lines.append(Content.assemble(
            f"{view.label:<{width}}  ",
            ("you believed ", "dim"),
            (f"{believed:<12}", "italic"),
            ("  truth ", "dim"),
            (with_unit(format_shown(truth, view.min, view.max), view.unit), "bold $text-warning"),
        ))
    return Content("\n").join(lines)


def chart_content(engine: Engine, state: GameState, width: int) -> Content:
    """Every meter over the whole game, the truth now revealed, with its first and last values."""
    stats = engine.content.stats
    if not stats:
        return Content("")
    label_width = min(32, max(len(stat.label) for stat in stats.values()))
    lines = []
    for ident, stat in stats.items():
        series = meter_series(engine, state, ident, reveal=True)
        first, last = format_shown(series[0], stat.min, stat.max), format_shown(series[-1], stat.min, stat.max)
        ends = f"{with_unit(first, stat.unit)} → {with_unit(last, stat.unit)}"
        spark_width = max(4, width - label_width - len(ends) - 6)
        label = stat.label if len(stat.label) <= label_width else stat.label[: label_width - 1] + "…"
        lines.append(Content.assemble(
            f"{label:<{label_width}}  ",
            (sparkline(series, stat.min, stat.max, spark_width), "$text-accent"),
            "  ",
            (ends, "dim"),
        ))
    return Content("\n").join(lines)


class DebriefScreen(Screen[None]):
    """Where every game ends."""

    DEFAULT_CSS = """
    #debrief {
        scrollbar-size-vertical: 1;
        border: round $primary;
        border-title-style: bold;
        padding: 0 2;
    }

    #ending-title {
        margin: 1 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export_debrief", "Export debrief", id="export_debrief"),
        Binding("r", "app.replay_this_game", "Replay", id="debrief_replay"),
        Binding("n", "app.new_game", "New game", id="debrief_new_game"),
        Binding("escape", "app.to_title", "Title", id="debrief_title"),
    ]

    @property
    def game(self) -> RedLineApp:
        return cast("RedLineApp", self.app)

    def compose(self) -> ComposeResult:
        engine = self.game.engine
        state = self.game.state
        assert state is not None
        ending = engine.ending(state)
        with VerticalScroll(id="debrief"):
            if ending is not None:
                grade = f"  ({ending.grade})" if ending.grade else ""
                yield Static(Content.assemble((ending.title, "bold $text-primary"), (grade, "italic")),
                             id="ending-title")
                yield Prose(engine.epilogue(state).strip(), id="epilogue")
            yield Static("What was hidden from you", classes="section")
            yield Static(truth_content(engine, state), id="truth")
            yield Static("The meters over the game", classes="section")
            yield Static(id="chart")
            record = advisor_lines(engine, state)
            if record:
                yield Static("Your advisors", classes="section")
                yield Static("\n".join(record), id="advisors")
            yield Static("The decisions that shaped this ending", classes="section")
            yield ProgressBar(total=None, show_eta=False, id="shaping-progress")
            yield Static(Content.styled("Playing futures of every option at each of your decisions…", "dim italic"),
                         id="shaping")
            yield Static("Your decisions", classes="section")
            yield TimelineText(timeline(engine, state), id="decisions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#debrief").border_title = "Debrief"
        self.query_one("#debrief").focus()
        self.weigh_decisions()

    @work(thread=True, exclusive=True, group="shaping")
    def weigh_decisions(self) -> None:
        """The decisions that shaped the ending, worked out in the background (see game/analyst/shaping.py)."""
        from game.analyst.shaping import from_save, shape, summary
        from game.replay import choices_of
        from game.saves import SaveError

        worker = get_current_worker()
        state = self.game.state
        if state is None or state.ending is None:
            return
        content = self.game.engine.content
        key = (state.seed, tuple(choices_of(state)))
        shaping = self.game.shaping.get(key) or from_save(self.game.game_record.kept_analysis(), content,
                                                              state.ending)
        if shaping is None:
            def progress(done: int, total: int) -> None:
                self.app.call_from_thread(self._progress, done, total)

            shaping = shape(content, state.seed, choices_of(state), state.ending, analyst=self.game.analyst(),
                            futures=self.game.shaping_futures, progress=progress, stop=lambda: worker.is_cancelled)
            if shaping is None:
                return
            with contextlib.suppress(SaveError):  # (kept if it can be; worked out again otherwise)
                self.game.game_record.keep_analysis(shaping.for_save(content))
        self.game.shaping[key] = shaping
        lines = summary(content, shaping)
        self.app.call_from_thread(self._shaped, "\n".join(lines))

    def _progress(self, done: int, total: int) -> None:
        if self.is_attached:
            self.query_one("#shaping-progress", ProgressBar).update(total=total, progress=done)

    def _shaped(self, text: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#shaping-progress", ProgressBar).display = False
        self.query_one("#shaping", Static).update(Content(text))

    def on_resize(self) -> None:
        state = self.game.state
        if state is None:
            return
        chart = self.query_one("#chart", Static)
        chart.update(chart_content(self.game.engine, state, max(30, chart.content_region.width or self.size.width - 6)))

    def action_export_debrief(self) -> None:
        self.game.action_export_debrief()
