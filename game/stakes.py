"""What is at stake, from what the player can see: where each meter ends the game (danger zones, read
from the endings' conditions) and which way each choice is expected to push the meters (leanings).

Nothing here reads the truth of a hidden stat: its estimate stands in for it, and whatever depends
on it is marked uncertain.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from game.authoring.intervals import Abstract, Span, evaluate, never_holds
from game.content import CompiledChoice, Content
from game.engine import Engine, GameState
from game.expr import CHOSE_KEY, Compiled, Effect, ExprError, compile_expr, reads

#: at most this many clauses of an ending's condition are read (a condition written as a long product
#: of `or`s inside `and`s is left alone rather than expanded)
MAX_CLAUSES = 64
#: how many meters a leaning names
MAX_PUSHES = 3


@dataclass(frozen=True)
class Zone:
    """Values of one meter at which an ending holds: from `low` to `high` (an open end is strict), when
    `condition` holds too ("" when the meter alone ends the game there)."""

    stat: str
    low: float
    high: float
    low_open: bool
    high_open: bool
    ending: str
    title: str
    condition: str = ""
    #: the condition as the player reads it: a flag by its description
    condition_text: str = ""

    def contains(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def distance(self, low: float, high: float) -> float:
        """How far the values from `low` to `high` are from the zone (0 when they reach into it)."""
        if high < self.low or (high == self.low and self.low_open):
            return self.low - high
        if low > self.high or (low == self.high and self.high_open):
            return low - self.high
        return 0.0

    def describe(self, bottom: float, top: float) -> str:
        """'≤ 0', '≥ 82', '< 15' or '20–30', for a meter whose range is `bottom` to `top`."""
        if self.low <= bottom:
            return f"{'<' if self.high_open else '≤'} {_number(self.high)}"
        if self.high >= top:
            return f"{'>' if self.low_open else '≥'} {_number(self.low)}"
        return f"{_number(self.low)}–{_number(self.high)}"


@dataclass(frozen=True)
class Warning:
    """A meter near (or, as far as the player can tell, possibly inside) one of its danger zones."""

    stat: str
    label: str
    zone: Zone
    distance: float
    estimated: bool  # judged from an estimate's band, not a value the player knows

    def text(self, bottom: float, top: float) -> str:
        where = self.zone.describe(bottom, top)
        if self.distance <= 0:
            near = "may be at" if self.estimated else "at"
            return f"{self.label} {near} {where}: “{self.zone.title}” ends the game there"
        how = "its estimate is" if self.estimated else "it is"
        return (f"{self.label} nears {where} ({how} {_number(self.distance)} away): "
                f"“{self.zone.title}” ends the game there")


@dataclass(frozen=True)
class Push:
    """The expected change a choice makes to one meter, as the player can foresee it."""

    stat: str
    label: str
    change: float
    size: int  # 1 to 3 arrows
    uncertain: bool  # it depends on a hidden stat, read from its estimate

    @property
    def arrows(self) -> str:
        return ("▲" if self.change > 0 else "▼") * self.size + ("?" if self.uncertain else "")


@dataclass(frozen=True)
class Leaning:
    """Which way a choice is expected to push the meters it moves most, and whether it can end the game
    at once (with the odds when chance decides)."""

    choice: str
    pushes: tuple[Push, ...]
    ends: tuple[str, ...]  # the titles of the endings it can bring about at once
    ending_chance: float  # 0 when it cannot
    uncertain: bool  # the chance of ending depends on a hidden stat
    #: the endings it brings near (a meter left within its margin of a danger zone that was not near
    #: before, e.g. a zone whose condition the choice makes true), and the chance of that
    nears: tuple[str, ...] = ()
    near_chance: float = 0.0

    @property
    def near_text(self) -> str:
        """'Brings an ending within reach: “X”', with the odds when chance decides; '' when it does not."""
        if not self.nears:
            return ""
        titles = ", ".join(f"“{title}”" for title in self.nears)
        if self.near_chance >= 0.9995:
            return f"Brings an ending within reach: {titles}"
        return f"May bring an ending within reach ({max(1, round(self.near_chance * 100))}% chance): {titles}"

    @property
    def ending_text(self) -> str:
        """'Ends the game at once: “X”', with the odds when chance decides; '' when it cannot."""
        if not self.ends:
            return ""
        titles = ", ".join(f"“{title}”" for title in self.ends)
        if self.ending_chance >= 0.9995:
            odds = ""
        else:
            percent = max(1, round(self.ending_chance * 100))
            about, estimated = ("about ", ", by estimate") if self.uncertain else ("", "")
            odds = f" ({about}{percent}% chance{estimated})"
        return f"Can end the game at once{odds}: {titles}" if odds else f"Ends the game at once: {titles}"


@dataclass(frozen=True)
class StakesView:
    """What the player is shown of the stakes at one decision."""

    zones: Mapping[str, tuple[Zone, ...]]
    warnings: tuple[Warning, ...]
    leanings: Mapping[str, Leaning]
    show_leanings: bool  # the arrows (whether a choice ends the game is said either way)


class Stakes:
    """The danger zones of a content, and the leanings of a decision's choices. Made once per content."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        content = engine.content
        self.content = content
        self.zones: dict[str, tuple[Zone, ...]] = danger_zones(content)
        self.margins: dict[str, float] = {ident: margin(content, ident) for ident in self.zones}
        self._conditions: dict[str, Compiled | None] = {}
        self._hidden = frozenset(ident for ident, stat in content.stats.items() if stat.hidden is not None)
        self._ending_reads = {e.model.id: reads(e.model.when, content.names) for e in content.endings
                              if e.model.when is not None}

    @property
    def leanings_shown(self) -> bool:
        """Whether the scenario lets choices show their leanings."""
        return self.content.scenario.leanings

    def view(self, state: GameState, show_leanings: bool = True) -> StakesView:
        """The zones, the warnings and the leanings at this state; the arrows only if the scenario and the
        player (`show_leanings`) both want them."""
        return StakesView(self.zones, self.warnings(state), self.leanings(state),
                          show_leanings and self.leanings_shown)

    # --- danger zones -------------------------------------------------------------------------

    def warnings(self, state: GameState) -> tuple[Warning, ...]:
        """The meters within their margin of a danger zone that applies now (judged, for a hidden
        stat, from its estimate's band), nearest first."""
        env = self.seen(state)
        found = []
        for view in self.engine.stats(state):
            for zone in self.zones.get(view.id, ()):
                if not self._applies(zone, env):
                    continue
                distance = zone.distance(view.low, view.high)
                if distance <= self.margins[view.id]:
                    found.append(Warning(view.id, view.label, zone, distance, view.hidden))
        return tuple(sorted(found, key=lambda w: w.distance / self._range(w.stat)))

    def _applies(self, zone: Zone, env: Mapping[str, Any]) -> bool:
        """Whether the rest of a zone's clause holds now, as the player sees things."""
        if not zone.condition:
            return True
        if zone.condition not in self._conditions:
            try:
                test: Compiled | None = compile_expr(zone.condition, self.content.names, "bool")
            except ExprError:
                test = None
            self._conditions[zone.condition] = test
        test = self._conditions[zone.condition]
        return test is None or bool(test(env))

    def _range(self, ident: str) -> float:
        stat = self.content.stats[ident]
        return float(stat.max - stat.min) or 1.0

    # --- leanings -----------------------------------------------------------------------------

    def seen(self, state: GameState) -> dict[str, Any]:
        """The environment of a state as the player sees it: each hidden stat at its estimate."""
        env = self.engine.environment(state)
        for ident in self._hidden:
            env[ident] = self.engine.estimate(state.values, ident, state.seed)[0]
        return env

    def leanings(self, state: GameState) -> dict[str, Leaning]:
        """The leaning of each visible choice of the current decision, by choice id."""
        if state.over or state.event is None:
            return {}
        event = self.content.events[state.event]
        env = self.seen(state)
        found = {}
        for choice in event.choices:
            if choice.visible is not None and not choice.visible(env):
                continue
            found[choice.id] = self.leaning(state.event, choice, env)
        return found

    def leaning(self, event_id: str, choice: CompiledChoice, env: Mapping[str, Any]) -> Leaning:
        """A choice's expected changes and its chance of ending the game at once, worked out in `env`."""
        model = self.content.events[event_id].model.choice_by_id(choice.id)
        hidden = self._hidden
        after_choice = self._after(choice.effects, env, event_id, choice.id)
        uncertain = {e.target for e in choice.effects if e.target in hidden or _reads_value(e, self) & hidden}
        if choice.outcomes:
            weights = [max(0.0, float(o.chance(after_choice))) for o in choice.outcomes]
            total = sum(weights)
            chances = [w / total for w in weights] if total > 0 else [0.0] * len(weights)
            chance_unsure = any(self._chance_reads(chance) & hidden for chance in (o.chance for o in model.outcome))
            branches = [(p, self._after(o.effects, after_choice, event_id, choice.id)) for p, o
                        in zip(chances, choice.outcomes, strict=True)]
            for outcome in choice.outcomes:
                uncertain |= {e.target for e in outcome.effects if e.target in hidden or _reads_value(e, self) & hidden}
        else:
            chance_unsure = False
            branches = [(1.0, after_choice)]
        pushes = []
        for ident, stat in self.content.stats.items():
            expected = sum(p * (float(after[ident]) - float(env[ident])) for p, after in branches)
            share = abs(expected) / self._range(ident)
            if share < 0.005:
                continue
            size = 1 if share < 0.04 else 2 if share < 0.08 else 3
            moved_by_chance = chance_unsure and any(float(after[ident]) != float(env[ident]) for _p, after in branches)
            unsure = ident in uncertain or moved_by_chance or ident in hidden
            pushes.append(Push(ident, stat.label, expected, size, unsure))
        pushes.sort(key=lambda p: -abs(p.change) / self._range(p.stat))
        ends: list[str] = []
        ending_chance = 0.0
        ending_unsure = chance_unsure
        for p, after in branches:
            holding = [ending for ending in self.content.endings
                       if ending.when is not None and ending.when(after)]
            if holding and p > 0:
                ending_chance += p
                title = holding[0].model.title
                if title not in ends:
                    ends.append(title)
                ending_unsure |= bool(self._ending_reads[holding[0].model.id] & hidden)
        nears: list[str] = []
        near_chance = 0.0
        already = {zone for zone in self._near(env)}
        for p, after in branches:
            if p <= 0 or any(e.when is not None and e.when(after) for e in self.content.endings):
                continue
            new = [zone for zone in self._near(after) if zone not in already]
            if new:
                near_chance += p
                for zone in new:
                    if zone.title not in nears and zone.title not in ends:
                        nears.append(zone.title)
        return Leaning(choice.id, tuple(pushes[:MAX_PUSHES]), tuple(ends), min(1.0, ending_chance),
                       ending_unsure and bool(ends), tuple(nears), min(1.0, near_chance) if nears else 0.0)

    def _near(self, env: Mapping[str, Any]) -> list[Zone]:
        """The zones that apply in `env` with their meter within its margin of them (read from `env`)."""
        return [zone for ident, zones in self.zones.items() for zone in zones
                if self._applies(zone, env)
                and zone.distance(float(env[ident]), float(env[ident])) <= self.margins[ident]]

    def _after(self, effects: Sequence[Effect], env: Mapping[str, Any], event_id: str, choice_id: str,
               ) -> dict[str, Any]:
        after = dict(env)
        after[CHOSE_KEY] = {*env[CHOSE_KEY], f"{event_id}.{choice_id}"}
        if effects:
            self.engine.apply(effects, after)
        return after

    def _chance_reads(self, chance: float | str) -> frozenset[str]:
        return reads(chance, self.content.names) if isinstance(chance, str) else frozenset()


