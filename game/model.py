"""The content format: the entries of a scenario as written in TOML, one frozen dataclass each.

These classes are the one definition of the format. The loader validates TOML data into them with
pydantic (game/validate.py), `redline schema` exports them as JSON Schema, and the authoring guide
is checked against them. A field's description is the docstring under it; limits are `Limits`
metadata. The game itself only reads them, so playing never needs pydantic imported. An entry is
equal only to itself (`eq=False`): nothing compares entries by value, and leaving out the
generated comparisons keeps this module quick to import.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Annotated, Any, Literal


@dataclass(frozen=True, slots=True)
class Limits:
    """Annotation metadata: bounds and a pattern that validation enforces and the JSON Schema shows,
    and a description for a type used by many fields."""

    ge: float | None = None
    le: float | None = None
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    description: str | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        for key in ("ge", "le", "pattern", "min_length", "max_length"):
            value = getattr(self, key)
            if value is not None:
                schema[key] = value
        return schema

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        if self.description is not None:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True, slots=True)
class Exact:
    """Annotation metadata: the value must already be of the field's type, as TOML writes it. A whole
    number where a number is asked is fine; "3" where a whole number is asked, "no" or 1 where true
    or false is asked, or true where a number is asked, is an error rather than quietly converted."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema["strict"] = True
        return schema


Id = Annotated[
    str,
    Limits(pattern=r"^[a-z][a-z0-9_]*$", max_length=64,
           description="A name of lower-case letters, digits and underscores, starting with a letter."),
]
EXACT = Exact()
Int = Annotated[int, EXACT]
Number = Annotated[float, EXACT]
Bool = Annotated[bool, EXACT]
Date = Annotated[dt.date, EXACT]
Expr = Annotated[str, Limits(description="An expression of the content language (docs/AUTHORING.md).")]
Effect = Annotated[
    str,
    Limits(
        description=(
            'One effect statement: "stat += expr", "stat -= expr", "stat = expr", '
            '"counter += expr", "flag = true" or "flag = false".'
        )
    ),
]
ScenarioId = Annotated[
    str,
    Limits(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64,
           description="The scenario's id, also the name of its folder: lower-case letters, digits, '-' and '_'."),
]
NumberOrExpr = Annotated[Number | str, Limits(description="A number, or an expression giving a number.")]

#: How pydantic validates every entry: unknown fields are errors, not silently ignored, a number
#: is finite (TOML's inf and nan are refused), and the docstring under a field is its description.
FORMAT_CONFIG: dict[str, Any] = {"extra": "forbid", "use_attribute_docstrings": True, "allow_inf_nan": False}


