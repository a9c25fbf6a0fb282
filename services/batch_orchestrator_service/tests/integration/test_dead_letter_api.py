"""Dead letters over BOS's internal API: listing, and a replay that BOS consumes again."""

from __future__ import annotations

import asyncio
import base64
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from quart.typing import TestClientProtocol as QuartClient

from common_core.event_registry import envelope_to_bytes
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from huleedu_service_libs.kafka import DeadLetter, DeadLetterReason, KafkaBus
from scripts.launcher.infra import InfraUrls
from services.batch_orchestrator_service.config import BOSSettings
from services.batch_orchestrator_service.implementations.dead_letters import (
    PostgresDeadLetterStore,
)

from .bos_testing import AUTH
from .pipeline_testing import REJECTED_TOPIC, REQUEST_TOPIC, keyed_data, pipeline_request

pytestmark = pytest.mark.integration

LETTERS = "/internal/v1/dead-letters"


async def letters(client: QuartClient, **query: str) -> list[dict[str, Any]]:
    response = await client.get(LETTERS, query_string=query, headers=AUTH)
    assert response.status_code == 200
    found: list[dict[str, Any]] = (await response.get_json())["dead_letters"]
    return found


async def letter_keyed(client: QuartClient, key: str, **query: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            matching = [letter for letter in await letters(client, **query) if letter["key"] == key]
            if matching:
                return matching[0]
            await asyncio.sleep(0.05)


async def store_letter(settings: BOSSettings, letter: DeadLetter) -> None:
    engine = create_async_engine_from_settings(settings.require_database_url(), pool_size=1)
    try:
        await PostgresDeadLetterStore(create_sessionmaker(engine)).dead_letter(letter)
    finally:
        await engine.dispose()


async def test_an_invalid_message_is_listed_with_its_error(
    client: QuartClient, bus: KafkaBus, id_factory: Callable[[str], str]
) -> None:
    key = id_factory("batch")

    await bus.publish_raw(REQUEST_TOPIC, b"{not json", key=key.encode(), headers=[])

    letter = await letter_keyed(client, key, topic=REQUEST_TOPIC, limit="1000")
    assert letter["source_topic"] == REQUEST_TOPIC
    assert letter["reason"] == "invalid_envelope"
    assert letter["error_type"] == "EnvelopeValidationError"
    assert letter["replayed_at"] is None
    assert base64.b64decode(letter["value_base64"]) == b"{not json"


async def test_replay_republishes_the_letter_and_bos_handles_it(
    client: QuartClient,
    bos_settings: BOSSettings,
    infra: InfraUrls,
    id_factory: Callable[[str], str],
) -> None:
    batch_id, user_id = id_factory("batch"), id_factory("teacher")
    request = pipeline_request(batch_id, "spellcheck", user_id)
    await store_letter(
        bos_settings,
        DeadLetter(
            source_topic=REQUEST_TOPIC,
            source_partition=0,
            source_offset=uuid.uuid4().int % 10**12,
            key=batch_id.encode(),
            value=envelope_to_bytes(request),
            reason=DeadLetterReason.HANDLER_FAILED,
            error_type="RuntimeError",
            error_message="a bug, fixed since",
            attempts=3,
            service="batch_orchestrator_service",
            consumer_group=bos_settings.consumer_group_id,
        ),
    )
    letter = await letter_keyed(client, batch_id, limit="1000")

    response = await client.post(f"{LETTERS}/{letter['id']}/replay", headers=AUTH)

    assert response.status_code == 200, await response.get_json()
    assert (await response.get_json())["replayed_to"]["topic"] == REQUEST_TOPIC
    [rejected] = await keyed_data(infra.kafka_bootstrap, REJECTED_TOPIC, batch_id)
    assert rejected["reason_code"] == "unknown_batch"
    assert rejected["user_id"] == user_id
    assert all(item["key"] != batch_id for item in await letters(client, limit="1000"))
    replayed = await letter_keyed(client, batch_id, include_replayed="true", limit="1000")
    assert replayed["replayed_at"] is not None

    again = await client.post(f"{LETTERS}/{letter['id']}/replay", headers=AUTH)
    assert again.status_code == 409
    assert (await again.get_json())["error"]["code"] == "conflict"


async def test_replay_of_an_unknown_letter_is_404(client: QuartClient) -> None:
    response = await client.post(f"{LETTERS}/999999999/replay", headers=AUTH)

    assert response.status_code == 404
    assert (await response.get_json())["error"]["code"] == "not_found"


@pytest.mark.parametrize("limit", ["0", "abc", "1001"])
async def test_a_bad_limit_is_400(client: QuartClient, limit: str) -> None:
    response = await client.get(LETTERS, query_string={"limit": limit}, headers=AUTH)

    assert response.status_code == 400


async def test_dead_letters_need_service_credentials(client: QuartClient) -> None:
    assert (await client.get(LETTERS)).status_code == 401
