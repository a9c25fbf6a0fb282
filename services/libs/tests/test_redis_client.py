"""RedisClient against a real Redis: key ops, pub/sub, atomic updates under contention."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError
from redis.asyncio.client import Pipeline, PubSub

from common_core.notifications import parse_notification
from huleedu_service_libs.protocols import AtomicRedisClientProtocol
from huleedu_service_libs.redis_client import (
    AtomicUpdateConflictError,
    RedisClient,
    get_user_channel,
    notification_message,
)

integration = pytest.mark.integration


@pytest.fixture
async def client(infra: Any) -> AsyncIterator[RedisClient]:
    async with RedisClient(infra.redis_url, max_connections=10) as redis_client:
        yield redis_client


async def _next_message(pubsub: PubSub, timeout_s: float = 2.0) -> dict[str, Any] | None:
    # get_message returns None for skipped subscribe confirmations, so poll until the deadline.
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        message = await pubsub.get_message(timeout=0.1)
        if message is not None:
            return dict(message)
    return None


def _key(name: str) -> str:
    return f"test:{name}:{uuid4().hex}"


def test_notification_format_is_event_and_data() -> None:
    raw = notification_message("batch_ready", {"batch_id": "b1", "seq": 2, "essay_count": 3})
    message = json.loads(raw)
    assert set(message) == {"event", "data"}
    assert message["event"] == "batch_ready"
    assert message["data"]["essay_count"] == 3 and message["data"]["seq"] == 2
    assert parse_notification(raw).data.batch_id == "b1"
    assert get_user_channel("u-7") == "ws:u-7"


def test_notification_data_must_fit_the_event() -> None:
    with pytest.raises(ValidationError):
        notification_message("batch_ready", {"batch_id": "b1", "seq": 2})  # no essay_count
    with pytest.raises(ValidationError):
        notification_message("no_such_event", {"batch_id": "b1", "seq": 2})


def test_client_satisfies_the_protocols() -> None:
    client: AtomicRedisClientProtocol = RedisClient("redis://127.0.0.1:1/0")  # mypy checks types
    assert isinstance(client, AtomicRedisClientProtocol)  # every protocol method exists


@integration
async def test_key_operations(client: RedisClient) -> None:
    key = _key("kv")
    assert await client.set(key, "a", ex=60)
    assert not await client.set(key, "b", nx=True)
    assert await client.get(key) == "a"
    assert 0 < await client.ttl(key) <= 60
    assert await client.exists(key) == 1
    assert await client.incr(_key("n"), 5) == 5
    hkey, skey = _key("h"), _key("s")
    await client.hset(hkey, {"x": 1, "y": "two"})
    assert await client.hgetall(hkey) == {"x": "1", "y": "two"}
    assert await client.hget(hkey, "y") == "two"
    await client.sadd(skey, "a", "b", "a")
    assert await client.smembers(skey) == {"a", "b"}
    assert await client.delete(key, hkey, skey) == 3
    assert await client.get(key) is None


@integration
async def test_pubsub_round_trip_and_unsubscribe_on_exit(client: RedisClient) -> None:
    user_id = uuid4().hex
    channel = client.get_user_channel(user_id)
    async with client.subscribe(channel) as pubsub:
        receivers = await client.publish_user_notification(
            user_id, "batch_registered", {"batch_id": "b1", "seq": 1}
        )
        message = await _next_message(pubsub)
    assert receivers == 1
    assert message is not None and message["channel"] == channel
    notification = parse_notification(message["data"])
    assert (notification.event, notification.data.batch_id) == ("batch_registered", "b1")
    assert await client.publish(channel, "after exit") == 0


@integration
async def test_update_json_is_exact_under_50_concurrent_writers(client: RedisClient) -> None:
    key = _key("json")

    def increment(current: dict[str, Any] | None) -> dict[str, Any]:
        count = (current or {}).get("count", 0)
        return {"count": count + 1, "note": "incremented"}

    # 50 writers on a pool of 10 connections: the blocking pool makes the rest wait.
    await asyncio.gather(*(client.update_json(key, increment, max_retries=200) for _ in range(50)))
    assert json.loads(await client.get(key) or "{}") == {"count": 50, "note": "incremented"}


@integration
async def test_watch_transaction_gives_up_after_max_retries(
    client: RedisClient, infra: Any
) -> None:
    key = _key("conflict")
    attempts = 0
    async with RedisClient(infra.redis_url) as other:

        async def always_loses(pipe: Pipeline) -> None:
            nonlocal attempts
            attempts += 1
            await pipe.get(key)
            await other.incr(key)  # a concurrent writer changes the watched key every time
            pipe.multi()  # type: ignore[no-untyped-call]
            pipe.set(key, "never")

        with pytest.raises(AtomicUpdateConflictError):
            await client.watch_transaction([key], always_loses, max_retries=3)
    assert attempts == 4
    assert await client.get(key) == "4"
