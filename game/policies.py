"""Policies that play like people, for automated play and the analyst's futures.

A policy is called at each decision with (event id, options as (choice id, posture, available),
ids of the available choices, a random generator, the game's environment) and returns a choice id.

- `counsel`: follows the weighted majority of the advisors who speak on the decision: each choice
  scores one for every advisor in favour and minus one for every advisor against; ties are broken
  at random.
- `lookahead`: looks one decision ahead on what the player can see: the expected change each choice
  makes to each meter (its effects, and its outcomes' effects weighted by their chances now),
  valued by what the scenario's endings say about that meter (a meter that is low in bad endings'
  conditions is worth raising), the endings ranked by the scenario's `grades`; a flag that ends the
  game once set (`when = "nuclear_use"`) weighs as much as reaching that ending, times its chance;
  the change the choice makes to the danger of the game (how likely the outcomes that end it would
  be, were their events to come now: a meter such a chance reads is worth keeping low even when no
  ending names it); the standing consequences it switches on or off (the rules whose conditions
  read what it changes), each over the next turns it would act on, discounted; and the follow-ups
  the choice brings (those whose condition holds now), each worth its best answer, discounted.
"""

from __future__ import annotations

import ast
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from game.content import CompiledChoice, CompiledRule, Content
from game.engine import WRITTEN_KEY, Decide, Engine, GameState
from game.expr import CHOSE_KEY, LEFT_KEY, Compiled, Effect, reads
from game.text import conditional
from game.text import votes as given_votes

Options = Sequence[tuple[str, int, bool]]
Policy = Callable[[str, Options, tuple[str, ...], random.Random, Mapping[str, Any]], str]

POLICIES: dict[str, str] = {
    "random": "uniformly random among the available choices",
    "explore": "steers toward choices not yet taken and events not yet reached",
    "cautious": "always the most restrained available choice (lowest posture)",
    "forceful": "always the most forceful available choice (highest posture)",
    "counsel": "follows the majority of the advisors' counsel (for minus against), ties at random",
    "lookahead": "one decision ahead: the choice whose expected effects move the meters the endings favour",
}
#: How often each policy takes a standing action when one is open, before a decision (by default).
#: The random player takes a random open action; the explorer the one it has taken least; the
#: cautious and forceful players, which follow the postures of choices, take none.
ACT_CHANCE: dict[str, float] = {"random": 0.3, "explore": 0.5, "cautious": 0.0, "forceful": 0.0}


def _best(scored: Sequence[tuple[str, float]], rng: random.Random) -> str:
    """The id with the highest score; among equals, one at random."""
    top = max(score for _ident, score in scored)
    best = [ident for ident, score in scored if score == top]
    return best[0] if len(best) == 1 else best[int(rng.random() * len(best))]


class Counsel:
    """Follows the majority of the advisors' counsel (see the module's documentation); an advisor who
    has left no longer counts."""

    def __init__(self, content: Content) -> None:
        #: each choice's votes: (advisor, +1 for, -1 against)
        self.votes: dict[tuple[str, str], tuple[tuple[str, int], ...]] = {
            (event.id, choice.id): tuple((c.advisor, 1 if c.position == "for" else -1) for c in choice.counsel)
            for event in content.events.values() for choice in event.model.choice
        }
        #: the counsel of the events where some is given under conditions: their votes are read at the decision
        self.conditional = {
            (event.id, choice.id): choice.counsel for event in content.events.values()
            if any(conditional(c.counsel) for c in event.choices) for choice in event.choices
        }
        self.conditional_events = {event for event, _choice in self.conditional}

    def __call__(self, event: str, options: Options, ids: tuple[str, ...], rng: random.Random,
                 env: Mapping[str, Any]) -> str:
        if len(ids) == 1:
            return ids[0]
        if event in self.conditional_events:  # (the counsel given now, as the player reads it)
            return _best([(ident, sum(1 if position == "for" else -1
                                      for _a, position in given_votes(self.conditional[event, ident], env)))
                          for ident in ids], rng)
        left = env.get(LEFT_KEY) or ()
        votes = self.votes
        return _best([(ident, sum(v for a, v in votes.get((event, ident), ()) if a not in left)) for ident in ids],
                     rng)


