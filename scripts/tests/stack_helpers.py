"""Shared by the launcher tests: a test-only service spec and private stack folders."""

from __future__ import annotations

import uuid
from pathlib import Path

from scripts.launcher.service_registry import ServiceSpec
from scripts.launcher.state import DEFAULT_DATA_ROOT

# Apart from `.huleedu/test*`, so these tests never touch the session `infra` stack.
LAUNCHER_TEST_ROOT = DEFAULT_DATA_ROOT / "launcher-tests"
DUMMY = "dummy_service"
DUMMY_MIGRATIONS = Path(__file__).resolve().parent / "dummy_migrations"


def dummy_spec(port: int = 0, *, migrations: bool = False) -> ServiceSpec:
    return ServiceSpec(
        name=DUMMY,
        module="scripts.tests.dummy_service",
        port=port,
        env_prefix="DUMMY_",
        database="dummy",
        uses_kafka=True,
        uses_redis=True,
        url_setting="DUMMY_URL",
        alembic_dir=DUMMY_MIGRATIONS if migrations else None,
        extra_env={"GREETING": "hej"},
    )


def new_profile() -> str:
    return f"lt-{uuid.uuid4().hex[:10]}"
