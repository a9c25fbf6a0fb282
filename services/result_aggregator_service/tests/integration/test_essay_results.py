"""`GET /internal/v1/batches/{batch_id}/essays/{essay_id}`: the essay's results, corrections
and corrected text from the real Content Service; Content down → still answered, not cached."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from pydantic import SecretStr
from quart.typing import TestClientProtocol as QuartClient

from huleedu_service_libs.auth import internal_auth_headers
from huleedu_service_libs.content_client import ContentServiceClient
from huleedu_service_libs.kafka import KafkaBus
from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from services.result_aggregator_service.config import RASSettings
from services.result_aggregator_service.tests.ras_events import BatchStory

from .ras_testing import InOrderPublisher, app_settings, get_json, running_app, wait_for_status

pytestmark = pytest.mark.integration

CONTENT = "content_service"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def settings(infra: InfraUrls, ras_database_url: str, platform: Platform) -> RASSettings:
    await platform.start_services([CONTENT])
    return app_settings(
        infra,
        ras_database_url,
        content_url=platform.service_url(CONTENT),
        content_retries=0,
        internal_api_key=SecretStr(platform.secrets["internal_api_key"]),
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ras(settings: RASSettings) -> AsyncIterator[QuartClient]:
    async with running_app(settings) as client:
        yield client


@pytest.fixture
def auth(platform: Platform) -> dict[str, str]:
    return internal_auth_headers("api_gateway_service", platform.secrets["internal_api_key"])


async def test_essay_detail_has_corrections_and_the_corrected_text(
    ras: QuartClient,
    bus: KafkaBus,
    settings: RASSettings,
    platform: Platform,
    auth: dict[str, str],
    id_factory: Callable[[str], str],
) -> None:
    async with ContentServiceClient.create(
        settings.content_url, service_id="spellchecker_service", api_key=settings.internal_api_key
    ) as content:
        first = await content.store_text("My first essay, with every word spelt right.")
        second = await content.store_text("My second essay, corrected as well.")
    story = BatchStory(batch_id=id_factory("batch"), user_id=id_factory("teacher"))
    events = [
        *story.intake(),
        story.pipeline()[0],
        story.spellcheck("e-1", corrections=2, storage_id=first),
        story.spellcheck("e-2", corrections=1, storage_id=second),
    ]
    await InOrderPublisher(
        bus, settings.kafka_bootstrap_servers, settings.consumer_group_id
    ).publish(events)
    await wait_for_status(ras, story.batch_id, seq=9, auth=auth)
    path = f"/internal/v1/batches/{story.batch_id}/essays"

    code, essay = await get_json(ras, f"{path}/e-1", auth=auth)
    assert code == 200
    assert essay["corrected_text"] == "My first essay, with every word spelt right."
    assert essay["corrected_text_status"] == "available"
    assert [c["corrected"] for c in essay["corrections"]] == ["word0", "word1"]
    assert (essay["user_id"], essay["student_name"]) == (story.user_id, "Student e-1")

    await platform.stop(CONTENT)
    try:
        code, degraded = await get_json(ras, f"{path}/e-2", auth=auth)
    finally:
        await platform.start(CONTENT)
    assert (code, degraded["corrected_text"], degraded["corrected_text_status"]) == (
        200,
        None,
        "unavailable",
    )
    assert degraded["correction_count"] == 1

    code, recovered = await get_json(ras, f"{path}/e-2", auth=auth)
    assert (code, recovered["corrected_text_status"]) == (200, "available")
    assert recovered["corrected_text"] == "My second essay, corrected as well."
