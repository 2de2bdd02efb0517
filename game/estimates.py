"""The player's estimate of a hidden stat: plain arithmetic over the truth, the confidence behind it
and the seed, shared by the engine (the gauges) and the expression language (`estimate()`, `band()`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import blake2b
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from game.model import Stat


def roll_key(key: str) -> float:
    """A number in [0, 1) determined only by the text of the key."""
    return int.from_bytes(blake2b(key.encode(), digest_size=8).digest(), "big") / 2**64


def roll(seed: int, *parts: object) -> float:
    """A number in [0, 1) determined only by the seed and the parts."""
    return roll_key("|".join(map(str, (seed, *parts))))


#: how many assessments a hidden stat's estimate goes through as its confidence stat rises
REPORTS = 10


@dataclass(frozen=True, slots=True)
class Fog:
    """How one hidden stat is estimated: its bounds, the band's half-widths, and the stat (with its
    bounds) whose value narrows the band."""

    stat: str
    low: float
    high: float
    error: float
    min_error: float = 0.0
    confidence: str | None = None
    confidence_low: float = 0.0
    confidence_high: float = 100.0

    def share(self, confidence: float) -> float:
        """How far the confidence stat is along its range, from 0 to 1."""
        if self.confidence is None or self.confidence_high <= self.confidence_low:
            return 0.0
        share = (confidence - self.confidence_low) / (self.confidence_high - self.confidence_low)
        return min(1.0, max(0.0, share))

    def band(self, confidence: float) -> float:
        """The half-width of the band at this value of the confidence stat."""
        return self.error - (self.error - self.min_error) * self.share(confidence)

    def report(self, confidence: float) -> int:
        """Which assessment the player has: a new one each tenth of the confidence stat's range."""
        return min(REPORTS - 1, int(self.share(confidence) * REPORTS)) if self.confidence is not None else 0

    def estimate(self, truth: float, confidence: float, seed: int) -> tuple[float, float]:
        """The estimate and the half-width of its band, each to one decimal.

        The error is mostly a bias fixed for the whole game (a consistent misjudgement) and partly
        noise drawn afresh with each new assessment (each tenth of the confidence stat's range), both
        in proportion to the band. So the estimate holds still while nothing changes, moves by as much
        as the truth when events move it, narrows as confidence grows, and cannot be averaged into the
        truth; the truth always lies within the band.
        """
        band = self.band(confidence)
        bias = roll(seed, "estimate bias", self.stat) * 2 - 1
        noise = roll(seed, "estimate", self.stat, self.report(confidence)) * 2 - 1
        offset = (0.75 * bias + 0.25 * noise) * band
        value = min(self.high, max(self.low, truth + offset))
        return round(value, 1), round(band, 1)


def fogs_of(stats: Mapping[str, Stat]) -> dict[str, Fog]:
    """The fog of every hidden stat (its confidence stat's bounds 0–100 when that stat is not among them)."""
    fogs = {}
    for ident, stat in stats.items():
        hidden = stat.hidden
        if hidden is None:
            continue
        confidence = stats.get(hidden.confidence) if hidden.confidence else None
        fogs[ident] = Fog(
            stat=ident, low=float(stat.min), high=float(stat.max), error=float(hidden.error),
            min_error=float(hidden.min_error), confidence=hidden.confidence,
            confidence_low=float(confidence.min) if confidence else 0.0,
            confidence_high=float(confidence.max) if confidence else 100.0,
        )
    return fogs
