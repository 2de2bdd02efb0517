"""The reference engine: the rules of a turn written plainly, as the specification of game/engine.py.

No caches, no indexes, no fast paths: every condition is tested whole, in an environment made
afresh from the state of the moment, every time it is asked. It is slow and meant to be read.
`tests/test_reference.py` holds the engine (`Engine.choose`, `choose_state` and `autoplay`) to it:
the same states, byte for byte, the same logs and the same rolls.

A game, as these functions play it:

- **Start**: every value at its initial value (a stat with a `spread` moves by a rolled whole
  number within it, kept within its bounds); the endings are tested; then the first event is drawn.
- **A decision**: the choice's effects, then its outcome drawn by chance and the outcome's
  effects, then its follow-ups and the outcome's scheduled; the decision is logged; the endings
  are tested; then the game moves on a turn at a time until an event fires or the game ends.
- **A turn**: past the last turn the game ends (an ending that holds with `calendar_over`, else
  the timeout ending). Otherwise the turn number goes up, each rule that holds applies its effects
  (in order, each seeing the ones before), the endings are tested, and the next event is drawn;
  with none, the turn is a quiet one.
- **The next event**: dated events first (`on`): the earliest date first, then by priority from
  the highest, the first whose date falls on this turn or the turn before, that may fire, is not
  waiting as a follow-up and whose trigger (if it has one) holds. Then due follow-ups, by due turn
  then as scheduled; a follow-up whose event is gone, or whose `when` fails, is dropped and the
  next due one tried. Else, among the events with a trigger and no date, by priority from the
  highest: those that may fire (never fired; or not `once` and more than `cooldown` turns since
  they last fired), are not waiting as a follow-up, whose trigger holds and whose weight is above
  0. The first priority with any draws one of them by weight.
- **Endings** are tested in order (highest priority first); the first that holds ends the game.
- **A standing action**, taken in front of a decision: it cannot be taken when its uses are spent,
  when it was taken this turn or the turn's actions are spent (`actions_per_turn`), while it cools
  down (taken on turn T with cooldown C: closed until turn T + C + 1), when its `when` fails, or when
  paying would take a stat to its bound (a counter below 0). Taken, its cost and then its effects
  apply, its outcome is drawn and applied, its follow-ups and the outcome's are scheduled, it is
  counted and logged, and the endings are tested; the event stays to be decided, on the same turn.
- **Effects** keep stats within their bounds (as floats), counters whole and within a billion
  either way, and set flags. An effect on an advisor's record (`heeded("hawk") += 1`) moves their
  count, whole and not below 0, unless they have left; the move is kept in `state.record`.
- **An advisor's record**: at each decision, those whose counsel backed the choice taken were
  heeded; those who backed another choice of the event, or opposed this one, were overruled
  (nothing counts after they left), by the counsel given whatever the game. Where counsel is given
  under conditions (`when`), it is read in the game as the player saw it, and what that changes of
  the verdict is added to `state.record` as the choice is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from game import log
from game.content import CompiledAction, CompiledEvent, CompiledFollowUp, Content
from game.engine import ACTION_ORIGIN, COUNTER_LIMIT, GameState, InvalidAction, InvalidChoice, Value, roll
from game.expr import CHOSE_KEY, FIRED_KEY, HEEDED_KEY, LEFT_KEY, OVERRULED_KEY, RECORD_KEY, SEED_KEY, Effect
from game.text import votes

T = TypeVar("T")


@dataclass
class Step:
    """What a decision did: the new state, the outcome drawn, the follow-ups scheduled (event id, due
    turn), and the notes of the turns it passed (rule texts and quiet turns)."""

    state: GameState
    outcome: str | None
    scheduled: list[tuple[str, int]]
    notes: list[str]


class Reference:
    """Plays games of one scenario by the rules, plainly."""

    def __init__(self, content: Content) -> None:
        self.content = content
        #: the parts of every roll made, in order: (seed, purpose, ...), as `roll` takes them
        self.rolls: list[tuple[object, ...]] = []

    def _roll(self, seed: int, *parts: object) -> float:
        self.rolls.append((seed, *parts))
        return roll(seed, *parts)

    # --- what expressions see ---------------------------------------------------------------

    def env(self, state: GameState, calendar_over: bool = False) -> dict[str, Any]:
        """The environment of the content's expressions in this state."""
        env: dict[str, Any] = dict(state.values)
        env.update(self.content.calendar(state.turn))
        env["calendar_over"] = calendar_over
        env[FIRED_KEY] = state.fired
        env[CHOSE_KEY] = set(state.chose)
        env[SEED_KEY] = state.seed  # (what `estimate()` and `band()` are drawn from)
        env[HEEDED_KEY], env[OVERRULED_KEY] = self._record(state)
        env[LEFT_KEY] = state.left
        env[RECORD_KEY] = state.record
        return env

    def _record(self, state: GameState) -> tuple[dict[str, int], dict[str, int]]:
        """How often each advisor was heeded and overruled: at each decision, those who backed the
        choice taken were heeded; those who backed another choice of the event, or opposed this one,
        were overruled; nothing counts for an advisor after they left. Counsel given under conditions
        is not read here: what it changed at a decision was kept in `state.record` then, with what
        effects moved."""
        heeded: dict[str, int] = {}
        overruled: dict[str, int] = {}
        for index, key in enumerate(state.chose):
            event_id, choice_id = key.split(".", 1)
            for advisor, (yes, no) in self._verdict(event_id, choice_id, None).items():
                if advisor in state.left and index >= state.left[advisor]:
                    continue
                tally = heeded if yes else overruled
                tally[advisor] = tally.get(advisor, 0) + (yes or no)
        for advisor, (yes, no) in state.record.items():
            if yes:
                heeded[advisor] = heeded.get(advisor, 0) + yes
            if no:
                overruled[advisor] = overruled.get(advisor, 0) + no
        return heeded, overruled

    def _verdict(self, event_id: str, choice_id: str, env: dict[str, Any] | None) -> dict[str, tuple[int, int]]:
        """Each advisor heeded (1, 0) or overruled (0, 1) by a choice, by the counsel given in `env`
        (None: the counsel given whatever the game, without the entries under conditions): heeded if
        they backed it; overruled if they backed another choice of the event, or opposed it. In `env`,
        the counsel on a choice not shown is not heard."""
        given = {choice.id: votes(choice.counsel, env) if env is None or choice.visible is None
                 or choice.visible(env) else [] for choice in self.content.events[event_id].choices}
        backers = {ident: {a for a, position in said if position == "for"} for ident, said in given.items()}
        opposers = {a for a, position in given[choice_id] if position == "against"}
        return {advisor: (1, 0) if advisor in backers[choice_id] else (0, 1)
                for advisor in sorted(set().union(*backers.values()) | opposers)}

    def options(self, state: GameState) -> list[tuple[str, int, bool]]:
        """(id, posture, available) of each visible choice of the current event."""
        if state.over or state.event is None:
            return []
        env = self.env(state)
        return [(choice.id, choice.posture, choice.available is None or bool(choice.available(env)))
                for choice in self.content.events[state.event].choices
                if choice.visible is None or choice.visible(env)]

    # --- a game -----------------------------------------------------------------------------

    def new_game(self, seed: int) -> GameState:
        values: dict[str, Value] = {}
        for ident, stat in self.content.stats.items():
            values[ident] = float(stat.initial)
            if stat.spread:
                offset = round((self._roll(seed, "initial", ident) * 2 - 1) * stat.spread)
                values[ident] = float(min(stat.max, max(stat.min, stat.initial + offset)))
        for ident, flag in self.content.flags.items():
            values[ident] = flag.initial
        for ident, counter in self.content.counters.items():
            values[ident] = counter.initial
        state = GameState(seed=int(seed), turn=1, values=values)
        state.history.append(self._stats(state))
        if not self._ended(state):
            self._next_event(state)
        return state

    def choose(self, state: GameState, choice_id: str) -> Step:
        """Take a choice of the current event; the given state is not changed."""
        if state.over or state.event is None:
            raise InvalidChoice("the game is over")
        event = self.content.events[state.event]
        choice = event.choice(choice_id)
        env = self.env(state)
        if choice is None or (choice.visible is not None and not choice.visible(env)):
            raise InvalidChoice(f"event '{event.id}' has no choice '{choice_id}' now")
        if choice.available is not None and not choice.available(env):
            raise InvalidChoice(f"choice '{choice_id}' is not available: {choice.unavailable_reason}")
        # what counsel under conditions changed of the verdict of the counsel given whatever the game
        moved: dict[str, tuple[int, int]] = {}
        if any(c.visible is not None or any(counsel.when is not None for counsel in c.counsel)
               for c in event.choices):
            now, always = self._verdict(event.id, choice.id, env), self._verdict(event.id, choice.id, None)
            for advisor in sorted({*now, *always}):
                step = (now.get(advisor, (0, 0))[0] - always.get(advisor, (0, 0))[0],
                        now.get(advisor, (0, 0))[1] - always.get(advisor, (0, 0))[1])
                if step != (0, 0):
                    moved[advisor] = step
        state = state.copy()
        turn = state.turn
        for effect in choice.effects:
            self._apply(state, effect)
        outcome = None
        if choice.outcomes:
            env = self.env(state)
            weights = [max(0.0, float(o.chance(env))) for o in choice.outcomes]
            outcome = pick(choice.outcomes, weights, self._roll(state.seed, "outcome", turn, event.id, choice.id))
            for effect in outcome.effects:
                self._apply(state, effect)
        scheduled = [self._schedule(state, follow, [event.id, choice.id, "", index])
                     for index, follow in enumerate(choice.followups)]
        if outcome is not None:
            scheduled += [self._schedule(state, follow, [event.id, choice.id, outcome.id, index])
                          for index, follow in enumerate(outcome.followups)]
        state.chose.append(f"{event.id}.{choice.id}")
        for advisor, (yes, no) in moved.items():
            if advisor not in state.left:
                counts = state.record.setdefault(advisor, [0, 0])
                counts[0] += yes
                counts[1] += no
        for advisor, leaves in self.content.leaving.items():
            if advisor not in state.left and leaves(self.env(state)):
                state.left[advisor] = len(state.chose)
        state.event = None
        state.log.append(log.Decided(turn, self.content.day(turn).isoformat(), event.id, choice.id,
                                     outcome.id if outcome else None))
        state.history.append(self._stats(state))
        notes: list[str] = []
        if not self._ended(state):
            while not state.over and state.event is None:
                self._next_turn(state, notes)
        return Step(state, outcome.id if outcome else None, scheduled, notes)

    # --- standing actions -------------------------------------------------------------------

    def why_not(self, state: GameState, action: CompiledAction) -> str:
        """What keeps an action from being taken now: "uses", "turn", "cooldown", "when", "cost", or ""."""
        model = action.model
        used = state.used.get(model.id, 0)
        last = state.last_used.get(model.id)
        this_turn = 0
        for entry in reversed(state.log):
            if not isinstance(entry, log.Acted) or entry.turn != state.turn:
                break
            this_turn += 1
        if model.uses and used >= model.uses:
            return "uses"
        if last == state.turn or this_turn >= self.content.scenario.actions_per_turn:
            return "turn"
        if last is not None and state.turn <= last + model.cooldown:
            return "cooldown"
        env = self.env(state)
        if action.when is not None and not action.when(env):
            return "when"
        for target, op, amount in action.cost:
            value = state.values[target]
            stat = self.content.stats.get(target)
            if stat is None:  # a counter: paying must not take it below 0
                short, over = value - amount < 0, False
            else:  # a stat: paying must leave it inside its bounds
                short, over = value - amount <= stat.min, value + amount >= stat.max
            if (op == "-=" and short) or (op == "+=" and over):
                return "cost"
        return ""

    def act(self, state: GameState, action_id: str) -> Step:
        """Take a standing action; the given state is not changed, and the event stays to be decided."""
        action = self.content.actions.get(action_id)
        if state.over or state.event is None or action is None or self.why_not(state, action):
            raise InvalidAction(f"action '{action_id}' cannot be taken now")
        state = state.copy()
        turn, event_id = state.turn, state.event
        for effect in (*action.cost_effects, *action.effects):
            self._apply(state, effect)
        outcome = None
        if action.outcomes:
            env = self.env(state)
            weights = [max(0.0, float(o.chance(env))) for o in action.outcomes]
            outcome = pick(action.outcomes, weights, self._roll(state.seed, "action", turn, event_id, action.id))
            for effect in outcome.effects:
                self._apply(state, effect)
        scheduled = [self._schedule(state, follow, [ACTION_ORIGIN, action.id, "", index])
                     for index, follow in enumerate(action.followups)]
        if outcome is not None:
            scheduled += [self._schedule(state, follow, [ACTION_ORIGIN, action.id, outcome.id, index])
                          for index, follow in enumerate(outcome.followups)]
        state.used[action.id] = state.used.get(action.id, 0) + 1
        state.last_used[action.id] = turn
        state.log.append(log.Acted(turn, self.content.day(turn).isoformat(), event_id, action.id,
                                   outcome.id if outcome else None))
        state.history.append(self._stats(state))
        self._ended(state)
        return Step(state, outcome.id if outcome else None, scheduled, [])

    # --- the turn ---------------------------------------------------------------------------

    def _next_turn(self, state: GameState, notes: list[str]) -> None:
        if state.turn >= self.content.scenario.last_turn:
            if not self._ended(state, calendar_over=True):
                self._end(state, self.content.scenario.timeout_ending)
            return
        state.turn += 1
        for rule in self.content.rules:
            if rule.when(self.env(state)):
                for effect in rule.effects:
                    self._apply(state, effect)
                if rule.model.text:
                    notes.append(rule.model.text)
        if self._ended(state):
            return
        self._next_event(state)
        if state.event is None:
            day = self.content.day(state.turn)
            notes.append(f"{day.strftime('%d %b')}: a quiet stretch; nothing needed your decision.")
            state.log.append(log.Quiet(state.turn, day.isoformat()))
            state.history.append(self._stats(state))

    def _next_event(self, state: GameState) -> None:
        env = self.env(state)
        events = self.content.events
        waiting = {item[2] for item in state.scheduled}
        for event in sorted((event for event in events.values() if event.model.on is not None),
                            key=lambda event: (event.model.on, -event.model.priority)):
            assert event.trigger is not None and event.turn is not None
            if (event.turn <= state.turn <= event.turn + 1 and self._may_fire(state, event)
                    and event.id not in waiting and event.trigger(env)):
                self._fire(state, event.id)
                return
        for item in sorted((item for item in state.scheduled if item[0] <= state.turn),
                           key=lambda item: (item[0], item[1])):
            state.scheduled.remove(item)
            event_id, origin = item[2], item[3]
            if event_id not in events:
                continue
            follow = self._followup(origin)
            if follow is not None and follow.when is not None and not follow.when(env):
                continue
            self._fire(state, event_id)
            return
        waiting = {item[2] for item in state.scheduled}
        drawable = [event for event in events.values() if event.trigger is not None and event.turn is None]
        for priority in sorted({event.model.priority for event in drawable}, reverse=True):
            eligible: list[str] = []
            weights: list[float] = []
            for event in drawable:
                if event.model.priority != priority or not self._may_fire(state, event) or event.id in waiting:
                    continue
                assert event.trigger is not None
                if not event.trigger(env):
                    continue
                weight = event.weight(env)
                if weight > 0:
                    eligible.append(event.id)
                    weights.append(weight)
            if len(eligible) == 1:  # drawn whatever the roll: nothing is rolled
                self._fire(state, eligible[0])
                return
            if eligible:
                self._fire(state, pick(eligible, weights, self._roll(state.seed, "draw", state.turn)))
                return

    def _may_fire(self, state: GameState, event: CompiledEvent) -> bool:
        if event.id not in state.fired:
            return True
        if event.model.once:
            return False
        return state.turn - state.last_fired[event.id] > event.model.cooldown

    def _fire(self, state: GameState, event_id: str) -> None:
        state.event = event_id
        state.fired[event_id] = state.fired.get(event_id, 0) + 1
        state.last_fired[event_id] = state.turn

    def _schedule(self, state: GameState, follow: CompiledFollowUp, origin: list[Any]) -> tuple[str, int]:
        state.sequence += 1
        state.scheduled.append([state.turn + follow.after, state.sequence, follow.event, origin])
        return (follow.event, state.turn + follow.after)

    def _followup(self, origin: Sequence[Any]) -> CompiledFollowUp | None:
        """The follow-up a scheduled item came from, or None when the content no longer has it."""
        try:
            event_id, choice_id, outcome_id, index = origin
            holder: Any = (self.content.actions[choice_id] if event_id == ACTION_ORIGIN
                           else self.content.events[event_id].choice(choice_id))
            if holder is None:
                return None
            outcomes = [outcome for outcome in holder.outcomes if outcome.id == outcome_id]
            if outcome_id and not outcomes:
                return None
            follow: CompiledFollowUp = (outcomes[0] if outcome_id else holder).followups[index]
            return follow
        except (KeyError, IndexError, TypeError, ValueError):
            return None

    # --- endings ----------------------------------------------------------------------------

    def _ended(self, state: GameState, calendar_over: bool = False) -> bool:
        """End the game with the first ending that holds, if one does."""
        env = self.env(state, calendar_over)
        for ending in self.content.endings:
            if ending.when is not None and ending.when(env):
                self._end(state, ending.model.id)
                return True
        return False

    def _end(self, state: GameState, ending: str) -> None:
        state.ending = ending
        state.event = None
        state.log.append(log.Ended(state.turn, ending))

    # --- values -----------------------------------------------------------------------------

    def _apply(self, state: GameState, effect: Effect) -> None:
        target = effect.target
        if effect.advisor:
            self._move_record(state, effect)
            return
        value = effect.value(self.env(state))
        if effect.op == "+=":
            value = state.values[target] + value
        elif effect.op == "-=":
            value = state.values[target] - value
        if target in self.content.stats:
            stat = self.content.stats[target]
            state.values[target] = float(clamp(value, float(stat.min), float(stat.max)))
        elif target in self.content.counters:
            state.values[target] = int(clamp(round(value), -COUNTER_LIMIT, COUNTER_LIMIT))
        else:
            state.values[target] = value

    def _move_record(self, state: GameState, effect: Effect) -> None:
        """An effect on an advisor's record: the count moved, whole and not below 0, the move kept in
        `state.record`; nothing once the advisor has left."""
        advisor = effect.advisor
        if advisor in state.left:
            return
        env = self.env(state)
        old = env[effect.target].get(advisor, 0)
        value = effect.value(env)
        raw = value if effect.op == "=" else old + value if effect.op == "+=" else old - value
        now = int(clamp(round(raw), 0, COUNTER_LIMIT))
        if now != old:
            state.record.setdefault(advisor, [0, 0])[0 if effect.target == HEEDED_KEY else 1] += now - old

    def _stats(self, state: GameState) -> dict[str, float]:
        return {ident: float(state.values[ident]) for ident in self.content.stats}


def clamp(x: Any, low: Any, high: Any) -> Any:
    return low if x < low else high if x > high else x


def pick(items: Sequence[T], weights: Sequence[float], r: float) -> T:
    """The first item whose running total of weights (added one by one, left to right) is above `r`
    times the total; the last item when the total is not above 0."""
    totals = [weights[0]]
    for weight in weights[1:]:
        totals.append(totals[-1] + weight)
    if totals[-1] <= 0:
        return items[-1]
    for item, total in zip(items, totals, strict=True):
        if total > r * totals[-1]:
            return item
    return items[-1]
