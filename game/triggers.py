"""The draw's triggers, indexed by what they read, so a turn tests only the triggers that can have changed.

The engine draws the next event among those whose trigger holds. Testing every trigger on every
turn costs in proportion to the content; instead, each game carries a `Memo`: which triggers held
at the values it last saw. On the next draw only the triggers that read something that changed since
are tested again (`Watch`, from the one walker of what an expression reads, in `expr.py`):

- a comparison with a constant (`alpha >= 37`, `turn <= 12`) is found by a search among the sorted
  constants of its name, and only when the name's value crossed the constant;
- `fired("id")` and `chose("event", "choice")` only when that event fired or that choice was taken;
- anything else a trigger reads, whenever its value changed.

A game that has no memo yet (a new game, or one read from a file) starts from the memo of the first
game that consulted each group, so a new game tests only what differs from it, not every trigger.
The memo is derived from the state alone and checked against the values it was made at, so a state
read from a file, edited, or played on by another engine is always drawn from correctly (a memo made
for other content is rebuilt). The reference engine (`game/reference.py`) tests every trigger;
the engine is held to it by a property test.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import itemgetter, lt
from typing import Any

from game.expr import CHOSE_KEY, FIRED_KEY, Compiled, Names, reads, watch

#: an event of the draw: (id, whole trigger, its text, (the weight's key, its text), weight)
Drawable = tuple[str, Compiled, str, tuple[str, str], Compiled]


@dataclass(frozen=True, slots=True, eq=False)
class Seen:
    """Which triggers of one priority group held at the values seen then."""

    values: dict[str, Any]  # each watched name's value (mappings and sets frozen)
    fired: frozenset[tuple[str, int]]  # (empty when the group reads no `fired()`)
    chose: frozenset[str]  # (empty when the group reads no `chose()`)
    holds: bytes  # one byte per event of the group, in order: 1 when its trigger held
    weights: tuple[Any, ...]  # the value of each different weight of the group
    positive: bool  # whether they are all above 0


@dataclass(frozen=True, slots=True, eq=False)
class Memo:
    """What one game's draws last saw, group by group (None for a group never consulted: the draw
    stops at the first group with an event to draw). Treated as immutable: a draw makes a new one."""

    index: TriggerIndex
    groups: tuple[Seen | None, ...]


def _frozen(value: Any) -> Any:
    """A value to compare with later, that later changes to the original cannot reach."""
    if isinstance(value, Mapping):
        return frozenset((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    return value


# How a comparison of a name with a constant can change its value as the name moves from `low` to
# `high`: `x >= c` and `x < c` only if low < c <= high; `x > c` and `x <= c` only if low <= c < high;
# `x == c` and `x != c` if low <= c <= high. (With the constant first, the comparison is turned round.)
# Each is the pair of searches that finds those constants among the sorted ones: (from low, to high).
Searches = tuple[Callable[[list[float], float], int], Callable[[list[float], float], int]]
_SIDE: dict[str, Searches] = {
    ">=": (bisect_right, bisect_right), "<": (bisect_right, bisect_right),
    ">": (bisect_left, bisect_left), "<=": (bisect_left, bisect_left),
    "==": (bisect_left, bisect_right), "!=": (bisect_left, bisect_right),
}


class _Group:
    """The events of one priority, in order, their triggers indexed by what they read."""

    def __init__(self, events: Sequence[Drawable], names: Names) -> None:
        self.ids = [ident for ident, *_ in events]
        self.tests = [test for _ident, test, *_ in events]
        # the weights by their text: a draw evaluates each different weight once
        slots: dict[str, int] = {}
        self.weights: list[Compiled] = []
        self.weight_slot: list[int] = []
        weight_reads: list[frozenset[str]] = []
        thresholds: dict[tuple[str, Searches], list[tuple[float, int]]] = {}
        by_key: dict[str, set[int]] = {}
        self.by_fired: dict[str, list[int]] = {}
        self.by_chose: dict[str, list[int]] = {}
        for index, (_ident, _test, text, (weight_key, weight_text), weight) in enumerate(events):
            slot = slots.get(weight_key)
            if slot is None:
                slot = slots[weight_key] = len(self.weights)
                self.weights.append(weight)
                weight_reads.append(reads(weight_text, names))
            self.weight_slot.append(slot)
            read = watch(text, names)
            for name, op, bound in read.thresholds:
                thresholds.setdefault((name, _SIDE[op]), []).append((bound, index))
            for name in read.keys:
                by_key.setdefault(name, set()).add(index)
            for event in read.fired:
                self.by_fired.setdefault(event, []).append(index)
            for key in read.chose:
                self.by_chose.setdefault(key, []).append(index)
        # per name and kind of comparison: its searches, the constants, sorted, and the event of each
        self.bounds: dict[str, list[tuple[Searches, list[float], list[int]]]] = {}
        for (name, searches), pairs in thresholds.items():
            pairs.sort()
            self.bounds.setdefault(name, []).append((searches, [b for b, _ in pairs], [i for _, i in pairs]))
        self.by_key = {name: sorted(found) for name, found in by_key.items()}
        # the weights that read each name
        self.slots_reading: dict[str, list[int]] = {}
        for slot, weight_read in enumerate(weight_reads):
            for name in weight_read:
                self.slots_reading.setdefault(name, []).append(slot)
        history = (FIRED_KEY, CHOSE_KEY)
        names_read = {*self.bounds, *by_key, *self.slots_reading}
        plain = sorted(name for name in names_read if name not in history)
        self.watched = tuple(name for name in plain if not name.startswith("@"))
        self.watched_records = tuple(name for name in plain if name.startswith("@"))  # (mappings and sets)
        self.reads_fired = bool(self.by_fired) or FIRED_KEY in names_read
        self.reads_chose = bool(self.by_chose) or CHOSE_KEY in names_read

    def seen(self, env: Mapping[str, Any], before: Seen | None) -> Seen:
        """Which triggers hold in `env`, from what held at `before` (all tested without it)."""
        fired = frozenset(env[FIRED_KEY].items()) if self.reads_fired else frozenset()
        chose = frozenset(env[CHOSE_KEY]) if self.reads_chose else frozenset()
        values = {name: env[name] for name in self.watched}
        for name in self.watched_records:
            values[name] = _frozen(env[name])
        if before is None:
            weights = tuple(weight(env) for weight in self.weights)
            return Seen(values, fired, chose, bytes(bool(test(env)) for test in self.tests),
                        weights, all(value > 0 for value in weights))
        stale: set[int] = set()
        changed: list[str] = [name for name in self.watched_records if values[name] != before.values[name]]
        for name in changed:
            stale.update(self.by_key.get(name, ()))
        for name in self.watched:
            old, new = before.values[name], values[name]
            if old == new:
                continue
            changed.append(name)
            stale.update(self.by_key.get(name, ()))
            if isinstance(old, str):
                continue
            low, high = (old, new) if old <= new else (new, old)
            for (start, stop), bounds, events in self.bounds.get(name, ()):
                stale.update(events[start(bounds, low):stop(bounds, high)])
        if fired != before.fired:
            changed.append(FIRED_KEY)
            for event, _count in fired ^ before.fired:
                stale.update(self.by_fired.get(event, ()))
            stale.update(self.by_key.get(FIRED_KEY, ()))
        if chose != before.chose:
            changed.append(CHOSE_KEY)
            for key in chose ^ before.chose:
                stale.update(self.by_chose.get(key, ()))
            stale.update(self.by_key.get(CHOSE_KEY, ()))
        weights, positive = before.weights, before.positive
        slots = {slot for name in changed for slot in self.slots_reading.get(name, ())}
        if slots:
            fresh = list(weights)
            for slot in slots:
                fresh[slot] = self.weights[slot](env)
            weights = tuple(fresh)
            # (all above 0 still, if they were and the new ones are)
            positive = all(fresh[slot] > 0 for slot in slots) and (positive or all(value > 0 for value in weights))
        holds = before.holds
        if stale:
            mask = bytearray(holds)
            tests = self.tests
            for index in stale:
                mask[index] = 1 if tests[index](env) else 0
            holds = bytes(mask)
        return Seen(values, fired, chose, holds, weights, positive)


class TriggerIndex:
    """The drawable events in the order the draw takes them: by priority, highest first, then in
    content order; each priority a group indexed on its own."""

    def __init__(self, events: Sequence[Sequence[Drawable]], names: Names) -> None:
        """`events`: by priority, highest first."""
        self.groups = [_Group(group, names) for group in events]
        # each group as first seen in any game: a game that has not seen a group yet (a new game, or
        # one read from a file) starts from it, and tests only what differs (not every trigger)
        self.first: list[Seen | None] = [None] * len(self.groups)
        # each event's (group, place in it)
        self.position = {ident: (g, i) for g, group in enumerate(self.groups) for i, ident in enumerate(group.ids)}

    def candidates(self, memo: Memo | None, group: int, env: Mapping[str, Any],
                   closed: set[tuple[int, int]]) -> tuple[Memo, list[str], list[Any]]:
        """The events of a priority group that can be drawn, in order, and their weights: those whose
        trigger holds in `env`, that are not `closed` (fired and cooling down, or waiting as a
        follow-up), and whose weight is above 0; with the memo brought up to date for the group."""
        if memo is None or memo.index is not self:
            memo = Memo(self, (None,) * len(self.groups))
        part = self.groups[group]
        before = memo.groups[group]
        seen = part.seen(env, self.first[group] if before is None else before)
        if self.first[group] is None:
            self.first[group] = seen
        memo = Memo(self, (*memo.groups[:group], seen, *memo.groups[group + 1:]))
        holds = seen.holds
        shut = [i for g, i in closed if g == group and holds[i]]
        if shut:
            mask = bytearray(holds)
            for i in shut:
                mask[i] = 0
            holds = bytes(mask)
        ids = list(compress(part.ids, holds))
        if not ids:
            return memo, [], []
        slots = list(compress(part.weight_slot, holds))
        weights = list(itemgetter(*slots)(seen.weights)) if len(slots) > 1 else [seen.weights[slots[0]]]
        if not seen.positive:
            positive = list(map(lt, repeat(0), weights))
            ids, weights = list(compress(ids, positive)), list(compress(weights, positive))
        return memo, ids, weights
