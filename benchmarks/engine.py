"""Decisions per second of the engine on the player's path (`decision()` then `choose()`), random play,
on a synthetic scenario (300 events unless told), and (this checkout alone) on the shipped scenario.

With `--baseline DIR` (another checkout of the game, e.g. a `git worktree` of an earlier commit), the
same games are played by both, in separate processes that take turns round by round, so a change in
the machine's load falls on both; the last line is then `speedup_vs_baseline: R` (this checkout's
decisions per second over the baseline's, medians of the rounds). Without it, the last line is
`decisions_per_s: N`.
Run: python benchmarks/engine.py [--events 300] [--rounds 5] [--games 60] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from benchmarks.synthetic import write_scenario

ROOT = Path(__file__).resolve().parent.parent

def play_round(root: Path, scenario: Path, games: int) -> dict[str, float]:
    """One round, in a fresh process (`--round`) with the checkout at `root` first on the path: load
    the scenario, play the games once untimed (the engine's per-turn tables are made), then once timed."""
    import random
    import time

    sys.path.insert(0, str(root))
    from game.engine import Engine
    from game.loader import load_scenario

    engine = Engine(load_scenario(scenario))

    def play(seed: int) -> int:
        rng = random.Random(seed)
        state = engine.new_game(seed)
        decisions = 0
        while not state.over:
            decision = engine.decision(state)
            assert decision is not None
            options = [c.id for c in decision.choices if c.available]
            if not options:
                break
            state = engine.choose(state, rng.choice(options)).state
            decisions += 1
        return decisions

    sum(play(seed) for seed in range(games))
    start = time.perf_counter()
    decisions = sum(play(seed) for seed in range(games))
    return {"decisions": decisions, "seconds": time.perf_counter() - start}


def one_round(root: Path, scenario: Path, games: int) -> tuple[int, float]:
    """Decisions per second of the checkout at `root` on one round of `games` games."""
    done = subprocess.run([sys.executable, __file__, "--round", str(root), str(scenario), str(games)],
                          capture_output=True, text=True, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return int(figures["decisions"]), figures["decisions"] / figures["seconds"]


def compare(scenario: Path, label: str, games: int, rounds: int, baseline: Path | None) -> tuple[float, float]:
    """Print the rates on one scenario; return this checkout's median rate, and its ratio to the
    baseline's (0 without a baseline)."""
    ours: list[float] = []
    theirs: list[float] = []
    decisions = 0
    for _ in range(rounds):
        decisions, rate = one_round(ROOT, scenario, games)
        ours.append(rate)
        if baseline is not None:
            theirs.append(one_round(baseline, scenario, games)[1])
    print(f"{label}: {games} games per round, {decisions / games:.1f} decisions per game")
    print("  this checkout (decisions/s): " + ", ".join(f"{r:.0f}" for r in ours)
          + f"; median {statistics.median(ours):.0f}")
    if baseline is None:
        return statistics.median(ours), 0.0
    print("  baseline (decisions/s):      " + ", ".join(f"{r:.0f}" for r in theirs)
          + f"; median {statistics.median(theirs):.0f}")
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(f"  speedup: {ratio:.2f}")
    return statistics.median(ours), ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--games", type=int, default=60, help="games per round")
    parser.add_argument("--baseline", type=Path, help="another checkout of the game to compare with")
    parser.add_argument("--round", nargs=3, metavar=("ROOT", "SCENARIO", "GAMES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.round:
        root, scenario, games = args.round
        print(json.dumps(play_round(Path(root), Path(scenario), int(games))))
        return
    if args.baseline is not None and not (args.baseline / "game" / "engine.py").is_file():
        parser.error(f"--baseline {args.baseline}: not a checkout of the game (no game/engine.py)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        write_scenario(folder, args.events)
        synthetic = compare(folder, f"synthetic, {args.events} events", args.games, args.rounds, args.baseline)
    # (the shipped scenario uses what the content format has gained since: this checkout only)
    compare(ROOT / "content" / "red-line", "the shipped scenario", max(args.games // 6, 5), args.rounds, None)
    if args.baseline is None:
        print(f"decisions_per_s: {synthetic[0]:.0f}")
        return
    print(f"speedup_vs_baseline: {synthetic[1]:.2f}")


if __name__ == "__main__":
    main()
