"""The Content Service's dependency container."""

from __future__ import annotations

from dishka import AsyncContainer, Provider, Scope, from_context, make_async_container, provide
from quart_dishka import QuartProvider
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.config import ServiceSettingsBase
from huleedu_service_libs.providers import DatabaseProvider, SettingsProvider
from services.content_service.config import ContentSettings
from services.content_service.content_store import ContentStore
from services.content_service.implementations.postgres_repository import (
    PostgresContentRepository,
)


class ContentProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=ContentSettings, scope=Scope.APP)

    @provide
    def store(self, settings: ContentSettings, engine: AsyncEngine) -> ContentStore:
        return ContentStore(
            PostgresContentRepository(engine),
            max_bytes=settings.max_content_bytes,
            default_content_type=settings.default_content_type,
        )


def build_container(settings: ContentSettings) -> AsyncContainer:
    return make_async_container(
        SettingsProvider(),
        DatabaseProvider(),
        ContentProvider(),
        QuartProvider(),
        context={ServiceSettingsBase: settings, ContentSettings: settings},
    )
