"""What saving costs, and how it grows with the length of a game.

1. The shipped scenario (else the mini test scenario): the size of a save, a full save, an autosave
   after a decision, reading and verifying, against a baseline measured in the same run (json.dumps
   of the bare state with a plain write_text: no digests, no temporary file, no fsync).
2. A long synthetic game (benchmarks/synthetic.py, 300 events, a calendar of 400 turns): verifying
   its record at 30 and at 300 decisions, per decision, with the chained step digests of today and
   with the whole-state digests of the first save format (the baseline); how many bytes a save
   grows by per decision; what an autosave costs at 30 and at 300 decisions.

The last lines are `verify_300_vs_30_per_decision: R` (target: at most 1.5) and
`save_growth_bytes_per_decision: N` (target: at most 1024).
Run: python benchmarks/saves.py [--games 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import dataclasses
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

from benchmarks.synthetic import write_scenario  # noqa: E402
from game import paths, saves  # noqa: E402
from game.engine import Engine, GameState  # noqa: E402
from game.loader import check_scenario, load_scenario  # noqa: E402
from game.replay import Step, check, state_digest  # noqa: E402

LONG = 300
SHORT = 30


def random_game(engine: Engine, seed: int, limit: int = 10_000) -> list[GameState]:
    """The states of a game with uniformly random available choices, from the start."""
    rng = random.Random(seed)
    states = [engine.new_game(seed)]
    while not states[-1].over and len(states) <= limit:
        decision = engine.decision(states[-1])
        assert decision is not None
        states.append(engine.choose(states[-1], rng.choice([c.id for c in decision.choices if c.available])).state)
    return states


def best_ms(work: Callable[[], object], rounds: int) -> float:
    """The best of a few rounds, in milliseconds: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def whole_state_steps(states: list[GameState], steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The same steps with the digests of the first save format: of each whole state, log and history."""
    after = states[1:len(steps) + 1]
    return tuple(dataclasses.replace(step, digest=state_digest(state), values=dict(state.values))
                 for step, state in zip(steps, after, strict=True))


def shipped(args: argparse.Namespace) -> None:
    report = check_scenario(paths.scenario_folder(None))
    content = report.content or load_scenario(ROOT / "tests" / "fixtures" / "mini")
    engine = Engine(content)
    games = [random_game(engine, seed) for seed in range(args.games)]
    finals = [states[-1] for states in games]
    decisions = statistics.mean(len(g) - 1 for g in games)
    print(f"scenario: {content.scenario.id}, {args.games} finished games, {decisions:.1f} decisions per game")
    info = saves.GameInfo.new()
    records = [saves.make_record(engine, state, "bench", info) for state in finals]
    sizes = [len(saves.to_json(r).encode()) for r in records]
    print(f"save size: median {statistics.median(sizes) / 1024:.0f} KiB, largest {max(sizes) / 1024:.0f} KiB")
    growth = [(len(saves.to_json(r).encode()) - len(saves.to_json(saves.make_record(
        engine, g[1], "bench", info, saved=r.saved)).encode())) / (len(g) - 2) for r, g in zip(records, games,
                                                                                               strict=True)]
    print(f"growth after the first decision: median {statistics.median(growth):.0f} bytes per decision")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        baseline = best_ms(lambda: [(folder / f"plain-{i}.json").write_text(json.dumps(s.to_dict()))
                                    for i, s in enumerate(finals)], args.rounds) / len(finals)
        full = best_ms(lambda: [saves.write_save(folder, saves.make_record(engine, s, f"full {i}", info))
                                for i, s in enumerate(finals)], args.rounds) / len(finals)
        # an autosave after the last decision of each game, as an Autosaver holding the one before does
        before = [saves.make_record(engine, g[-2], "autosave", info) for g in games]
        autosave = best_ms(lambda: [saves.write_autosave(folder, saves.make_record(engine, g[-1], "autosave", info, b))
                                    for g, b in zip(games, before, strict=True)], args.rounds) / len(games)
        written = sorted(folder.glob("full-*.json"))
        read = best_ms(lambda: [saves.read_save(p) for p in written], args.rounds) / len(written)
        loaded = [saves.read_save(p) for p in written]
        verify = best_ms(lambda: [check(engine, r.seed, r.steps, r.start) for r in loaded], args.rounds) / len(loaded)
    print(f"baseline (json.dumps of the state, write_text, no fsync): {baseline:.2f} ms per game")
    print(f"full save (replay for digests, atomic write, fsync): {full:.2f} ms per game")
    print(f"autosave after a decision (one step from two states, atomic write, fsync): {autosave:.2f} ms")
    print(f"read and check a save: {read:.2f} ms; verify every decision: {verify:.2f} ms")
    print(f"full_save_over_baseline: {full / baseline:.1f}x")


def long_game(args: argparse.Namespace) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        write_scenario(folder, 300, last_turn=LONG + 100)
        content = load_scenario(folder)
    engine = Engine(content)
    states = next(g for g in (random_game(engine, seed, LONG) for seed in range(100)) if len(g) > LONG)[: LONG + 1]
    info = saves.GameInfo.new()
    recorder = saves.Recorder(engine, info)
    records = {n: recorder.record(states[n], "bench") for n in range(1, LONG + 1)}
    long_, short = records[LONG], records[SHORT]
    print(f"\nsynthetic: {len(content.events)} events, one game of {LONG} decisions "
          f"({long_.turn} turns), its record at {SHORT} and {LONG} decisions")
    times: dict[str, tuple[float, float]] = {}
    for name, steps_of in (("chained digests", lambda r: r.steps),
                           ("whole-state digests (first format, baseline)",
                            lambda r: whole_state_steps(states, r.steps))):
        s_steps, l_steps = steps_of(short), steps_of(long_)
        assert check(engine, short.seed, s_steps, short.start) is None
        assert check(engine, long_.seed, l_steps, long_.start) is None
        per_short, per_long = [], []

        def verify_ms(record: saves.SaveRecord, steps: tuple[Step, ...]) -> float:
            return best_ms(lambda: check(engine, record.seed, steps, record.start), 1) / len(steps)

        for _ in range(args.rounds):  # the two lengths take turns within each round
            per_short.append(verify_ms(short, s_steps))
            per_long.append(verify_ms(long_, l_steps))
        times[name] = (min(per_short), min(per_long))
        print(f"verify, {name}: {min(per_short):.3f} ms per decision at {SHORT}, {min(per_long):.3f} at {LONG} "
              f"({min(per_long) / min(per_short):.2f}x)")
    sizes = {n: len(saves.to_json(records[n]).encode()) for n in (1, SHORT, LONG)}
    growth = (sizes[LONG] - sizes[1]) / (LONG - 1)
    print(f"save size: {sizes[1] / 1024:.1f} KiB after 1 decision, {sizes[SHORT] / 1024:.1f} KiB after {SHORT}, "
          f"{sizes[LONG] / 1024:.1f} KiB after {LONG}")
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        cost = {n: best_ms(lambda n=n: saves.write_autosave(target, saves.make_record(  # type: ignore[misc]
            engine, states[n], "autosave", info, records[n - 1])), args.rounds) for n in (SHORT, LONG)}
    print(f"autosave after decision {SHORT}: {cost[SHORT]:.2f} ms; after decision {LONG}: {cost[LONG]:.2f} ms "
          f"(the file is {sizes[LONG] / sizes[SHORT]:.1f}x larger)")
    short_ms, long_ms = times["chained digests"]
    return long_ms / short_ms, growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--games", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    shipped(args)
    ratio, growth = long_game(args)
    print(f"verify_300_vs_30_per_decision: {ratio:.2f}")
    print(f"save_growth_bytes_per_decision: {growth:.0f}")


if __name__ == "__main__":
    main()