def _reads_value(effect: Effect, stakes: Stakes) -> frozenset[str]:
    """The names an effect's value reads."""
    value = effect.text.partition(effect.op)[2].strip()
    try:
        return reads(value, stakes.content.names)
    except ExprError:
        return frozenset()


# --- deriving the zones -------------------------------------------------------------------------


def danger_zones(content: Content) -> dict[str, tuple[Zone, ...]]:
    """For each stat, the values at which an ending can hold before the calendar runs out, read from the
    endings' conditions: each `or` of an ending's condition is a clause, and a clause's comparisons of one
    stat with a constant bound a zone (its other parts are the zone's condition). Clauses that need the
    calendar to have run out, that can never hold, or that belong to an ending of the best grade, are left
    out. Stats no ending reads this way have no zones."""
    ranges: dict[str, Abstract] = {ident: Span(float(s.min), float(s.max)) for ident, s in content.stats.items()}
    ranges.update({name: Span(value, value) for name, value in content.names.constants.items()
                   if isinstance(value, (int, float))})
    grades = content.scenario.grades
    zones: dict[str, list[Zone]] = {}
    for ending in content.endings:
        model = ending.model
        if model.when is None or (grades and model.grade == grades[-1] and len(grades) > 1):
            continue
        try:
            tree = ast.parse(model.when.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError):
            continue
        for clause in _clauses(tree) or []:
            texts = [ast.unparse(part) for part in clause]
            if any(text == "calendar_over" for text in texts):
                continue
            bounds: dict[str, list[tuple[str, float]]] = {}
            rest: list[str] = []
            for part, text in zip(clause, texts, strict=True):
                bound = _bound(part, content, ranges)
                if bound is None:
                    rest.append(text)
                else:
                    bounds.setdefault(bound[0], []).append(bound[1:])
            for ident, limits in bounds.items():
                zone = _zone(ident, limits, content, model.id, model.title)
                if zone is None:
                    continue
                others = [f"{name} {op} {_number(value)}" for name, more in bounds.items() if name != ident
                          for op, value in more]
                condition = " and ".join([*others, *rest])
                within = dict(ranges)
                within[ident] = Span(zone.low, zone.high)
                if never_holds(" and ".join(texts), within) is not None:
                    continue
                zones.setdefault(ident, []).append(Zone(zone.stat, zone.low, zone.high, zone.low_open,
                                                        zone.high_open, zone.ending, zone.title, condition,
                                                        _readable(condition, content)))
    return {ident: tuple(found) for ident, found in zones.items()}


