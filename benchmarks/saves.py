"""What saving costs: the size of a save, an autosave after a decision, a full save, reading and verifying one.

Compared in the same run with a baseline: json.dumps of the bare state written with a plain
write_text (no digests, no temporary file, no fsync). Uses the shipped scenario when it loads,
else the mini test scenario.
Run: python benchmarks/saves.py [--games 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REDLINE_CACHE", "off")  # a benchmark leaves the player's content cache alone

from game import paths, saves  # noqa: E402
from game.engine import Engine, GameState  # noqa: E402
from game.loader import check_scenario  # noqa: E402
from game.replay import check  # noqa: E402


def finished_games(engine: Engine, count: int) -> list[GameState]:
    games = []
    for seed in range(count):
        rng = random.Random(seed)
        state = engine.new_game(seed)
        while not state.over:
            decision = engine.decision(state)
            assert decision is not None
            state = engine.choose(state, rng.choice([c.id for c in decision.choices if c.available])).state
        games.append(state)
    return games


def per_call_ms(work: Callable[[], object], rounds: int = 3) -> float:
    """The best of a few rounds, in milliseconds: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=20)
    args = parser.parse_args()
    report = check_scenario(paths.scenario_folder(None))
    content = report.content or check_scenario(ROOT / "tests" / "fixtures" / "mini").content
    assert content is not None
    engine = Engine(content)
    games = finished_games(engine, args.games)
    decisions = statistics.mean(len(g.decisions) for g in games)
    print(f"scenario: {content.scenario.id}, {args.games} finished games, {decisions:.1f} decisions per game")
    info = saves.GameInfo.new()
    records = [saves.make_record(engine, g, "bench", info) for g in games]
    sizes = [len(saves.to_json(r).encode()) for r in records]
    print(f"save size: median {statistics.median(sizes) / 1024:.0f} KiB, largest {max(sizes) / 1024:.0f} KiB")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = per_call_ms(lambda: [
            (folder / f"plain-{i}.json").write_text(json.dumps(g.to_dict())) for i, g in enumerate(games)
        ]) / len(games)
        full = per_call_ms(lambda: [
            saves.write_save(folder, saves.make_record(engine, g, f"full {i}", info)) for i, g in enumerate(games)
        ]) / len(games)

        def autosave_last_decision() -> None:
            for state in games:
                before = state
                # the record of the game one decision earlier, as an Autosaver would hold it
                choices = [d["choice"] for d in state.decisions]
                previous_state = engine.new_game(state.seed)
                for choice in choices[:-1]:
                    previous_state = engine.choose(previous_state, choice).state
                previous = saves.make_record(engine, previous_state, "autosave", info)
                start = time.perf_counter()
                saves.write_autosave(folder, saves.make_record(engine, before, "autosave", info, previous))
                timings.append(time.perf_counter() - start)

        timings: list[float] = []
        autosave_last_decision()
        autosave = statistics.median(timings) * 1000
        paths_written = sorted(folder.glob("full-*.json"))
        read = per_call_ms(lambda: [saves.read_save(p) for p in paths_written]) / len(paths_written)
        loaded = [saves.read_save(p) for p in paths_written]
        verify = per_call_ms(lambda: [check(engine, r.seed, r.steps, r.start) for r in loaded]) / len(loaded)
    print(f"baseline (json.dumps of the state, write_text, no fsync): {baseline:.2f} ms per game")
    print(f"full save (replay for digests, atomic write, fsync): {full:.2f} ms per game")
    print(f"autosave after a decision (one step, atomic write, fsync, prune): {autosave:.2f} ms")
    print(f"read and check a save: {read:.2f} ms; verify every decision: {verify:.2f} ms")
    print(f"full_save_over_baseline: {full / baseline:.1f}x")


if __name__ == "__main__":
    main()
