"""The replay viewer: step through a saved game decision by decision, and take over from any of them.

Dismisses with a TakeOver (a new game, already saved, starting at the chosen decision) or None.
`run_viewer` runs it as a small app of its own, for `redline replay FILE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.markdown import Markdown as RichMarkdown
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content as Text
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from game.debrief import format_number, with_unit
from game.engine import Engine, GameState
from game.replay import Frame, Replay, replay
from game.safetext import shown
from game.saves import GameInfo, SaveError, SaveRecord, branch_record, unused_slot, write_save
from game.text import estimate_figure, shown_value
from game.tui.widgets.footer import KeyFooter


@dataclass(frozen=True)
class TakeOver:
    """A new game branched off a replay: saved at `path`, to be played on from `state`."""

    path: Path
    state: GameState
    info: GameInfo
    kept: int  # decisions of the original game it starts with


class ReplayScreen(Screen[TakeOver | None]):
    """One decision at a time: the brief, the choices with the one taken, what came of it, the meters."""

    DEFAULT_CSS = """
    ReplayScreen #replay-body {
        height: 1fr;
    }
    ReplayScreen #replay-steps {
        width: 34;
        height: 1fr;
        border: round $primary;
    }
    ReplayScreen #replay-frame {
        width: 1fr;
        height: 1fr;
        border: round $primary;
        padding: 0 1;
    }
    ReplayScreen #replay-position {
        padding: 0 1;
        text-style: bold;
        color: $text-primary;
    }
    ReplayScreen .replay-section {
        text-style: bold;
        color: $text-primary;
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: stepping works whichever pane has focus (the frame would scroll sideways)
        Binding("right,n", "step(1)", "Next", id="replay_next", priority=True),
        Binding("left,p", "step(-1)", "Previous", id="replay_previous", priority=True),
        Binding("home", "jump(0)", "First", show=False, id="replay_first"),
        Binding("end", "jump(-1)", "Last", show=False, id="replay_last"),
        Binding("t", "take_over", "Take over here", id="replay_take_over", priority=True),
        Binding("escape,q", "close", "Close", id="replay_close"),
    ]

    #: which frame is shown: 0..len(frames)-1 for a decision, len(frames) for how the record ends
    position: reactive[int] = reactive(0, init=False)

    def __init__(self, engine: Engine, record: SaveRecord, saves_dir: Path) -> None:
        super().__init__()
        self.engine = engine
        self.record = record
        self.saves_dir = saves_dir
        # Pure computation of a few dozen decisions; no I/O, so it can happen before compose.
        self.game_replay: Replay = replay(engine, record.seed, record.steps, record.start)

    @property
    def last(self) -> int:
        return len(self.game_replay.frames)

    def compose(self) -> ComposeResult:
        yield Static(id="replay-position")
        with Horizontal(id="replay-body"):
            options = [Option(self._step_label(frame), id=f"step-{frame.index}") for frame in self.game_replay.frames]
            options.append(Option(self._end_label(), id="step-end"))
            yield OptionList(*options, id="replay-steps")
            with VerticalScroll(id="replay-frame"):
                yield Static(id="replay-heading")
                yield Static(id="replay-taken")
                # Rich's Markdown renders at once; Textual's Markdown updates later, and quick
                # steps could leave an older brief showing.
                yield Static(id="replay-brief")
                yield Static("Choices", classes="replay-section")
                yield Static(id="replay-choices")
                yield Static("What came of it", classes="replay-section", id="replay-outcome-title")
                yield Static(id="replay-outcome")
                yield Static("Meters at this point", classes="replay-section")
                yield Static(id="replay-meters")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#replay-steps").border_title = Text(f"{shown(self.record.slot)}: {self.last} decisions")
        steps = self.query_one("#replay-steps", OptionList)
        steps.highlighted = 0
        steps.focus()
        self.show(0)

    # --- moving -----------------------------------------------------------------------------

    # The list's highlight is the one record of where the viewer is: keys move it, and its
    # messages (in order) move the frame, so quick key presses never leave a stale frame behind.

    def action_step(self, delta: int) -> None:
        steps = self.query_one("#replay-steps", OptionList)
        current = steps.highlighted if steps.highlighted is not None else self.position
        steps.highlighted = max(0, min(self.last, current + delta))

    def action_jump(self, index: int) -> None:
        steps = self.query_one("#replay-steps", OptionList)
        steps.highlighted = self.last if index < 0 else max(0, min(self.last, index))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.position = event.option_index

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#replay-frame").focus()

    def watch_position(self, position: int) -> None:
        self.show(position)

    def show(self, position: int) -> None:
        total = self.game_replay.total
        if position < self.last:
            self.query_one("#replay-position", Static).update(
                f"Decision {position + 1} of {total} · ←/→ step · Tab read on · t take over here · Esc close")
            self._show_frame(self.game_replay.frames[position])
        else:
            self.query_one("#replay-position", Static).update(
                f"After decision {self.last} of {total} · ←/→ step · Esc close")
            self._show_end()
        self.query_one("#replay-frame", VerticalScroll).scroll_home(animate=False)

    def _show_frame(self, frame: Frame) -> None:
        decision, resolution = frame.decision, frame.resolution
        event = decision.event
        heading = Text.assemble((event.title, "bold"), "\n",
                                (f"Turn {decision.turn} · {decision.date.strftime('%a %d %b %Y')}", "dim"))
        if event.hypothetical:
            heading += Text.styled("\nHypothetical: this event departs from the historical record.", "italic")
        self.query_one("#replay-heading", Static).update(heading)
        brief = decision.brief + (f"\n\n*Source: {event.source}*" if event.source else "")
        self._markdown(brief)
        taken = _taken(frame)
        turned_out = f"  →  {resolution.outcome}" if resolution.outcome else ""
        said = "Your action, before deciding: " if frame.step.action else "You chose: "
        self.query_one("#replay-taken", Static).update(
            Text.assemble((said, "dim"), (taken, "bold $text-accent"), (turned_out, "bold")))
        lines = []
        for choice in decision.choices:
            if choice.id == frame.step.choice and not frame.step.action:
                lines.append(Text.assemble(("▶ ", "bold $text-accent"), (choice.label, "bold"), (" (chosen)", "dim")))
            elif not choice.available:
                lines.append(Text.styled(f"  {choice.label} (unavailable: {choice.reason})", "dim strike"))
            else:
                lines.append(Text(f"  {choice.label}"))
        self.query_one("#replay-choices", Static).update(Text("\n").join(lines))
        self.query_one("#replay-outcome-title").display = True
        outcome: list[Text] = []
        if resolution.outcome:
            outcome.append(Text.assemble(("Outcome: ", "bold"), resolution.outcome))
        if resolution.text:
            outcome.append(Text(prose(resolution.text)))
        for change in resolution.changes:
            if change.hidden:
                stat = self.engine.content.stats[change.stat]
                outcome.append(Text(f"{change.label}: {shown_value(change.shown_before, stat.min, stat.max, True)} → "
                                    f"{shown_value(change.shown_after, stat.min, stat.max, True)} (estimate)"))
            else:
                outcome.append(Text(f"{change.label}: {format_number(change.before)} → {format_number(change.after)}"))
        # the background that goes on from the decision before is said there, once
        before = self.game_replay.frames[frame.index - 1].resolution.notes if frame.index > 0 else ()
        notes = list(dict.fromkeys(resolution.notes))  # a rule that held on each turn of a quiet stretch, once
        repeated = [note for note in notes if note in before]
        for note in notes:
            if note not in repeated:
                outcome.append(Text.styled(f"· {note}", "dim"))
        if repeated:
            what = "1 note" if len(repeated) == 1 else f"{len(repeated)} notes"
            outcome.append(Text.styled(f"+ {what} as after decision {frame.index} (← goes back to it)", "dim italic"))
        if not outcome:
            outcome.append(Text.styled("Nothing you can measure changed.", "dim italic"))
        self.query_one("#replay-outcome", Static).update(Text("\n").join(outcome))
        self._show_meters(frame.before)

    def _show_end(self) -> None:
        run, final = self.game_replay, self.game_replay.final
        self.query_one("#replay-taken", Static).update("")
        self.query_one("#replay-outcome-title").display = False
        self.query_one("#replay-choices", Static).update("")
        self.query_one("#replay-outcome", Static).update("")
        if run.divergence is not None:
            self.query_one("#replay-heading", Static).update(Text.styled("The record goes differently here", "bold"))
            self._markdown(
                f"On the content installed now, the game diverges {run.divergence}.\n\n"
                "Press **t** to take over from this point, the last one that matches.")
        elif final.over:
            ending = self.engine.ending(final)
            assert ending is not None
            grade = f" ({ending.grade})" if ending.grade else ""
            self.query_one("#replay-heading", Static).update(Text.styled(f"Ending: {ending.title}{grade}", "bold"))
            self._markdown(self.engine.epilogue(final))
        else:
            day = self.engine.date(final.turn).strftime("%a %d %b %Y")
            self.query_one("#replay-heading", Static).update(Text.styled("Unfinished", "bold"))
            self._markdown(
                f"The game stopped on turn {final.turn}, {day}, before the next decision.\n\n"
                "Press **t** to take over and play on.")
        self._show_meters(final, reveal=final.over)

    def _markdown(self, text: str) -> None:
        self.query_one("#replay-brief", Static).update(RichMarkdown(text))

    def _show_meters(self, state: GameState, reveal: bool = False) -> None:
        lines = []
        for view in self.engine.stats(state):
            unit = view.unit
            if view.hidden:
                band = (view.high - view.low) / 2
                truth = format_number(float(state.values[view.id]))
                lines.append(Text.assemble(
                    f"{view.label}: {estimate_figure(view.value, band, view.min, view.max, unit)} ",
                    (f"(estimate; truly {with_unit(truth, unit)})", "dim" if not reveal else "bold"),
                ))
            else:
                lines.append(Text(f"{view.label}: {with_unit(format_number(view.value), unit)}"))
        self.query_one("#replay-meters", Static).update(Text("\n").join(lines))

    def _step_label(self, frame: Frame) -> str:
        if frame.step.action:
            return f"{frame.number}. Action: {_taken(frame)}"
        return f"{frame.number}. {frame.decision.event.title} → {_taken(frame)}"

    def _end_label(self) -> str:
        if self.game_replay.divergence is not None:
            return "⚠ diverges here"
        if self.game_replay.final.over:
            ending = self.engine.ending(self.game_replay.final)
            return f"End: {ending.title if ending else self.game_replay.final.ending}"
        return "Unfinished: play on"

    # --- taking over ------------------------------------------------------------------------

    def state_at(self, position: int) -> GameState:
        """The game as it stood when decision `position` (0-based) was asked."""
        return self.game_replay.state_before(position)

    def action_take_over(self) -> None:
        """Start a new game from the decision shown, saved under a new name; the original stays as it is."""
        steps = self.query_one("#replay-steps", OptionList)
        # the highlight may be ahead of the frame when keys come fast; it is where the player is
        position = steps.highlighted if steps.highlighted is not None else self.position
        state = self.state_at(position)
        if state.over:
            self.notify("The game is over at this point; go back to a decision to take over there.",
                        severity="warning")
            return
        name = self.record.title if self.record.slot == "autosave" else self.record.slot
        base = f"{name} from decision {position + 1}"
        try:
            slot = unused_slot(self.saves_dir, base)
            branched = branch_record(self.engine, self.record, state, position, slot)
            path = write_save(self.saves_dir, branched)
        except SaveError as exc:
            self.notify(f"Cannot take over: {exc}", severity="error", timeout=8, markup=False)
            return
        self.dismiss(TakeOver(path, state, branched.info, position))

    def action_close(self) -> None:
        self.dismiss(None)


