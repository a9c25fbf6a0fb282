"""ContentStore over an in-memory repository: addressing, deduplication, limits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest

from services.content_service.content_addressing import (
    is_storage_id,
    normalise_content_type,
    storage_id_for,
)
from services.content_service.content_store import (
    ContentStore,
    ContentTooLargeError,
    EmptyContentError,
)
from services.content_service.protocols import ContentItem

DEFAULT_TYPE = "application/octet-stream"


@dataclass
class MemoryRepository:
    items: dict[str, ContentItem] = field(default_factory=dict)
    saves: int = 0

    async def save(self, item: ContentItem) -> bool:
        self.saves += 1
        if item.storage_id in self.items:
            return False
        self.items[item.storage_id] = item
        return True

    async def load(self, storage_id: str) -> ContentItem | None:
        return self.items.get(storage_id)


@pytest.fixture
def repository() -> MemoryRepository:
    return MemoryRepository()


@pytest.fixture
def store(repository: MemoryRepository) -> ContentStore:
    return ContentStore(repository, max_bytes=10, default_content_type=DEFAULT_TYPE)


def test_storage_id_is_the_sha256_hex_of_the_bytes() -> None:
    assert storage_id_for(b"essay") == hashlib.sha256(b"essay").hexdigest()
    assert is_storage_id(storage_id_for(b"essay"))


@pytest.mark.parametrize("value", ["", "abc", "A" * 64, "g" * 64, "../etc/passwd", "0" * 65])
def test_anything_but_64_lowercase_hex_is_no_storage_id(value: str) -> None:
    assert not is_storage_id(value)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("text/plain; charset=utf-8", "text/plain; charset=utf-8"),
        ("  application/pdf ", "application/pdf"),
        (None, DEFAULT_TYPE),
        ("", DEFAULT_TYPE),
        ("text/plain\r\nX-Evil: 1", DEFAULT_TYPE),
        ("x" * 256, DEFAULT_TYPE),
    ],
)
def test_content_type_is_kept_when_sane(raw: str | None, kept: str) -> None:
    assert normalise_content_type(raw, DEFAULT_TYPE) == kept


async def test_store_then_fetch_round_trips_bytes_and_type(store: ContentStore) -> None:
    storage_id = await store.store(b"hello", "text/plain")

    item = await store.fetch(storage_id)

    assert item == ContentItem(storage_id, "text/plain", b"hello")


async def test_identical_bytes_share_one_id_and_keep_the_first_type(
    store: ContentStore, repository: MemoryRepository
) -> None:
    first = await store.store(b"same", "text/plain")
    second = await store.store(b"same", "application/octet-stream")

    assert first == second
    assert len(repository.items) == 1
    assert repository.items[first].content_type == "text/plain"


async def test_different_bytes_get_different_ids(store: ContentStore) -> None:
    assert await store.store(b"one", None) != await store.store(b"two", None)


async def test_content_over_the_limit_is_refused_unsaved(
    store: ContentStore, repository: MemoryRepository
) -> None:
    with pytest.raises(ContentTooLargeError) as caught:
        await store.store(b"x" * 11, None)

    assert (caught.value.size, caught.value.limit) == (11, 10)
    assert repository.saves == 0


async def test_content_at_the_limit_is_stored(store: ContentStore) -> None:
    assert is_storage_id(await store.store(b"x" * 10, None))


async def test_empty_content_is_refused(store: ContentStore) -> None:
    with pytest.raises(EmptyContentError):
        await store.store(b"", None)


async def test_unknown_or_malformed_ids_fetch_nothing(store: ContentStore) -> None:
    assert await store.fetch(storage_id_for(b"never stored")) is None
    assert await store.fetch("not-an-id") is None
