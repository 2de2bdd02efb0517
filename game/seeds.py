"""The range of a game's seed: the same for the command line, the interface and save files."""

from __future__ import annotations

MAX_SEED = 2**63 - 1
RANGE = "between 0 and 2**63-1"


def seed_problem(value: int) -> str | None:
    """Why a whole number cannot be a seed, or None if it can."""
    if isinstance(value, bool) or not 0 <= value <= MAX_SEED:
        return f"the seed must be {RANGE}"
    return None
