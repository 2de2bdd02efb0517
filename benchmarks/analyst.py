"""How long the analyst takes to weigh a decision: 1,000 futures of each option of a 4-option decision
early in the shipped scenario (the first decision of a game), the rest of each future played by the
`counsel` policy, under the fog, on J processes (a pool kept for the analyst's lifetime, as in the
game). In the same run, as the reference of this machine's speed: `simulate` games per second with
the same policy and jobs. Each figure is the best of its rounds (the least disturbed by other
processes). The last line is `analyst_4x1000_s: T` (target: at most 2 s on 2 cores).
Run: python benchmarks/analyst.py [--futures 1000] [--jobs 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from game import paths
from game.analyst.rollouts import Analyst
from game.engine import Engine
from game.loader import load_scenario
from game.sim import run_games


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--futures", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    folder = paths.scenario_folder("red-line")
    content = load_scenario(folder)
    engine = Engine(content)
    seed = 1
    state = engine.new_game(seed)
    while len([o for o in engine.choice_options(state) if o[2]]) != 4:
        seed += 1
        state = engine.new_game(seed)
    options = [ident for ident, _posture, ok in engine.choice_options(state) if ok]
    print(f"decision: {state.event} on turn {state.turn} (seed {seed}), options: {', '.join(options)}")
    analyst = Analyst(content, "counsel", jobs=args.jobs, source=(folder, ()))
    best_analyst = best_sim = float("inf")
    try:
        for round_ in range(args.rounds):
            start = time.perf_counter()
            futures = analyst.futures(state, args.futures)
            took = time.perf_counter() - start
            assert futures.done == args.futures
            best_analyst = min(best_analyst, took)
            start = time.perf_counter()
            run_games(content, 2000, seed=1, policy="counsel", jobs=args.jobs, source=(folder, ()))
            best_sim = min(best_sim, time.perf_counter() - start)
            print(f"round {round_ + 1}: analyst {took:.2f} s; simulate 2000 games {best_sim:.2f} s (best so far)")
    finally:
        analyst.close()
    games = args.futures * len(options)
    print(f"simulate (counsel, {args.jobs} jobs): {2000 / best_sim:,.0f} games/s")
    print(f"analyst: {games:,} futures in {best_analyst:.2f} s = {games / best_analyst:,.0f} futures/s "
          f"({games / best_analyst / (2000 / best_sim):.2f}x the speed of whole simulated games)")
    print(f"analyst_4x{args.futures}_s: {best_analyst:.2f}")


if __name__ == "__main__":
    main()
