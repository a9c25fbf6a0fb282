"""The session `infra` fixture gives working Kafka, Redis and PostgreSQL with every topic."""

from __future__ import annotations

import asyncpg
import pytest
import redis.asyncio as aioredis
from aiokafka.admin import AIOKafkaAdminClient

from common_core.event_enums import all_topic_names
from scripts.launcher.infra import InfraUrls, asyncpg_dsn

pytestmark = pytest.mark.integration


async def test_every_topic_exists_with_the_default_partitions(infra: InfraUrls) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        assert set(all_topic_names()) <= set(await admin.list_topics())
        described = await admin.describe_topics(all_topic_names()[:1])
    finally:
        await admin.close()
    assert len(described[0]["partitions"]) == 3


async def test_redis_answers(infra: InfraUrls, unique_id: str) -> None:
    client = aioredis.Redis.from_url(infra.redis_url)
    try:
        await client.set(f"probe:{unique_id}", "1")
        assert await client.get(f"probe:{unique_id}") == b"1"
    finally:
        await client.aclose()


async def test_create_database_is_idempotent_and_usable(infra: InfraUrls, unique_id: str) -> None:
    name = f"t_{unique_id}"
    url = await infra.create_database(name)
    assert await infra.create_database(name) == url
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        assert await connection.fetchval("SELECT current_database()") == name
        assert int(await connection.fetchval("SHOW max_connections")) >= 500
    finally:
        await connection.close()


async def test_database_url_works_with_sqlalchemy(infra: InfraUrls) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(infra.database_url("postgres"))
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()
