"""Counting futures: shares of endings with confidence intervals, and how far apart two mixes are."""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

#: the normal quantile of a 95% interval
Z95 = 1.959963984540054


def z_for_pairs(pairs: int) -> float:
    """The z of a 95% two-sided interval shared out over `pairs` comparisons (Bonferroni): with many
    options compared two by two, one pair in twenty would otherwise look different by chance."""
    return NormalDist().inv_cdf(1 - 0.025 / max(1, pairs))


def wilson(hits: int, total: int, z: float = Z95) -> tuple[float, float, float]:
    """The share hits/total and its Wilson score interval (which stays within 0..1 and behaves at 0
    and at total, unlike the textbook interval)."""
    if total <= 0:
        return 0.0, 0.0, 1.0
    p = hits / total
    z2 = z * z
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    low = 0.0 if hits == 0 else max(0.0, centre - half)
    high = 1.0 if hits == total else min(1.0, centre + half)
    return p, low, high


def shares(counts: Mapping[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: (count / total if total else 0.0) for key, count in counts.items()}


def apart(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Total variation distance between two mixes given as shares: the share of games that would have
    to change ending to turn one into the other (0: the same mix, 1: nothing in common)."""
    return sum(abs(a.get(key, 0.0) - b.get(key, 0.0)) for key in {*a, *b}) / 2


def distance(a: Mapping[str, int], b: Mapping[str, int]) -> float:
    """`apart` of two mixes given as counts."""
    return apart(shares(a), shares(b))


def paired_interval(diffs_sum: float, diffs_square: float, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Mean of paired differences (each future played under both options with the same seed) and its
    normal interval: with common random numbers the pairs share their luck, so the interval is narrow."""
    if n <= 0:
        return 0.0, 0.0, 0.0
    mean = diffs_sum / n
    variance = max(0.0, diffs_square / n - mean * mean) * n / max(1, n - 1)
    half = z * math.sqrt(variance / n)
    return mean, mean - half, mean + half
