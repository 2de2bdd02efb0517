"""The pure, deterministic turn engine: state in, decision in, new state and resolution out.

No I/O, no clock, no printing, no Textual. All chance comes from rolls derived from
(seed, turn, event, purpose) with BLAKE2b, so the same content, seed and decisions give the same
game in any process, and adding an event to the content does not reshuffle unrelated rolls.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any, Literal, NamedTuple

from game.content import CompiledAction, CompiledChoice, CompiledEvent, CompiledFollowUp, CompiledOutcome, Content
from game.estimates import Fog, fogs_of, roll_key
from game.estimates import roll as roll  # (callers take it from the engine)
from game.expr import (
    CHOSE_KEY,
    FIRED_KEY,
    HEEDED_KEY,
    LEFT_KEY,
    OVERRULED_KEY,
    RECORD_KEY,
    SEED_KEY,
    Compiled,
    Effect,
    ExprError,
    Type,
    always,
    compile_with_constant,
    reads,
)
from game.log import Acted, Decided, Ended, Quiet
from game.log import Entry as LogEntry
from game.log import from_dict as entry_from_dict
from game.log import to_dict as entry_to_dict
from game.model import Ending, Event
from game.text import (
    CompiledCounsel,
    CounselView,
    conditional,
    counsel_views,
    estimate_figure,
    format_shown,
    render,
    shown_value,
    votes,
)
from game.triggers import Drawable, Memo, TriggerIndex, weighted_index

STATE_FORMAT = 1
COUNTER_LIMIT = 1_000_000_000
#: A key of the environment: the set of flags and counters written since it was last emptied (it
#: starts with all of them). Automated play reads it at each decision to record only what changed.
WRITTEN_KEY = "@written"

Value = float | int | bool


#: How automated play picks: (event id, visible options as (id, posture, available), state, env) -> id.
Decide = Callable[[str, list[tuple[str, int, bool]], "GameState", dict[str, Any]], "str | None"]
#: How automated play takes standing actions before a decision: (event id, every action as (id,
#: posture, what keeps it from being taken now or ""), state, env) -> an action id, or None for no more.
Act = Callable[[str, list[tuple[str, int, str]], "GameState", dict[str, Any]], "str | None"]
#: The first part of the origin of a follow-up an action scheduled (in place of an event id).
ACTION_ORIGIN = "@action"


class InvalidChoice(ValueError):
    """The choice does not exist, is hidden, or is not available now."""


class InvalidAction(InvalidChoice):
    """The action does not exist or cannot be taken now (the message says why)."""


#: `roll` of the parts joined by "|" (the engine's own rolls build that text directly)
_roll_key = roll_key


@dataclass
class GameState:
    """Everything needed to continue a game. Plain data; `to_dict`/`from_dict` round-trip exactly.

    The seed is the whole random state: every roll is derived from it and the turn, so there is
    no generator position to keep.
    """

    seed: int
    turn: int
    values: dict[str, Value]
    event: str | None = None
    ending: str | None = None
    fired: dict[str, int] = field(default_factory=dict)
    last_fired: dict[str, int] = field(default_factory=dict)
    chose: list[str] = field(default_factory=list)
    # each: [due turn, sequence number, event id, [origin event, choice, outcome or "", index]]
    scheduled: list[list[Any]] = field(default_factory=list)
    sequence: int = 0
    log: list[LogEntry] = field(default_factory=list)
    #: stat values at the start and after every decision, for charts
    history: list[dict[str, float]] = field(default_factory=list)
    #: standing actions: how often each was taken, and on which turn last
    used: dict[str, int] = field(default_factory=dict)
    last_used: dict[str, int] = field(default_factory=dict)
    #: the advisors who have left, each with the number of decisions taken when they left
    left: dict[str, int] = field(default_factory=dict)
    #: the part of each advisor's record, [heeded, overruled], that the choices in `chose` do not
    #: tell: what content effects moved (`heeded("hawk") += 1`), and verdicts at decisions whose
    #: counsel is given under conditions
    record: dict[str, list[int]] = field(default_factory=dict)
    #: which triggers of the draw held when the game last drew (derived from the rest, never saved:
    #: see `game/triggers.py`)
    memo: Memo | None = field(default=None, compare=False, repr=False)
    #: the advisors' record over `chose` as last counted (derived from the rest, never saved)
    tally: Tally | None = field(default=None, compare=False, repr=False)

    def copy(self) -> GameState:
        return GameState(
            seed=self.seed,
            turn=self.turn,
            values=dict(self.values),
            event=self.event,
            ending=self.ending,
            fired=dict(self.fired),
            last_fired=dict(self.last_fired),
            chose=list(self.chose),
            scheduled=list(self.scheduled),
            sequence=self.sequence,
            log=list(self.log),
            history=list(self.history),
            used=dict(self.used),
            last_used=dict(self.last_used),
            left=dict(self.left),
            record={advisor: list(counts) for advisor, counts in self.record.items()},
            memo=self.memo,
            tally=self.tally,
        )

    @property
    def over(self) -> bool:
        return self.ending is not None

    @property
    def decisions(self) -> list[Decided | Acted]:
        """The log entries that are decisions: choices and standing actions (not quiet turns or rule notes)."""
        return [entry for entry in self.log if isinstance(entry, (Decided, Acted))]

    @property
    def actions_this_turn(self) -> int:
        """How many standing actions were taken in front of the current decision."""
        count = 0
        for entry in reversed(self.log):
            if not isinstance(entry, Acted) or entry.turn != self.turn:
                break
            count += 1
        return count

    def to_dict(self) -> dict[str, Any]:
        data = {
            "format": STATE_FORMAT,
            "seed": self.seed,
            "turn": self.turn,
            "values": dict(self.values),
            "event": self.event,
            "ending": self.ending,
            "fired": dict(self.fired),
            "last_fired": dict(self.last_fired),
            "chose": list(self.chose),
            "scheduled": [list(item) for item in self.scheduled],
            "sequence": self.sequence,
            "log": [entry_to_dict(entry) for entry in self.log],
            "history": list(self.history),
        }
        # (only once an action was taken, so the states of games without actions, and their digests,
        # are what they were before actions existed)
        if self.used:
            data["used"] = dict(self.used)
        if self.last_used:
            data["last_used"] = dict(self.last_used)
        # (`left` only once someone has left, so the states of games where nobody does read as before)
        if self.left:
            data["left"] = dict(self.left)
        # (`record` likewise, only once content has moved it)
        if self.record:
            data["record"] = {advisor: list(counts) for advisor, counts in self.record.items()}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GameState:
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"unknown state format {data.get('format')!r}")
        return cls(
            seed=int(data["seed"]),
            turn=int(data["turn"]),
            values=dict(data["values"]),
            event=data["event"],
            ending=data["ending"],
            fired={str(k): int(v) for k, v in data["fired"].items()},
            last_fired={str(k): int(v) for k, v in data["last_fired"].items()},
            chose=[str(c) for c in data["chose"]],
            scheduled=[list(item) for item in data["scheduled"]],
            sequence=int(data["sequence"]),
            log=[entry_from_dict(entry) for entry in data["log"]],
            history=list(data["history"]),
            used={str(k): int(v) for k, v in data.get("used", {}).items()},
            last_used={str(k): int(v) for k, v in data.get("last_used", {}).items()},
            left={str(k): int(v) for k, v in data.get("left", {}).items()},
            record={str(k): [int(v[0]), int(v[1])] for k, v in data.get("record", {}).items()},
        )


@dataclass(slots=True)
class StatView:
    """What the player sees of one stat: the value, or for a hidden stat an estimate and its band."""

    id: str
    label: str
    value: float
    low: float
    high: float
    min: float
    max: float
    unit: str
    hidden: bool
    description: str


@dataclass(eq=False)
class ChoiceView:
    """One choice of the decision as the player sees it now."""

    id: str
    label: str
    available: bool
    reason: str
    posture: int
    _counsel: tuple[Sequence[CompiledCounsel], Mapping[str, Any]] = field(repr=False)

    @cached_property
    def counsel(self) -> tuple[CounselView, ...]:
        """What the advisors still there say on it now, rendered (worked out when first read)."""
        counsel, env = self._counsel
        return counsel_views(counsel, env)


@dataclass(slots=True)
class CostPart:
    """One part of what an action costs: `amount` taken from (op "-=") or added to (op "+=") a meter."""

    stat: str
    label: str
    op: str
    amount: float
    unit: str = ""

    def __str__(self) -> str:
        sign = "−" if self.op == "-=" else "+"
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{self.label} {sign}{amount}{(' ' + self.unit) if self.unit else ''}"


@dataclass(slots=True)
class ActionView:
    """A standing action as the player sees it now: whether it can be taken, and if not, why."""

    id: str
    label: str
    text: str  # rendered as the game stands
    available: bool
    reason: str
    cost: tuple[CostPart, ...]
    posture: int
    counsel: tuple[CounselView, ...]
    cooldown: int
    uses: int
    used: int

    @property
    def cost_text(self) -> str:
        """The cost in words: "Political capital −5", or "nothing"."""
        return ", ".join(map(str, self.cost)) or "nothing"

    @property
    def limits_text(self) -> str:
        """Its cooldown and uses in words ("" when it has neither)."""
        parts = []
        if self.uses:
            parts.append(f"{self.uses - self.used} of {self.uses} uses left")
        if self.cooldown:
            parts.append(f"then {self.cooldown} turn{'s' if self.cooldown != 1 else ''} before it can be taken again")
        return "; ".join(parts)


@dataclass(eq=False)
class Decision:
    """The question in front of the player. What it shows besides the choices (the meters, the
    standing actions, the brief, each choice's counsel) is worked out when first read, from the game
    as it stood: the state given to `Engine.decision` is not to be changed while the decision is read."""

    turn: int
    date: dt.date
    season: str
    event: Event
    choices: tuple[ChoiceView, ...]
    days_to: dict[str, int]
    _sight: _Sight = field(repr=False)

    @cached_property
    def stats(self) -> tuple[StatView, ...]:
        """Every stat as the player sees it now (hidden ones as estimates)."""
        return self._sight.engine.stats(self._sight.state)

    @cached_property
    def actions(self) -> tuple[ActionView, ...]:
        """The scenario's standing actions, each with whether it can be taken now and why not."""
        sight = self._sight
        return sight.engine.action_views(sight.state, sight.env)

    @cached_property
    def brief(self) -> str:
        """The event's brief as the game stands (its paragraphs that hold, its values filled in)."""
        sight = self._sight
        assert sight.state.event is not None
        return render(sight.engine.content.events[sight.state.event].brief, sight.env)

    def choice(self, choice_id: str) -> ChoiceView | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None


@dataclass(slots=True)
class Change:
    """One stat before and after a resolution. For hidden stats, `shown_*` are the estimates."""

    stat: str
    label: str
    before: float
    after: float
    shown_before: float
    shown_after: float
    hidden: bool


@dataclass(frozen=True, slots=True)
class Drift:
    """The turn's own change since the decision: a rule's text, or a quiet turn, and the turns it
    happened on (one entry however many turns it repeated)."""

    text: str
    turns: tuple[int, ...]
    quiet: bool = False


#: what a quiet turn's drift says
QUIET_TEXT = "a quiet stretch; nothing needed your decision."
#: where in its band (from -1, its low end, to 1, its high end) each hidden stat is read when the odds
#: of an outcome are worked out as the player could judge them
BAND_POINTS = (-1.0, -2 / 3, -1 / 3, 0.0, 1 / 3, 2 / 3, 1.0)


@dataclass(eq=False)
class Resolution:
    """What a choice did: the new state and a readable account of the change.

    `changes` is the decision's whole change (the choice and its outcome). The account apart:
    `choice_changes` what the choice itself did; `outcome`, `odds` and `outcome_changes` what
    chance decided (the outcome's probability among the choice's outcomes at that state); `drift`
    and `drift_changes` the turn's systemic change until the next decision (rules, quiet turns);
    `scheduled` what was set in motion; `estimate_notes` why an estimate the player sees moved.
    The account's changes, notes and flags are worked out from the values the decision passed
    through when first read.
    """

    state: GameState
    event: str
    choice: str
    outcome: str | None
    text: str
    scheduled: tuple[tuple[str, int], ...]  # (event id, due turn)
    ending: str | None
    _account: _Account = field(repr=False)
    odds: float | None = None
    #: the outcome's chance reads a hidden stat: `odds` are worked out from the estimates and their
    #: bands, as the player could have, not from the truth (which they would give away)
    odds_estimated: bool = False
    #: the advisors who left after this decision, and what the player is told of each (rendered)
    departures: tuple[str, ...] = ()
    farewells: tuple[str, ...] = ()
    #: True for a standing action (`choice` is then the action's id; the event is still to be decided)
    action: bool = False

    @cached_property
    def changes(self) -> tuple[Change, ...]:
        return self._account.between("before", "decided")

    @cached_property
    def choice_changes(self) -> tuple[Change, ...]:
        return self._account.between("before", "after_effects")

    @cached_property
    def outcome_changes(self) -> tuple[Change, ...]:
        return self._account.between("after_effects", "decided") if self.outcome is not None else ()

    @cached_property
    def drift_changes(self) -> tuple[Change, ...]:
        return self._account.between("decided", "after")

    @cached_property
    def estimate_notes(self) -> tuple[str, ...]:
        account = self._account
        return account.engine.estimate_notes(account.before, account.after, account.seed)

    @cached_property
    def flags_set(self) -> tuple[str, ...]:
        account = self._account
        return tuple(k for k in account.engine.flag_ids if not account.before[k] and account.decided[k])

    @cached_property
    def flags_cleared(self) -> tuple[str, ...]:
        account = self._account
        return tuple(k for k in account.engine.flag_ids if account.before[k] and not account.decided[k])

    @cached_property
    def notes(self) -> tuple[str, ...]:
        """Rule texts and quiet turns since the decision."""
        date = self._account.engine.date
        return tuple(_note_text(date(when), text, quiet) for when, text, quiet in self._account.notes)

    @cached_property
    def drift(self) -> tuple[Drift, ...]:
        turns: dict[tuple[str, bool], list[int]] = {}
        for when, text, quiet in self._account.notes:
            turns.setdefault((text, quiet), []).append(when)
        return tuple(Drift(text, tuple(when), quiet) for (text, quiet), when in turns.items())


class _Sight(NamedTuple):
    """The game as the player sees it at a decision, what `Decision`'s views are worked out from."""

    engine: Engine
    state: GameState
    env: dict[str, Any]


#: the points of a decision `_Account` keeps the values at
_Point = Literal["before", "after_effects", "decided", "after"]


class _Account(NamedTuple):
    """The values a choice or an action passed through, what `Resolution`'s account is worked out from."""

    engine: Engine
    seed: int
    before: Mapping[str, Value]  # before it
    after_effects: Mapping[str, Value]  # after its own effects
    decided: Mapping[str, Value]  # after its outcome
    after: Mapping[str, Value]  # at the next decision (the turns' drift too)
    notes: tuple[tuple[int, str, bool], ...]  # (turn, text, quiet) of each rule applied and quiet turn

    def between(self, first: _Point, then: _Point) -> tuple[Change, ...]:
        """Each stat that differs between two of these sets of values, named."""
        return self.engine.changes(getattr(self, first), getattr(self, then), self.seed)


class _Trace:
    """The values a decision passes through, kept for the readable account (`Engine.choose`)."""

    __slots__ = ("after_choice", "decision", "departures", "farewells", "notes", "odds", "odds_estimated")

    def __init__(self) -> None:
        self.after_choice: dict[str, Value] = {}
        self.decision: dict[str, Value] = {}
        self.odds: float | None = None
        self.odds_estimated = False
        #: (turn, text, quiet) of each rule that applied and each quiet turn, in order
        self.notes: list[tuple[int, str, bool]] = []
        #: the advisors who left after this decision, and what the player is told of each
        self.departures: list[str] = []
        self.farewells: list[str] = []


Applier = Callable[[dict[str, Any]], None]


class _TurnTable(NamedTuple):
    """What can happen on one turn number, the calendar parts of its conditions already settled."""

    calendar: dict[str, Any]  # turn, date, season and days_to_* of the turn
    dated: list[tuple[str, Compiled]]  # the dated events of the turn: (event, rest of its trigger)
    # the events that can be drawn this turn, each with the rest of its trigger (for automated play's
    # tallies: the draw itself goes through the index of triggers, `game/triggers.py`)
    triggers: dict[str, Compiled]
    # (rest of the condition or None when it always holds, its effects as one call, text)
    rules: list[tuple[Compiled | None, Applier, str]]
    endings: list[tuple[str, Compiled]]  # (ending, rest of its condition), highest priority first
    # The endings worth testing after this turn's rules, when none held at the end of the turn
    # before: the others read nothing the calendar or the rules can have changed since, so still fail.
    endings_after_rules: list[tuple[str, Compiled]]
    # the same after a decision taken on this turn, when none held before it: by id() of the choice
    endings_after_choice: dict[int, list[tuple[str, Compiled]]]
    # the priority groups of the draw (`game/triggers.py`) with an event whose trigger can hold on this
    # turn: the draw passes over the others without looking at them
    draw_groups: tuple[int, ...]


class Engine:
    """Runs games of one scenario. It holds no game: every method takes a GameState and gives one
    back. What it keeps is derived from the content alone (the per-turn tables, effects compiled
    into calls), made on first use, so two engines of the same content play the same games."""

    def __init__(self, content: Content, history_rows: bool = False) -> None:
        """With `history_rows`, each entry of a state's `history` is a tuple of the stats in the
        content's order instead of a dict: cheaper to make and to read in bulk, for automated play."""
        self.content = content
        scenario = content.scenario
        self._dates = {name: day.toordinal() for name, day in scenario.dates.items()}
        # Events that can be drawn, grouped by priority (highest first), in the order the draw takes
        # them: the index of their triggers (`_triggers`) is made from these on the first draw.
        self._drawable: list[list[Drawable]] = []
        # turns an event waits after firing before it can be drawn again (None: it fires once)
        self._cooldown = {e.id: None if e.model.once else e.model.cooldown for e in content.events.values()}
        # Dated events (`on`), the earliest date first, then the highest priority: each comes on its
        # date's turn or the next, before follow-ups and the draw.
        # (event, calendar parts of its trigger, the rest)
        self._dated: list[tuple[str, tuple[Compiled, ...], Compiled]] = []
        for event in sorted(content.events.values(), key=dated_order):
            if event.turn is not None:
                assert event.trigger is not None
                self._dated.append((event.id, event.trigger.calendar, event.trigger.rest))
        last_priority = None
        for event in sorted(content.events.values(), key=lambda e: -e.model.priority):
            model = event.model
            if model.trigger is None or event.turn is not None:
                continue
            if model.priority != last_priority:
                self._drawable.append([])
                last_priority = model.priority
            trigger = event.trigger
            assert trigger is not None
            weight = (repr(model.weight), str(model.weight))  # (the weight's key, and its text)
            self._drawable[-1].append((model.id, trigger, model.trigger, weight, event.weight))
        self._stats = content.stats
        self._fogs: dict[str, Fog] = fogs_of(content.stats)
        # the choices (by id()) whose outcomes' chances read a hidden stat
        self._chance_in_fog = {
            id(choice) for event in content.events.values() for choice in event.choices
            if any(isinstance(o.chance, str) and reads(o.chance, content.names) & self._fogs.keys()
                   for o in event.model.choice_by_id(choice.id).outcome)
        }
        self.flag_ids = tuple(content.flags)
        # what an effect's target is, and the bounds its value is kept within
        self._bounds: dict[str, tuple[str, float, float]] = {}
        for ident, stat in content.stats.items():
            self._bounds[ident] = ("stat", float(stat.min), float(stat.max))
        for ident in content.counters:
            self._bounds[ident] = ("counter", -COUNTER_LIMIT, COUNTER_LIMIT)
        for ident in content.flags:
            self._bounds[ident] = ("flag", 0, 1)
        self._calendar: dict[int, dict[str, Any]] = {}
        self._iso: dict[int, str] = {}
        self._last_turn = scenario.last_turn
        self._appliers: dict[int, Applier] = {}  # by id() of a tuple of effects: them all as one call
        self._keep: list[Sequence[Effect]] = []
        self._stat_ids = tuple(content.stats)
        self._counter_ids = tuple(content.counters)
        self._written_ids = (*content.flags, *content.counters)
        self._snapshot: Callable[[Mapping[str, Any]], Any] = (
            values_getter(self._stat_ids) if history_rows else self._stat_dict)
        self._value_keys = (*content.stats, *content.flags, *content.counters)
        self._value_getter = values_getter(self._value_keys)
        # rules and endings, like triggers, with their calendar parts settled per turn number
        self._rule_parts = [(r.when.calendar, r.when.rest, r.effects, r.model.text) for r in content.rules]
        self._ending_parts = [(e.model.id, e.when.calendar, e.when.rest) for e in content.endings if e.when]
        self._ending_reads = {e.model.id: reads(e.model.when, content.names) for e in content.endings if e.model.when}
        self._tables: dict[int, _TurnTable] = {}
        # the options of events whose choices are all always visible and available
        self._fixed_options = {
            e.id: tuple((c.id, c.posture, True) for c in e.choices)
            for e in content.events.values()
            if all(c.visible is None and c.available is None for c in e.choices)
        }
        # the values a game starts with, but for the stats that start within a spread
        self._initial: dict[str, Value] = {
            **{ident: float(stat.initial) for ident, stat in content.stats.items()},
            **{ident: flag.initial for ident, flag in content.flags.items()},
            **{ident: counter.initial for ident, counter in content.counters.items()},
        }
        self._spread = [(ident, stat) for ident, stat in content.stats.items() if stat.spread]
        # each choice's verdict on the advisors: those it heeds and those it overrules
        self._verdicts = verdicts(content)
        # the events whose counsel is given under conditions, or that have a choice shown only under
        # conditions: their verdicts are found at the decision
        self._verdicts_at_decision = frozenset(
            e.id for e in content.events.values()
            if any(conditional(c.counsel) or c.visible is not None for c in e.choices))
        self._leaving = tuple(content.leaving.items())
        # each event's choices by id
        self._choices = {ident: {c.id: c for c in e.choices} for ident, e in content.events.items()}
        self._effect_reads: dict[str, frozenset[str]] = {}  # effect text -> calendar names its value reads
        self._settled: dict[tuple[str, tuple[tuple[str, Any], ...]], Effect] = {}  # by text and calendar values

    # --- starting ---------------------------------------------------------------------------

    def new_game(self, seed: int) -> GameState:
        return self._start(seed)[0]

    def _start(self, seed: int) -> tuple[GameState, dict[str, Any]]:
        """A new game and its environment."""
        values: dict[str, Value] = dict(self._initial)
        for ident, stat in self._spread:
            offset = round((_roll_key(f"{seed!s}|initial|{ident}") * 2 - 1) * stat.spread)
            values[ident] = float(min(stat.max, max(stat.min, stat.initial + offset)))
        state = GameState(seed=int(seed), turn=1, values=values)
        state.history.append(self._snapshot(values))
        env = self._env(state)
        self._check_endings(state, env, self._table(1).endings)
        if not state.over:
            self._next_event(state, env, [])
        return state, env

    # --- reading ----------------------------------------------------------------------------

    def date(self, turn: int) -> dt.date:
        return self.content.day(turn)

    def season(self, turn: int) -> str:
        return self.content.season_of(self.content.day(turn))

    def decision(self, state: GameState) -> Decision | None:
        """The current question, or None when the game is over."""
        if state.over or state.event is None:
            return None
        event = self.content.events[state.event]
        env = self._env(state)
        choices = []
        for choice in event.choices:
            if choice.visible is not None and not choice.visible(env):
                continue
            available = choice.available is None or bool(choice.available(env))
            choices.append(ChoiceView(choice.id, choice.label, available,
                                      "" if available else choice.unavailable_reason, choice.posture,
                                      (choice.counsel, env)))
        day = self.date(state.turn)
        return Decision(
            turn=state.turn,
            date=day,
            season=self.season(state.turn),
            event=event.model,
            choices=tuple(choices),
            days_to={name: ordinal - day.toordinal() for name, ordinal in self._dates.items()},
            _sight=_Sight(self, state, env),
        )

    def stats(self, state: GameState, turn: int | None = None) -> tuple[StatView, ...]:
        """Every stat as the player sees it now (hidden ones as estimates)."""
        when = turn or state.turn
        return tuple([self.stat_view(state.values, ident, state.seed, when) for ident in self._stats])

    def stat_view(self, values: dict[str, Value], ident: str, seed: int, turn: int) -> StatView:
        stat = self._stats[ident]
        true = float(values[ident])
        if stat.hidden is None:
            return StatView(ident, stat.label, true, true, true, stat.min, stat.max, stat.unit, False,
                            stat.description)
        value, band = self.estimate(values, ident, seed, turn)
        return StatView(ident, stat.label, value, value - band, value + band, stat.min, stat.max, stat.unit,
                        True, stat.description)

    def estimate(self, values: Mapping[str, Value], ident: str, seed: int, turn: int = 0) -> tuple[float, float]:
        """The player's estimate of a hidden stat and the half-width of its band.

        The band narrows from `error` to `min_error` as the confidence stat rises; the estimate
        is the truth plus an error inside the band, so the truth is always within it. The error is
        mostly a bias fixed for the whole game (an intelligence community's consistent
        misjudgement) with a little noise that changes only with new information (the confidence
        stat), so the estimate holds still while neither the truth nor the confidence moves, and
        cannot be averaged into the truth. (`turn` is not used: estimates do not drift with time.)
        """
        fog = self._fogs[ident]
        confidence = float(values[fog.confidence]) if fog.confidence is not None else 0.0
        return fog.estimate(float(values[ident]), confidence, seed)

    def advisor_record(self, state: GameState) -> tuple[dict[str, int], dict[str, int]]:
        """How often each advisor's counsel was heeded and overruled in this game (while they were there)."""
        return self._record(state)

    def ending(self, state: GameState) -> Ending | None:
        return self.content.ending(state.ending) if state.ending else None

    def epilogue(self, state: GameState) -> str:
        """The epilogue of the game's ending as this game went (its paragraphs whose conditions hold)."""
        if not state.ending:
            return ""
        return render(self.content.compiled_ending(state.ending).epilogue, self._env(state))

    # --- deciding ---------------------------------------------------------------------------

    def choose(self, state: GameState, choice_id: str) -> Resolution:
        """Take a choice of the current decision. The given state is not changed."""
        event, choice, env = self._checked(state, choice_id)
        new = state.copy()
        before = dict(new.values)
        trace = _Trace()
        outcome, scheduled = self._resolve(new, env, event, choice, trace.notes, trace=trace)
        # (an outcome's paragraphs read the game as the decision left it)
        texts = [t for t in (render(choice.parts, env), render(outcome.parts, env) if outcome else "") if t]
        return Resolution(
            state=new,
            event=event.id,
            choice=choice.id,
            outcome=outcome.id if outcome else None,
            text="\n\n".join(texts),
            scheduled=tuple(scheduled),
            ending=new.ending,
            _account=_Account(self, new.seed, before, trace.after_choice, trace.decision, dict(new.values),
                              tuple(trace.notes)),
            odds=trace.odds,
            odds_estimated=trace.odds_estimated,
            departures=tuple(trace.departures),
            farewells=tuple(trace.farewells),
        )

    def changes(self, before: Mapping[str, Value], after: Mapping[str, Value], seed: int) -> tuple[Change, ...]:
        """Each stat that differs between two sets of values (hidden ones with their estimates too)."""
        changes = []
        for ident, stat in self._stats.items():
            old, now = float(before[ident]), float(after[ident])
            if old == now:
                continue
            if stat.hidden is None:
                changes.append(Change(ident, stat.label, old, now, old, now, False))
            else:
                shown_old = self.estimate(before, ident, seed)[0]
                shown_now = self.estimate(after, ident, seed)[0]
                changes.append(Change(ident, stat.label, old, now, shown_old, shown_now, True))
        return tuple(changes)

    def estimate_notes(self, before: Mapping[str, Value], after: Mapping[str, Value], seed: int) -> tuple[str, ...]:
        """Why each estimate the player sees moved: new information (its confidence changed), or events
        (the truth moved and the estimate with it). An estimate whose gauge reads the same has no note."""
        notes = []
        for ident, fog in self._fogs.items():
            label = self._stats[ident].label
            old, now = self.estimate(before, ident, seed), self.estimate(after, ident, seed)
            if round(old[0]) == round(now[0]) and round(old[1]) == round(now[1]):
                continue  # (a change the gauge does not show)
            stat = self._stats[ident]
            was, is_ = (estimate_figure(*old, stat.min, stat.max, stat.unit),
                        estimate_figure(*now, stat.min, stat.max, stat.unit))
            band_was, band_now = format_shown(old[1], stat.min, stat.max), format_shown(now[1], stat.min, stat.max)
            informed = fog.confidence is not None and float(before[fog.confidence]) != float(after[fog.confidence])
            moved = float(before[ident]) != float(after[ident])
            if informed and band_was != band_now:
                assert fog.confidence is not None
                fresh = fog.report(float(before[fog.confidence])) != fog.report(float(after[fog.confidence]))
                way = "rose" if now[1] < old[1] else "fell"
                events = "; and it moved with events" if moved else ""
                notes.append(f"New information: {'a fresh assessment; ' if fresh else ''}confidence in the "
                             f"estimate of {label} {way}: {is_} (was {was}){events}.")
            else:
                why = "New information moved the estimate" if informed else "The estimate"
                after_ = "" if informed else " moved with events"
                notes.append(f"{why} of {label}{after_}: {shown_value(old[0], stat.min, stat.max, True)} → "
                             f"{shown_value(now[0], stat.min, stat.max, True)}.")
        return tuple(notes)

    # --- standing actions -------------------------------------------------------------------

    def action_views(self, state: GameState, env: dict[str, Any] | None = None) -> tuple[ActionView, ...]:
        """Every standing action of the scenario as the player sees it now (none once the game is over)."""
        actions = self.content.actions
        if not actions or state.over or state.event is None:
            return ()
        env = self._env(state) if env is None else env
        taken = state.actions_this_turn
        views = []
        for action in actions.values():
            model = action.model
            reason = self._action_block(state, env, action, taken)
            views.append(ActionView(
                id=model.id, label=model.label, text=render(action.text, env), available=not reason, reason=reason,
                cost=tuple(CostPart(target, self._label_of(target), op, amount, self._unit_of(target))
                           for target, op, amount in action.cost),
                posture=model.posture, counsel=counsel_views(action.counsel, env), cooldown=model.cooldown,
                uses=model.uses,
                used=state.used.get(model.id, 0),
            ))
        return tuple(views)

    def act(self, state: GameState, action_id: str) -> Resolution:
        """Take a standing action in front of the current decision. The given state is not changed;
        in the new one the same event is still to be decided (unless the action ended the game)."""
        if state.ending is not None or state.event is None:
            raise InvalidAction("the game is over")
        action = self.content.actions.get(action_id)
        if action is None:
            raise InvalidAction(f"there is no action '{action_id}'")
        env = self._env(state)
        reason = self._action_block(state, env, action, state.actions_this_turn)
        if reason:
            raise InvalidAction(f"action '{action_id}' cannot be taken now: {reason}")
        new = state.copy()
        before = dict(new.values)
        event_id = new.event
        assert event_id is not None
        seen = dict(env)  # (what the action's text is read in: the game as the player took it)
        after_effects: dict[str, Value] = {}
        outcome, scheduled = self._take_action(new, env, action, after_effects)
        texts = [t for t in (render(action.text, seen), render(outcome.parts, env) if outcome else "") if t]
        after = dict(new.values)
        return Resolution(
            state=new, event=event_id, choice=action.id, outcome=outcome.id if outcome else None,
            text="\n\n".join(texts), scheduled=tuple(scheduled), ending=new.ending, action=True,
            _account=_Account(self, new.seed, before, after_effects, after, after, ()),
        )

    def _action_block(self, state: GameState, env: dict[str, Any], action: CompiledAction, taken: int) -> str:
        """Why the action cannot be taken now, in words for the player; "" when it can."""
        return self._action_why(state, env, action, taken)[1]

    def _action_why(self, state: GameState, env: dict[str, Any], action: CompiledAction, taken: int,
                    ) -> tuple[str, str]:
        """What keeps the action from being taken now, as a kind ("uses", "turn", "cooldown", "when",
        "cost"; "" when it can be taken) and in words for the player."""
        model = action.model
        used = state.used.get(model.id, 0)
        if model.uses and used >= model.uses:
            return "uses", f"used {used} of {model.uses} time{'s' if model.uses != 1 else ''} this game: none left"
        last = state.last_used.get(model.id)
        if last == state.turn:
            return "turn", "already taken this turn"
        limit = self.content.scenario.actions_per_turn
        if taken >= limit:
            if limit == 0:
                return "turn", "this scenario allows no actions"
            return "turn", (f"{taken} action{'s' if taken != 1 else ''} taken this turn, as many as a turn allows"
                            if limit > 1 else "an action was already taken this turn (one a turn)")
        if last is not None and state.turn - last <= model.cooldown:
            again = last + model.cooldown + 1
            wait = again - state.turn
            return "cooldown", (f"taken {state.turn - last} turn{'s' if state.turn - last != 1 else ''} ago; "
                                f"available again in {wait} turn{'s' if wait != 1 else ''} ({self.date(again):%d %b})")
        if action.when is not None and not action.when(env):
            return "when", model.unavailable_reason
        for target, op, amount in action.cost:
            value = env[target]
            kind, low, high = self._bounds[target]
            # (a stat must stay inside its bounds, a counter must not go below 0)
            short = value - amount < 0 if kind == "counter" else value - amount <= low
            if (op == "-=" and short) or (op == "+=" and kind == "stat" and value + amount >= high):
                shown = int(value) if float(value).is_integer() else round(value, 1)
                sign = "−" if op == "-=" else "+"
                return "cost", f"it costs {self._label_of(target)} {sign}{amount:g}, and it stands at {shown}"
        return "", ""

    def action_states(self, state: GameState, env: dict[str, Any] | None = None) -> list[tuple[str, int, str]]:
        """(id, posture, what keeps it from being taken: "" when nothing) of every standing action now,
        for automated play (see `_action_why` for the kinds)."""
        if not self.content.actions or state.ending is not None or state.event is None:
            return []
        env = self._env(state) if env is None else env
        taken = state.actions_this_turn
        return [(a.model.id, a.model.posture, self._action_why(state, env, a, taken)[0])
                for a in self.content.actions.values()]

    def _take_action(self, state: GameState, env: dict[str, Any], action: CompiledAction,
                     after_effects: dict[str, Value] | None = None,
                     ) -> tuple[CompiledOutcome | None, list[tuple[str, int]]]:
        """Pay for and apply an action in `env` and `state` (both changed in place); test the endings.
        `after_effects` is given the values after its cost and effects, before its outcome."""
        turn = state.turn
        event_id = state.event
        ident = action.model.id
        self._apply(action.cost_effects, env)
        if action.effects:
            self._apply(action.effects, env)
        if after_effects is not None:
            after_effects.update(zip(self._value_keys, self._value_getter(env), strict=True))
        outcome = None
        if action.outcomes:
            weights = [max(0.0, float(o.chance(env))) for o in action.outcomes]
            outcome = _pick(action.outcomes, weights, _roll_key(f"{state.seed}|action|{turn}|{event_id}|{ident}"))
            self._apply(outcome.effects, env)
        scheduled = [self._schedule(state, follow, [ACTION_ORIGIN, ident, "", index])
                     for index, follow in enumerate(action.followups)]
        if outcome is not None:
            scheduled += [self._schedule(state, follow, [ACTION_ORIGIN, ident, outcome.id, index])
                          for index, follow in enumerate(outcome.followups)]
        state.used[ident] = state.used.get(ident, 0) + 1
        state.last_used[ident] = turn
        state.log.append(Acted(turn, self._iso_date(turn), event_id, ident, outcome.id if outcome else None))
        state.history.append(self._snapshot(env))
        table = self._tables.get(turn) or self._table(turn)
        for ending, when in table.endings:
            if when(env):
                self._end(state, ending)
                break
        self._store(state, env)
        return outcome, scheduled

    def _label_of(self, ident: str) -> str:
        stat = self._stats.get(ident)
        return stat.label if stat is not None else ident

    def _unit_of(self, ident: str) -> str:
        stat = self._stats.get(ident)
        return stat.unit if stat is not None else ""

    # --- automated play (the simulator, dev tools) ------------------------------------------

    def choice_options(self, state: GameState) -> list[tuple[str, int, bool]]:
        """(id, posture, available) of each visible choice now, without building the player's views."""
        if state.ending is not None or state.event is None:
            return []
        return self._options(self.content.events[state.event], self._env(state))

    @cached_property
    def _triggers(self) -> TriggerIndex:
        """The draw's triggers indexed by what they read (made on the first draw, off the start-up
        path of a game resumed from a save)."""
        return TriggerIndex(self._drawable, self.content.names)

    def triggers_on(self, turn: int) -> dict[str, Compiled]:
        """The events whose triggers can hold on this turn number, each with the test of the rest of
        its trigger (the parts reading only the calendar already hold). For automated play."""
        return self._table(turn).triggers

    def environment(self, state: GameState) -> dict[str, Any]:
        """The values the content's expressions see in this state (a fresh dict; for tools)."""
        return self._env(state)

    def apply(self, effects: Sequence[Effect], env: dict[str, Any]) -> None:
        """Apply effects to an environment (one from `environment`, or a copy of one) as a choice would,
        each kept within its bounds. For tools that look ahead; a game's state is not touched."""
        self._apply(effects, env)

    def choose_state(self, state: GameState, choice_id: str, in_place: bool = False) -> GameState:
        """The state `choose(state, choice_id)` gives, without the readable account (for automated play).

        With `in_place`, the given state is changed and returned instead of a copy.
        """
        event, choice, env = self._checked(state, choice_id)
        new = state if in_place else state.copy()
        self._resolve(new, env, event, choice, [])
        return new

    def autoplay(self, seed: int, decide: Decide, max_decisions: int = 10_000, act: Act | None = None,
                 ) -> tuple[GameState, int, str | None]:
        """Play a whole game, asking `decide(event, options, state, env)` for each choice id (and, with
        `act`, `act(event, actions, state, env)` for standing actions to take first; each counts as a
        decision).

        The same steps as `choose`, keeping one environment for the whole game instead of
        building one per decision: `env` holds the current values, and `state.values` is brought
        up to date from it when the game stops. Returns the final state, the number of decisions,
        and the event at which `decide` gave up (returned None), if it did. As the engine itself
        found no ending holding before each decision, only the endings a choice can affect are
        tested after it.
        """
        state, env = self._start(seed)
        return self._play_on(state, env, decide, max_decisions, act)

    def play_on(self, state: GameState, decide: Decide, max_decisions: int = 10_000, act: Act | None = None,
                ) -> tuple[GameState, int, str | None]:
        """`autoplay` from a game in progress: the given state is not changed; a copy plays on."""
        state = state.copy()
        if state.ending is not None:
            return state, 0, None
        return self._play_on(state, self._env(state), decide, max_decisions, act)

    def snapshot(self, state: GameState, env: Mapping[str, Any]) -> GameState:
        """A copy of a game being played by `autoplay` as it stands at a decision (`decide` is given the
        state and its environment; the state's values are brought up to date only when play stops)."""
        copy = state.copy()
        self._store(copy, env)
        return copy

    def _play_on(self, state: GameState, env: dict[str, Any], decide: Decide, max_decisions: int,
                 act: Act | None = None) -> tuple[GameState, int, str | None]:
        events = self.content.events
        choices = self._choices
        decisions = 0
        while state.ending is None and decisions < max_decisions:
            assert state.event is not None
            event_id = state.event
            event = events[event_id]
            if act is not None and self.content.actions:
                while state.ending is None and decisions < max_decisions:
                    states = self.action_states(state, env)
                    action_id = act(event_id, states, state, env)
                    if action_id is None:
                        break
                    if not any(ident == action_id and not why for ident, _posture, why in states):
                        raise InvalidAction(f"action '{action_id}' cannot be taken now")
                    self._take_action(state, env, self.content.actions[action_id])
                    decisions += 1
                if state.ending is not None or decisions >= max_decisions:
                    break
            options = self._options(event, env)
            picked = decide(event_id, options, state, env)
            if picked is None:
                self._store(state, env)
                return state, decisions, event_id
            choice = choices[event_id].get(picked)
            # the options were worked out in this same environment: the choice must be one shown as available
            if choice is None or (picked, choice.posture, True) not in options:
                raise InvalidChoice(f"choice '{picked}' of event '{event_id}' cannot be taken now")
            self._resolve(state, env, event, choice, [], endings_clear=True, store=False)
            decisions += 1
        self._store(state, env)
        return state, decisions, None

    # --- resolving a choice -----------------------------------------------------------------

    def _checked(self, state: GameState, choice_id: str) -> tuple[CompiledEvent, CompiledChoice, dict[str, Any]]:
        if state.ending is not None or state.event is None:
            raise InvalidChoice("the game is over")
        event = self.content.events[state.event]
        choice = event.choice(choice_id)
        env = self._env(state)
        if choice is None or (choice.visible is not None and not choice.visible(env)):
            raise InvalidChoice(f"event '{event.id}' has no choice '{choice_id}' now")
        if choice.available is not None and not choice.available(env):
            raise InvalidChoice(f"choice '{choice_id}' is not available: {choice.unavailable_reason}")
        return event, choice, env

    def _options(self, event: CompiledEvent, env: dict[str, Any]) -> list[tuple[str, int, bool]]:
        fixed = self._fixed_options.get(event.model.id)
        if fixed is not None:
            return list(fixed)
        options = []
        for choice in event.choices:
            if choice.visible is not None and not choice.visible(env):
                continue
            options.append((choice.id, choice.posture, choice.available is None or bool(choice.available(env))))
        return options

    def _resolve(self, new: GameState, env: dict[str, Any], event: CompiledEvent, choice: CompiledChoice,
                 notes: list[tuple[int, str, bool]], trace: _Trace | None = None, endings_clear: bool = False,
                 store: bool = True,
                 ) -> tuple[CompiledOutcome | None, list[tuple[str, int]]]:
        """Apply a choice to `new` (changed in place) and play on to the next decision or the end.

        Returns the outcome and the follow-ups scheduled; with a `trace`, keeps there the values after
        the choice's own effects and after the decision, and the odds of the outcome.
        `new.values` is brought up to date from `env` once, at the end (unless
        not to `store`). `endings_clear` says this engine found that no ending held in `env` when
        the event fired.
        """
        turn = new.turn
        event_id = event.model.id
        key = f"{event_id}.{choice.id}"
        heeded, overruled = self._verdicts.get(key, ((), ()))
        moved: dict[str, tuple[int, int]] = {}
        if event_id in self._verdicts_at_decision:
            # counsel under conditions is read in the game as the player saw it; what differs from the
            # counsel given whatever the game (read from `chose`) is kept with the choice in `record`
            now = verdict(event, choice.id, env)
            for advisor in sorted({*heeded, *overruled, *now[0], *now[1]}):
                step = ((advisor in now[0]) - (advisor in heeded), (advisor in now[1]) - (advisor in overruled))
                if step != (0, 0):
                    moved[advisor] = step
            heeded, overruled = now
        if choice.effects:
            self._apply(choice.effects, env)
        if trace is not None:
            trace.after_choice = self._values(env)
        outcome = None
        if choice.outcomes:
            weights = [max(0.0, float(o.chance(env))) for o in choice.outcomes]
            outcome = _pick(choice.outcomes, weights, _roll_key(f"{new.seed}|outcome|{turn}|{event_id}|{choice.id}"))
            if trace is not None:
                trace.odds_estimated = id(choice) in self._chance_in_fog
                picked = choice.outcomes.index(outcome)
                if trace.odds_estimated:
                    trace.odds = self._odds_in_fog(choice.outcomes, picked, env, new.seed)
                else:
                    total = sum(weights)
                    trace.odds = weights[picked] / total if total > 0 else None
            self._apply(outcome.effects, env)
        scheduled = [self._schedule(new, follow, [event_id, choice.id, "", index])
                     for index, follow in enumerate(choice.followups)] if choice.followups else []
        if outcome is not None and outcome.followups:
            scheduled += [self._schedule(new, follow, [event_id, choice.id, outcome.id, index])
                          for index, follow in enumerate(outcome.followups)]
        new.chose.append(key)
        env[CHOSE_KEY].add(key)
        left = new.left
        if moved:
            record = dict(env[RECORD_KEY])  # (never changed in place: see `_record_applier`)
            for advisor, (more_heeded, more_overruled) in moved.items():
                if advisor not in left:
                    counts = record[advisor] = list(record.get(advisor, (0, 0)))
                    counts[0] += more_heeded
                    counts[1] += more_overruled
            env[RECORD_KEY] = record
        for advisor in heeded:
            if advisor not in left:
                env[HEEDED_KEY][advisor] = env[HEEDED_KEY].get(advisor, 0) + 1
        for advisor in overruled:
            if advisor not in left:
                env[OVERRULED_KEY][advisor] = env[OVERRULED_KEY].get(advisor, 0) + 1
        if self._leaving:
            env[LEFT_KEY] = left
            for advisor, leaves in self._leaving:
                if advisor not in left and leaves(env):
                    left[advisor] = len(new.chose)
                    if trace is not None:
                        trace.departures.append(advisor)
                        trace.farewells.append(render(self.content.farewells.get(advisor, ()), env))
        new.event = None
        new.log.append(Decided(turn, self._iso_date(turn), event_id, choice.id, outcome.id if outcome else None))
        new.history.append(self._snapshot(env))
        if trace is not None:
            trace.decision = self._values(env)
        table = self._tables.get(turn) or self._table(turn)
        endings = table.endings_after_choice.get(id(choice)) if endings_clear else table.endings
        if endings is None:
            endings = self._endings_after(table, choice)
        for ident, when in endings:
            if when(env):
                self._end(new, ident)
                break
        while new.ending is None and new.event is None:
            self._advance(new, env, notes)
        if store:
            self._store(new, env)
        return outcome, scheduled

    # --- the turn ---------------------------------------------------------------------------

    def _advance(self, state: GameState, env: dict[str, Any], notes: list[tuple[int, str, bool]]) -> None:
        """Move to the next turn: rules, endings, then the next event (or a quiet turn)."""
        if state.turn >= self._last_turn:
            env["calendar_over"] = True
            self._check_endings(state, env, self._table(state.turn).endings, timeout=True)
            return
        state.turn += 1
        table = self._tables.get(state.turn) or self._table(state.turn)
        env.update(table.calendar)
        for when, apply, text in table.rules:
            if when is None or when(env):
                apply(env)
                if text:
                    notes.append((state.turn, text, False))
        for ident, when in table.endings_after_rules:
            if when(env):
                self._end(state, ident)
                return
        self._next_event(state, env, notes, table)
        if state.event is None:
            day = self.date(state.turn)
            notes.append((state.turn, QUIET_TEXT, True))
            state.log.append(Quiet(state.turn, day.isoformat()))
            state.history.append(self._snapshot(env))

    def _next_event(self, state: GameState, env: dict[str, Any], notes: list[tuple[int, str, bool]],
                    table: _TurnTable | None = None) -> None:
        turn = state.turn
        scheduled = state.scheduled
        fired = state.fired
        last_fired = state.last_fired
        cooldowns = self._cooldown
        table = table or self._table(turn)
        for ident, trigger in table.dated:
            if ident in fired:
                cooldown = cooldowns[ident]
                if cooldown is None or turn - last_fired[ident] <= cooldown:
                    continue
            if not any(item[2] == ident for item in scheduled) and trigger(env):
                self._fire(state, ident)
                return
        due = [item for item in scheduled if item[0] <= turn] if scheduled else []
        if len(due) > 1:
            due.sort(key=_DUE_ORDER)
        for item in due:
            scheduled.remove(item)
            event_id = item[2]
            if event_id not in self.content.events:
                continue
            follow = self._followup(item[3])
            if follow is not None and follow.when is not None and not follow.when(env):
                continue
            self._fire(state, event_id)
            return
        index = self._triggers
        if not index.position:
            return
        # events that cannot fire now: once and done, cooling down, or already waiting as a follow-up
        position = index.position
        closed: dict[int, list[int]] = {}
        for item in scheduled:
            place = position.get(item[2])
            if place is not None:
                closed.setdefault(place[0], []).append(place[1])
        for ident in fired:
            place = position.get(ident)
            if place is not None:
                cooldown = cooldowns[ident]
                if cooldown is None or turn - last_fired[ident] <= cooldown:
                    closed.setdefault(place[0], []).append(place[1])

        def roll() -> float:
            return _roll_key(f"{state.seed}|draw|{turn}")

        state.memo, drawn = index.draw(state.memo, table.draw_groups, env, closed, roll)
        if drawn is not None:
            self._fire(state, drawn)

    def _calendar_of(self, turn: int) -> dict[str, Any]:
        calendar: dict[str, Any] = {}
        self._set_calendar(calendar, turn)
        return calendar

    def _table(self, turn: int) -> _TurnTable:
        """What can happen on this turn number, its calendar conditions settled (made once)."""
        table = self._tables.get(turn)
        if table is None:
            calendar = self._calendar_of(turn)

            def holds(parts: Sequence[Compiled]) -> bool:
                return all(part(calendar) for part in parts)

            before = self._calendar_of(turn - 1)

            def held_before(parts: Sequence[Compiled]) -> bool:
                return turn > 1 and all(part(before) for part in parts)

            dated = [(ident, rest) for ident, on_calendar, rest in self._dated if holds(on_calendar)]
            rules = [(rest, effects, text)
                     for on_calendar, rest, effects, text in self._rule_parts if holds(on_calendar)]
            # (`calendar_over` changes only when the calendar runs out, and then every ending is tested)
            changed = {*calendar, *(e.target for _rest, effects, _text in rules for e in effects)}
            endings = [(ident, on_calendar, rest)
                       for ident, on_calendar, rest in self._ending_parts if holds(on_calendar)]
            # (the parts of a trigger that read only the calendar, `date >= election`, `turn <= 12`,
            # `season == "winter"`, are settled here once per turn number)
            triggers = {ident: trigger.rest for group in self._drawable for ident, trigger, *_ in group
                        if holds(trigger.calendar)}
            table = self._tables[turn] = _TurnTable(
                calendar=calendar,
                dated=dated,
                triggers=triggers,
                rules=[(None if rest is always else rest,
                        _in_turn([self._applier(self._on_calendar(e, calendar)) for e in effects]), text)
                       for rest, effects, text in rules],
                endings=[(ident, rest) for ident, _on_calendar, rest in endings],
                endings_after_rules=[(ident, rest) for ident, on_calendar, rest in endings
                                     if not held_before(on_calendar) or self._ending_reads[ident] & changed],
                endings_after_choice={},
                draw_groups=tuple(g for g, group in enumerate(self._drawable)
                                  if any(event[0] in triggers for event in group)),
            )
        return table

    def _on_calendar(self, effect: Effect, calendar: Mapping[str, Any]) -> Effect:
        """The effect compiled again with the turn's calendar as constants, when its value reads the
        calendar (`front -= 1 + (1 if season == "winter" else 0)`), so that part is worked out once."""
        value = effect.text.partition(effect.op)[2].strip()
        read = self._effect_reads.get(value)
        if read is None:
            read = self._effect_reads[value] = reads(value, self.content.names) & calendar.keys()
        if not read:
            return effect
        known = tuple(sorted((name, calendar[name]) for name in read))
        settled = self._settled.get((effect.text, known))
        if settled is None:
            names = self.content.names
            names = dataclasses.replace(names, constants={**names.constants, **dict(known)})
            kind: Type = "bool" if effect.target in self.content.flags else "num"
            try:
                value_of, constant = compile_with_constant(value, names, kind)
            except ExprError:
                settled = effect
            else:
                settled = dataclasses.replace(effect, value=value_of, constant=constant)
            self._settled[effect.text, known] = settled
        return settled

    def _endings_after(self, table: _TurnTable, choice: CompiledChoice) -> list[tuple[str, Compiled]]:
        """The endings of a turn a choice can make hold: those reading what it or the event changed."""
        changed = {FIRED_KEY, CHOSE_KEY, HEEDED_KEY, OVERRULED_KEY, LEFT_KEY}
        changed.update(effect.target for effect in choice.effects)
        for outcome in choice.outcomes:
            changed.update(effect.target for effect in outcome.effects)
        endings = table.endings_after_choice[id(choice)] = [
            (ident, rest) for ident, rest in table.endings if self._ending_reads[ident] & changed
        ]
        return endings

    def _fire(self, state: GameState, event_id: str) -> None:
        state.event = event_id
        state.fired[event_id] = state.fired.get(event_id, 0) + 1
        state.last_fired[event_id] = state.turn

    def _followup(self, origin: Sequence[Any]) -> CompiledFollowUp | None:
        """The follow-up spec a scheduled item came from (None if the content no longer has it)."""
        try:
            event_id, choice_id, outcome_id, index = origin
            if event_id == ACTION_ORIGIN:
                action = self.content.actions[choice_id]
                follows = action.followups
                if outcome_id:
                    found = [o for o in action.outcomes if o.id == outcome_id]
                    if not found:
                        return None
                    follows = found[0].followups
                spec: CompiledFollowUp = follows[index]
                return spec
            choice = self.content.events[event_id].choice(choice_id)
            if choice is None:
                return None
            if outcome_id:
                for outcome in choice.outcomes:
                    if outcome.id == outcome_id:
                        follow: CompiledFollowUp = outcome.followups[index]
                        return follow
                return None
            follow = choice.followups[index]
            return follow
        except (KeyError, IndexError, TypeError, ValueError):
            return None

    def _odds_in_fog(self, outcomes: Sequence[CompiledOutcome], picked: int, env: Mapping[str, Any],
                     seed: int) -> float | None:
        """The chance of the outcome drawn as the player could judge it: each hidden stat anywhere in
        its band around the estimate (the truth is in it), the chances averaged over points spread
        evenly across the bands. (Read at the estimate alone, a chance that turns on a threshold
        would say 0 for what the band allowed.)"""
        judged = [(ident, *self.estimate(env, ident, seed), fog) for ident, fog in self._fogs.items()]
        odds = []
        for share in BAND_POINTS:
            seen = dict(env)
            for ident, estimate, band, fog in judged:
                seen[ident] = min(fog.high, max(fog.low, estimate + share * band))
            weights = [max(0.0, float(o.chance(seen))) for o in outcomes]
            total = sum(weights)
            if total > 0:
                odds.append(weights[picked] / total)
        return sum(odds) / len(odds) if odds else None

    def _schedule(self, state: GameState, follow: CompiledFollowUp, origin: list[Any]) -> tuple[str, int]:
        due = state.turn + follow.after
        state.sequence += 1
        state.scheduled.append([due, state.sequence, follow.event, origin])
        return (follow.event, due)

    def _check_endings(self, state: GameState, env: dict[str, Any], endings: Sequence[tuple[str, Compiled]],
                       timeout: bool = False) -> None:
        """End the game with the first of `endings` that holds (or, with `timeout`, the timeout ending)."""
        for ident, when in endings:
            if when(env):
                self._end(state, ident)
                return
        if timeout:
            self._end(state, self.content.scenario.timeout_ending)

    def _end(self, state: GameState, ending: str) -> None:
        state.ending = ending
        state.event = None
        state.log.append(Ended(state.turn, ending))

    # --- values -----------------------------------------------------------------------------

    def _env(self, state: GameState) -> dict[str, Any]:
        """The environment of a state. Stats are floats in it and counters whole numbers (a state
        read from a file may hold other numbers), so effects and snapshots need not convert them."""
        env: dict[str, Any] = dict(state.values)
        for ident in self._stat_ids:
            env[ident] = float(env[ident])
        for ident in self._counter_ids:
            env[ident] = round(env[ident])
        env[FIRED_KEY] = state.fired
        env[CHOSE_KEY] = set(state.chose)
        env[HEEDED_KEY], env[OVERRULED_KEY] = self._record(state)
        env[LEFT_KEY] = state.left
        env[RECORD_KEY] = state.record
        env[WRITTEN_KEY] = set(self._written_ids)
        env[SEED_KEY] = state.seed
        env["calendar_over"] = False
        self._set_calendar(env, state.turn)
        return env

    def _record(self, state: GameState) -> tuple[dict[str, int], dict[str, int]]:
        """`advisor_record` of the state, counting only the choices made since it was last counted
        (the tally is kept on the state, and counted afresh if its choices or departures differ)."""
        tally, chose = state.tally, state.chose
        if (tally is None or tally.left != state.left or len(chose) < len(tally.chose)
                or tuple(chose[:len(tally.chose)]) != tally.chose):
            tally = Tally((), dict(state.left), {}, {})
        if len(chose) > len(tally.chose):
            heeded, overruled = count_verdicts(self._verdicts, chose, state.left, len(tally.chose),
                                               dict(tally.heeded), dict(tally.overruled))
            tally = state.tally = Tally(tuple(chose), dict(state.left), heeded, overruled)
        heeded, overruled = dict(tally.heeded), dict(tally.overruled)
        add_record(heeded, overruled, state.record)
        return heeded, overruled

    def _set_calendar(self, env: dict[str, Any], turn: int) -> None:
        calendar = self._calendar.get(turn)
        if calendar is None:
            calendar = self._calendar[turn] = self.content.calendar(turn)
        env.update(calendar)

    def _apply(self, effects: Sequence[Effect], env: dict[str, Any]) -> None:
        apply = self._appliers.get(id(effects))
        if apply is None:
            apply = self._appliers[id(effects)] = _in_turn([self._applier(e) for e in effects])
            self._keep.append(effects)  # the id stays valid while the tuple is alive
        apply(env)

    def _applier(self, effect: Effect) -> Applier:
        """One effect as a single closure: read, combine, keep within bounds, store."""
        target, op, value_of = effect.target, effect.op, effect.value
        if effect.advisor:
            return _record_applier(effect)
        kind, low, high = self._bounds[target]
        sign = 1 if op == "+=" else -1
        constant = effect.constant
        # a stat in the environment is a float and its bounds are floats, so a sum with it is one too
        if kind == "stat" and op != "=" and constant is not None:
            step = sign * constant

            def apply(env: dict[str, Any]) -> None:
                x = env[target] + step
                env[target] = low if x < low else high if x > high else x
        elif kind == "stat":
            if op == "=":
                def apply(env: dict[str, Any]) -> None:
                    x = value_of(env)
                    env[target] = float(low if x < low else high if x > high else x)
            elif op == "+=":
                def apply(env: dict[str, Any]) -> None:
                    x = env[target] + value_of(env)
                    env[target] = low if x < low else high if x > high else x
            else:  # (the same as adding the negated value, to the last bit)
                def apply(env: dict[str, Any]) -> None:
                    x = env[target] - value_of(env)
                    env[target] = low if x < low else high if x > high else x
        elif kind == "counter" and op != "=" and type(constant) is int:
            step = sign * constant  # a whole step: the counter stays whole without rounding

            def apply(env: dict[str, Any]) -> None:
                x = env[target] + step
                env[target] = low if x < low else high if x > high else x
                env[WRITTEN_KEY].add(target)
        elif kind == "counter":
            if op == "=":
                def apply(env: dict[str, Any]) -> None:
                    env[target] = int(min(high, max(low, round(value_of(env)))))
                    env[WRITTEN_KEY].add(target)
            else:
                def apply(env: dict[str, Any]) -> None:
                    env[target] = int(min(high, max(low, round(env[target] + sign * value_of(env)))))
                    env[WRITTEN_KEY].add(target)
        else:
            def apply(env: dict[str, Any]) -> None:
                env[target] = value_of(env)
                env[WRITTEN_KEY].add(target)
        return apply

    def _values(self, env: Mapping[str, Any]) -> dict[str, Value]:
        """The stats, flags and counters of an environment, as a fresh dict."""
        return dict(zip(self._value_keys, self._value_getter(env), strict=True))

    def _store(self, state: GameState, env: Mapping[str, Any]) -> None:
        state.values.update(zip(self._value_keys, self._value_getter(env), strict=True))
        record = env[RECORD_KEY]
        if record is not state.record:
            state.record = {advisor: list(counts) for advisor, counts in record.items()}

    def _iso_date(self, turn: int) -> str:
        day = self._iso.get(turn)
        if day is None:
            day = self._iso[turn] = self.date(turn).isoformat()
        return day

    def _stat_dict(self, env: Mapping[str, Any]) -> dict[str, float]:
        """The stats of an environment (where they are floats already)."""
        return {ident: env[ident] for ident in self._stat_ids}  # (faster than dict(zip(...)) for a dozen)


Verdicts = Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]


