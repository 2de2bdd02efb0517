"""What one decision costs as the content grows: synthetic scenarios of 30, 300 and 3,000 events.

Each scenario (benchmarks/synthetic.py: triggers that read the stats, the flags, the turn and the
season; weights that read a stat; a quarter of the events at a higher priority) is played by random
choices for a set of games, keeping every position (a state and the choice then taken). One decision
is what the game does at a position: `Engine.decision()` (the player's view) then `Engine.choose()`
(the choice, the turns that pass, the next event drawn). Every position is timed in rounds, after a
first untimed pass so that the engine's per-turn tables are made; the sizes take turns round by round,
and the median round of each is reported.
Also counted: how many tests of triggers (of their operands) a decision makes (the work that grows
with the content); and timed: the player's view alone, which makes the same calls whatever the size
of the content (what its cost grows by is the same calls taking longer with a larger content in
memory, on every step).

Prints figures, the last line being `decision_cost_3000_vs_30: R` (the cost of a decision with 3,000
events over its cost with 30).
Run: python benchmarks/scale.py [--games 40] [--rounds 9] [--sizes 30,300,3000]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from benchmarks.synthetic import write_scenario
from game.content import Content
from game.engine import Engine, GameState
from game.expr import Compiled, Condition
from game.loader import load_scenario


def positions(engine: Engine, games: int) -> list[tuple[GameState, str]]:
    """Every (state, choice taken) of `games` games of random available choices."""
    found = []
    for seed in range(games):
        rng = random.Random(seed)
        state = engine.new_game(seed)
        while not state.over:
            decision = engine.decision(state)
            assert decision is not None
            available = [c.id for c in decision.choices if c.available]
            if not available:  # (a synthetic event can have every choice out of reach: a dead end)
                break
            pick = rng.choice(available)
            found.append((state, pick))
            state = engine.choose(state, pick).state
    return found


def seconds_per_decision(engine: Engine, at: list[tuple[GameState, str]], view_only: bool = False) -> float:
    """What one decision costs at these positions; with `view_only`, the player's view alone
    (`Engine.decision()`, which makes the same calls whatever the size of the content)."""
    start = time.perf_counter()
    for state, pick in at:
        engine.decision(state)
        if not view_only:
            engine.choose(state, pick)
    return (time.perf_counter() - start) / len(at)


def trigger_tests_per_decision(content: Content, games: int) -> float:
    """How many times a decision tests (a part of) an event's trigger, on average (counted, not timed),
    over the positions of `games` games played by an engine whose tests are counted."""
    calls = [0]

    def counted(test: Compiled) -> Compiled:
        def run(env: Mapping[str, Any]) -> Any:
            calls[0] += 1
            return test(env)
        return run

    events = {}
    for ident, event in content.events.items():
        trigger = event.trigger
        if trigger is not None:
            trigger = Condition(counted(trigger.test), tuple(counted(part) for part in trigger.calendar),
                                counted(trigger.rest), tuple(counted(part) for part in trigger.operands),
                                trigger.any_of)
        events[ident] = dataclasses.replace(event, trigger=trigger)
    engine = Engine(dataclasses.replace(content, events=events))
    at = positions(engine, games)
    calls[0] = 0
    for state, pick in at:
        engine.choose(state, pick)
    return calls[0] / len(at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=40, help="games played for positions, per size")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--sizes", default="30,300,3000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    engines: dict[int, Engine] = {}
    at: dict[int, list[tuple[GameState, str]]] = {}
    contents: dict[int, Content] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "synthetic"
            write_scenario(folder, size)
            contents[size] = load_scenario(folder)
        engines[size] = Engine(contents[size])
        at[size] = positions(engines[size], args.games)
        seconds_per_decision(engines[size], at[size])  # (untimed: the per-turn tables are made)
    # The sizes take turns, round by round, so a change in the machine's load falls on all of them.
    rounds: dict[int, list[float]] = {size: [] for size in sizes}
    views: dict[int, list[float]] = {size: [] for size in sizes}
    for _ in range(args.rounds):
        for size in sizes:
            rounds[size].append(seconds_per_decision(engines[size], at[size]))
            views[size].append(seconds_per_decision(engines[size], at[size], view_only=True))
    cost: dict[int, float] = {}
    for size in sizes:
        cost[size] = statistics.median(rounds[size])
        tests = trigger_tests_per_decision(contents[size], args.games)
        print(f"{size} events ({contents[size].choice_count} choices): {len(at[size])} decisions; per decision "
              f"median {cost[size] * 1e6:.1f} us "
              f"(rounds {min(rounds[size]) * 1e6:.1f}..{max(rounds[size]) * 1e6:.1f} us), "
              f"{tests:.1f} trigger tests (operands tested)")
    smallest, largest = min(sizes), max(sizes)
    # (the view makes the same calls whatever the size of the content: what its cost grows by is not
    # work but the same calls taking longer with a larger content in memory)
    view = {size: statistics.median(views[size]) for size in sizes}
    print("the view alone (decision()), per decision: "
          + ", ".join(f"{size} events {view[size] * 1e6:.1f} us" for size in sizes)
          + f"; {largest} vs {smallest}: {view[largest] / view[smallest]:.2f}")
    for size in sizes[1:]:
        print(f"decision_cost_{size}_vs_{smallest}: {cost[size] / cost[smallest]:.2f}")
    if (smallest, largest) != (30, 3000):
        print(f"decision_cost_{largest}_vs_{smallest}: {cost[largest] / cost[smallest]:.2f}")


if __name__ == "__main__":
    main()
