"""The environment each service process gets from the launcher."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from scripts.launcher.infra import InfraUrls
from scripts.launcher.service_registry import ServiceSpec
from scripts.launcher.state import PROJECT_ROOT

# The embedded broker rebalances in ~0.5-1.8 x the session timeout and supports no idempotent
# producer; Apache Kafka needs the defaults (it rejects session timeouts under 6 s).
EMBEDDED_KAFKA_SETTINGS: Mapping[str, str] = {
    "KAFKA_SESSION_TIMEOUT_MS": "3000",
    "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
    "KAFKA_ENABLE_IDEMPOTENCE": "false",
}


def _python_path() -> str:
    existing = os.environ.get("PYTHONPATH")
    return f"{PROJECT_ROOT}{os.pathsep}{existing}" if existing else str(PROJECT_ROOT)


def build_service_env(
    spec: ServiceSpec,
    *,
    infra: InfraUrls,
    ports: Mapping[str, int],
    all_specs: Sequence[ServiceSpec],
    secrets: Mapping[str, str],
    partitions: int,
    environment: str,
    embedded_kafka: bool,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The settings of `spec` (prefixed), on top of `base` (default: the launcher's env)."""
    settings: dict[str, str] = {
        "SERVICE_NAME": spec.name,
        "ENVIRONMENT": environment,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(ports[spec.name]),
    }
    for setting, secret_name in spec.secret_settings.items():
        settings[setting] = secrets[secret_name]
    if spec.database:
        settings["DATABASE_URL"] = infra.database_url(spec.database)
    if spec.uses_redis:
        settings["REDIS_URL"] = infra.redis_url
    if spec.uses_kafka:
        settings["KAFKA_BOOTSTRAP_SERVERS"] = infra.kafka_bootstrap
        settings["KAFKA_TOPIC_PARTITIONS"] = str(partitions)
        if embedded_kafka:
            settings.update(EMBEDDED_KAFKA_SETTINGS)
    for peer in all_specs:
        if peer.url_setting and peer.name != spec.name:
            settings[peer.url_setting] = f"http://127.0.0.1:{ports[peer.name]}"
    settings.update(spec.extra_env)
    env = dict(os.environ if base is None else base)
    env.update({f"{spec.env_prefix}{key}": value for key, value in settings.items()})
    env["PYTHONPATH"] = _python_path()
    return env
