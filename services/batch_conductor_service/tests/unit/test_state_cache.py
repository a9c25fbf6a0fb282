"""The cache keeps the newest state: an older version never replaces a newer one."""

from __future__ import annotations

from services.batch_conductor_service.domain.batch_state import BatchState
from services.batch_conductor_service.implementations.state_cache import cache_key, newer_of


def test_empty_cache_takes_the_candidate() -> None:
    assert newer_of(None, BatchState(batch_id="b1", version=2))["version"] == 2


def test_newer_candidate_replaces_the_cached_state() -> None:
    cached = BatchState(batch_id="b1", version=2).model_dump(mode="json")

    kept = newer_of(cached, BatchState(batch_id="b1", version=3, essay_ids=("e1",)))

    assert kept["version"] == 3
    assert kept["essay_ids"] == ["e1"]


def test_older_or_equal_candidate_keeps_the_cached_state() -> None:
    cached = BatchState(batch_id="b1", version=5, essay_ids=("e1",)).model_dump(mode="json")

    assert newer_of(cached, BatchState(batch_id="b1", version=4)) is cached
    assert newer_of(cached, BatchState(batch_id="b1", version=5)) is cached


def test_keys_are_namespaced_per_batch() -> None:
    assert cache_key("b1") == "bcs:batch_state:b1"
