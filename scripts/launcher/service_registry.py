"""The one list of HuleEdu service processes the launcher starts.

Each service issue adds its entry to `SERVICES`, e.g.::

    ServiceSpec(
        name="batch_orchestrator_service",
        module="services.batch_orchestrator_service.app",
        port=5001,
        env_prefix="BOS_",
        database="bos",
        uses_kafka=True,
        alembic_dir=SERVICES_ROOT / "batch_orchestrator_service",
        url_setting="BOS_URL",
    )

The launcher gives every service `<PREFIX>HTTP_PORT`, `<PREFIX>INTERNAL_API_KEY`, and, as its spec
says, `<PREFIX>DATABASE_URL`, `<PREFIX>REDIS_URL`, `<PREFIX>KAFKA_*`; plus `<PREFIX><url_setting>`
of every other service that declares a `url_setting` (e.g. `RAS_BOS_URL=http://127.0.0.1:5001`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

SERVICES_ROOT = Path(__file__).resolve().parents[2] / "services"


def _default_secret_settings() -> Mapping[str, str]:
    return MappingProxyType({"INTERNAL_API_KEY": "internal_api_key"})


def _no_env() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True)
class ServiceSpec:
    """How to run one service process.

    Give either `module` (run as `python -m module`) or `argv` (a full command line).
    `port` is the HTTP port of its API or, for a worker, of its health/metrics server.
    `alembic_dir` is the folder holding its `alembic.ini`; migrations run with the service's env.
    `secret_settings` maps a setting name (without prefix) to a generated secret of the stack
    (`internal_api_key`, `jwt_secret`).
    """

    name: str
    port: int
    env_prefix: str
    module: str | None = None
    argv: tuple[str, ...] = ()
    database: str | None = None
    uses_kafka: bool = False
    uses_redis: bool = False
    alembic_dir: Path | None = None
    health_path: str = "/healthz"
    url_setting: str | None = None
    secret_settings: Mapping[str, str] = field(default_factory=_default_secret_settings)
    extra_env: Mapping[str, str] = field(default_factory=_no_env)

    def __post_init__(self) -> None:
        if (self.module is None) == (not self.argv):
            raise ValueError(f"service {self.name!r}: give exactly one of module or argv")
        if not self.env_prefix.endswith("_"):
            raise ValueError(f"service {self.name!r}: env_prefix must end with '_'")

    def command(self, python: str) -> list[str]:
        return [python, "-m", self.module] if self.module else list(self.argv)


_ELS_IDENTITY: Mapping[str, str] = MappingProxyType({"SERVICE_NAME": "essay_lifecycle_service"})

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        name="batch_conductor_service",
        module="services.batch_conductor_service.app",
        port=4002,
        env_prefix="BCS_",
        database="bcs",
        uses_kafka=True,
        uses_redis=True,
        alembic_dir=SERVICES_ROOT / "batch_conductor_service",
        url_setting="BCS_URL",
    ),
    ServiceSpec(
        name="batch_orchestrator_service",
        module="services.batch_orchestrator_service.app",
        port=5001,
        env_prefix="BOS_",
        database="bos",
        uses_kafka=True,
        alembic_dir=SERVICES_ROOT / "batch_orchestrator_service",
        url_setting="BOS_URL",
    ),
    ServiceSpec(
        name="result_aggregator_service",
        module="services.result_aggregator_service.app",
        port=4003,
        env_prefix="RAS_",
        database="ras",
        uses_kafka=True,
        uses_redis=True,
        alembic_dir=SERVICES_ROOT / "result_aggregator_service",
        url_setting="RAS_URL",
    ),
    ServiceSpec(
        name="content_service",
        module="services.content_service.app",
        port=8001,
        env_prefix="CONTENT_",
        database="content",
        alembic_dir=SERVICES_ROOT / "content_service",
        url_setting="CONTENT_URL",
    ),
    ServiceSpec(
        name="file_service",
        module="services.file_service.app",
        port=7001,
        env_prefix="FILE_",
        database="file",
        uses_kafka=True,
        alembic_dir=SERVICES_ROOT / "file_service",
        url_setting="FILE_URL",
    ),
    # ELS runs as two processes sharing the `els` database, its migrations and its identity
    # (service name = consumer group, outbox channel and X-Service-ID).
    ServiceSpec(
        name="essay_lifecycle_api",
        module="services.essay_lifecycle_service.app",
        port=6001,
        env_prefix="ELS_",
        database="els",
        alembic_dir=SERVICES_ROOT / "essay_lifecycle_service",
        url_setting="ELS_URL",
        extra_env=_ELS_IDENTITY,
    ),
    ServiceSpec(
        name="essay_lifecycle_worker",
        module="services.essay_lifecycle_service.worker_main",
        port=6002,
        env_prefix="ELS_",
        database="els",
        uses_kafka=True,
        alembic_dir=SERVICES_ROOT / "essay_lifecycle_service",
        extra_env=_ELS_IDENTITY,
    ),
    ServiceSpec(
        name="cj_assessment_service",
        module="services.cj_assessment_service.app",
        port=9095,
        env_prefix="CJ_",
        database="cj",
        uses_kafka=True,
        alembic_dir=SERVICES_ROOT / "cj_assessment_service",
    ),
    ServiceSpec(
        name="spellchecker_service",
        module="services.spellchecker_service.app",
        port=8002,
        env_prefix="SPELL_",
        uses_kafka=True,
        uses_redis=True,
    ),
    # The gateway starts last: it fronts every other service.
    ServiceSpec(
        name="api_gateway_service",
        module="services.api_gateway_service.main",
        port=4001,
        env_prefix="GATEWAY_",
        uses_kafka=True,
        uses_redis=True,
        url_setting="GATEWAY_URL",
        secret_settings=MappingProxyType(
            {"INTERNAL_API_KEY": "internal_api_key", "JWT_SECRET": "jwt_secret"}
        ),
    ),
)
"""Every service of the product, in start order (dependencies first)."""


def service_databases(specs: Sequence[ServiceSpec]) -> list[str]:
    return sorted({spec.database for spec in specs if spec.database})
