"""The outcome of a decision: what happened and what changed, told apart: the choice's own effects, what
chance decided and at what odds, what was set in motion, the turn's drift, and why estimates moved. Hidden
stats show only estimates."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from game.content import Content as GameContent
from game.debrief import format_shown, with_unit
from game.engine import Change, Drift, Resolution
from game.tui.widgets.footer import KeyFooter
from game.tui.widgets.paging import page_down
from game.tui.widgets.prose import Prose


def change_line(change: Change, unit: str = "", low: float = 0, high: float = 100) -> Content:
    """'Tension  40 → 50  ▲ +10'. A hidden stat shows the estimate before and after, never the truth."""
    if change.hidden:
        before, after = change.shown_before, change.shown_after
        label = f"{change.label} (estimate)"
        prefix = "≈"
    else:
        before, after = change.before, change.after
        label = change.label
        prefix = ""
    def shown(value: float) -> str:
        return format_shown(value, low, high)

    delta = float(shown(after)) - float(shown(before))
    if delta > 0:
        arrow, style = f"▲ +{shown(delta)}", "bold $text-success"
    elif delta < 0:
        arrow, style = f"▼ −{shown(-delta)}", "bold $text-error"
    else:
        arrow, style = "= no visible change", "dim"
    return Content.assemble(
        (f"{label}: ", ""),
        f"{prefix}{with_unit(shown(before), unit)} → ",
        (f"{prefix}{with_unit(shown(after), unit)}", "bold"),
        "  ",
        (arrow, style),
    )


def _changes(content: GameContent, changes: tuple[Change, ...]) -> list[Content]:
    lines = []
    for change in changes:
        stat = content.stats.get(change.stat)
        lines.append(change_line(change) if stat is None else change_line(change, stat.unit, stat.min, stat.max))
    return lines


def heading(text: str) -> Content:
    return Content.styled(text, "bold $text-accent")


def odds_text(resolution: Resolution) -> str:
    """'(a 62% chance)', '(about a 62% chance, by your estimates)', or '' when there was no chance to it."""
    if resolution.odds is None or resolution.odds >= 1:
        return ""
    percent = max(1, round(resolution.odds * 100))
    if resolution.odds_estimated:
        return f" (about a {percent}% chance, by your estimates)"
    return f" (a {percent}% chance)"


def drift_line(drift: Drift) -> str:
    """A rule's text, or a quiet stretch, once however many turns it repeated."""
    count = len(drift.turns)
    if drift.quiet:
        return f"{count} quiet turns: nothing needed your decision." if count > 1 else f"A {drift.text}"
    return f"Over {count} turns: {drift.text}" if count > 1 else drift.text


def repeated_notes(resolution: Resolution, read: Collection[str]) -> tuple[str, ...]:
    """The turn's drift lines under this outcome that were under the last one too (the background that
    goes on), each once."""
    return tuple(dict.fromkeys(drift_line(d) for d in resolution.drift if not d.quiet and d.text in read))


def notes_content(notes: Sequence[str]) -> Content:
    return Content("\n").join(Content.styled(f"· {note}", "dim") for note in notes)


def folded_notes_line(count: int) -> Content:
    """The one line standing for the notes that were under the last outcome too."""
    what = "1 note" if count == 1 else f"{count} notes"
    them = "it" if count == 1 else "them"
    return Content.styled(f"+ {what} as after your last decision (n shows {them})", "dim italic")