def dated_order(event: CompiledEvent) -> tuple[dt.date, int]:
    """The order dated events are tried in: the earliest date first, then the highest priority."""
    return (event.model.on or dt.date.max, -event.model.priority)


def verdicts(content: Content) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """For each "event.choice": the advisors whose counsel it heeds (they backed it) and those it
    overrules (they backed another choice of the event, or opposed this one), by the counsel given
    whatever the game (counsel under conditions is read at the decision; see `Engine._resolve`)."""
    return {f"{event.id}.{choice.id}": verdict(event, choice.id, None)
            for event in content.events.values() for choice in event.choices}


def verdict(event: CompiledEvent, choice_id: str, env: Mapping[str, Any] | None,
            ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The advisors a choice heeds and those it overrules, by the counsel given in this environment
    (None: whatever the game). In an environment, counsel on a choice not shown in it was never
    heard, and counts for nobody."""
    backing: set[str] = set()
    heeded: set[str] = set()
    opposed: set[str] = set()
    for choice in event.choices:
        if env is not None and choice.visible is not None and not choice.visible(env):
            continue
        for advisor, position in votes(choice.counsel, env):
            if position == "for":
                backing.add(advisor)
                if choice.id == choice_id:
                    heeded.add(advisor)
            elif choice.id == choice_id:
                opposed.add(advisor)
    return tuple(sorted(heeded)), tuple(sorted((backing | opposed) - heeded))


def _record_applier(effect: Effect) -> Applier:
    """An effect on an advisor's record: their count of heeded (or overruled) counsel moved, whole and
    not below 0, and the move kept in the state's `record`; nothing once the advisor has left."""
    target, op, value_of, advisor = effect.target, effect.op, effect.value, effect.advisor
    index = 0 if target == HEEDED_KEY else 1

    # (the record and the tally are replaced, never changed in place: a tool looking ahead in a copy
    # of an environment leaves the game's own untouched; `Engine._store` brings the state up to date)
    def apply(env: dict[str, Any]) -> None:
        if advisor in env[LEFT_KEY]:
            return
        tally = env[target]
        old = tally.get(advisor, 0)
        value = value_of(env)
        now = max(0, min(COUNTER_LIMIT, round(value if op == "=" else old + value if op == "+=" else old - value)))
        if now != old:
            env[target] = {**tally, advisor: now}
            record = env[RECORD_KEY]
            counts = list(record.get(advisor, (0, 0)))
            counts[index] += now - old
            env[RECORD_KEY] = {**record, advisor: counts}
    return apply


@dataclass(frozen=True, slots=True)
class Tally:
    """The advisors' record (`Engine.advisor_record` without the state's `record`) over these choices,
    with these departures."""

    chose: tuple[str, ...]
    left: dict[str, int]
    heeded: dict[str, int]
    overruled: dict[str, int]


def count_verdicts(verdicts: Verdicts, chose: Sequence[str], left: Mapping[str, int], start: int,
                   heeded: dict[str, int], overruled: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Add to `heeded` and `overruled` the verdicts of the choices from `start` on (each counted only
    while its advisor was still there)."""
    for index in range(start, len(chose)):
        yes, no = verdicts.get(chose[index], ((), ()))
        for advisor in yes:
            if index < left.get(advisor, index + 1):
                heeded[advisor] = heeded.get(advisor, 0) + 1
        for advisor in no:
            if index < left.get(advisor, index + 1):
                overruled[advisor] = overruled.get(advisor, 0) + 1
    return heeded, overruled


def add_record(heeded: dict[str, int], overruled: dict[str, int], record: Mapping[str, Sequence[int]]) -> None:
    """Add what content effects and conditional counsel moved (the state's `record`)."""
    for advisor, (more_heeded, more_overruled) in record.items():
        if more_heeded:
            heeded[advisor] = heeded.get(advisor, 0) + more_heeded
        if more_overruled:
            overruled[advisor] = overruled.get(advisor, 0) + more_overruled


#: the order in which follow-ups due on the same turn fire: by due turn, then as scheduled
_DUE_ORDER = operator.itemgetter(0, 1)


def values_getter(keys: Sequence[str]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A function giving the values of `keys` as a tuple (itemgetter gives a bare value for one key)."""
    if len(keys) == 1:
        (key,) = keys
        return lambda values: (values[key],)
    if not keys:
        return lambda values: ()
    getter: Callable[[Mapping[str, Any]], tuple[Any, ...]] = operator.itemgetter(*keys)
    return getter


def _note_text(day: dt.date, text: str, quiet: bool) -> str:
    """A drift note as one line: a quiet turn says its date."""
    return f"{day.strftime('%d %b')}: {text}" if quiet else text


def _in_turn(appliers: Sequence[Applier]) -> Applier:
    """Several effects as one call, applied in order."""
    if not appliers:
        return _nothing
    if len(appliers) == 1:
        return appliers[0]
    if len(appliers) == 2:
        first, second = appliers

        def both(env: dict[str, Any]) -> None:
            first(env)
            second(env)
        return both

    def each(env: dict[str, Any]) -> None:
        for apply in appliers:
            apply(env)
    return each


def _nothing(env: dict[str, Any]) -> None:
    """No effects."""


def _pick(items: Sequence[Any], weights: Sequence[float], r: float) -> Any:
    """The item whose share of the running total of `weights` holds `r` times the total.

    The weights are added one by one, left to right (not with sum(), whose rounding of floats
    changed in Python 3.12), so a game picks the same on every Python version.
    """
    return items[weighted_index(list(accumulate(weights)), r)]
