"""Re-publishing every event of a finished run changes nothing: BOS, ELS, RAS (through the
gateway), CJ and the notifications all stay as they were, and no service reacts on the bus."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from aiokafka import TopicPartition
from sqlalchemy.ext.asyncio import create_async_engine

from common_core.event_enums import all_topic_names
from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from scripts.stack_client import StackClient
from tests.functional.gateway_support import NotificationSocket, Teacher, teacher, ws_url
from tests.functional.pipeline_support import watcher
from tests.resilience.fault_bus import (
    OffsetProbe,
    Record,
    ServiceConsumer,
    records_with_key,
    republish,
    service_consumers,
)
from tests.resilience.fault_support import (
    IdFactory,
    assert_every_essay_ranked,
    eng5_files,
    finished_view,
    register,
    request_pipeline,
    upload_and_wait_ready,
)

pytestmark = [
    pytest.mark.functional,
    pytest.mark.integration,
    pytest.mark.usefixtures("running"),
]

CJ_QUERIES = {
    "assessments": "SELECT * FROM cj_assessments WHERE batch_id = :batch ORDER BY id",
    "essays": (
        "SELECT e.* FROM cj_essays e JOIN cj_assessments a ON a.id = e.assessment_id"
        " WHERE a.batch_id = :batch ORDER BY e.essay_id"
    ),
    "comparisons": (
        "SELECT c.* FROM cj_comparisons c JOIN cj_assessments a ON a.id = c.assessment_id"
        " WHERE a.batch_id = :batch ORDER BY c.assessment_id, c.position"
    ),
}


async def cj_rows(platform: Platform, batch_id: str) -> dict[str, list[dict[str, str]]]:
    """Everything the CJ service stored about the batch, as text."""
    engine = create_async_engine(platform.infra.database_url("cj"))
    try:
        async with engine.connect() as connection:
            found = {}
            for name, query in CJ_QUERIES.items():
                result = await connection.execute(sa.text(query), {"batch": batch_id})
                found[name] = [{k: str(v) for k, v in row.items()} for row in result.mappings()]
    finally:
        await engine.dispose()
    return found


async def els_essay(http: httpx.AsyncClient, platform: Platform, essay_id: str) -> Any:
    base = f"{platform.service_url('essay_lifecycle_api')}/v1/essays/{essay_id}"
    status, timeline = await http.get(f"{base}/status"), await http.get(f"{base}/timeline")
    assert status.status_code == timeline.status_code == 200, (status.text, timeline.text)
    return status.json(), timeline.json()


async def snapshot(platform: Platform, user: Teacher, batch_id: str) -> dict[str, Any]:
    """The batch as BOS, ELS (batch and each essay's status and timeline), the gateway (RAS)
    and CJ show it."""
    view = await user.status(batch_id)
    async with StackClient(platform) as client:
        bos = await client.bos_status(batch_id)
        els_batch = await client.els_batch_status(batch_id)
        assert els_batch.status_code == 200, els_batch.text
    async with httpx.AsyncClient(headers=client.auth_headers, timeout=30) as http:
        essays = {
            e["essay_id"]: await els_essay(http, platform, e["essay_id"]) for e in view["essays"]
        }
    return {
        "bos": bos,
        "els_batch": els_batch.json(),
        "els_essays": essays,
        "gateway_view": view,
        "cj": await cj_rows(platform, batch_id),
    }


def per_topic(records: list[Record]) -> Counter[str]:
    return Counter(record.topic for record in records)


async def committed_by_group(
    probe: OffsetProbe, consumers: list[ServiceConsumer]
) -> dict[str, dict[TopicPartition, int]]:
    return {
        c.group_id: await probe.committed(c.group_id, probe.partitions(c.topics)) for c in consumers
    }


async def replay_and_wait(
    bootstrap: str, records: list[Record], consumers: list[ServiceConsumer]
) -> dict[str, int]:
    """Re-publish `records` unchanged and wait until every consumer group's lag over them is 0
    (committed up to the last copy); how far each group's committed offsets moved."""
    async with OffsetProbe(bootstrap) as probe:
        before = await committed_by_group(probe, consumers)
        targets = await republish(bootstrap, records)
        print(f"[replay] re-published all {len(records)} unchanged")
        await probe.wait_consumed(consumers, targets)
        after = await committed_by_group(probe, consumers)
    return {g: sum(after[g][tp] - before[g][tp] for tp in after[g]) for g in after}


def assert_consumed(
    moved: dict[str, int], records: list[Record], consumers: list[ServiceConsumer]
) -> None:
    """Each group's committed offsets moved at least over the copies on its topics."""
    replayed = per_topic(records)
    for consumer in consumers:
        copies = sum(replayed[topic] for topic in consumer.topics)
        assert copies > 0 and moved[consumer.group_id] >= copies, (consumer, moved)


def assert_only_copies(original: list[Record], now: list[Record]) -> None:
    """The bus holds each original record and its copy, and nothing else of the batch."""
    expected = Counter({topic: 2 * count for topic, count in per_topic(original).items()})
    assert per_topic(now) == expected, (per_topic(now), expected)


async def finished_run(
    platform: Platform, user: Teacher, events: BatchEventWatcher, socket: NotificationSocket
) -> str:
    """A cj_assessment run of the ENG5 essays, finished and notified; its batch_id."""
    files = eng5_files()
    batch_id = await register(user, len(files))
    await upload_and_wait_ready(platform, user, events, batch_id, files)
    await request_pipeline(user, batch_id)
    _done, view = await finished_view(user, events, batch_id)
    assert_every_essay_ranked(view, len(files))
    await socket.wait_for(batch_id, "pipeline_completed", timeout_s=60)
    return batch_id


async def test_republishing_every_event_of_a_finished_run_changes_nothing(
    platform: Platform, id_factory: IdFactory
) -> None:
    bootstrap = platform.infra.kafka_bootstrap
    consumers = service_consumers(platform)
    async with (
        teacher(platform, id_factory("teacher-replay")) as user,
        watcher(platform) as events,
        NotificationSocket(ws_url(platform, user.token)) as socket,
    ):
        batch_id = await finished_run(platform, user, events, socket)
        before = await snapshot(platform, user, batch_id)
        heard = list(socket.of_batch(batch_id))
        records = await records_with_key(bootstrap, all_topic_names(), batch_id)
        print(f"\n[replay] run of {batch_id} finished; its {len(records)} records on the bus:")
        print(f"[replay] {dict(per_topic(records))}")

        moved = await replay_and_wait(bootstrap, records, consumers)
        print(f"[replay] every group's lag is 0 again; committed offsets moved by {moved}")
        assert_consumed(moved, records, consumers)
        # A later notification to the same user: any notification the replay caused came first.
        sentinel = await register(user, 1)
        await socket.wait_for(sentinel, "batch_registered", timeout_s=60)
        after = await snapshot(platform, user, batch_id)
        heard_after = list(socket.of_batch(batch_id))
        on_bus = await records_with_key(bootstrap, all_topic_names(), batch_id)

    assert heard_after == heard, heard_after[len(heard) :]
    print(f"[replay] checked: no new notification ({len(heard)} before and after)")
    assert_only_copies(records, on_bus)
    print("[replay] checked: no service published anything in response (no new pipeline)")
    for part, state in before.items():
        assert after[part] == state, part
    print(f"[replay] checked: unchanged {sorted(before)}")
