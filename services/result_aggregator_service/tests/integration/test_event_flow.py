"""A batch's whole life on the real topics → the view over the API and the notifications on
`ws:{user}`; a redelivery changes and publishes nothing; updates drop the cached answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from quart.typing import TestClientProtocol as QuartClient

from common_core.notifications import user_channel
from huleedu_service_libs.redis_client import RedisClient
from services.result_aggregator_service.config import RASSettings
from services.result_aggregator_service.tests.ras_events import (
    EXPECTED_NOTIFICATIONS,
    BatchStory,
)

from .ras_testing import (
    InOrderPublisher,
    get_json,
    nothing_more,
    receive,
    wait_for_status,
)

pytestmark = pytest.mark.integration


async def test_whole_life_gives_the_view_and_ordered_notifications(
    client: QuartClient,
    publisher: InOrderPublisher,
    redis: RedisClient,
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    events = story.everything()

    async with redis.subscribe(user_channel(story.user_id)) as pubsub:
        await publisher.publish(events)
        notifications = await receive(pubsub, len(EXPECTED_NOTIFICATIONS))
        assert await nothing_more(pubsub, wait_s=0.5) == []

    assert [n.event.value for n in notifications] == EXPECTED_NOTIFICATIONS
    assert [n.data.seq for n in notifications] == list(range(1, len(EXPECTED_NOTIFICATIONS) + 1))
    assert {n.data.batch_id for n in notifications} == {story.batch_id}

    view = await wait_for_status(client, story.batch_id, seq=len(EXPECTED_NOTIFICATIONS))
    assert view["user_id"] == story.user_id
    assert view["status"] == "completed_with_failures"
    assert view["current_phase"] is None
    assert view["phases"]["spellcheck"] == {
        "status": "completed_with_partial_success",
        "total": 3,
        "successful": 2,
        "failed": 1,
    }
    ranked = [(e["essay_id"], e["cj_rank"], e["correction_count"]) for e in view["essays"]]
    assert ranked == [("e-2", 1, 0), ("e-1", 2, 2), ("e-3", None, 0)]

    code, listing = await get_json(client, f"/internal/v1/users/{story.user_id}/batches")
    assert code == 200
    assert listing["total"] == 1 and listing["limit"] == 20 and listing["offset"] == 0
    assert listing["batches"][0]["batch_id"] == story.batch_id
    assert listing["batches"][0]["status"] == "completed_with_failures"


async def test_a_redelivered_event_changes_and_publishes_nothing(
    client: QuartClient,
    publisher: InOrderPublisher,
    redis: RedisClient,
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    intake = story.intake()
    async with redis.subscribe(user_channel(story.user_id)) as pubsub:
        await publisher.publish(intake)
        first = await receive(pubsub, 6)
        before = await wait_for_status(client, story.batch_id, seq=6)

        await publisher.publish(intake)  # every event again, same event ids
        await publisher.publish([story.pipeline()[0]])
        (started,) = await receive(pubsub, 1)
        assert await nothing_more(pubsub, wait_s=0.5) == []

    assert [n.data.seq for n in first] == [1, 2, 3, 4, 5, 6]
    assert (started.event.value, started.data.seq) == ("pipeline_started", 7)
    after = await wait_for_status(client, story.batch_id, seq=7)
    assert after["essays"] == before["essays"]
    assert after["rejected_files"] == before["rejected_files"]


async def test_an_update_drops_the_cached_answers(
    client: QuartClient,
    publisher: InOrderPublisher,
    redis: RedisClient,
    ras_settings: RASSettings,
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    await publisher.publish(story.intake())
    ready = await wait_for_status(client, story.batch_id, seq=6)
    listing_path = f"/internal/v1/users/{story.user_id}/batches?status=ready"
    assert (await get_json(client, listing_path))[1]["total"] == 1

    base = f"{ras_settings.cache_key_prefix}:batch:{story.batch_id}"
    stamp = await redis.get(f"{base}:stamp")
    assert stamp == "6"  # one invalidation per event
    cached = await redis.hget(f"{base}:{stamp}", "status")
    assert cached is not None and '"status":"ready"' in cached

    await publisher.publish(story.pipeline()[:1])
    processing = await wait_for_status(client, story.batch_id, seq=7)

    assert (ready["status"], processing["status"]) == ("ready", "processing")
    assert await redis.exists(f"{base}:{stamp}") == 0
    assert await redis.get(f"{base}:stamp") == "7"
    assert (await get_json(client, listing_path))[1]["total"] == 0
    cached = await redis.hget(f"{base}:7", "status")
    assert cached is not None and '"status":"processing"' in cached


async def test_unknown_batch_and_bad_queries_are_clear_errors(client: QuartClient) -> None:
    code, body = await get_json(client, "/internal/v1/batches/no-such-batch/status")
    assert (code, body["error"]["code"]) == (404, "not_found")
    code, body = await get_json(client, "/internal/v1/batches/no-such-batch/essays/e-1")
    assert code == 404
    code, body = await get_json(client, "/internal/v1/users/u/batches?limit=0&status=bogus")
    assert (code, body["error"]["code"]) == (400, "validation_error")
    unauthenticated = await client.get("/internal/v1/batches/x/status")
    assert unauthenticated.status_code == 401