def prose(text: str) -> str:
    """Paragraphs as flowing lines: authors wrap their TOML strings, the terminal wraps again."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip())


class ReplayViewer(App[TakeOver | None]):
    """The replay viewer on its own, for `redline replay FILE` when the game's app is not at hand."""

    TITLE = "Red Line: replay"

    def __init__(self, engine: Engine, record: SaveRecord, saves_dir: Path) -> None:
        super().__init__()
        self.engine = engine
        self.record = record
        self.saves_dir = saves_dir

    def on_mount(self) -> None:
        self.push_screen(ReplayScreen(self.engine, self.record, self.saves_dir), self.exit)


def run_viewer(engine: Engine, record: SaveRecord, saves_dir: Path) -> int:
    """Run the viewer; after a take-over, say where the new game is and how to play it."""
    result = ReplayViewer(engine, record, saves_dir).run()
    if isinstance(result, TakeOver):
        print(f"New game from decision {result.kept + 1}, saved as {result.path}")
        print(f"Play it with: redline play --plain --load {result.path}")
    return 0


def _taken(frame: Frame) -> str:
    """The label of what was taken at a frame: a choice of its decision, or a standing action."""
    if frame.step.action:
        return next((a.label for a in frame.decision.actions if a.id == frame.step.choice), frame.step.choice)
    return next((c.label for c in frame.decision.choices if c.id == frame.step.choice), frame.step.choice)
