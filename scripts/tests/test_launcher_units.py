"""Pure logic of the launcher: service specs, service env, URLs, state file."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.launcher.infra import (
    InfraUrls,
    InvalidDatabaseNameError,
    asyncpg_dsn,
    with_database,
)
from scripts.launcher.server_base import ProcessRecord
from scripts.launcher.service_env import build_service_env
from scripts.launcher.service_registry import SERVICES, ServiceSpec, service_databases
from scripts.launcher.state import StackDir, StackState, generate_secrets

INFRA = InfraUrls(
    kafka_bootstrap="127.0.0.1:9092",
    redis_url="redis://127.0.0.1:6379/0",
    postgres_admin_url="postgresql+asyncpg://postgres@/postgres?host=/data/pgdata",
)
BOS = ServiceSpec(
    name="bos", module="services.bos.app", port=5001, env_prefix="BOS_", database="bos",
    uses_kafka=True, url_setting="BOS_URL",
)  # fmt: skip
RAS = ServiceSpec(
    name="ras", module="services.ras.app", port=4003, env_prefix="RAS_", database="ras",
    uses_redis=True, extra_env={"HANDLE_MISSING_BATCHES": "query_bos"},
)  # fmt: skip
SECRETS = {"internal_api_key": "k", "jwt_secret": "j"}


def _env(spec: ServiceSpec, *, embedded_kafka: bool = True) -> dict[str, str]:
    return build_service_env(
        spec,
        infra=INFRA,
        ports={"bos": 15001, "ras": 14003},
        all_specs=[BOS, RAS],
        secrets=SECRETS,
        partitions=4,
        environment="test",
        embedded_kafka=embedded_kafka,
        base={"PATH": "/bin"},
    )


def test_spec_needs_exactly_one_way_to_run() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        ServiceSpec(name="x", port=1, env_prefix="X_")
    with pytest.raises(ValueError, match="exactly one"):
        ServiceSpec(name="x", port=1, env_prefix="X_", module="m", argv=("a",))
    with pytest.raises(ValueError, match="env_prefix"):
        ServiceSpec(name="x", port=1, env_prefix="X", module="m")


def test_service_env_carries_its_prefixed_settings_and_peer_urls() -> None:
    env = _env(RAS)

    assert env["RAS_DATABASE_URL"] == "postgresql+asyncpg://postgres@/ras?host=/data/pgdata"
    assert env["RAS_REDIS_URL"] == INFRA.redis_url
    assert env["RAS_HTTP_PORT"] == "14003"
    assert env["RAS_INTERNAL_API_KEY"] == "k"
    assert env["RAS_BOS_URL"] == "http://127.0.0.1:15001"
    assert env["RAS_HANDLE_MISSING_BATCHES"] == "query_bos"
    assert env["PATH"] == "/bin"
    assert "RAS_KAFKA_BOOTSTRAP_SERVERS" not in env  # RAS here declares no Kafka use


def test_short_kafka_timeouts_only_for_the_embedded_broker() -> None:
    embedded, external = _env(BOS), _env(BOS, embedded_kafka=False)

    assert embedded["BOS_KAFKA_SESSION_TIMEOUT_MS"] == "3000"
    assert embedded["BOS_KAFKA_TOPIC_PARTITIONS"] == external["BOS_KAFKA_TOPIC_PARTITIONS"] == "4"
    assert "BOS_KAFKA_SESSION_TIMEOUT_MS" not in external
    assert "BOS_BOS_URL" not in embedded  # no URL of itself


def test_database_urls_keep_the_socket_query_unencoded() -> None:
    assert INFRA.database_url("t_1") == "postgresql+asyncpg://postgres@/t_1?host=/data/pgdata"
    assert with_database("postgresql+asyncpg://u:p@h:5432/postgres", "x").endswith("@h:5432/x")
    assert asyncpg_dsn(INFRA.postgres_admin_url).startswith("postgresql://postgres@/")
    with pytest.raises(InvalidDatabaseNameError):
        INFRA.database_url('x"; DROP')


def test_state_round_trips_through_its_file(tmp_path: Path) -> None:
    stack = StackDir("unit", tmp_path)
    record = ProcessRecord(name="redis", pid=42, markers=("redis-server",), stop_signal=15, port=7)
    state = StackState(owner_pid=1, owner_started=2.0, processes={"redis": record})
    state.secrets = generate_secrets()

    stack.write_state(state)

    assert stack.read_state() == state
    assert stack.state_path.stat().st_mode & 0o077 == 0  # secrets readable by the owner only


def test_the_profile_lock_admits_one_owner(tmp_path: Path) -> None:
    first, second = StackDir("p", tmp_path), StackDir("p", tmp_path)
    assert first.try_lock()
    assert not second.try_lock()
    first.unlock()
    assert second.try_lock()
    second.unlock()


def test_registry_databases_are_valid_names() -> None:
    for database in service_databases(SERVICES):
        INFRA.database_url(database)
    assert service_databases([BOS, RAS, BOS]) == ["bos", "ras"]
