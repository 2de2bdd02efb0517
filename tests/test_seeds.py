"""Seeds: one way to make a fresh one, and one range every front end accepts."""

from __future__ import annotations

from game.seeds import MAX_SEED, fresh_seed, seed_or_fresh, seed_problem


def test_a_fresh_seed_is_a_valid_seed_and_a_given_one_is_kept() -> None:
    seeds = {fresh_seed() for _ in range(20)}
    assert len(seeds) > 1 and all(seed_problem(seed) is None for seed in seeds)
    assert seed_or_fresh(0) == 0 and seed_or_fresh(MAX_SEED) == MAX_SEED
    assert seed_problem(seed_or_fresh(None)) is None
    assert seed_problem(MAX_SEED + 1) is not None and seed_problem(-1) is not None and seed_problem(True) is not None
