"""pytest plugin: one embedded HuleEdu stack per test session.

Enabled from the root `conftest.py`. Fixtures:

- `platform` (session): a started `Platform` of profile `test` (`test-2`, ... when another
  session holds `test`); services start, and their migrations run, on demand
  (`await platform.start_services([...])`).
- `infra` (session): its `InfraUrls`; every topic of `all_topic_names()` exists.
- `unique_id` / `id_factory`: ids that keep tests apart on the shared stack.

Servers whose URL is in `HULEEDU_POSTGRES_URL`, `HULEEDU_REDIS_URL` or
`HULEEDU_KAFKA_BOOTSTRAP_SERVERS` are used instead of started.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from scripts.launcher.infra import InfraUrls
from scripts.launcher.platform import Platform
from scripts.launcher.state import StackBusyError

TEST_PROFILE = "test"
_MAX_CONCURRENT_SESSIONS = 8


def _test_profiles() -> list[str]:
    return [TEST_PROFILE] + [f"{TEST_PROFILE}-{n}" for n in range(2, _MAX_CONCURRENT_SESSIONS + 1)]


async def start_test_platform() -> Platform:
    """A started test stack in the first profile no other live session holds."""
    for profile in _test_profiles():
        platform = Platform(profile)
        try:
            await platform.start_infrastructure(migrate=False)
        except StackBusyError:
            continue
        return platform
    raise StackBusyError(f"all {_MAX_CONCURRENT_SESSIONS} test profiles are in use")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def platform() -> AsyncIterator[Platform]:
    stack = await start_test_platform()
    try:
        yield stack
    finally:
        await stack.stop_all()


@pytest.fixture(scope="session")
def infra(platform: Platform) -> InfraUrls:
    return platform.infra


@pytest.fixture
def unique_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def id_factory() -> Callable[[str], str]:
    """`id_factory("batch")` → `"batch-<32 hex>"`, different on every call."""

    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex}"

    return make