@dataclass(frozen=True, kw_only=True, eq=False)
class Season:
    """A named stretch of the calendar; `season` equals its id between start and end."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    label: str
    start: Date
    """First day of the season (inclusive)."""
    end: Date
    """Last day of the season (inclusive)."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Analyst:
    """The analyst: plays many futures of each option of a decision and shows the odds of each ending."""

    __pydantic_config__ = FORMAT_CONFIG

    available: bool = True
    """False: a pure game, without the analyst."""
    uses: Annotated[int, EXACT, Limits(ge=0, le=1000)] = 0
    """How many decisions per game the player may consult it at (0: as often as they like)."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Scenario:
    """The frame of a game: who the player is and how the calendar runs."""

    __pydantic_config__ = FORMAT_CONFIG

    id: ScenarioId
    title: str
    role: str
    """Who the player is, in a sentence."""
    intro: str = ""
    """Text shown when a new game starts (Markdown)."""
    start_date: Date
    days_per_turn: Annotated[int, EXACT, Limits(ge=1, le=366)]
    last_turn: Annotated[int, EXACT, Limits(ge=1, le=1000)]
    """The last turn; after it the calendar has run out."""
    timeout_ending: Id
    """The ending used when the calendar runs out."""
    dates: dict[Id, Date] = field(default_factory=dict)
    """Named dates, usable in expressions (e.g. election)."""
    seasons: tuple[Season, ...] = ()
    hypothetical_from: Date | None = None
    """Day from which the story leaves the historical record (shown to the player)."""
    actions_per_turn: Annotated[int, EXACT, Limits(ge=0, le=10)] = 1
    """How many standing actions (`[[action]]`) the player may take on one turn, beside its decision."""
    grades: tuple[str, ...] = ()
    """The endings' grades from worst to best (e.g. ["catastrophic", "mixed", "success"]): the analyst,
    the debrief and the look-ahead policy rank endings by it. Every grade an ending uses must be listed."""
    analyst: Analyst = field(default_factory=lambda: Analyst())
    """Whether the player may consult the analyst (Monte Carlo odds of each option) during a game."""
    leanings: Bool = True
    """False: choices do not show which way they are expected to push the meters (the player may also
    hide them). Danger zones and the warning that a choice ends the game at once are shown either way."""

    def departure_note(self) -> str:
        """What the player is told about where the story leaves the record ("" if not set)."""
        if self.hypothetical_from is None:
            return ""
        return (f"From {self.hypothetical_from:%d %B %Y} on, the story is hypothetical: events that did not "
                "happen as written are marked as such.")


@dataclass(frozen=True, kw_only=True, eq=False)
class Hidden:
    """How the player's estimate of a hidden stat is formed.

    The error band shrinks linearly from `error` (confidence at its minimum) to `min_error`
    (confidence at its maximum). The true value always lies inside the band shown.
    """

    __pydantic_config__ = FORMAT_CONFIG

    confidence: Id | None = None
    """The stat whose value narrows the estimate."""
    error: Annotated[float, EXACT, Limits(ge=0)]
    """Half-width of the band when confidence is lowest."""
    min_error: Annotated[float, EXACT, Limits(ge=0)] = 0
    """Half-width of the band when confidence is highest."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Stat:
    """A number the game tracks, kept between min and max."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    label: str
    min: Number = 0
    max: Number = 100
    initial: Number
    spread: Annotated[float, EXACT, Limits(ge=0)] = 0
    """The start value is drawn from initial ± spread (whole numbers)."""
    unit: str = ""
    """Shown after the value, e.g. "km²" or "k troops"."""
    description: str = ""
    hidden: Hidden | None = None
    """If set, the player only sees an estimate."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Flag:
    """A yes/no fact about the game, e.g. `declassified`."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    description: str = ""
    initial: Bool = False


@dataclass(frozen=True, kw_only=True, eq=False)
class Counter:
    """A whole number without bounds or display, e.g. how many strikes were authorised."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    description: str = ""
    initial: Int = 0


@dataclass(frozen=True, kw_only=True, eq=False)
class Passage:
    """One paragraph of a text written as a list, shown only when its condition holds."""

    __pydantic_config__ = FORMAT_CONFIG

    text: str
    when: Expr | None = None
    """Shown only if this holds when the text is shown."""
    otherwise: bool = False
    """Shown only if none of the conditioned passages just before it (since the last plain one or
    `otherwise`) was shown. Cannot be given with `when`."""


@dataclass(frozen=True, kw_only=True, eq=False)
class PassageRef:
    """In a text written as a list: the paragraphs of a named passage (`[[passage]]`), put in its place
    and shown as if written there."""

    __pydantic_config__ = FORMAT_CONFIG

    passage: Id
    """The id of a `[[passage]]`."""


#: A text: Markdown in one string, or a list of paragraphs, each a string (always shown), a table
#: with `text` and `when` or `otherwise = true` (shown as the game went), or `{ passage = "id" }` (the
#: paragraphs of a named passage). Any text may name values the player can see in braces,
#: `{capital}`; `{{` and `}}` write a brace itself.
Text = Annotated[
    str | tuple[str | Passage | PassageRef, ...],
    Limits(description=(
        "Markdown; or a list of paragraphs, each a string (always shown), a table with `text` and `when` "
        "or `otherwise = true` (shown as the game went), or `{ passage = \"id\" }` (the paragraphs of a "
        "named passage). `{name}` shows a value the player can see (a hidden stat as its estimate); `{{` "
        "and `}}` write a brace."
    )),
]


