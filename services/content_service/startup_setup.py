"""Readiness checks of the Content Service."""

from __future__ import annotations

from dishka import AsyncContainer
from sqlalchemy.ext.asyncio import AsyncEngine

from huleedu_service_libs.health import ReadinessCheck, deferred_check, postgres_check


def readiness_checks(container: AsyncContainer) -> list[ReadinessCheck]:
    return [deferred_check("postgres", lambda: container.get(AsyncEngine), postgres_check)]
