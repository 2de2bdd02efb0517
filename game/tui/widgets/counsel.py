"""What the advisors say about the choices in front of the player: a line per advisor with the choices
they back and oppose, each line opening to the advisor's full argument."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.events import Click
from textual.reactive import reactive
from textual.widgets import Static

from game.content import Content as GameContent
from game.engine import Decision

FOR_MARK = "▲ for"
AGAINST_MARK = "▼ against"
FOLDED_MARK = "▸ "
OPEN_MARK = "▾ "
FOR_STYLE = "bold $text-success"
AGAINST_STYLE = "bold $text-error"
NO_COUNSEL = "No one on your staff has a view on this one."


@dataclass(frozen=True)
class Position:
    """What one advisor says about one numbered choice."""

    number: int
    position: str  # "for" or "against"
    says: str


@dataclass(frozen=True)
class AdvisorCounsel:
    """One advisor's counsel on the decision: who, their outlook, their positions in the choices' order."""

    advisor: str
    name: str
    stance: str
    positions: tuple[Position, ...]


def advisors_counsel(content: GameContent, decision: Decision) -> tuple[AdvisorCounsel, ...]:
    """The counsel on a decision grouped by advisor, in the order they first speak."""
    by_advisor: dict[str, list[Position]] = {}
    for number, choice in enumerate(decision.choices, start=1):
        for counsel in choice.counsel:
            # authors wrap long strings in their TOML; the terminal wraps them again
            says = " ".join(counsel.says.split())
            by_advisor.setdefault(counsel.advisor, []).append(Position(number, counsel.position, says))
    grouped = []
    for advisor_id, positions in by_advisor.items():
        advisor = content.advisors.get(advisor_id)
        grouped.append(AdvisorCounsel(advisor_id, advisor.name if advisor else advisor_id,
                                      advisor.stance if advisor else "", tuple(positions)))
    return tuple(grouped)


def _mark(position: Position) -> tuple[str, str]:
    return (f"▲{position.number}", FOR_STYLE) if position.position == "for" else (f"▼{position.number}", AGAINST_STYLE)


def counsel_summary(counsel: AdvisorCounsel, labels: Mapping[int, str]) -> Content:
    """One line: the advisor, the choices they oppose and back, and in a few words the choice they back
    (the first, when several; the one they oppose when they back none), last so that a narrow line cuts
    only those words: '▸ Dr. Miriam Osei  ▼1 ▲4 Keep it classified, and brief allies only'."""
    backed = [p for p in counsel.positions if p.position == "for"]
    main = backed[0] if backed else counsel.positions[0]
    others = [p for p in counsel.positions if p.position == "against" and p is not main]
    others += [p for p in backed if p is not main]
    parts: list[str | tuple[str, str]] = [(FOLDED_MARK, "$text-accent"), (counsel.name, "bold"), " "]
    for position in others:
        parts += [" ", _mark(position)]
    parts += [" ", _mark(main), " ", labels.get(main.number, "")]
    return Content.assemble(*parts)


def counsel_full(counsel: AdvisorCounsel) -> Content:
    """The advisor, their outlook in words, then each position on a numbered choice in full."""
    parts: list[str | tuple[str, str]] = [(OPEN_MARK, "$text-accent"), (counsel.name, "bold")]
    if counsel.stance:
        parts.append((f" · {counsel.stance}", "italic $text-secondary"))
    for position in counsel.positions:
        mark, style = (FOR_MARK, FOR_STYLE) if position.position == "for" else (AGAINST_MARK, AGAINST_STYLE)
        parts += ["\n", (f"{mark} {position.number}", style), f": {position.says}"]
    return Content.assemble(*parts)


class CounselLine(Static, can_focus=True):
    """One advisor's counsel: a line with their positions, or open, their full argument.
    Enter or space (or a click) opens and folds it; ↑ ↓ move between the lines."""

    DEFAULT_CSS = """
    CounselLine {
        height: auto;
        &.-folded {
            text-wrap: nowrap;
            text-overflow: ellipsis;
        }
        &.-open {
            margin-bottom: 1;
        }
        &:focus {
            background: $block-cursor-blurred-background;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "open_or_fold", "Open or fold an argument", show=False, id="counsel_toggle"),
        Binding("down", "step(1)", "Next advisor", show=False, id="counsel_next"),
        Binding("up", "step(-1)", "Previous advisor", show=False, id="counsel_previous"),
    ]

    expanded = reactive(False, init=False)

    def __init__(self, counsel: AdvisorCounsel, labels: Mapping[int, str], expanded: bool = False) -> None:
        super().__init__(classes="-open" if expanded else "-folded")
        self.counsel = counsel
        self.labels = labels
        self.set_reactive(CounselLine.expanded, expanded)
        self.update(self._text())

    def _text(self) -> Content:
        return counsel_full(self.counsel) if self.expanded else counsel_summary(self.counsel, self.labels)

    def watch_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-open")
        self.set_class(not expanded, "-folded")
        self.update(self._text())

    def action_open_or_fold(self) -> None:
        self.expanded = not self.expanded

    def action_step(self, step: int) -> None:
        lines = list(self.screen.query(CounselLine))
        index = lines.index(self) + step
        if 0 <= index < len(lines):
            lines[index].focus()

    def on_click(self, event: Click) -> None:
        self.action_open_or_fold()


class CounselPanel(Vertical):
    """The staff's counsel on the current decision, a line per advisor."""

    DEFAULT_CSS = """
    CounselPanel {
        height: auto;
        padding: 0 0 1 0;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._counsel: tuple[AdvisorCounsel, ...] = ()
        self._labels: dict[int, str] = {}
        self._expanded = False

    def compose(self) -> ComposeResult:
        if not self._counsel:
            yield Static(Content.styled(NO_COUNSEL, "dim italic"))
        for counsel in self._counsel:
            yield CounselLine(counsel, self._labels, self._expanded)

    def show(self, content: GameContent, decision: Decision, expanded: bool = False) -> None:
        """The counsel on a decision, folded to a line per advisor or every argument in full."""
        self._counsel = advisors_counsel(content, decision)
        self._labels = {number: choice.label for number, choice in enumerate(decision.choices, start=1)}
        self._expanded = expanded
        self.refresh(recompose=True)

    def expand_all(self, expanded: bool) -> None:
        """Open every line (or fold every line)."""
        self._expanded = expanded
        for line in self.query(CounselLine):
            line.expanded = expanded
