"""Shared dishka providers: the infrastructure every service wires the same way.

A service's `di.py` combines these with its own providers::

    container = make_async_container(
        DatabaseProvider(), KafkaProvider(), OutboxProvider(), RedisProvider(),
        BosProvider(),
        context={ServiceSettingsBase: settings, BosSettings: settings},
    )

Everything here lives in the APP scope and is closed by the container in reverse order of
creation, so the outbox relay stops before the Kafka bus it publishes through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, from_context, provide
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from huleedu_service_libs.kafka import KafkaBus
from huleedu_service_libs.outbox import OutboxRelay, OutboxWriter
from huleedu_service_libs.redis_client import RedisClient


class SettingsProvider(Provider):
    """Makes the base settings resolvable; pass them in the container's `context`."""

    scope = Scope.APP
    settings = from_context(provides=ServiceSettingsBase, scope=Scope.APP)


class DatabaseProvider(Provider):
    """The service's asyncpg engine, disposed when the container closes."""

    scope = Scope.APP

    @provide
    async def engine(self, settings: ServiceSettingsBase) -> AsyncIterator[AsyncEngine]:
        engine = create_async_engine_from_settings(
            settings.require_database_url(),
            settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        yield engine
        await engine.dispose()


class KafkaProvider(Provider):
    """A started Kafka bus (producer) for the service, stopped when the container closes."""

    scope = Scope.APP

    @provide
    async def bus(self, settings: ServiceSettingsBase) -> AsyncIterator[KafkaBus]:
        bus = KafkaBus(
            settings.kafka_bootstrap_servers,
            client_id=settings.service_name,
            enable_idempotence=settings.kafka_enable_idempotence,
        )
        await bus.start()
        yield bus
        await bus.stop()


class OutboxProvider(Provider):
    """The outbox writer, its running relay, and sessions that wake the relay on commit."""

    scope = Scope.APP

    @provide
    async def relay(
        self, settings: ServiceSettingsBase, engine: AsyncEngine, bus: KafkaBus
    ) -> AsyncIterator[OutboxRelay]:
        relay = OutboxRelay(engine, bus, service_name=settings.service_name)
        await relay.start()
        yield relay
        await relay.stop()

    @provide
    def sessions(self, engine: AsyncEngine, relay: OutboxRelay) -> async_sessionmaker[AsyncSession]:
        return create_sessionmaker(engine, on_outbox_commit=relay.wake)

    @provide
    def writer(self, settings: ServiceSettingsBase) -> OutboxWriter:
        return OutboxWriter(settings.service_name)


class PlainSessionsProvider(Provider):
    """Sessions for a service that has a database but publishes no events through it."""

    scope = Scope.APP

    @provide
    def sessions(self, engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
        return create_sessionmaker(engine)


class RedisProvider(Provider):
    """A connected Redis client, closed when the container closes."""

    scope = Scope.APP

    @provide
    async def redis(self, settings: ServiceSettingsBase) -> AsyncIterator[RedisClient]:
        client = RedisClient(settings.require_redis_url())
        await client.start()
        yield client
        await client.aclose()
