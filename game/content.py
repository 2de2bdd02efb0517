"""Checked, compiled content: what the loader gives the engine.

Each compiled piece keeps its entry of the format (`.model`) for text and ids, and holds its
expressions as closures ready to run. Like the entries, compiled pieces are equal only to themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from game.expr import Compiled, Condition, Effect, Names
from game.model import Action, Advisor, Counter, Ending, Event, Flag, NamedPassage, Rule, Scenario, Stat
from game.text import CompiledCounsel, Part, every_text, passages


@dataclass(frozen=True)
class Location:
    """Where something was written: a file and a 1-based line and column."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(slots=True, eq=False)
class CompiledFollowUp:
    event: str
    after: int
    when: Compiled | None


@dataclass(slots=True, eq=False)
class CompiledOutcome:
    id: str
    text: str  # every paragraph, for tools; what the player reads is `parts` rendered (game.text)
    chance: Compiled
    effects: tuple[Effect, ...]
    followups: tuple[CompiledFollowUp, ...]
    parts: tuple[Part, ...] = ()


@dataclass(slots=True, eq=False)
class CompiledChoice:
    id: str
    label: str
    text: str
    posture: int
    visible: Compiled | None
    available: Compiled | None
    unavailable_reason: str
    effects: tuple[Effect, ...]
    outcomes: tuple[CompiledOutcome, ...]
    followups: tuple[CompiledFollowUp, ...]
    parts: tuple[Part, ...] = ()  # the text's paragraphs; `text` holds them all, for tools
    counsel: tuple[CompiledCounsel, ...] = ()


@dataclass(slots=True, eq=False)
class CompiledEvent:
    model: Event
    trigger: Condition | None
    weight: Compiled
    choices: tuple[CompiledChoice, ...]
    #: the brief's paragraphs
    brief: tuple[Part, ...] = ()
    #: the turn of the event's date (`on`), when it has one
    turn: int | None = None
    #: the condition `trigger` holds, as text: the date's turns and the written trigger, when dated
    trigger_text: str | None = None

    @property
    def id(self) -> str:
        return self.model.id

    def choice(self, choice_id: str) -> CompiledChoice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@dataclass(slots=True, eq=False)
class CompiledAction:
    """A standing action: its cost as (target, op, amount) parts and as effects, and what it does."""

    model: Action
    when: Compiled | None
    cost: tuple[tuple[str, str, float], ...]
    cost_effects: tuple[Effect, ...]
    effects: tuple[Effect, ...]
    outcomes: tuple[CompiledOutcome, ...]
    followups: tuple[CompiledFollowUp, ...]
    #: what it is, as paragraphs, and the counsel on it
    text: tuple[Part, ...] = ()
    counsel: tuple[CompiledCounsel, ...] = ()

    @property
    def id(self) -> str:
        return self.model.id


@dataclass(slots=True, eq=False)
class CompiledRule:
    model: Rule
    when: Condition
    effects: tuple[Effect, ...]


@dataclass(slots=True, eq=False)
class CompiledEnding:
    model: Ending
    when: Condition | None
    #: the epilogue's paragraphs, their conditions compiled
    epilogue: tuple[Part, ...] = ()


def event_texts(event: Event) -> list[str]:
    """The prose of an event as written: its title, brief, and each choice's label, text, reason for
    being unavailable, counsel and outcomes."""
    texts = [event.title, *passages(event.brief)]
    for choice in event.choice:
        texts += [choice.label, *passages(choice.text), choice.unavailable_reason]
        texts += [t for c in choice.counsel for t in passages(c.says)]
        texts += [t for o in choice.outcome for t in passages(o.text)]
    return texts


def word_count(texts: Iterable[str]) -> int:
    """How many words these texts hold, a text written the same in several places counted once."""
    return sum(len(t.split()) for t in dict.fromkeys(texts))


@dataclass(frozen=True, eq=False)
class Content:
    """A whole scenario, checked and compiled."""

    scenario: Scenario
    stats: Mapping[str, Stat]
    flags: Mapping[str, Flag]
    counters: Mapping[str, Counter]
    advisors: Mapping[str, Advisor]
    events: Mapping[str, CompiledEvent]
    rules: tuple[CompiledRule, ...]
    endings: tuple[CompiledEnding, ...]  # highest priority first
    names: Names
    content_hash: str
    #: Where each piece was written, keyed "event:ID", "choice:EVENT.CHOICE",
    #: "outcome:EVENT.CHOICE.OUTCOME", "ending:ID", "rule:ID", "stat:ID", ...
    where: Mapping[str, Location] = field(default_factory=dict)
    #: The standing actions, in the order written ("action:ID" and "action_outcome:ID.OUTCOME" in `where`).
    actions: Mapping[str, CompiledAction] = field(default_factory=dict)
    #: each advisor's `leaves_when`, compiled (advisors without one are not here)
    leaving: Mapping[str, Compiled] = field(default_factory=dict)
    #: what the player is told when each advisor leaves, as paragraphs (advisors without it are not here)
    farewells: Mapping[str, tuple[Part, ...]] = field(default_factory=dict)
    #: the named passages (`[[passage]]`), as written; the texts that use them hold their paragraphs
    passages: Mapping[str, NamedPassage] = field(default_factory=dict)

    @cached_property
    def words(self) -> int:
        """How many words of prose the scenario holds: briefs, choices, counsel, outcomes, endings.
        A passage written the same in several places (a paragraph shared by several epilogues)
        counts once."""
        texts: list[str] = [self.scenario.intro, self.scenario.title]
        for compiled in self.events.values():
            texts += event_texts(compiled.model)
        for ending in self.endings:
            texts += [ending.model.title, *every_text(ending.epilogue)]
        texts += [rule.model.text for rule in self.rules]
        for action in self.actions.values():
            texts += [action.model.label, *passages(action.model.text), action.model.unavailable_reason]
            texts += [t for c in action.model.counsel for t in passages(c.says)]
            texts += [t for o in action.model.outcome for t in passages(o.text)]
        texts += [advisor.bio for advisor in self.advisors.values()]
        texts += [t for passage in self.passages.values() for t in passages(passage.text)]
        return word_count(texts)

    def compiled_ending(self, ending_id: str) -> CompiledEnding:
        for ending in self.endings:
            if ending.model.id == ending_id:
                return ending
        raise KeyError(ending_id)

    def ending(self, ending_id: str) -> Ending:
        for ending in self.endings:
            if ending.model.id == ending_id:
                return ending.model
        raise KeyError(ending_id)

    @property
    def choice_count(self) -> int:
        return sum(len(e.choices) for e in self.events.values())

    def day(self, turn: int) -> dt.date:
        """The calendar date at the start of a turn."""
        return self.scenario.start_date + dt.timedelta(days=(turn - 1) * self.scenario.days_per_turn)

    def calendar(self, turn: int) -> dict[str, Any]:
        """The names of the expression language whose values depend only on the turn, on that turn."""
        day = self.day(turn)
        ordinal = day.toordinal()
        values: dict[str, Any] = {"turn": turn, "date": ordinal, "season": self.season_of(day)}
        for name, named in self.scenario.dates.items():
            values["days_to_" + name] = named.toordinal() - ordinal
        return values

    def season_of(self, day: dt.date) -> str:
        for season in self.scenario.seasons:
            if season.start <= day <= season.end:
                return season.id
        return ""
