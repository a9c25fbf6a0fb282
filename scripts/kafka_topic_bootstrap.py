"""Create HuleEdu's Kafka topics (event and dead-letter topics) before any service starts.

Idempotent, and usable against the embedded broker or a real Kafka cluster:

    python -m scripts.kafka_topic_bootstrap --bootstrap-servers 127.0.0.1:9092 --partitions 3
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError, for_code
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

DEFAULT_PARTITIONS = 3
_CONNECT_TIMEOUT_S = 30.0
_CLIENT_ID = "huleedu-topic-bootstrap"


class TopicBootstrapError(RuntimeError):
    """The broker refused to create a topic."""


@dataclass(frozen=True)
class TopicBootstrapResult:
    created: tuple[str, ...]
    already_present: tuple[str, ...]


async def _started_admin(bootstrap: str, connect_timeout_s: float) -> AIOKafkaAdminClient:
    # Right after a broker starts (or in compose) the first connection may be refused.
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(KafkaConnectionError),
        stop=stop_after_delay(connect_timeout_s),
        wait=wait_exponential(multiplier=0.05, max=1.0),
        reraise=True,
    ):
        with attempt:
            admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id=_CLIENT_ID)
            try:
                await admin.start()
            except BaseException:
                await admin.close()
                raise
    return admin


def _raise_for_topic_errors(response: object) -> None:
    for topic, code, *message in getattr(response, "topic_errors", []):
        if code == 0:
            continue
        error = for_code(code)
        if error is TopicAlreadyExistsError:  # created concurrently by another bootstrap
            continue
        detail = message[0] if message and message[0] else error.__name__
        raise TopicBootstrapError(f"could not create topic {topic!r}: {detail}")


async def create_topics(
    bootstrap: str,
    topics: Iterable[str],
    partitions: int = DEFAULT_PARTITIONS,
    replication_factor: int = 1,
    *,
    connect_timeout_s: float = _CONNECT_TIMEOUT_S,
) -> TopicBootstrapResult:
    """Create each topic of `topics` that does not exist yet; existing ones are left as they are."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    wanted = list(dict.fromkeys(topics))
    admin = await _started_admin(bootstrap, connect_timeout_s)
    try:
        existing = set(await admin.list_topics())
        missing = [topic for topic in wanted if topic not in existing]
        if missing:
            response = await admin.create_topics(
                [NewTopic(topic, partitions, replication_factor) for topic in missing]
            )
            _raise_for_topic_errors(response)
    finally:
        await admin.close()
    return TopicBootstrapResult(
        created=tuple(missing),
        already_present=tuple(topic for topic in wanted if topic in existing),
    )


async def create_all_topics(
    bootstrap: str, partitions: int = DEFAULT_PARTITIONS, replication_factor: int = 1
) -> TopicBootstrapResult:
    """Create every HuleEdu topic: all event topics and all dead-letter topics."""
    from common_core.event_enums import all_topic_names

    return await create_topics(bootstrap, all_topic_names(), partitions, replication_factor)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bootstrap-servers", required=True, help="host:port[,host:port]")
    parser.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    parser.add_argument("--replication-factor", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    result = asyncio.run(
        create_all_topics(args.bootstrap_servers, args.partitions, args.replication_factor)
    )
    print(
        f"topics: {len(result.created)} created, {len(result.already_present)} already present "
        f"({args.bootstrap_servers})"
    )
    for topic in result.created:
        print(f"  created {topic}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
