"""Capped exponential backoff, as a pure value object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Delay before retry number `attempt` (1-based): initial * multiplier^(attempt-1), capped."""

    initial_s: float = 0.1
    max_s: float = 5.0
    multiplier: float = 2.0

    def __post_init__(self) -> None:
        if self.initial_s < 0 or self.max_s < self.initial_s or self.multiplier < 1:
            raise ValueError(f"invalid backoff {self!r}")

    def delay(self, attempt: int) -> float:
        if attempt < 1:
            raise ValueError("attempt is 1-based")
        # Past ~64 doublings the delay is certainly capped; avoid float overflow.
        exponent = min(attempt - 1, 64)
        return float(min(self.max_s, self.initial_s * self.multiplier**exponent))