@dataclass(frozen=True, kw_only=True, eq=False)
class NamedPassage:
    """Paragraphs written once and used in several texts: `{ passage = "id" }` in a text's list puts
    them there, e.g. the same account of the player's decisions at the end of every epilogue."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    text: Text
    """The paragraphs, written as any text (they may use other passages, but not themselves)."""
    description: str = ""


@dataclass(frozen=True, kw_only=True, eq=False)
class Advisor:
    """Someone who gives the player counsel."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    name: str
    title: str
    stance: str
    """The advisor's outlook in a word or two, e.g. "hawk" or "restraint"."""
    bio: str = ""
    leaves_when: Expr | None = None
    """The advisor leaves (resigns, or is let go) after the first decision at which this holds, e.g.
    `overruled("hawk") >= 5`; from then on their counsel is gone. It is tested after every decision."""
    leaving: Text = ""
    """What the player is told when the advisor leaves (read as the game stood when they left)."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Counsel:
    """What one advisor says about one choice."""

    __pydantic_config__ = FORMAT_CONFIG

    advisor: Id
    position: Literal["for", "against"]
    says: Text
    """Their argument, in their voice (read as the game stands at the decision)."""
    when: Expr | None = None
    """Given only when this holds at the decision. An advisor may have several entries for one choice:
    the first whose `when` holds (an entry without one always holds) is what they say, and counts as
    their vote; with none, they say nothing on it."""


@dataclass(frozen=True, kw_only=True, eq=False)
class FollowUp:
    """An event scheduled to fire some turns later."""

    __pydantic_config__ = FORMAT_CONFIG

    event: Id
    after: Annotated[int, EXACT, Limits(ge=0, le=100)] = 1
    """Turns from now; 0 means as soon as possible."""
    when: Expr | None = None
    """If set, the follow-up fires only if this holds when it is due."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Outcome:
    """One way a choice can turn out."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    chance: NumberOrExpr
    """Relative weight among the choice's outcomes."""
    text: Text = ""
    """Markdown; or, like an epilogue, a list of paragraphs each shown only when its `when` holds
    (or `otherwise`), read after the decision: the outcome can tell what happened before."""
    effects: tuple[Effect, ...] = ()
    followups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True, kw_only=True, eq=False)
class Choice:
    """One option the player can take when an event fires."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    label: str
    text: Text = ""
    """What happens, shown after the choice (before any outcome's text); or a list of paragraphs,
    each shown only when its `when` holds (or `otherwise`), read after the decision."""
    visible_if: Expr | None = None
    available_if: Expr | None = None
    unavailable_reason: str = ""
    posture: Annotated[int, EXACT, Limits(ge=-3, le=3)] = 0
    """-3 most restrained .. +3 most forceful; used by automated players."""
    counsel: tuple[Counsel, ...] = ()
    effects: tuple[Effect, ...] = ()
    outcome: tuple[Outcome, ...] = ()
    followups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True, kw_only=True, eq=False)
class Event:
    """A situation that asks the player to decide."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    title: str
    brief: Text
    """What the player reads (Markdown), read as the game stands when the event fires."""
    source: str = ""
    """Where the facts come from: outlet and date."""
    hypothetical: Bool = False
    """True when the event departs from the historical record."""
    trigger: Expr | None = None
    """When the event may be drawn. Without a trigger (or a date) it only fires as a follow-up."""
    on: Date | None = None
    """The real date the event belongs to: it comes on the first turn that starts on or after that
    date, before any follow-up and the draw, or on the turn after when another dated event took that
    one; with a trigger, only while it holds."""
    weight: NumberOrExpr = 1
    once: Bool = True
    cooldown: Annotated[int, EXACT, Limits(ge=0)] = 0
    """Turns before a repeatable event may fire again."""
    priority: Int = 0
    """Eligible events of the highest priority are drawn first."""
    tags: tuple[str, ...] = ()
    choice: Annotated[tuple[Choice, ...], Limits(min_length=1)]

    def choice_by_id(self, choice_id: str) -> Choice:
        for choice in self.choice:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)


