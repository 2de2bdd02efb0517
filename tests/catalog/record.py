"""Record the catalog of games the test suite replays with --verify (tests/test_catalog.py).

Run after changing the shipped scenario or the engine on purpose:

    python tests/catalog/record.py

A game that still replays exactly as recorded is kept, file untouched; one that no longer does is
recorded afresh or replaced by another game of the same ending; an ending without enough games
gets new ones. It prints which games changed, so `git diff --stat tests/catalog` shows the same.
Games are played by a seeded random player, so the same content always gives the same catalog.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("REDLINE_CACHE", "off")

from game import paths, saves  # noqa: E402
from game.engine import Engine, GameState  # noqa: E402
from game.loader import check_scenario  # noqa: E402

GAMES = Path(__file__).resolve().parent / "games"
#: Games kept for each ending, and how many seeds the search may try to find them.
PER_ENDING = 3
MAX_SEEDS = 20_000
STAMP = "2024-10-23T00:00:00Z"


def play(engine: Engine, seed: int) -> GameState:
    """A whole game by a player that picks uniformly among the available choices, seeded."""
    rng = random.Random(seed)
    state = engine.new_game(seed)
    while not state.over:
        decision = engine.decision(state)
        assert decision is not None
        state = engine.choose(state, rng.choice([c.id for c in decision.choices if c.available])).state
    return state


def file_name(state: GameState) -> str:
    return f"{state.ending}-{state.seed}.json"


def record_game(engine: Engine, state: GameState) -> bytes:
    game = hashlib.blake2b(f"catalog|{state.seed}".encode(), digest_size=4).hexdigest()
    info = saves.GameInfo(game, STAMP)
    record = saves.make_record(engine, state, f"catalog {state.ending} {state.seed}", info, saved=STAMP)
    return saves.to_json(record).encode()


def still_replays(engine: Engine, path: Path) -> bool:
    try:
        loaded = saves.open_record(saves.read_save(path), engine)
    except saves.SaveError:
        return False
    return loaded.divergence is None and loaded.state.ending is not None and path.name == file_name(loaded.state)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-ending", type=int, default=PER_ENDING)
    args = parser.parse_args()
    report = check_scenario(paths.scenario_folder(None))
    if report.content is None:
        print(f"the shipped scenario has {len(report.problems)} problem(s); fix them first", file=sys.stderr)
        return 1
    engine = Engine(report.content)
    endings = [ending.model.id for ending in report.content.endings]
    GAMES.mkdir(parents=True, exist_ok=True)
    kept: dict[str, list[int]] = {ending: [] for ending in endings}
    removed: list[str] = []
    for path in sorted(GAMES.glob("*.json")):
        ending, _, number = path.stem.rpartition("-")
        if ending in kept and len(kept[ending]) < args.per_ending and still_replays(engine, path):
            kept[ending].append(int(number))
        else:
            path.unlink()
            removed.append(path.name)
    added: list[str] = []
    taken = {seed for seeds in kept.values() for seed in seeds}
    for seed in range(1, MAX_SEEDS + 1):
        if all(len(seeds) >= args.per_ending for seeds in kept.values()):
            break
        if seed in taken:
            continue
        state = play(engine, seed)
        assert state.ending is not None
        if len(kept[state.ending]) < args.per_ending:
            (GAMES / file_name(state)).write_bytes(record_game(engine, state))
            kept[state.ending].append(seed)
            added.append(file_name(state))
    changed = sorted(set(removed) & set(added))
    print(f"catalog: {sum(map(len, kept.values()))} games of {len(endings)} endings in {GAMES.relative_to(ROOT)}")
    print(f"  kept unchanged: {sum(map(len, kept.values())) - len(added)}")
    for label, names in (("re-recorded (the game goes differently now)", changed),
                         ("removed", sorted(set(removed) - set(added))), ("new", sorted(set(added) - set(removed)))):
        if names:
            print(f"  {label}: {', '.join(names)}")
    missing = [ending for ending, seeds in kept.items() if len(seeds) < args.per_ending]
    if missing:
        print(f"  endings with fewer than {args.per_ending} games in {MAX_SEEDS} seeds: {', '.join(missing)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