def outcome_content(content: GameContent, resolution: Resolution, read: Collection[str] = ()) -> Content:
    """The account of the change, each part apart: what the choice did (and facts it made true or
    false), what chance decided, what was set in motion, what the turn did on its own, and why the
    estimates moved."""
    lines: list[Content] = []
    if resolution.choice_changes:
        title = "What the action did" if resolution.action else "What your choice did"
        lines += [heading(title), *_changes(content, resolution.choice_changes)]
    if resolution.outcome is not None:
        lines.append(heading(f"What chance decided{odds_text(resolution)}"))
        lines += _changes(content, resolution.outcome_changes) or [Content.styled("No meter moved.", "dim")]
    for flag in resolution.flags_set:
        described = content.flags[flag].description if flag in content.flags else ""
        lines.append(Content.assemble(("✔ Now true: ", "bold"), described or flag))
    for flag in resolution.flags_cleared:
        described = content.flags[flag].description if flag in content.flags else ""
        lines.append(Content.assemble(("✘ No longer true: ", "bold"), described or flag))
    if resolution.scheduled:
        count = len(resolution.scheduled)
        what = "a consequence" if count == 1 else f"{count} consequences"
        lines.append(Content.assemble(("↪ Set in motion: ", "bold"), f"{what} that will surface in the coming weeks."))
    # the drift that was under the last outcome too is folded into one line below (see OutcomeScreen)
    fresh = [drift for drift in resolution.drift if drift.quiet or drift.text not in read]
    if fresh or resolution.drift_changes:
        lines.append(heading("Meanwhile, on its own"))
        lines += [Content.styled(f"· {drift_line(drift)}", "dim") for drift in fresh]
        lines += _changes(content, resolution.drift_changes)
    if resolution.estimate_notes:
        lines.append(heading("Your estimates"))
        lines += [Content.styled(note, "italic") for note in resolution.estimate_notes]
    for advisor, farewell in zip(resolution.departures, resolution.farewells, strict=False):
        who = content.advisors[advisor]
        lines.append(heading(f"{who.name} has left your staff"))
        if farewell.strip():
            lines.append(Content(farewell.strip()))
    if not lines and not any(not d.quiet and d.text in read for d in resolution.drift):
        lines.append(Content.styled("Nothing you can measure changed.", "dim italic"))
    return Content("\n").join(lines)


class OutcomeScreen(ModalScreen[None]):
    """Shown after each choice; Enter goes on to the next event or to the debrief."""

    DEFAULT_CSS = """
    /* opaque (in ANSI colours too): a see-through screen makes Textual tint and redraw the room
       behind it on every frame */
    #outcome-repeated {
        height: auto;
    }

    OutcomeScreen {
        align: center middle;
        background: $background;

        &:ansi {
            background: $background;
        }
    }

    #outcome-panel {
        width: 90%;
        max-width: 96;
        height: 90%;
        border: thick $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }

    #outcome-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }

    #outcome-choice {
        margin-bottom: 1;
    }

    #outcome-next {
        height: 1;
        text-align: right;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "continue", "Continue", id="outcome_continue"),
        Binding("space", "read_on", "Read on", id="outcome_read_on"),
        Binding("n", "show_notes", "Notes", id="outcome_notes"),
        Binding("escape", "continue", "Continue", show=False, id="outcome_continue_escape"),
    ]

    def __init__(self, content: GameContent, resolution: Resolution, read: Collection[str] = ()) -> None:
        """`read`: the drift under the last outcome; what comes again is folded into one line."""
        super().__init__()
        self.content = content
        self.resolution = resolution
        self.read = frozenset(read)
        self.repeated = repeated_notes(resolution, self.read)
        self.notes_open = False

    def compose(self) -> ComposeResult:
        resolution = self.resolution
        event = self.content.events[resolution.event]
        choice = event.choice(resolution.choice)
        label = choice.label if choice else resolution.choice
        said = "You recommended: "
        if resolution.action:  # a standing action: its label and what it cost
            action = self.content.actions.get(resolution.choice)
            label = action.model.label if action is not None else resolution.choice
            said = "Your action: "
        with Vertical(id="outcome-panel"):
            with VerticalScroll(id="outcome-body"):
                yield Static(Content.assemble((said, "dim"), (label, "bold")), id="outcome-choice")
                if resolution.text:
                    yield Prose(resolution.text, id="outcome-text")
                yield Static(outcome_content(self.content, resolution, self.read), id="outcome-changes")
                if self.repeated:
                    yield Static(folded_notes_line(len(self.repeated)), id="outcome-repeated")
            next_step = "Press Enter to read the debrief." if resolution.ending else \
                "Press Enter to return to the decision." if resolution.action else "Press Enter for the next brief."
            yield Static(Content.styled(next_step, "bold $text-accent"), id="outcome-next")
        yield KeyFooter()

    def on_mount(self) -> None:
        panel = self.query_one("#outcome-panel")
        event = self.content.events[self.resolution.event]
        panel.border_title = event.model.title
        self.query_one("#outcome-body").focus()

    def action_continue(self) -> None:
        self.dismiss(None)

    def action_read_on(self) -> None:
        """Page down through the outcome, a line of each page kept on the next; at its end, go on."""
        if not page_down(self.query_one("#outcome-body", VerticalScroll)):
            self.action_continue()

    def action_show_notes(self) -> None:
        """Unfold the drift that was under the last outcome too (or fold it again)."""
        if not self.repeated:
            return
        self.notes_open = not self.notes_open
        shown = notes_content(self.repeated) if self.notes_open else folded_notes_line(len(self.repeated))
        self.query_one("#outcome-repeated", Static).update(shown)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_notes":
            return bool(self.repeated)
        return True
