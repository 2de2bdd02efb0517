"""The draw's triggers, indexed by what they read, so a turn tests only the triggers that can have changed.

The engine draws the next event among those whose trigger holds. Testing every trigger on every
turn costs in proportion to the content; instead, each game carries a `Memo`: which triggers held,
and which of their top-level operands (the parts of an `and` or an `or`, or the whole condition),
at the values it last saw. On the next draw only the operands that read something that changed
since are looked at again (`Watch`, from the one walker of what an expression reads, in `expr.py`):

- a comparison with a constant (`alpha >= 37`, `turn <= 12`) is found by a search among the sorted
  constants of its name, and only when the name's value crossed the constant;
- `fired("id")` and `chose("event", "choice")` only when that event fired or that choice was taken;
- anything else an operand reads, whenever its value changed.

An operand that changes its value whenever it is found so (a comparison by <, <=, > or >= whose
constant was crossed, a flag that changed, or `not` one) is turned round without a test; the others
are tested; a trigger is worked out again from its operands when one of them changed.

A game that has no memo yet (a new game, or one read from a file) starts from the memo of the first
game that consulted each group, so a new game tests only what differs from it, not every trigger.
The memo is derived from the state alone and checked against the values it was made at, so a state
read from a file, edited, or played on by another engine is always drawn from correctly (a memo made
for other content is rebuilt). The reference engine (`game/reference.py`) tests every trigger;
the engine is held to it by a property test.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from itertools import accumulate, compress, islice, repeat
from operator import itemgetter, lt
from typing import Any, NamedTuple

from game.expr import CHOSE_KEY, FIRED_KEY, Compiled, Condition, Names, reads, watch_operands

#: an event of the draw: (id, trigger, its text, (the weight's key, its text), weight)
Drawable = tuple[str, Condition, str, tuple[str, str], Compiled]
#: the events that cannot be drawn now (fired and cooling down, or waiting as a follow-up): per
#: priority group, their places in it
Closed = Mapping[int, Iterable[int]]
_NONE: frozenset[Any] = frozenset()


class Seen(NamedTuple):
    """Which triggers of one priority group held at the values seen then, and which of their operands."""

    values: tuple[Any, ...]  # the value of each watched name, in the group's order
    records: tuple[Any, ...]  # the value of each watched mapping or set, frozen
    fired: frozenset[tuple[str, int]]  # (empty when the group reads no `fired()`)
    chose: frozenset[str]  # (empty when the group reads no `chose()`)
    truths: bytes  # one byte per operand of the group's triggers, in order: 1 when it held
    holds: bytes  # one byte per event of the group, in order: 1 when its trigger held
    weights: tuple[Any, ...]  # the value of each different weight of the group
    positive: bool  # whether they are all above 0


class Memo(NamedTuple):
    """What one game's draws last saw, group by group (None for a group never consulted: the draw
    stops at the first group with an event to draw). Treated as immutable: a draw makes a new one."""

    owner: TriggerIndex  # (the index it was made by)
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
        # the operands of the triggers, one after another: each its test and its event; each event's
        # operands (from, to), and whether its trigger is an `or` of them
        self.tests: list[Compiled] = []
        self.event_of: list[int] = []
        flips: list[bool] = []  # (whether it changes its value whenever what it reads changes)
        self.spans: list[tuple[int, int]] = []
        self.any_of: list[bool] = []
        # the weights by their text: a draw evaluates each different weight once
        slots: dict[str, int] = {}
        self.weights: list[Compiled] = []
        self.weight_slot: list[int] = []
        weight_reads: list[frozenset[str]] = []
        thresholds: dict[tuple[str, Searches], list[tuple[float, int]]] = {}
        by_key: dict[str, set[int]] = {}
        self.by_fired: dict[str, list[int]] = {}
        self.by_chose: dict[str, list[int]] = {}
        for index, (_ident, trigger, text, (weight_key, weight_text), weight) in enumerate(events):
            slot = slots.get(weight_key)
            if slot is None:
                slot = slots[weight_key] = len(self.weights)
                self.weights.append(weight)
                weight_reads.append(reads(weight_text, names))
            self.weight_slot.append(slot)
            start = len(self.tests)
            self.spans.append((start, start + len(trigger.operands)))
            self.any_of.append(trigger.any_of)
            for operand, (test, read) in enumerate(zip(trigger.operands, watch_operands(text, names), strict=True),
                                                   start):
                self.tests.append(test)
                self.event_of.append(index)
                flips.append(read.flips)
                for name, op, bound in read.thresholds:
                    thresholds.setdefault((name, _SIDE[op]), []).append((bound, operand))
                for name in read.keys:
                    by_key.setdefault(name, set()).add(operand)
                for event in read.fired:
                    self.by_fired.setdefault(event, []).append(operand)
                for key in read.chose:
                    self.by_chose.setdefault(key, []).append(operand)
        self.flips = bytes(flips)
        # per name and kind of comparison: its searches, the constants, sorted, and the operand of each
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
        self.values_of = _getter(self.watched)
        # what a change of each watched name (in their order) concerns: the operands that read it
        # other than by a comparison with a constant, those comparisons (their searches, constants
        # and operands), and the weights that read it
        self.plans = tuple((tuple(self.by_key.get(name, ())), tuple(self.bounds.get(name, ())),
                            tuple(self.slots_reading.get(name, ()))) for name in self.watched)
        self.reads_fired = bool(self.by_fired) or FIRED_KEY in names_read
        self.reads_chose = bool(self.by_chose) or CHOSE_KEY in names_read

    def seen(self, env: Mapping[str, Any], before: Seen | None, fired: frozenset[tuple[str, int]],
             chose: frozenset[str]) -> Seen:
        """Which triggers hold in `env`, from what held at `before` (all tested without it); `fired`
        and `chose` are the fired events and choices taken in `env`, frozen (empty when the group
        reads neither)."""
        values = self.values_of(env)
        records = tuple(_frozen(env[name]) for name in self.watched_records)
        if before is None:
            weights = tuple(weight(env) for weight in self.weights)
            truths = bytes(bool(test(env)) for test in self.tests)
            holds = self._holds(bytes(len(self.ids)), range(len(self.ids)), truths)
            return Seen(values, records, fired, chose, truths, holds, weights, all(map(lt, repeat(0), weights)))
        stale: set[int] = set()
        slots: set[int] = set()  # (the weights to work out again)
        changed: list[str] = []  # (the records and the history that changed)
        if records != before.records:
            for name, old, new in zip(self.watched_records, before.records, records, strict=True):
                if old != new:
                    changed.append(name)
                    stale.update(self.by_key.get(name, ()))
        if values != before.values:
            for (keys, bounds, reading), old, new in zip(self.plans, before.values, values, strict=True):
                if old == new:
                    continue
                stale.update(keys)
                slots.update(reading)
                if bounds and not isinstance(old, str):
                    low, high = (old, new) if old <= new else (new, old)
                    for (start, stop), constants, operands in bounds:
                        stale.update(operands[start(constants, low):stop(constants, high)])
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
        for name in changed:
            slots.update(self.slots_reading.get(name, ()))
        if slots:
            fresh = list(weights)
            for slot in slots:
                fresh[slot] = self.weights[slot](env)
            weights = tuple(fresh)
            positive = all(map(lt, repeat(0), weights))
        truths, holds = before.truths, before.holds
        if stale:
            now = bytearray(truths)
            tests, event_of, flips = self.tests, self.event_of, self.flips
            moved = set()
            for operand in stale:
                # (an operand that flips has changed: what it reads crossed its constant, or a flag changed)
                if flips[operand] or (1 if tests[operand](env) else 0) != now[operand]:
                    now[operand] ^= 1
                    moved.add(event_of[operand])
            truths = bytes(now)
            if moved:
                holds = self._holds(holds, moved, truths)
        return Seen(values, records, fired, chose, truths, holds, weights, positive)

    def _holds(self, holds: bytes, events: Iterable[int], truths: bytes) -> bytes:
        """`holds` with the byte of each of `events` worked out again from its operands' `truths`:
        1 when they all hold (for an `or`, when one does)."""
        mask = bytearray(holds)
        spans, any_of = self.spans, self.any_of
        for index in events:
            first, end = spans[index]
            if any_of[index]:
                mask[index] = 1 in truths[first:end]
            else:
                mask[index] = 0 not in truths[first:end]
        return bytes(mask)


def _getter(names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """The values of `names` in an environment, as a tuple in their order."""
    if len(names) > 1:
        return itemgetter(*names)
    if names:
        name = names[0]
        return lambda env: (env[name],)
    return lambda env: ()


class _History:
    """An environment's fired events and choices taken, frozen as a memo compares them: made when a
    group first needs them, once for a whole draw."""

    def __init__(self, env: Mapping[str, Any]) -> None:
        self.env = env

    @cached_property
    def fired(self) -> frozenset[tuple[str, int]]:
        return frozenset(self.env[FIRED_KEY].items())

    @cached_property
    def chose(self) -> frozenset[str]:
        return frozenset(self.env[CHOSE_KEY])


def weighted_index(running: Sequence[float], r: float) -> int:
    """Where a roll `r` (0 <= r < 1) falls among running totals of weights (added one by one, left
    to right): the first whose total is above `r` times the whole; the last when the whole is not
    above 0."""
    total = running[-1]
    if total <= 0:
        return len(running) - 1
    return min(bisect_right(running, r * total), len(running) - 1)


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

    def _drawable(self, seen: list[Seen | None], group: int, history: _History,
                  closed: Closed) -> tuple[_Group, Seen, bytes]:
        """A priority group's memo brought up to date in `seen` (the memo's groups), and which of its
        events can be drawn: one byte each, 1 when its trigger holds in the environment, it is not
        `closed` (fired and cooling down, or waiting as a follow-up), and its weight is above 0."""
        part = self.groups[group]
        before = seen[group]
        now = part.seen(history.env, self.first[group] if before is None else before,
                        history.fired if part.reads_fired else _NONE, history.chose if part.reads_chose else _NONE)
        if self.first[group] is None:
            self.first[group] = now
        seen[group] = now
        holds = now.holds
        shut = [i for i in closed.get(group, ()) if holds[i]]
        if shut or not now.positive:
            mask = bytearray(holds)
            for i in shut:
                mask[i] = 0
            if not now.positive:
                weights = now.weights
                for i in compress(range(len(mask)), mask):
                    if not weights[part.weight_slot[i]] > 0:
                        mask[i] = 0
            holds = bytes(mask)
        return part, now, holds

    def _groups_of(self, memo: Memo | None) -> list[Seen | None]:
        """The memo's groups, to bring up to date (none seen yet when it is the memo of another index)."""
        return list(memo.groups) if memo is not None and memo.owner is self else [None] * len(self.groups)

    def candidates(self, memo: Memo | None, group: int, env: Mapping[str, Any],
                   closed: Closed) -> tuple[Memo, list[str], list[Any]]:
        """The events of a priority group that can be drawn, in order, and their weights: those whose
        trigger holds in `env`, that are not `closed` (fired and cooling down, or waiting as a
        follow-up), and whose weight is above 0; with the memo brought up to date for the group."""
        seen = self._groups_of(memo)
        part, now, holds = self._drawable(seen, group, _History(env), closed)
        return (Memo(self, tuple(seen)), list(compress(part.ids, holds)),
                [now.weights[slot] for slot in compress(part.weight_slot, holds)])

    def draw(self, memo: Memo | None, groups: Iterable[int], env: Mapping[str, Any], closed: Closed,
             roll: Callable[[], float]) -> tuple[Memo, str | None]:
        """The event drawn from the first of `groups` (by priority, highest first) with an event that
        can be drawn (None when none has): among that group's `candidates`, the one `weighted_index`
        finds for the roll (not rolled when there is one); with the memo brought up to date for the
        groups consulted."""
        seen = self._groups_of(memo)
        history = _History(env)
        for group in groups:
            part, now, holds = self._drawable(seen, group, history, closed)
            slots = tuple(compress(part.weight_slot, holds))
            if not slots:
                continue
            weights = itemgetter(*slots)(now.weights) if len(slots) > 1 else (now.weights[slots[0]],)
            index = 0 if len(slots) == 1 else weighted_index(list(accumulate(weights)), roll())
            return Memo(self, tuple(seen)), next(islice(compress(part.ids, holds), index, None))
        return Memo(self, tuple(seen)), None