def grade_rank(content: Content) -> dict[str, float]:
    """Each ending's place from worst (-1) to best (+1) by the scenario's grades (0 when unranked)."""
    grades = content.scenario.grades
    if len(grades) < 2:
        return {ending.model.id: 0.0 for ending in content.endings}
    place = {grade: 2 * index / (len(grades) - 1) - 1 for index, grade in enumerate(grades)}
    return {ending.model.id: place.get(ending.model.grade, 0.0) for ending in content.endings}


#: (name, +1 or -1, threshold, the ending's rank) for each comparison of a stat in an ending's condition
Edge = tuple[str, int, float, float]


def _ranked_leanings(content: Content) -> Iterator[tuple[float, str, int, float | None]]:
    """(ending's worth, name, +1 or -1, threshold or None) for each leaning of each ranked ending's
    condition (see `_ranked_conditions` for the worth)."""
    for worth, tree in _ranked_conditions(content):
        for name, direction, threshold in _leanings(tree, 1):
            yield worth, name, direction, threshold


def ending_flags(content: Content) -> dict[str, float]:
    """The flags that end the game on the spot once set (`when = "nuclear_use"`, or one side of an
    `or`), each with the summed worth of the endings it brings."""
    found: dict[str, float] = {}
    for worth, tree in _ranked_conditions(content):
        if _at_calendar_end(tree):
            continue
        for name in _sufficient(tree):
            if name in content.flags:
                found[name] = found.get(name, 0.0) + worth
    return found


