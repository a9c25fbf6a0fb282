"""The topic bootstrap creates every HuleEdu topic with the requested partitions, idempotently."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from common_core.event_enums import all_topic_names
from scripts.kafka_topic_bootstrap import create_all_topics, create_topics, main
from scripts.launcher.servers import EmbeddedKafka
from scripts.tests.stack_helpers import LAUNCHER_TEST_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def broker() -> Iterator[EmbeddedKafka]:
    path = LAUNCHER_TEST_ROOT / f"kafka-{uuid.uuid4().hex[:10]}"
    kafka = EmbeddedKafka(path)
    kafka.start()
    yield kafka
    kafka.stop()
    shutil.rmtree(path, ignore_errors=True)


async def _partition_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return {entry["topic"]: len(entry["partitions"]) for entry in described}


async def test_creates_every_topic_with_the_requested_partitions(broker: EmbeddedKafka) -> None:
    result = await create_all_topics(broker.url, partitions=2)

    assert sorted(result.created) == sorted(all_topic_names())
    counts = await _partition_counts(broker.url, all_topic_names())
    assert counts == dict.fromkeys(all_topic_names(), 2)


async def test_a_second_run_creates_nothing_and_keeps_existing_topics(
    broker: EmbeddedKafka,
) -> None:
    await create_topics(broker.url, ["t.one", "t.two"], partitions=5)
    again = await create_topics(broker.url, ["t.two", "t.three"], partitions=1)

    assert again.created == ("t.three",)
    assert again.already_present == ("t.two",)
    assert await _partition_counts(broker.url, ["t.one", "t.two", "t.three"]) == {
        "t.one": 5,
        "t.two": 5,
        "t.three": 1,
    }


async def test_rejects_zero_partitions(broker: EmbeddedKafka) -> None:
    with pytest.raises(ValueError, match="partitions"):
        await create_topics(broker.url, ["t.zero"], partitions=0)


def test_command_line_creates_all_topics(
    broker: EmbeddedKafka, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--bootstrap-servers", broker.url, "--partitions", "1"]) == 0
    assert main(["--bootstrap-servers", broker.url, "--partitions", "1"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"topics: {len(all_topic_names())} created, 0 already present")
    assert f"topics: 0 created, {len(all_topic_names())} already present" in out[-1]
