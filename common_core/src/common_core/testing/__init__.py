"""Realistic example instances of the contracts, for tests of every service."""

from common_core.testing.examples import example_envelope, example_event

__all__ = ["example_envelope", "example_event"]
