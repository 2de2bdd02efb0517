"""Full automated games per second of `redline simulate` on the shipped scenario.

Compares, in the same run: the same games played through the engine's full `choose()` (the
baseline an automated player would write first), `simulate` with one job, and `simulate` with
--jobs J. The three take turns within each round, so a slow spell of the machine falls on all of
them alike; each figure is the best of its rounds, the least disturbed by other processes.
The last line is `simulate_games_per_s: N` for J jobs (target: at least 1,000 with 2 jobs).
Run: python benchmarks/simulate.py [--runs 3000] [--jobs 2] [--rounds 5] [--content DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from game import paths
from game.engine import Engine
from game.loader import load_scenario
from game.sim import run_games


def full_choose_games(engine: Engine, seeds: range) -> int:
    """The baseline: random play through decision() and choose(), with every view and account built."""
    decisions = 0
    for seed in seeds:
        rng = random.Random(seed)
        state = engine.new_game(seed)
        while not state.over:
            decision = engine.decision(state)
            assert decision is not None
            options = [c.id for c in decision.choices if c.available]
            state = engine.choose(state, options[int(rng.random() * len(options))]).state
            decisions += 1
    return decisions


def rate(runs: int, play: Callable[[], object]) -> float:
    start = time.perf_counter()
    play()
    return runs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3000, help="games per round")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--policy", default="random")
    parser.add_argument("--scenario", default=None, help="id of a shipped scenario (default: the shipped one)")
    parser.add_argument("--content", action="append", type=Path, default=[], metavar="DIR")
    args = parser.parse_args()

    folder = paths.scenario_folder(args.scenario)
    content = load_scenario(folder, args.content)
    engine = Engine(content)
    source = (folder, tuple(args.content))
    tally = run_games(content, 200, seed=1, policy=args.policy)
    decisions = sum(length * games for length, games in tally.decisions.items()) / tally.games
    print(f"scenario: {content.scenario.id}, {len(content.events)} events, {content.choice_count} choices, "
          f"{decisions:.1f} decisions per game")

    baseline_runs = max(1, args.runs // 5)
    rounds: list[tuple[float, float, float]] = []
    for _ in range(args.rounds):
        rounds.append((
            rate(baseline_runs, lambda: full_choose_games(engine, range(1, 1 + baseline_runs))),
            rate(args.runs, lambda: run_games(content, args.runs, seed=1, policy=args.policy)),
            rate(args.runs, lambda: run_games(content, args.runs, seed=1, policy=args.policy, jobs=args.jobs,
                                              source=source)),
        ))
        print("round: " + ", ".join(f"{name} {value:.0f}" for name, value in
                                    zip(("baseline", "1 job", f"{args.jobs} jobs"), rounds[-1], strict=True)))
    baseline, one, many = (max(column) for column in zip(*rounds, strict=True))
    print(f"baseline, engine.choose() with full views, 1 process: {baseline:.0f} games/s")
    print(f"simulate, 1 job: {one:.0f} games/s ({one / baseline:.2f}x the baseline)")
    print(f"simulate, {args.jobs} jobs: {many:.0f} games/s ({many / one:.2f}x one job)")
    print(f"simulate_games_per_s: {many:.0f}")


if __name__ == "__main__":
    main()
