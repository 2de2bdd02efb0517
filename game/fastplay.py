"""Whole games for automated play, faster than decision by decision through the engine.

`AutoPlayer.play` plays the very game `Engine.choose` would give for the same choices (same state,
log and history), but keeps one evaluation environment for the whole game, precomputes the
calendar, and skips the player's views and accounts. `AutoPlayer.agrees` checks that claim on a
few games; the simulator falls back to the engine when it does not hold (e.g. after an engine
change that this module has not followed yet).
"""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Sequence
from typing import Any

from game.content import CompiledFollowUp, Content
from game.engine import COUNTER_LIMIT, Engine, GameState, _pick, roll
from game.expr import CHOSE_KEY
from game.fastcode import Translator, Unsupported, build

#: (event id, visible choices as (choice id, posture, available), the game, the environment) -> the
#: choice to take, or None to stop the game there (e.g. when no choice is available)
Decide = Callable[[str, list[tuple[str, int, bool]], GameState, dict[str, Any]], str | None]



class AutoPlayer:
    """Plays whole games of one content with a decide() callback."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.engine = Engine(content)
        scenario = content.scenario
        self.last_turn = scenario.last_turn
        self.timeout = scenario.timeout_ending
        self.stat_ids = tuple(content.stats)
        self.take_stats = _getter(self.stat_ids)
        self.value_keys: tuple[str, ...] = ()
        self.take_values = _getter(())
        engine = self.engine
        self.calendar: list[dict[str, Any]] = [{}]
        self.iso: list[str] = [""]
        for turn in range(1, scenario.last_turn + 2):
            day = engine._start + (turn - 1) * engine._days
            entry: dict[str, Any] = {"turn": turn, "date": day, "season": engine.season(turn)}
            for name, ordinal in engine._dates.items():
                entry["days_to_" + name] = ordinal - day
            self.calendar.append(entry)
            self.iso.append(engine.date(turn).isoformat())
        self.once = {e.id for e in content.events.values() if e.model.once}
        self.cooldown = {e.id: e.model.cooldown for e in content.events.values() if not e.model.once}
        self._code = _Generator(content)
        self.rules = self._code.rules()
        self.endings = self._code.endings()
        self.groups = self._code.groups()
        # per event: its options() function and, per choice id, (effects, chances, outcomes, followups, key)
        self.options: dict[str, Callable[[dict[str, Any]], list[tuple[str, int, bool]]]] = {}
        self.choices: dict[str, dict[str, tuple[Any, ...]]] = {}
        for event in content.events.values():
            self.options[event.id] = self._code.options(event.id)
            self.choices[event.id] = {
                c.id: (self._code.effects(c.model_effects, f"choice_{event.id}_{c.id}"),
                       self._code.chances(event.id, c.id),
                       tuple((o, self._code.effects(o.model_effects, f"outcome_{event.id}_{c.id}_{o.id}"))
                             for o in c.outcomes),
                       c.followups, f"{event.id}.{c.id}")
                for c in _with_texts(event)
            }

    # --- one game -----------------------------------------------------------------------------

    def play(self, seed: int, decide: Decide, max_decisions: int = 10_000) -> tuple[GameState, int, str | None]:
        """Play a game to its end. Returns the final state, the decisions taken, and the event where
        decide() stopped the game (None if it ended properly)."""
        state = self.engine.new_game(seed)
        env = self.engine.environment(state)
        values = state.values
        keys = tuple(values)
        if keys != self.value_keys:
            self.value_keys, self.take_values = keys, _getter(keys)
        decisions = 0
        while state.ending is None and decisions < max_decisions:
            event = state.event
            assert event is not None
            options = self.options[event](env)
            picked = decide(event, options, state, env)
            if picked is None:
                return state, decisions, event
            self._resolve(state, env, event, picked, self.choices[event][picked], keys)
            decisions += 1
        return state, decisions, None

    def _resolve(self, state: GameState, env: dict[str, Any], event: str, choice_id: str, spec: tuple[Any, ...],
                 keys: tuple[str, ...]) -> None:
        effects, chances, outcomes, followups, key = spec
        turn = state.turn
        if effects is not None:
            effects(env)
        outcome = None
        if outcomes:
            picked = _pick(outcomes, chances(env), roll(state.seed, "outcome", turn, event, choice_id))
            outcome = picked[0]
            if picked[1] is not None:
                picked[1](env)
        for index, follow in enumerate(followups):
            _schedule(state, follow, [event, choice_id, "", index])
        if outcome is not None:
            for index, follow in enumerate(outcome.followups):
                _schedule(state, follow, [event, choice_id, outcome.id, index])
        state.chose.append(key)
        env[CHOSE_KEY].add(key)
        state.values.update(zip(keys, self.take_values(env), strict=False))
        state.event = None
        state.log.append({"kind": "decision", "turn": turn, "date": self.iso[turn], "event": event,
                          "choice": choice_id, "outcome": outcome.id if outcome is not None else None})
        state.history.append(dict(zip(self.stat_ids, map(float, self.take_stats(env)), strict=False)))
        self._check_endings(state, env, False)
        while state.ending is None and state.event is None:
            self._advance(state, env, keys)

    def _advance(self, state: GameState, env: dict[str, Any], keys: tuple[str, ...]) -> None:
        if state.turn >= self.last_turn:
            env["calendar_over"] = True
            self._check_endings(state, env, True)
            return
        state.turn += 1
        turn = state.turn
        env.update(self.calendar[turn])
        self.rules(env)
        state.values.update(zip(keys, self.take_values(env), strict=False))
        self._check_endings(state, env, False)
        if state.ending is not None:
            return
        self._next_event(state, env)
        if state.event is None:
            state.log.append({"kind": "quiet", "turn": turn, "date": self.iso[turn]})
            state.history.append(dict(zip(self.stat_ids, map(float, self.take_stats(env)), strict=False)))

    def _check_endings(self, state: GameState, env: dict[str, Any], timeout: bool) -> None:
        ending = self.endings(env)
        if ending is None and timeout:
            ending = self.timeout
        state.ending = ending
        if state.ending is not None:
            state.event = None
            state.log.append({"kind": "ending", "turn": state.turn, "ending": state.ending})

    def _next_event(self, state: GameState, env: dict[str, Any]) -> None:
        turn = state.turn
        scheduled = state.scheduled
        if scheduled:
            due = sorted((item for item in scheduled if item[0] <= turn), key=lambda item: (item[0], item[1]))
            for item in due:
                scheduled.remove(item)
                event_id = item[2]
                if event_id not in self.content.events:
                    continue
                follow = self.engine._followup(item[3])
                if follow is not None and follow.when is not None and not follow.when(env):
                    continue
                _fire(state, event_id)
                return
        fired = state.fired
        blocked = {item[2] for item in scheduled}
        last_fired = state.last_fired
        for ident in fired:
            if ident in self.once:
                blocked.add(ident)
            else:
                cooldown = self.cooldown.get(ident)
                if cooldown is None or turn - last_fired[ident] <= cooldown:
                    blocked.add(ident)
        for group in self.groups:
            eligible, weights = group(env, blocked)
            if eligible:
                _fire(state, _pick(eligible, weights, roll(state.seed, "draw", turn)))
                return

    # --- trust, but verify --------------------------------------------------------------------

    def agrees(self, seeds: Sequence[int] = (1, 2, 3, 4, 5)) -> bool:
        """Whether games played here equal the engine's own, for random play on these seeds."""
        for seed in seeds:
            fast, _, _ = self.play(seed, _random_choices(seed))
            slow, _, _ = EnginePlayer(self.engine).play(seed, _random_choices(seed))
            if fast.to_dict() != slow.to_dict():
                return False
        return True