@dataclass(frozen=True, kw_only=True, eq=False)
class Action:
    """A standing action: something the player may do on any turn, beside the event in front of them.

    Taking one pays its cost, applies its effects and one of its outcomes; the event stays to be
    decided, and the turn moves on only with the event's choice.
    """

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    label: str
    text: Text = ""
    """What the action is, in a sentence or two, shown before it is taken."""
    when: Expr | None = None
    """If set, the action can be taken only while this holds."""
    unavailable_reason: str = ""
    """What the player is told while `when` does not hold (needed with `when`)."""
    cost: tuple[Effect, ...] = ()
    """What it costs, shown before it is taken: "stat -= N" or "stat += N" with a positive number, on a
    stat the player sees or a counter. It cannot be taken when paying would take a stat to its bound."""
    cooldown: Annotated[int, EXACT, Limits(ge=0, le=1000)] = 0
    """Turns after taking it before it can be taken again (0: on any later turn)."""
    uses: Annotated[int, EXACT, Limits(ge=0, le=1000)] = 0
    """How many times it can be taken in a game (0: no limit)."""
    posture: Annotated[int, EXACT, Limits(ge=-3, le=3)] = 0
    """-3 most restrained .. +3 most forceful; used by automated players."""
    counsel: tuple[Counsel, ...] = ()
    effects: tuple[Effect, ...] = ()
    outcome: tuple[Outcome, ...] = ()
    followups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True, kw_only=True, eq=False)
class Rule:
    """A systemic change applied at the start of every turn after the first, while its condition holds."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    when: Expr = "true"
    effects: Annotated[tuple[Effect, ...], Limits(min_length=1)]
    text: str = ""
    """Shown in the turn's log when the rule applies."""


@dataclass(frozen=True, kw_only=True, eq=False)
class Ending:
    """How a game can end. Endings are checked after every change; the highest priority that holds wins."""

    __pydantic_config__ = FORMAT_CONFIG

    id: Id
    title: str
    when: Expr | None = None
    """Without a condition, only reachable as the timeout ending."""
    priority: Int = 0
    grade: str = ""
    """How it went, in a word: e.g. "catastrophic", "costly", "mixed"."""
    epilogue: Text
    """Markdown; or a list of paragraphs, each a string (always shown) or a table with `text` and
    `when` or `otherwise = true` (shown as the game went)."""


@dataclass(frozen=True, kw_only=True, eq=False)
class ContentFile:
    """What one TOML file of a scenario may hold. A scenario is the merge of its files."""

    __pydantic_config__ = FORMAT_CONFIG

    scenario: Scenario | None = None
    stat: tuple[Stat, ...] = ()
    flag: tuple[Flag, ...] = ()
    counter: tuple[Counter, ...] = ()
    advisor: tuple[Advisor, ...] = ()
    event: tuple[Event, ...] = ()
    rule: tuple[Rule, ...] = ()
    ending: tuple[Ending, ...] = ()
    action: tuple[Action, ...] = ()
    passage: tuple[NamedPassage, ...] = ()


#: The kinds of entries a file may hold, in the order they are merged and reported.
ENTRY_KINDS: tuple[str, ...] = ("stat", "flag", "counter", "advisor", "event", "rule", "ending", "action",
                                "passage")

#: The class of each kind of entry.
ENTRY_MODELS: dict[str, type[Any]] = {
    "stat": Stat, "flag": Flag, "counter": Counter, "advisor": Advisor, "event": Event, "rule": Rule,
    "ending": Ending, "action": Action, "passage": NamedPassage,
}

#: Every class of the format, for the schema, the guide and the loader's explanations.
FORMAT_MODELS: tuple[type[Any], ...] = (
    Season, Analyst, Scenario, Hidden, Stat, Flag, Counter, Advisor, Counsel, FollowUp, Outcome, Choice, Event,
    Action, Rule, Passage, PassageRef, NamedPassage, Ending, ContentFile,
)


def field_names(model: type[Any]) -> list[str]:
    """The fields of a format class, in the order written."""
    return [f.name for f in fields(model)]
