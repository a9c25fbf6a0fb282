"""`Platform`: a private stack with a test-only service; per-part kill/stop/start."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from common_core.event_enums import all_topic_names
from scripts.kafka_topic_bootstrap import create_topics
from scripts.launcher.infra import asyncpg_dsn
from scripts.launcher.platform import Platform
from scripts.launcher.probes import http_ok, redis_ping
from scripts.launcher.processes import pid_alive
from scripts.tests.stack_helpers import DUMMY, LAUNCHER_TEST_ROOT, dummy_spec, new_profile

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture(loop_scope="session")
async def stack() -> AsyncIterator[Platform]:
    platform = Platform(
        new_profile(),
        services=[dummy_spec(migrations=True)],
        data_root=LAUNCHER_TEST_ROOT,
        partitions=2,
    )
    await platform.start_infrastructure(migrate=False)
    try:
        await platform.start_services()
        yield platform
    finally:
        await platform.stop_all()
        platform.dir.wipe()
        platform.dir.lock_path.unlink(missing_ok=True)


def _service_env(platform: Platform) -> dict[str, str]:
    with urllib.request.urlopen(f"{platform.service_url(DUMMY)}/env", timeout=5) as response:
        env: dict[str, str] = json.loads(response.read())
    return env


async def test_service_gets_its_settings_and_its_database(stack: Platform) -> None:
    env = _service_env(stack)

    assert env["DUMMY_DATABASE_URL"] == stack.infra.database_url("dummy")
    assert env["DUMMY_REDIS_URL"] == stack.infra.redis_url
    assert env["DUMMY_KAFKA_BOOTSTRAP_SERVERS"] == stack.infra.kafka_bootstrap
    assert env["DUMMY_KAFKA_SESSION_TIMEOUT_MS"] == "3000"
    assert env["DUMMY_KAFKA_ENABLE_IDEMPOTENCE"] == "false"
    assert env["DUMMY_KAFKA_TOPIC_PARTITIONS"] == "2"
    assert env["DUMMY_INTERNAL_API_KEY"] == stack.secrets["internal_api_key"]
    assert env["DUMMY_GREETING"] == "hej"
    assert await stack.infra.create_database("dummy") == env["DUMMY_DATABASE_URL"]
    connection = await asyncpg.connect(asyncpg_dsn(env["DUMMY_DATABASE_URL"]))
    try:  # its migrations ran before it started
        assert await connection.fetchval("SELECT version_num FROM dummy_alembic_version") == "0001"
        assert await connection.fetchval("SELECT count(*) FROM greetings") == 0
    finally:
        await connection.close()
    state = stack.dir.read_state()
    assert state is not None and state.secrets == stack.secrets
    assert set(state.processes) == {"postgres", "redis", "kafka", DUMMY}


async def test_killed_service_restarts_on_the_same_port(stack: Platform) -> None:
    url, old_pid = stack.service_url(DUMMY), stack.pid(DUMMY)

    await stack.kill(DUMMY)
    assert old_pid is not None and not pid_alive(old_pid)
    assert not http_ok(f"{url}/healthz")

    await stack.start(DUMMY)
    assert stack.service_url(DUMMY) == url
    assert stack.pid(DUMMY) not in (None, old_pid)
    assert http_ok(f"{url}/healthz")


async def test_configured_settings_apply_from_the_next_start_until_reset(
    stack: Platform,
) -> None:
    stack.configure_service(DUMMY, {"GREETING": "hallo", "EXTRA": "1"})
    assert _service_env(stack)["DUMMY_GREETING"] == "hej"  # the running process keeps its env

    await stack.stop(DUMMY)
    await stack.start(DUMMY)
    configured = _service_env(stack)
    stack.configure_service(DUMMY, None)
    await stack.stop(DUMMY)
    await stack.start(DUMMY)
    restored = _service_env(stack)

    assert (configured["DUMMY_GREETING"], configured["DUMMY_EXTRA"]) == ("hallo", "1")
    assert restored["DUMMY_GREETING"] == "hej" and "DUMMY_EXTRA" not in restored


async def test_restarted_broker_gets_its_topics_back_while_the_rest_runs(stack: Platform) -> None:
    others = {name: stack.pid(name) for name in ("postgres", "redis", DUMMY)}
    bootstrap = stack.infra.kafka_bootstrap

    await stack.kill("kafka")
    assert not stack.is_running("kafka")
    await stack.start("kafka")

    assert stack.infra.kafka_bootstrap == bootstrap
    again = await create_topics(bootstrap, all_topic_names())
    assert again.created == ()  # the restart re-created every topic already
    assert {name: stack.pid(name) for name in others} == others
    assert redis_ping(int(stack.infra.redis_url.rsplit(":", 1)[1].split("/")[0]))


async def test_stop_all_leaves_no_process_behind(stack: Platform) -> None:
    pids = [stack.pid(name) for name in ("postgres", "redis", "kafka", DUMMY)]
    assert all(pid is not None for pid in pids)

    await stack.stop_all()

    assert not any(pid_alive(pid) for pid in pids if pid is not None)
    state = stack.dir.read_state()
    assert state is not None and state.processes == {}
