"""BCS down when a request arrives: the request is neither committed nor lost nor dead-lettered;
once BCS answers, the pipeline runs.

Own BOS database: no other BOS app of the session may handle these batches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from quart.typing import TestClientProtocol as QuartClient

from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.kafka.testing import committed_offset
from scripts.launcher.infra import InfraUrls
from scripts.launcher.processes import free_port

from .bos_testing import AUTH, app_settings, migrated_database, running_app, wait_for_commit
from .pipeline_testing import (
    REQUEST_TOPIC,
    SPELLCHECK_TOPIC,
    STARTED_TOPIC,
    batch_status,
    bcs_settings,
    keyed_data,
    migrated_bcs_database,
    pipeline_request,
    ready_batch,
    served_bcs,
)

pytestmark = pytest.mark.integration

OUTAGE_S = 3.0


async def test_request_waits_for_bcs_and_runs_once_bcs_is_back(
    infra: InfraUrls, bus: KafkaBus, id_factory: Callable[[str], str]
) -> None:
    bcs_port = free_port()  # nothing listens here until BCS starts below
    settings = app_settings(
        infra,
        await migrated_database(infra),
        bcs_url=f"http://127.0.0.1:{bcs_port}",
        bcs_retries=1,
        bcs_circuit_failure_threshold=2,
        bcs_circuit_reset_seconds=0.5,
    )
    group = settings.consumer_group_id
    bcs_database = await migrated_bcs_database(infra)
    async with running_app(settings) as client:
        user_id = id_factory("teacher")
        batch_id, _ = await ready_batch(client, bus.publish, user_id)

        sent = await bus.publish(pipeline_request(batch_id, "spellcheck", user_id), key=batch_id)
        await asyncio.sleep(OUTAGE_S)  # the outage: the consumer keeps retrying meanwhile

        committed = await committed_offset(
            infra.kafka_bootstrap, group, REQUEST_TOPIC, sent.partition
        )
        assert committed is None or committed <= sent.offset
        assert (await batch_status(client, batch_id))["status"] == "ready_for_pipeline_execution"
        await assert_not_dead_lettered(client, batch_id)

        async with served_bcs(bcs_settings(infra, bcs_database, bcs_port)):
            [started] = await keyed_data(infra.kafka_bootstrap, STARTED_TOPIC, batch_id)
            [command] = await keyed_data(infra.kafka_bootstrap, SPELLCHECK_TOPIC, batch_id)
            await wait_for_commit(
                infra.kafka_bootstrap, group, REQUEST_TOPIC, sent.partition, sent.offset
            )

    assert command["pipeline_run_id"] == started["pipeline_run_id"]
    assert len(command["essays"]) == 3


async def assert_not_dead_lettered(client: QuartClient, batch_id: str) -> None:
    response = await client.get(
        "/internal/v1/dead-letters",
        query_string={"topic": REQUEST_TOPIC, "include_replayed": "true", "limit": "1000"},
        headers=AUTH,
    )
    letters = (await response.get_json())["dead_letters"]
    assert all(letter["key"] != batch_id for letter in letters)
