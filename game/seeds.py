"""The range of a game's seed: the same for the command line, the interface and save files."""

from __future__ import annotations

import os

MAX_SEED = 2**63 - 1
RANGE = "between 0 and 2**63-1"


def fresh_seed() -> int:
    """The seed of a game the player did not give one: unpredictable, and small enough to read out."""
    return int.from_bytes(os.urandom(4), "big")


def seed_or_fresh(seed: int | None) -> int:
    """The seed given, or a fresh one."""
    return seed if seed is not None else fresh_seed()


def seed_problem(value: int) -> str | None:
    """Why a whole number cannot be a seed, or None if it can."""
    if isinstance(value, bool) or not 0 <= value <= MAX_SEED:
        return f"the seed must be {RANGE}"
    return None
