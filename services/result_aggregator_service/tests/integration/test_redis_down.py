"""With Redis down RAS still answers (cache bypassed) and keeps its view current; only the
notifications are lost. Redis is shared by the session: it is always started again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from quart.typing import TestClientProtocol as QuartClient

from scripts.launcher.platform import Platform
from services.result_aggregator_service.tests.ras_events import BatchStory

from .ras_testing import InOrderPublisher, get_json, wait_for_status

pytestmark = pytest.mark.integration


async def test_the_api_answers_and_the_view_moves_on_without_redis(
    client: QuartClient,
    publisher: InOrderPublisher,
    platform: Platform,
    id_factory: Callable[[str], str],
) -> None:
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    await publisher.publish(story.intake())
    assert (await wait_for_status(client, story.batch_id, seq=6))["status"] == "ready"

    await platform.stop("redis")
    try:
        await publisher.publish(story.pipeline()[:2])
        during = await wait_for_status(client, story.batch_id, seq=8)
        code, listing = await get_json(client, f"/internal/v1/users/{story.user_id}/batches")
        essay_code, essay = await get_json(
            client, f"/internal/v1/batches/{story.batch_id}/essays/e-1"
        )
    finally:
        await platform.start("redis")

    assert (during["status"], during["current_phase"]) == ("processing", "spellcheck")
    assert (code, listing["batches"][0]["status"]) == (200, "processing")
    assert (essay_code, essay["file_name"], essay["corrected_text_status"]) == (
        200,
        "e-1.docx",
        "none",
    )
    after = await wait_for_status(client, story.batch_id, seq=8)
    assert after["status"] == "processing"
