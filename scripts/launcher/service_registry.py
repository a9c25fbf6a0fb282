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


SERVICES: tuple[ServiceSpec, ...] = ()
"""Every service of the product, in start order (dependencies first)."""


def service_databases(specs: Sequence[ServiceSpec]) -> list[str]:
    return sorted({spec.database for spec in specs if spec.database})