def _readable(condition: str, content: Content) -> str:
    """A zone's condition for the player: each flag by its description (lower-cased), `not` as "not"."""
    parts = []
    for part in condition.split(" and ") if condition else []:
        negated = part.startswith("not ")
        name = part[4:] if negated else part
        flag = content.flags.get(name)
        if flag is not None and flag.description:
            text = flag.description.rstrip(".")
            if not text[:2].isupper():  # ("US military aid", not "us military aid")
                text = text[0].lower() + text[1:]
            parts.append(f"not: {text}" if negated else text)
        else:
            parts.append(part)
    return "; and ".join(parts)


def _clauses(node: ast.expr) -> list[list[ast.expr]] | None:
    """The condition as an `or` of `and`s (None when that would be too long to read)."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        result: list[list[ast.expr]] = []
        for value in node.values:
            inner = _clauses(value)
            if inner is None:
                return None
            result += inner
        return result if len(result) <= MAX_CLAUSES else None
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.And):
        product: list[list[ast.expr]] = [[]]
        for value in node.values:
            inner = _clauses(value)
            if inner is None:
                return None
            product = [left + right for left in product for right in inner]
            if len(product) > MAX_CLAUSES:
                return None
        return product
    return [[node]]


_FLIP = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _bound(part: ast.expr, content: Content, ranges: Mapping[str, Abstract]) -> tuple[str, str, float] | None:
    """(stat, operator, constant) for a part that compares one stat with a constant, e.g. `capital <= 0`."""
    if not (isinstance(part, ast.Compare) and len(part.ops) == 1 and type(part.ops[0]) in _FLIP):
        return None
    left, right, op = part.left, part.comparators[0], type(part.ops[0])
    if isinstance(right, ast.Name) and right.id in content.stats:
        left, right, op = right, left, _FLIP[op]
    if not (isinstance(left, ast.Name) and left.id in content.stats):
        return None
    value = evaluate(ast.unparse(right), {k: v for k, v in ranges.items() if k not in content.stats})
    if not (isinstance(value, Span) and value.lo == value.hi and math.isfinite(value.lo)):
        return None
    return left.id, _SYMBOL[op], value.lo


def _zone(ident: str, limits: Sequence[tuple[str, float]], content: Content, ending: str, title: str) -> Zone | None:
    """The values of a stat within its range that meet every one of `limits`, or None if none do."""
    stat = content.stats[ident]
    low, high, low_open, high_open = float(stat.min), float(stat.max), False, False
    for op, value in limits:
        if op in (">", ">=") and (value > low or (value == low and op == ">")):
            low, low_open = value, op == ">"
        elif op in ("<", "<=") and (value < high or (value == high and op == "<")):
            high, high_open = value, op == "<"
    if low > high or (low == high and (low_open or high_open)):
        return None
    if low <= stat.min and high >= stat.max:
        return None  # the whole range: the meter does not decide it
    return Zone(ident, low, high, low_open, high_open, ending, title)


def margin(content: Content, ident: str) -> float:
    """How near a danger zone a meter must be to be warned of: the largest change one decision can make
    to it (a choice's effects and its largest outcome), within 5% and 15% of its range."""
    stat = content.stats[ident]
    span = float(stat.max - stat.min)
    ranges: dict[str, Abstract] = {i: Span(float(s.min), float(s.max)) for i, s in content.stats.items()}
    largest = 0.0
    for event in content.events.values():
        for choice in event.choices:
            own = sum(_size(e, ident, ranges) for e in choice.effects)
            chance = max((sum(_size(e, ident, ranges) for e in o.effects) for o in choice.outcomes), default=0.0)
            largest = max(largest, own + chance)
    return min(0.15 * span, max(0.05 * span, largest))


def _size(effect: Effect, ident: str, ranges: Mapping[str, Abstract]) -> float:
    """The largest step an effect can make to a stat (0 for another target, or a value it cannot bound)."""
    if effect.target != ident or effect.op == "=":
        return 0.0
    if isinstance(effect.constant, (int, float)):
        return abs(float(effect.constant))
    value = evaluate(effect.text.partition(effect.op)[2], ranges)
    if isinstance(value, Span) and math.isfinite(value.lo) and math.isfinite(value.hi):
        return max(abs(value.lo), abs(value.hi))
    return 0.0


def _number(value: float) -> str:
    return f"{value:g}"
