"""Cross-service functional tests: every service a real process on the session's stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from scripts.launcher.platform import Platform
from scripts.stack_client import INTAKE_SERVICES, StackClient


@pytest_asyncio.fixture(loop_scope="session")
async def intake(platform: Platform) -> AsyncIterator[StackClient]:
    """The intake services running (started once, restarted if a test left one down)."""
    await platform.start_services(INTAKE_SERVICES)
    async with StackClient(platform) as client:
        yield client