def _sufficient(node: ast.expr) -> set[str]:
    """The names that make the condition hold by themselves when true."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return set().union(*(_sufficient(value) for value in node.values))
    return set()


def _ranked_conditions(content: Content) -> Iterator[tuple[float, ast.expr]]:
    """(ending's worth, its condition) for each ranked ending with a condition. An ending that can
    come before the calendar runs out also takes away the rest of the game: it is worth its rank less
    what playing on is worth on average (the mean rank of the endings reached when the calendar runs
    out), so that being dismissed in January is worse than a poor ending in February."""
    rank = grade_rank(content)
    parsed = []
    for ending in content.endings:
        text = ending.model.when
        try:
            tree = None if text is None else ast.parse(text.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            continue
        parsed.append((ending.model.id, tree))
    at_the_end = [rank[ident] for ident, tree in parsed if tree is None or _at_calendar_end(tree)]
    playing_on = sum(at_the_end) / len(at_the_end) if at_the_end else 0.0
    for ident, tree in parsed:
        if tree is None or not rank[ident]:
            continue
        yield (rank[ident] if _at_calendar_end(tree) else rank[ident] - playing_on), tree


def _at_calendar_end(tree: ast.expr) -> bool:
    """Whether a condition holds only once the calendar has run out (`calendar_over and ...`)."""
    def over(node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == "calendar_over"
    return over(tree) or (isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) and any(map(over, tree.values)))


def ending_edges(content: Content) -> list[Edge]:
    """Where each stat's comparisons in the endings' conditions lie, with the endings' ranks."""
    return [(name, direction, threshold, rank) for rank, name, direction, threshold in _ranked_leanings(content)
            if threshold is not None and name in content.stats]


def meter_worth(content: Content) -> dict[str, float]:
    """How much raising each stat by its whole range (or setting each flag) is worth, read from the
    endings' conditions: `front <= 0` in a bad ending makes the front worth raising, `ceasefire` in a
    good ending makes the flag worth setting; each weighted by the ending's rank."""
    worth = dict.fromkeys((*content.stats, *content.flags), 0.0)
    for rank, name, direction, _threshold in _ranked_leanings(content):
        if name in worth:
            worth[name] += rank * direction
    return worth


def _number(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


_UP = {ast.Gt: 1, ast.GtE: 1, ast.Lt: -1, ast.LtE: -1}


def _leanings(node: ast.expr, sign: int) -> list[tuple[str, int, float | None]]:
    """(name, +1 or -1, threshold) for each name the condition is the likelier to hold the higher (or
    the lower) it is, with the number it is compared with (None for a flag)."""
    if isinstance(node, ast.BoolOp):
        return [found for value in node.values for found in _leanings(value, sign)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _leanings(node.operand, -sign)
    if isinstance(node, ast.Name):
        return [(node.id, sign, None)]
    if isinstance(node, ast.Compare) and len(node.ops) == 1:
        direction = _UP.get(type(node.ops[0]))
        left, right = node.left, node.comparators[0]
        if direction is not None and isinstance(left, ast.Name) and _number(right):
            return [(left.id, sign * direction, float(right.value))]  # type: ignore[attr-defined]
        if direction is not None and isinstance(right, ast.Name) and _number(left):
            return [(right.id, -sign * direction, float(left.value))]  # type: ignore[attr-defined]
    return []


#: how near an edge counts (a share of the stat's range), and what being at it is worth against the
#: meters' worth over their whole ranges
EDGE_SPAN = 0.2
EDGE_WEIGHT = 8.0


def _near(value: float, direction: int, threshold: float, scale: float) -> float:
    """1 at or past the edge (where the comparison holds), falling to 0 at `scale` away from it."""
    gap = (threshold - value) if direction > 0 else (value - threshold)
    if gap <= 0:
        return 1.0
    return max(0.0, 1 - gap / scale) if scale > 0 else 0.0


#: what the best answer to a follow-up a choice brings is worth, against the choice's own effects
FOLLOW_UP_WEIGHT = 0.6
#: what a change in the danger of the game is worth (see `Lookahead.danger`), against the meters' worth
DANGER_WEIGHT = 4.0
#: what a standing consequence a choice switches on (or off) is worth: its effects on each of the
#: next RULE_HORIZON turns it would act on, each discounted by RULE_WEIGHT
RULE_WEIGHT = 0.5
RULE_HORIZON = 6

#: one choice (to see whether it is open) and its outcomes as (chance, the worth of the endings the
#: outcome brings on the spot, or 0)
Gamble = tuple[CompiledChoice, tuple[tuple[Compiled, float], ...]]


def _ends_with(effects: Sequence[Effect], ends: Mapping[str, float]) -> float:
    """The worth of the endings that effects bring on the spot, by setting flags that end the game."""
    return sum(ends.get(effect.target, 0.0) for effect in effects if effect.op == "=" and effect.constant is True)


class Lookahead:
    """Picks by a shallow look-ahead on the meters (see the module's documentation)."""

    def __init__(self, content: Content) -> None:
        self.content = content
        worth = meter_worth(content)
        spans = {ident: stat.max - stat.min for ident, stat in content.stats.items()}
        spans.update(dict.fromkeys(content.flags, 1))
        self.worth = {ident: value / spans[ident] for ident, value in worth.items() if value and spans[ident] > 0}
        # setting a flag that ends the game is reaching that ending: it weighs as an edge does (times its chance)
        for flag, ending_worth in ending_flags(content).items():
            self.worth[flag] = self.worth.get(flag, 0.0) + EDGE_WEIGHT * ending_worth
        self.edges = [(name, direction, threshold, rank, EDGE_SPAN * spans[name])
                      for name, direction, threshold, rank in ending_edges(content)]
        self.tracked = set(self.worth) | {edge[0] for edge in self.edges}
        self.choices = {(event.id, choice.id): choice for event in content.events.values() for choice in event.choices}
        self.events = content.events
        self.event_of = {id(choice): event.id for event in content.events.values() for choice in event.choices}
        # the events where an outcome can end the game on the spot: each choice's gamble
        ends = ending_flags(content)
        self.gambles: list[tuple[Gamble, ...]] = []
        for event in content.events.values():
            gambles = tuple((choice, tuple((outcome.chance, _ends_with(outcome.effects, ends))
                                           for outcome in choice.outcomes)) for choice in event.choices)
            if any(worth for _choice, outcomes in gambles for _chance, worth in outcomes):
                self.gambles.append(gambles)
        self.bounds = {ident: (float(stat.min), float(stat.max)) for ident, stat in content.stats.items()}
        if self.gambles:  # (any stat may move a chance of disaster)
            self.tracked |= set(content.stats)
        # effects worked out as the engine applies them (in order, each kept within its bounds)
        self.engine = Engine(content)
        # the standing consequences (rules) by the names their conditions read, and the calendar ahead
        self.rules_reading: dict[str, list[CompiledRule]] = {}
        for rule in content.rules:
            for name in reads(rule.model.when, content.names):
                self.rules_reading.setdefault(name, []).append(rule)
        self.calendar = {turn: content.calendar(turn) for turn in range(1, content.scenario.last_turn + 1)}

    def danger(self, env: Mapping[str, Any]) -> float:
        """What the outcomes that end the game on the spot are worth, were each of their events to come
        now and be met with its least dangerous choice open now: 0 when nothing can go wrong, below 0
        as the meters their chances read make disaster likelier (above 0 for an outcome that ends well)."""
        total = 0.0
        for gambles in self.gambles:
            safest = None
            for choice, outcomes in gambles:
                if (choice.visible is not None and not choice.visible(env)) or (
                        choice.available is not None and not choice.available(env)):
                    continue
                chances = [max(0.0, float(chance(env))) for chance, _worth in outcomes]
                whole = sum(chances)
                worth = sum(c * w for c, (_chance, w) in zip(chances, outcomes, strict=True)) / whole if whole else 0.0
                safest = worth if safest is None or worth > safest else safest
            total += safest or 0.0
        return total

    def value(self, choice: CompiledChoice, env: Mapping[str, Any], depth: int = 1,
              danger: float | None = None) -> float:
        """The expected worth of what the choice does, in the environment now: its expected change to
        each meter valued by the meter's worth, and by how much nearer it brings a meter to an edge
        of an ending (nearer a bad ending's edge costs, nearer a good one's pays), both counting what
        the standing consequences it switches on or off would do (`_standing`); the change it makes
        to the danger of the game (`danger`, which is `self.danger(env)` when not given), weighed by
        DANGER_WEIGHT; and, `depth` steps on, the worth of the best answer to each follow-up it
        brings (whose condition holds now), discounted by FOLLOW_UP_WEIGHT."""
        moves: dict[str, float] = {}
        self._effects(choice.effects, env, 1.0, moves)
        follows = [(follow, 1.0) for follow in choice.followups]
        worlds: list[tuple[Sequence[Effect], float]] = [(choice.effects, 1.0)]
        if choice.outcomes:
            # (the outcome is drawn, and its effects worked out, once the choice's own effects are in)
            after = self._after(choice.effects, env) if choice.effects else env
            chances = [max(0.0, float(outcome.chance(after))) for outcome in choice.outcomes]
            whole = sum(chances)
            if whole > 0:
                worlds = []
                for outcome, chance in zip(choice.outcomes, chances, strict=True):
                    if chance:
                        self._effects(outcome.effects, after, chance / whole, moves)
                        follows.extend((follow, chance / whole) for follow in outcome.followups)
                        worlds.append(((*choice.effects, *outcome.effects), chance / whole))
        if self.rules_reading:
            for effects, share in worlds:
                self._standing(effects, choice, env, share, moves)
        worth = self.worth
        total = sum(worth.get(name, 0.0) * move for name, move in moves.items())
        for name, direction, threshold, rank, scale in self.edges:
            move = moves.get(name)
            if move:
                now = float(env[name])
                total += EDGE_WEIGHT * rank * (_near(now + move, direction, threshold, scale)
                                               - _near(now, direction, threshold, scale))
        if self.gambles:
            moved = {name: min(high, max(low, float(env[name]) + move))
                     for name, move in moves.items() if move and name in self.bounds
                     for low, high in (self.bounds[name],)}
            if any(value != env[name] for name, value in moved.items()):
                now = self.danger(env) if danger is None else danger
                total += DANGER_WEIGHT * (self.danger({**env, **moved}) - now)
        if depth > 0:
            for follow, share in follows:
                event = self.events.get(follow.event)
                if event is None or not event.choices or (follow.when is not None and not follow.when(env)):
                    continue
                best = max(self.value(answer, env, depth - 1, danger) for answer in event.choices)
                total += FOLLOW_UP_WEIGHT * share * best
        return total

    def _standing(self, effects: Sequence[Effect], choice: CompiledChoice, env: Mapping[str, Any], share: float,
                  moves: dict[str, float]) -> None:
        """Add to `moves` what the standing consequences (rules) that the effects switch on or off would
        do over the next turns (those switched on add their effects, those switched off take theirs
        away), discounted by RULE_WEIGHT and weighted by `share`."""
        moved = self._after(effects, env)
        changed = {name: moved[name] for name in self.rules_reading if name in env and moved[name] != env[name]}
        rules = {id(rule): rule for name in changed for rule in self.rules_reading[name]}
        event = self.event_of.get(id(choice))
        if event is not None and CHOSE_KEY in self.rules_reading and CHOSE_KEY in env:
            changed[CHOSE_KEY] = {*env[CHOSE_KEY], f"{event}.{choice.id}"}
            rules.update((id(rule), rule) for rule in self.rules_reading[CHOSE_KEY])
        if not rules:
            return
        turn = int(env.get("turn", 0))
        for later in range(turn + 1, turn + 1 + RULE_HORIZON):
            calendar = self.calendar.get(later)
            if calendar is None:
                break
            before = {**env, **calendar}
            after = {**before, **changed}
            for rule in rules.values():
                held, holds = bool(rule.when(before)), bool(rule.when(after))
                if held != holds:
                    weight = share * RULE_WEIGHT * (1 if holds else -1)
                    self._effects(rule.effects, after if holds else before, weight, moves)

    def _after(self, effects: Sequence[Effect], env: Mapping[str, Any]) -> dict[str, Any]:
        """The environment as the effects leave it, applied by the engine; `env` is not changed."""
        after = {**env, WRITTEN_KEY: set()}  # (the engine notes what it writes there, in place)
        self.engine.apply(effects, after)
        return after

    def _effects(self, effects: Sequence[Effect], env: Mapping[str, Any], share: float,
                 moves: dict[str, float]) -> None:
        for effect in effects:
            target = effect.target
            if target not in self.tracked:
                continue
            amount = float(effect.value(env))
            if effect.op == "=":
                amount -= float(env[target])
            elif effect.op == "-=":
                amount = -amount
            moves[target] = moves.get(target, 0.0) + share * amount

    def __call__(self, event: str, options: Options, ids: tuple[str, ...], rng: random.Random,
                 env: Mapping[str, Any]) -> str:
        if len(ids) == 1:
            return ids[0]
        choices = self.choices
        danger = self.danger(env) if self.gambles else 0.0
        return _best([(ident, round(self.value(choices[event, ident], env, danger=danger), 9)) for ident in ids], rng)


def forcing(option: str, policy: Policy, rng: random.Random) -> Decide:
    """A `decide` for automated play that takes `option` at the first decision, then lets `policy` play."""
    forced = [option]

    def decide(event: str, choices: list[tuple[str, int, bool]], state: GameState,
               env: dict[str, Any]) -> str | None:
        if forced:
            return forced.pop()
        ids = tuple(choice for choice, _posture, ok in choices if ok)
        if not ids:
            return None
        return policy(event, choices, ids, rng, env)

    return decide


# --- the policies by name, and how they take standing actions ---------------------------------


class Explorer:
    """Steers toward the least-taken choice, and first toward choices that schedule unreached events.

    Its memory lasts one chunk of games, so a run's result does not depend on how chunks are
    shared among processes.
    """

    def __init__(self, content: Content) -> None:
        self.taken: dict[str, int] = {}
        self.reached: set[str] = set()
        self.schedules: dict[str, tuple[str, ...]] = {}
        for event in content.events.values():
            for choice in event.choices:
                targets = [f.event for f in choice.followups]
                for outcome in choice.outcomes:
                    targets += [f.event for f in outcome.followups]
                self.schedules[f"{event.id}.{choice.id}"] = tuple(targets)

    def __call__(self, event: str, options: Sequence[tuple[str, int, bool]], ids: tuple[str, ...],
                 rng: random.Random, env: Mapping[str, Any]) -> str:
        best: list[str] = []
        best_score = None
        for choice_id, _posture, ok in options:
            if not ok:
                continue
            key = f"{event}.{choice_id}"
            score = self.taken.get(key, 0)
            if any(target not in self.reached for target in self.schedules[key]):
                score -= 1_000_000
            if best_score is None or score < best_score:
                best, best_score = [choice_id], score
            elif score == best_score:
                best.append(choice_id)
        picked = best[0] if len(best) == 1 else best[int(rng.random() * len(best))]
        key = f"{event}.{picked}"
        self.taken[key] = self.taken.get(key, 0) + 1
        return picked


def _random(event: str, options: Sequence[tuple[str, int, bool]], ids: tuple[str, ...], rng: random.Random,
            env: Mapping[str, Any]) -> str:
    return ids[0] if len(ids) == 1 else ids[int(rng.random() * len(ids))]


def _by_posture(sign: int) -> Policy:
    def pick(event: str, options: Sequence[tuple[str, int, bool]], ids: tuple[str, ...], rng: random.Random,
             env: Mapping[str, Any]) -> str:
        best: list[str] = []
        best_score = None
        for choice_id, posture, ok in options:
            if not ok:
                continue
            score = posture * sign
            if best_score is None or score > best_score:
                best, best_score = [choice_id], score
            elif score == best_score:
                best.append(choice_id)
        return best[0] if len(best) == 1 else best[int(rng.random() * len(best))]

    return pick


#: (event, every action as (id, posture, what blocks it or ""), rng) -> an action to take, or None
ActPolicy = Callable[[str, Sequence[tuple[str, int, str]], random.Random], "str | None"]


def make_act_policy(name: str, chance: float | None = None) -> ActPolicy | None:
    """How a policy takes standing actions (None: it takes none). With `chance`, that chance of
    taking one when one is open, in place of the policy's own (ACT_CHANCE). Its memory is fresh."""
    chance = ACT_CHANCE.get(name, 0.0) if chance is None else chance
    if chance <= 0:
        return None
    taken: dict[str, int] = {}

    def act(event: str, options: Sequence[tuple[str, int, str]], rng: random.Random) -> str | None:
        ids = [ident for ident, _posture, why in options if not why]
        if not ids or rng.random() >= chance:
            return None
        if name == "explore":
            least = min(taken.get(ident, 0) for ident in ids)
            ids = [ident for ident in ids if taken.get(ident, 0) == least]
        picked = ids[0] if len(ids) == 1 else ids[int(rng.random() * len(ids))]
        taken[picked] = taken.get(picked, 0) + 1
        return picked

    return act


def act_rng(seed: int) -> random.Random:
    """The chance a game's standing actions are taken by, apart from its choices' (so a scenario
    without actions plays as it did before they existed)."""
    return random.Random(f"{seed}:actions")


def make_policy(name: str, content: Content) -> Policy:
    """A fresh policy by name (see POLICIES)."""
    if name == "random":
        return _random
    if name == "explore":
        return Explorer(content)
    if name == "cautious":
        return _by_posture(-1)
    if name == "forceful":
        return _by_posture(1)
    if name == "counsel":
        return Counsel(content)
    if name == "lookahead":
        return Lookahead(content)
    raise ValueError(f"unknown policy '{name}' (the policies are: {', '.join(POLICIES)})")
