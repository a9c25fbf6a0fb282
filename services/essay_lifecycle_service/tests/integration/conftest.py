"""Fixtures of the ELS integration tests: one migrated database per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from huleedu_service_libs.db import create_async_engine_from_settings, create_sessionmaker
from huleedu_service_libs.outbox import OutboxWriter
from scripts.launcher.infra import InfraUrls
from services.essay_lifecycle_service.config import SERVICE_NAME
from services.essay_lifecycle_service.event_factory import EventFactory
from services.essay_lifecycle_service.implementations.intake_repository import IntakeRepository
from services.essay_lifecycle_service.intake_service import IntakeService
from services.essay_lifecycle_service.phase_service import PhaseService
from services.essay_lifecycle_service.tests.integration.phase_support import phase_service
from services.essay_lifecycle_service.tests.integration.support import migrated_database


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def database_url(infra: InfraUrls) -> str:
    return await migrated_database(infra)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine_from_settings(database_url, 10)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def intake(sessions: async_sessionmaker[AsyncSession]) -> IntakeService:
    """Intake on the real database; its events stay in the outbox (no relay runs)."""
    return IntakeService(
        sessions, IntakeRepository(), OutboxWriter(SERVICE_NAME), EventFactory(SERVICE_NAME)
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def phases(sessions: async_sessionmaker[AsyncSession]) -> PhaseService:
    return phase_service(sessions)
