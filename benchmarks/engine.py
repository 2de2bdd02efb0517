"""Decisions per second of the engine on a synthetic 300-event scenario, random play.

Prints figures, the last line being `decisions_per_s: N` (target: at least 10,000 in one process).
Run: python benchmarks/engine.py [--events 300] [--seconds 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from benchmarks.synthetic import write_scenario
from game.engine import Engine
from game.loader import load_scenario


def play_random(engine: Engine, seed: int) -> int:
    """One game with uniformly random available choices; returns the number of decisions."""
    rng = random.Random(seed)
    state = engine.new_game(seed)
    decisions = 0
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        options = [c.id for c in decision.choices if c.available]
        state = engine.choose(state, rng.choice(options)).state
        decisions += 1
    return decisions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--games", type=int, default=60, help="games per round")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        write_scenario(folder, args.events)
        content = load_scenario(folder)
    engine = Engine(content)
    print(f"scenario: {len(content.events)} events, {content.choice_count} choices")
    # Several rounds of the same games; the best round is the least disturbed by other processes.
    rates = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        decisions = sum(play_random(engine, seed) for seed in range(args.games))
        rates.append(decisions / (time.perf_counter() - start))
    print(f"{args.games} games per round, {decisions / args.games:.1f} decisions per game")
    print("rounds (decisions/s): " + ", ".join(f"{r:.0f}" for r in rates))
    print(f"median_decisions_per_s: {statistics.median(rates):.0f}")
    print(f"decisions_per_s: {max(rates):.0f}")


if __name__ == "__main__":
    main()
