"""The three embedded servers start, answer, stop, crash and restart on their port."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.launcher.infra import create_database
from scripts.launcher.probes import kafka_api_versions, redis_ping
from scripts.launcher.processes import pid_alive
from scripts.launcher.servers import (
    FAST_TEST_POSTGRES_SETTINGS,
    EmbeddedKafka,
    EmbeddedPostgres,
    EmbeddedRedis,
    stop_leftover,
)
from scripts.tests.stack_helpers import LAUNCHER_TEST_ROOT

pytestmark = pytest.mark.integration


@pytest.fixture
def server_dir() -> Iterator[Path]:
    path = LAUNCHER_TEST_ROOT / f"servers-{uuid.uuid4().hex[:10]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def servers(server_dir: Path) -> Iterator[tuple[EmbeddedPostgres, EmbeddedRedis, EmbeddedKafka]]:
    trio = (
        EmbeddedPostgres(server_dir / "pgdata", settings=FAST_TEST_POSTGRES_SETTINGS),
        EmbeddedRedis(server_dir / "redis"),
        EmbeddedKafka(server_dir / "kafka"),
    )
    for server in trio:
        server.start()
    yield trio
    for server in trio:
        server.kill()


def test_start_and_stop_leave_no_process_behind(servers: tuple[EmbeddedPostgres, ...]) -> None:
    pids = [server.pid for server in servers]
    assert all(pid is not None and pid_alive(pid) for pid in pids)
    for server in servers:
        server.stop()
    assert [server.is_running() for server in servers] == [False, False, False]
    assert not any(pid_alive(pid) for pid in pids if pid is not None)


def test_redis_and_kafka_restart_on_the_same_port_while_the_others_run(
    servers: tuple[EmbeddedPostgres, EmbeddedRedis, EmbeddedKafka],
) -> None:
    postgres, redis, kafka = servers
    redis_port, kafka_port, postgres_pid = redis.port, kafka.port, postgres.pid

    redis.kill()
    kafka.stop()
    assert not redis_ping(redis_port) and not kafka_api_versions(kafka_port)
    assert postgres.is_running() and postgres.pid == postgres_pid

    redis.start()
    kafka.start()
    assert (redis.port, kafka.port) == (redis_port, kafka_port)
    assert redis_ping(redis_port) and kafka_api_versions(kafka_port)


async def test_postgres_restarts_after_a_crash_with_its_data(
    servers: tuple[EmbeddedPostgres, EmbeddedRedis, EmbeddedKafka],
) -> None:
    postgres, redis, kafka = servers
    await create_database(postgres.url, "kept")
    url, old_pid = postgres.url, postgres.pid

    postgres.kill()
    assert old_pid is not None and not pid_alive(old_pid)
    assert redis_ping(redis.port) and kafka_api_versions(kafka.port)

    postgres.start()
    assert postgres.url == url and postgres.pid != old_pid
    assert await create_database(url, "kept") is False  # still there: not created again


def test_a_leftover_is_stopped_only_while_its_pid_is_still_ours(
    servers: tuple[EmbeddedPostgres, EmbeddedRedis, EmbeddedKafka],
) -> None:
    _, redis, _ = servers
    record = redis.record()
    assert record is not None
    foreign = type(record)(**{**record.__dict__, "markers": ("not-our-binary",)})
    assert stop_leftover(foreign) is False
    assert redis.is_running()
    assert stop_leftover(record) is True
    assert not pid_alive(record.pid)
