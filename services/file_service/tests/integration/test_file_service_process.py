"""The File Service as a process of the platform: upload, crash, restart."""

from __future__ import annotations

import uuid
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa

from common_core.event_enums import ProcessingEvent
from common_core.identity import deterministic_event_id
from huleedu_service_libs.db import create_async_engine_from_settings
from scripts.launcher.platform import Platform
from services.file_service.tests.documents import ESSAY_SENTENCES, make_docx
from services.file_service.tests.file_testing import (
    CONTENT_READY_TOPIC,
    batch_events,
    multipart_body,
    register_batch,
    upload_headers,
)

from .conftest import Peers

pytestmark = pytest.mark.integration

FILE_SERVICE = "file_service"


async def upload(
    platform: Platform, peers: Peers, batch_id: str, user_id: str, files: list[tuple[str, bytes]]
) -> tuple[int, dict[str, Any]]:
    body, content_type = multipart_body({"batch_id": batch_id}, files)
    headers = {**upload_headers(peers.api_key, user_id), **content_type}
    url = f"{platform.service_url(FILE_SERVICE)}/v1/files/batch"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status, await response.json()


async def mark_unpublished(platform: Platform, batch_id: str) -> int:
    """Make the batch's outbox rows look as if the process died before relaying them."""
    engine = create_async_engine_from_settings(platform.infra.database_url("file"), pool_size=1)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(
                sa.text("UPDATE event_outbox SET published_at = NULL WHERE key = :b"),
                {"b": batch_id},
            )
    finally:
        await engine.dispose()
    return int(result.rowcount)


async def test_events_left_unpublished_by_a_crash_go_out_after_restart(
    platform: Platform, peers: Peers
) -> None:
    await platform.start_services([FILE_SERVICE])
    user_id = f"teacher-{uuid.uuid4().hex[:12]}"
    batch_id = await register_batch(peers.bos_url, peers.api_key, user_id, 1)
    docx = make_docx(["Namn: Åsa Öberg", *ESSAY_SENTENCES])

    status, body = await upload(platform, peers, batch_id, user_id, [("essay.docx", docx)])
    assert status == 202, body
    [accepted] = body["accepted"]
    first = await batch_events(platform.infra.kafka_bootstrap, CONTENT_READY_TOPIC, batch_id,
                               count=1)  # fmt: skip
    await platform.kill(FILE_SERVICE)
    assert await mark_unpublished(platform, batch_id) == 1
    await platform.start(FILE_SERVICE)

    events = await batch_events(platform.infra.kafka_bootstrap, CONTENT_READY_TOPIC, batch_id,
                                count=2, timeout_s=20)  # fmt: skip

    expected_id = deterministic_event_id(
        ProcessingEvent.ESSAY_CONTENT_READY, batch_id=batch_id, essay_id=accepted["file_upload_id"]
    )
    assert first[0].event_id == expected_id
    assert [event.event_id for event in events] == [expected_id, expected_id]
    assert events[1].data == first[0].data
    assert events[1].data.student_name == "Åsa Öberg"