class EnginePlayer:
    """The same interface as AutoPlayer, played through the engine's own `choose()`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def play(self, seed: int, decide: Decide, max_decisions: int = 10_000) -> tuple[GameState, int, str | None]:
        engine = self.engine
        state = engine.new_game(seed)
        decisions = 0
        while state.ending is None and decisions < max_decisions:
            event = state.event
            assert event is not None
            picked = decide(event, engine.choice_options(state), state, engine.environment(state))
            if picked is None:
                return state, decisions, event
            state = engine.choose(state, picked).state
            decisions += 1
        return state, decisions, None


def player_for(content: Content) -> AutoPlayer | EnginePlayer:
    """The fast player when it plays the engine's games exactly, else the engine itself."""
    try:
        fast = AutoPlayer(content)
    except Unsupported:
        return EnginePlayer(Engine(content))
    return fast if fast.agrees() else EnginePlayer(fast.engine)


def _random_choices(seed: int) -> Decide:
    rng = random.Random(seed)

    def pick(event: str, options: list[tuple[str, int, bool]], state: GameState, env: dict[str, Any]) -> str | None:
        ids = [cid for cid, _posture, ok in options if ok]
        return ids[int(rng.random() * len(ids))] if ids else None

    return pick


def _getter(names: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function giving the values of `names` from a mapping, as a tuple, in one call (itemgetter
    gives a bare value for a single name, hence the special cases)."""
    if len(names) == 1:
        only = names[0]
        return lambda env: (env[only],)
    if not names:
        return lambda env: ()
    return operator.itemgetter(*names)


def _schedule(state: GameState, follow: CompiledFollowUp, origin: list[Any]) -> None:
    state.sequence += 1
    state.scheduled.append([state.turn + follow.after, state.sequence, follow.event, origin])


def _fire(state: GameState, event_id: str) -> None:
    state.event = event_id
    state.fired[event_id] = state.fired.get(event_id, 0) + 1
    state.last_fired[event_id] = state.turn


class _Generator:
    """Builds the generated functions of one content (see game.fastcode)."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.py = Translator(content.names.constants)

    def _kind(self, target: str) -> tuple[str, tuple[float, float] | None]:
        stat = self.content.stats.get(target)
        if stat is not None:
            return "stat", (stat.min, stat.max)
        if target in self.content.counters:
            return "counter", (-COUNTER_LIMIT, COUNTER_LIMIT)
        return "flag", None

    def _statements(self, texts: Sequence[str], indent: str) -> str:
        out = ""
        for text in texts:
            target = text.split("=", 1)[0].strip(" +-\t")
            kind, bounds = self._kind(target)
            out += self.py.effect(text, kind, bounds, indent)
        return out

    def effects(self, texts: Sequence[str], label: str) -> Callable[[dict[str, Any]], None] | None:
        if not texts:
            return None
        return build("def effects(v):\n" + self._statements(texts, "    "), "effects")

    def rules(self) -> Callable[[dict[str, Any]], None]:
        source = "def rules(v):\n    pass\n"
        for rule in self.content.rules:
            source += f"    if {self.py.expression(rule.model.when)}:\n"
            source += self._statements(rule.model.effects, "        ")
        return build(source, "rules")

    def endings(self) -> Callable[[dict[str, Any]], str | None]:
        source = "def endings(v):\n"
        for ending in self.content.endings:
            if ending.model.when is not None:
                source += f"    if {self.py.expression(ending.model.when)}:\n        return {ending.model.id!r}\n"
        source += "    return None\n"
        return build(source, "endings")

    def groups(self) -> list[Callable[[dict[str, Any], set[str]], tuple[list[str], list[Any]]]]:
        groups: list[list[Any]] = []
        last = None
        for event in sorted(self.content.events.values(), key=lambda e: -e.model.priority):
            if event.model.trigger is None:
                continue
            if event.model.priority != last:
                groups.append([])
                last = event.model.priority
            groups[-1].append(event.model)
        built = []
        for members in groups:
            source = "def group(v, blocked):\n    eligible = []\n    weights = []\n"
            for model in members:
                source += (f"    if {model.id!r} not in blocked and {self.py.expression(model.trigger)}:\n"
                           f"        w = {self.py.expression(model.weight)}\n"
                           f"        if w > 0:\n"
                           f"            eligible.append({model.id!r})\n"
                           f"            weights.append(w)\n")
            source += "    return eligible, weights\n"
            built.append(build(source, "group"))
        return built

    def options(self, event_id: str) -> Callable[[dict[str, Any]], list[tuple[str, int, bool]]]:
        source = "def options(v):\n    out = []\n"
        for choice in self.content.events[event_id].model.choice:
            available = "True" if choice.available_if is None else f"bool({self.py.expression(choice.available_if)})"
            item = f"out.append(({choice.id!r}, {choice.posture!r}, {available}))"
            if choice.visible_if is None:
                source += f"    {item}\n"
            else:
                source += f"    if {self.py.expression(choice.visible_if)}:\n        {item}\n"
        source += "    return out\n"
        return build(source, "options")

    def chances(self, event_id: str, choice_id: str) -> Callable[[dict[str, Any]], list[float]]:
        model = self.content.events[event_id].model.choice_by_id(choice_id)
        parts = [f"max(0.0, float({self.py.expression(o.chance)}))" for o in model.outcome]
        return build("def chances(v):\n    return [" + ", ".join(parts) + "]\n", "chances")


def _with_texts(event: Any) -> list[Any]:
    """The event's compiled choices, each with the effect texts of its model (for code generation)."""
    out = []
    for choice in event.choices:
        model = event.model.choice_by_id(choice.id)
        out.append(_ChoiceTexts(choice, model))
    return out


class _ChoiceTexts:
    def __init__(self, compiled: Any, model: Any) -> None:
        self.id = compiled.id
        self.followups = compiled.followups
        self.model_effects = list(model.effects)
        texts = {o.id: list(o.effects) for o in model.outcome}
        self.outcomes = [_OutcomeTexts(o, texts[o.id]) for o in compiled.outcomes]


class _OutcomeTexts:
    def __init__(self, compiled: Any, effects: list[str]) -> None:
        self.id = compiled.id
        self.followups = compiled.followups
        self.model_effects = effects
