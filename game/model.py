"""The content format: pydantic models of a scenario, as written in TOML.

These models are the one definition of the format. The loader validates with them,
`redline schema` exports them as JSON Schema, and the authoring guide is checked against them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64),
    Field(description="A name of lower-case letters, digits and underscores, starting with a letter."),
]
Expr = Annotated[str, Field(description="An expression of the content language (docs/AUTHORING.md).")]
Effect = Annotated[
    str,
    Field(
        description=(
            'One effect statement: "stat += expr", "stat -= expr", "stat = expr", '
            '"counter += expr", "flag = true" or "flag = false".'
        )
    ),
]
ScenarioId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64),
    Field(description="The scenario's id, also the name of its folder: lower-case letters, digits, '-' and '_'."),
]
NumberOrExpr = Annotated[float | str, Field(description="A number, or an expression giving a number.")]


class Strict(BaseModel):
    """Base of every content model: unknown fields are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Season(Strict):
    """A named stretch of the calendar; `season` equals its id between start and end."""

    id: Id
    label: str
    start: dt.date = Field(description="First day of the season (inclusive).")
    end: dt.date = Field(description="Last day of the season (inclusive).")


class Scenario(Strict):
    """The frame of a game: who the player is and how the calendar runs."""

    id: ScenarioId
    title: str
    role: str = Field(description="Who the player is, in a sentence.")
    intro: str = Field("", description="Text shown when a new game starts (Markdown).")
    start_date: dt.date
    days_per_turn: int = Field(ge=1, le=366)
    last_turn: int = Field(ge=1, le=1000, description="The last turn; after it the calendar has run out.")
    timeout_ending: Id = Field(description="The ending used when the calendar runs out.")
    dates: dict[Id, dt.date] = Field(
        default_factory=dict, description="Named dates, usable in expressions (e.g. election)."
    )
    seasons: list[Season] = Field(default_factory=list)
    hypothetical_from: dt.date | None = Field(
        None, description="Day from which the story leaves the historical record (shown to the player)."
    )

    def departure_note(self) -> str:
        """What the player is told about where the story leaves the record ("" if not set)."""
        if self.hypothetical_from is None:
            return ""
        return (f"From {self.hypothetical_from:%d %B %Y} on, the story is hypothetical: events that did not "
                "happen as written are marked as such.")


class Hidden(Strict):
    """How the player's estimate of a hidden stat is formed.

    The error band shrinks linearly from `error` (confidence at its minimum) to `min_error`
    (confidence at its maximum). The true value always lies inside the band shown.
    """

    confidence: Id | None = Field(None, description="The stat whose value narrows the estimate.")
    error: float = Field(ge=0, description="Half-width of the band when confidence is lowest.")
    min_error: float = Field(0, ge=0, description="Half-width of the band when confidence is highest.")


class Stat(Strict):
    """A number the game tracks, kept between min and max."""

    id: Id
    label: str
    min: float = 0
    max: float = 100
    initial: float
    spread: float = Field(0, ge=0, description="The start value is drawn from initial ± spread (whole numbers).")
    unit: str = Field("", description='Shown after the value, e.g. "km²" or "k troops".')
    description: str = ""
    hidden: Hidden | None = Field(None, description="If set, the player only sees an estimate.")


class Flag(Strict):
    """A yes/no fact about the game, e.g. `declassified`."""

    id: Id
    description: str = ""
    initial: bool = False


class Counter(Strict):
    """A whole number without bounds or display, e.g. how many strikes were authorised."""

    id: Id
    description: str = ""
    initial: int = 0


class Advisor(Strict):
    """Someone who gives the player counsel."""

    id: Id
    name: str
    title: str
    stance: str = Field(description='The advisor\'s outlook in a word or two, e.g. "hawk" or "restraint".')
    bio: str = ""


class Counsel(Strict):
    """What one advisor says about one choice."""

    advisor: Id
    position: Literal["for", "against"]
    says: str


class FollowUp(Strict):
    """An event scheduled to fire some turns later."""

    event: Id
    after: int = Field(1, ge=0, le=100, description="Turns from now; 0 means as soon as possible.")
    when: Expr | None = Field(None, description="If set, the follow-up fires only if this holds when it is due.")


class Outcome(Strict):
    """One way a choice can turn out."""

    id: Id
    chance: NumberOrExpr = Field(description="Relative weight among the choice's outcomes.")
    text: str = ""
    effects: list[Effect] = Field(default_factory=list)
    followups: list[FollowUp] = Field(default_factory=list)


class Choice(Strict):
    """One option the player can take when an event fires."""

    id: Id
    label: str
    text: str = Field("", description="What happens, shown after the choice (before any outcome's text).")
    visible_if: Expr | None = None
    available_if: Expr | None = None
    unavailable_reason: str = ""
    posture: int = Field(
        0, ge=-3, le=3, description="-3 most restrained .. +3 most forceful; used by automated players."
    )
    counsel: tuple[Counsel, ...] = ()
    effects: list[Effect] = Field(default_factory=list)
    outcome: list[Outcome] = Field(default_factory=list)
    followups: list[FollowUp] = Field(default_factory=list)


class Event(Strict):
    """A situation that asks the player to decide."""

    id: Id
    title: str
    brief: str = Field(description="What the player reads (Markdown).")
    source: str = Field("", description="Where the facts come from: outlet and date.")
    hypothetical: bool = Field(False, description="True when the event departs from the historical record.")
    trigger: Expr | None = Field(
        None, description="When the event may be drawn. Without a trigger it only fires as a follow-up."
    )
    weight: NumberOrExpr = 1
    once: bool = True
    cooldown: int = Field(0, ge=0, description="Turns before a repeatable event may fire again.")
    priority: int = Field(0, description="Eligible events of the highest priority are drawn first.")
    tags: list[str] = Field(default_factory=list)
    choice: list[Choice] = Field(min_length=1)

    def choice_by_id(self, choice_id: str) -> Choice:
        for choice in self.choice:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)


class Rule(Strict):
    """A systemic change applied at the start of every turn after the first, while its condition holds."""

    id: Id
    when: Expr = "true"
    effects: list[Effect] = Field(min_length=1)
    text: str = Field("", description="Shown in the turn's log when the rule applies.")


class Ending(Strict):
    """How a game can end. Endings are checked after every change; the highest priority that holds wins."""

    id: Id
    title: str
    when: Expr | None = Field(None, description="Without a condition, only reachable as the timeout ending.")
    priority: int = 0
    grade: str = Field("", description='How it went, in a word: e.g. "catastrophic", "costly", "mixed".')
    epilogue: str


class ContentFile(Strict):
    """What one TOML file of a scenario may hold. A scenario is the merge of its files."""

    scenario: Scenario | None = None
    stat: list[Stat] = Field(default_factory=list)
    flag: list[Flag] = Field(default_factory=list)
    counter: list[Counter] = Field(default_factory=list)
    advisor: list[Advisor] = Field(default_factory=list)
    event: list[Event] = Field(default_factory=list)
    rule: list[Rule] = Field(default_factory=list)
    ending: list[Ending] = Field(default_factory=list)


#: The kinds of entries a file may hold, in the order they are merged and reported.
ENTRY_KINDS: tuple[str, ...] = ("stat", "flag", "counter", "advisor", "event", "rule", "ending")
