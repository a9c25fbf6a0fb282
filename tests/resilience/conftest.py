"""Fault-injection suite: one embedded platform per session, every service its own process."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import pytest_asyncio

from scripts.batch_events import BatchEventWatcher
from scripts.launcher.platform import Platform
from tests.functional.gateway_support import Teacher, teacher
from tests.functional.pipeline_support import watcher
from tests.resilience.kill_support import StackDatabases

SPELLCHECKER = "spellchecker_service"
# A killed spell checker leaves its in-flight essay claimed until the claim's TTL (handler
# timeout + margin, 70 s by default) runs out; one essay takes well under a second, so a
# shorter timeout keeps a kill case short without changing what is tested.
SPELLCHECKER_SETTINGS = {"HANDLER_TIMEOUT_SECONDS": "10", "CLAIM_TTL_MARGIN_SECONDS": "2"}


@pytest_asyncio.fixture(scope="session", loop_scope="session", autouse=True)
async def short_spellcheck_claims(platform: Platform) -> None:
    """The spell checker's settings for this folder, in effect from its next start."""
    platform.configure_service(SPELLCHECKER, SPELLCHECKER_SETTINGS)
    if SPELLCHECKER in platform.services:  # started earlier in the session without them
        await platform.stop(SPELLCHECKER)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def stack(platform: Platform) -> Platform:
    """Every registered service running, started once for the session."""
    started = time.monotonic()
    await platform.start_services()
    print(f"\n[stack] every service of {platform.profile} up in {time.monotonic() - started:.1f} s")
    return platform


@pytest_asyncio.fixture(loop_scope="session")
async def running(stack: Platform) -> Platform:
    """The stack with every service up (restarts whatever an earlier test left down)."""
    await stack.start_services()
    return stack


@pytest_asyncio.fixture(loop_scope="session")
async def user(running: Platform, id_factory: Callable[[str], str]) -> AsyncIterator[Teacher]:
    """A teacher of its own, talking to the gateway with a bearer token."""
    async with teacher(running, id_factory("teacher")) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="session")
async def events(running: Platform) -> AsyncIterator[BatchEventWatcher]:
    """A bus watcher for the pipeline's events (add a batch with `events.add_batch`)."""
    async with watcher(running) as collected:
        yield collected


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def databases(stack: Platform) -> AsyncIterator[StackDatabases]:
    dbs = StackDatabases(stack)
    yield dbs
    await dbs.aclose()
