"""The documented rebuild command replays the topics into a fresh view equal to the live one."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest
from quart.typing import TestClientProtocol as QuartClient

from common_core.event_enums import ProcessingEvent
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from huleedu_service_libs.kafka.testing import embedded_broker_options
from scripts.launcher.infra import InfraUrls
from scripts.launcher.state import PROJECT_ROOT
from services.result_aggregator_service.config import RASSettings
from services.result_aggregator_service.domain.view import BatchView
from services.result_aggregator_service.implementations.view_repository import (
    PostgresViewRepository,
)
from services.result_aggregator_service.rebuild import ViewNotEmptyError, rebuild
from services.result_aggregator_service.tests.ras_events import (
    EXPECTED_NOTIFICATIONS,
    BatchStory,
)

from .ras_testing import InOrderPublisher, migrated_database, wait_for_status

pytestmark = pytest.mark.integration


async def test_the_rebuilt_view_equals_the_live_one(
    client: QuartClient,
    publisher: InOrderPublisher,
    infra: InfraUrls,
    ras_settings: RASSettings,
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    rejected = story.envelope(ProcessingEvent.PIPELINE_REQUEST_REJECTED, user_id=story.user_id)
    await publisher.publish([*story.everything(), rejected])
    await wait_for_status(client, story.batch_id, seq=len(EXPECTED_NOTIFICATIONS) + 1)
    fresh_url = await migrated_database(infra)

    await _run_rebuild_command(ras_settings, fresh_url, story.batch_id)

    live = await _view(ras_settings.require_database_url(), story.batch_id)
    rebuilt = await _view(fresh_url, story.batch_id)
    assert rebuilt == live
    assert rebuilt["seq"] == len(EXPECTED_NOTIFICATIONS) + 1

    fresh = ras_settings.model_copy(update={"database_url": fresh_url})
    options = embedded_broker_options()
    with pytest.raises(ViewNotEmptyError):
        await rebuild(fresh, batch_ids=frozenset({story.batch_id}), options=options)
    report = await rebuild(
        fresh, truncate=True, batch_ids=frozenset({story.batch_id}), options=options
    )
    assert (report.batches, report.events) == (1, len(story.everything()) + 1)
    assert await _view(fresh_url, story.batch_id) == live


async def _run_rebuild_command(settings: RASSettings, database_url: str, batch_id: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "RAS_DATABASE_URL": database_url,
        "RAS_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "RAS_KAFKA_SESSION_TIMEOUT_MS": "1000",
        "RAS_KAFKA_HEARTBEAT_INTERVAL_MS": "250",
        "RAS_REDIS_URL": settings.redis_url or "",
        "RAS_BOS_URL": settings.bos_url,
        "RAS_LOG_FORMAT": "json",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.result_aggregator_service.rebuild",
        "--batch-id", batch_id,
        cwd=PROJECT_ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-3000:]
    assert "rebuilt 1 batches from" in text


async def _view(database_url: str, batch_id: str) -> dict[str, Any]:
    engine = create_async_engine_from_settings(database_url, pool_size=1)
    try:
        async with create_sessionmaker(engine)() as session:
            view = await PostgresViewRepository().load(session, batch_id)
    finally:
        await engine.dispose()
    assert isinstance(view, BatchView)
    dumped = view.model_dump(mode="json")
    dumped["essays"] = sorted(dumped["essays"], key=lambda essay: str(essay["essay_id"]))
    return dumped
