"""Rate limits are counted in Redis, so they hold across gateway instances."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scripts.launcher.infra import InfraUrls
from services.api_gateway_service.tests.gateway_testing import (
    auth,
    gateway_client,
    gateway_settings,
)

pytestmark = pytest.mark.integration


async def test_limit_is_shared_by_two_instances(
    infra: InfraUrls, id_factory: Callable[[str], str]
) -> None:
    settings = gateway_settings(infra, rate_limit_reads=3, rate_limit_window_seconds=60)
    user, other_user = id_factory("teacher"), id_factory("teacher")
    async with gateway_client(settings) as first, gateway_client(settings) as second:
        # The stub-less RAS URL answers 503: the limiter runs before the call either way.
        answers = [
            await first.get("/v1/batches/b1/status", headers=auth(user)),
            await second.get("/v1/batches/b1/status", headers=auth(user)),
            await first.get("/v1/batches/b2/status", headers=auth(user)),
        ]
        limited = await second.get("/v1/batches/b1/status", headers=auth(user))
        other_route = await second.get("/v1/batches", headers=auth(user))
        other_user_answer = await second.get("/v1/batches/b1/status", headers=auth(other_user))

    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert all(a.status_code != 429 for a in answers)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    error = limited.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["details"]["limit"] == 3
    assert other_route.status_code != 429
    assert other_user_answer.status_code != 429
