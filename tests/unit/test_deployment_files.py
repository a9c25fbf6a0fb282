"""The Dockerfile and compose files agree with the code (no Docker engine needed).

Each cross-check runs once on the real files (no problems) and once on a copy with one
deliberate mistake (the check reports it), so that none of them can pass vacuously.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scripts.launcher.service_registry import SERVICES
from tests.unit import compose_checks as checks
from tests.unit import compose_wiring_checks as wiring
from tests.unit.compose_model import (
    COMPOSE_FILE,
    ROOT,
    ComposeModel,
    MissingVariableError,
    environment,
    interpolate,
    load_compose,
    read_env_file,
    read_yaml,
    variables,
)

COMPOSE_FILES = ["docker-compose.yml", *(entry for entry in read_yaml(COMPOSE_FILE)["include"])]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
PLACEHOLDER = "placeholder-secret-0123456789abcdef"

Check = Callable[[ComposeModel], list[str]]


@pytest.fixture(scope="module")
def model() -> ComposeModel:
    return load_compose()


@pytest.fixture(scope="module")
def example() -> dict[str, str]:
    return read_env_file()


def _values(model: ComposeModel, example: dict[str, str]) -> dict[str, str]:
    """`.env.example` with a placeholder for each required secret (as an operator's `.env`)."""
    required = {
        name
        for service in model.services.values()
        for value in environment(service).values()
        for name, op in variables(value)
        if op == ":?"
    }
    return {
        name: value or (PLACEHOLDER if name in required else "") for name, value in example.items()
    }


def _check_compose_spec(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(path)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("name", COMPOSE_FILES)
def test_compose_file_validates_against_the_compose_spec(name: str) -> None:
    result = _check_compose_spec(ROOT / name)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_spec_validation_rejects_an_invalid_file(tmp_path: Path) -> None:
    text = (ROOT / "docker-compose.services.yml").read_text(encoding="utf-8")
    broken = tmp_path / "docker-compose.services.yml"
    broken.write_text(text.replace("service_completed_successfully", "service_done", 1))
    assert _check_compose_spec(broken).returncode != 0


def test_docker_compose_yml_includes_infrastructure_and_services() -> None:
    assert set(COMPOSE_FILES[1:]) == {
        "docker-compose.infrastructure.yml",
        "docker-compose.services.yml",
    }


def _real_checks(model: ComposeModel, example: dict[str, str]) -> dict[str, Check]:
    values = _values(model, example)
    architecture = ARCHITECTURE.read_text(encoding="utf-8")
    return {
        "registry coverage": lambda m: checks.check_registry_coverage(m, SERVICES),
        "commands": lambda m: checks.check_commands(m, SERVICES),
        "environment names": lambda m: checks.check_environment_names(m, SERVICES),
        "settings load": lambda m: checks.check_settings_load(m, SERVICES, values),
        "ports": lambda m: checks.check_ports(m, SERVICES),
        "depends_on targets": checks.check_dependency_targets,
        "volumes": checks.check_volumes,
        "infrastructure dependencies": lambda m: checks.check_infrastructure_dependencies(
            m, SERVICES
        ),
        "connections": lambda m: wiring.check_connections(m, SERVICES),
        "peer urls": lambda m: wiring.check_peer_urls(m, SERVICES),
        "secrets": lambda m: wiring.check_secrets(m, SERVICES),
        "env example": lambda m: wiring.check_env_example(m, example),
        "architecture ports": lambda m: wiring.check_architecture_ports(SERVICES, architecture),
    }


CHECK_NAMES = [
    "registry coverage", "commands", "environment names", "settings load", "ports",
    "depends_on targets", "volumes", "infrastructure dependencies", "connections", "peer urls",
    "secrets", "env example", "architecture ports",
]  # fmt: skip


@pytest.mark.parametrize("check_name", CHECK_NAMES)
def test_compose_files_agree_with_the_code(
    check_name: str, model: ComposeModel, example: dict[str, str]
) -> None:
    assert _real_checks(model, example)[check_name](model) == []


def _env(model: ComposeModel, service: str) -> dict[str, Any]:
    env: dict[str, Any] = model.services[service]["environment"]
    return env


Mutation = Callable[[ComposeModel], object]


def set_key(service: str, key: str, value: object) -> Mutation:
    return lambda model: model.services[service].__setitem__(key, value)


def set_env(service: str, variable: str, value: object) -> Mutation:
    return lambda model: _env(model, service).__setitem__(variable, value)


def set_dependency(service: str, target: str, condition: str) -> Mutation:
    return lambda model: model.services[service]["depends_on"].__setitem__(
        target, {"condition": condition}
    )


def drop_dependency(service: str, target: str) -> Mutation:
    return lambda model: model.services[service]["depends_on"].pop(target)


def drop_service(service: str) -> Mutation:
    def mutate(model: ComposeModel) -> None:
        del model.services[service]

    return mutate


BOS, RAS, GATEWAY = "batch_orchestrator_service", "result_aggregator_service", "api_gateway_service"
CONTENT = "content_service"
HEALTHY, STARTED = "service_healthy", "service_started"
ONLY_CONTENT_MIGRATION = "alembic -c services/content_service/alembic.ini upgrade head"
WRONG_HEALTH_PORT = "import urllib.request as u; u.urlopen('http://127.0.0.1:1/healthz')"
MISSING_MIGRATION = "alembic -c services/nothing/alembic.ini upgrade head"
RAS_DB_URL = "postgresql+asyncpg://huleedu:${HULEEDU_BOS_DB_PASSWORD:?x}@ras_db:5432/bos"


def drop_key(service: str, key: str) -> Mutation:
    return lambda model: model.services[service].pop(key)


def mistake(check: str, description: str, mutate: Mutation, expected: str) -> Any:
    """One deliberate mistake: `check` must report a problem containing `expected`."""
    return pytest.param(check, mutate, expected, id=description)


MISTAKES = [
    mistake("registry coverage", "a registry service is missing", drop_service(BOS),
            f"{BOS}: not in compose"),
    mistake("commands", "a service runs another module",
            set_key(BOS, "command", ["python", "-m", "services.content_service.app"]),
            "the registry says services.batch_orchestrator_service.app"),
    mistake("commands", "migrations are left out",
            set_key(checks.MIGRATE, "command", ["sh", "-ec", ONLY_CONTENT_MIGRATION]),
            "does not migrate batch_orchestrator_service"),
    mistake("commands", "a migration of a file that does not exist",
            set_key(checks.MIGRATE, "command", ["sh", "-ec", MISSING_MIGRATION]),
            "services/nothing/alembic.ini does not exist"),
    mistake("commands", "the bootstrap misses its required argument",
            set_key(checks.BOOTSTRAP, "command", ["python", "-m", "scripts.kafka_topic_bootstrap"]),
            "are rejected by the script"),
    mistake("environment names", "a variable matches no setting",
            set_env(BOS, "BOS_BCS_HOST", "x"), "BOS_BCS_HOST is no setting of BOS_*"),
    mistake("environment names", "a variable of another service",
            set_env(BOS, "RAS_BOS_URL", "x"), "RAS_BOS_URL is no setting of BOS_*"),
    mistake("environment names", "a migration variable of no service",
            set_env(checks.MIGRATE, "BOS_HTTP_PORT", 1), "BOS_HTTP_PORT is no service's"),
    mistake("settings load", "a value of the wrong type",
            set_env(RAS, "RAS_BOS_QUERY_TIMEOUT_SECONDS", "soon"), "bos_query_timeout_seconds"),
    mistake("ports", "HTTP port differs from the registry", set_env(BOS, "BOS_HTTP_PORT", 5002),
            "BOS_HTTP_PORT is not 5001"),
    mistake("ports", "health check on another port",
            set_key(BOS, "healthcheck", {"test": ["CMD", "python", "-c", WRONG_HEALTH_PORT]}),
            "health check does not request http://127.0.0.1:5001/healthz"),
    mistake("ports", "published on another container port",
            set_key(GATEWAY, "ports", ["4001:4002"]), "not container port 4001"),
    mistake("depends_on targets", "an unknown target",
            set_dependency(BOS, "bos_database", HEALTHY), "bos_database, which does not exist"),
    mistake("depends_on targets", "a one-shot step awaited as healthy",
            set_dependency(BOS, checks.MIGRATE, HEALTHY), "waits for migrate with service_healthy"),
    mistake("depends_on targets", "awaited as healthy without a health check",
            drop_key(CONTENT, "healthcheck"), "waits for content_service to be healthy"),
    mistake("volumes", "an undeclared named volume",
            set_key(BOS, "volumes", ["bos_files:/data"]), "volume bos_files is not declared"),
    mistake("infrastructure dependencies", "Redis user without the dependency",
            drop_dependency(RAS, "redis"), f"{RAS}: must wait for redis"),
    mistake("infrastructure dependencies", "database awaited only as started",
            set_dependency(BOS, "bos_db", STARTED), f"{BOS}: must wait for bos_db"),
    mistake("infrastructure dependencies", "Kafka user without the topic bootstrap",
            drop_dependency(BOS, checks.BOOTSTRAP), "must wait for kafka_topic_bootstrap"),
    mistake("connections", "database URL to another server",
            set_env(BOS, "BOS_DATABASE_URL", RAS_DB_URL), "does not point at bos_db"),
    mistake("connections", "database server for another database",
            set_env("bos_db", "POSTGRES_DB", "ras"), "bos_db: POSTGRES_DB is not bos"),
    mistake("connections", "idempotent producer off",
            set_env(BOS, "BOS_KAFKA_ENABLE_IDEMPOTENCE", "false"), "expected 'true'"),
    mistake("connections", "Kafka settings on a service without Kafka",
            set_env(CONTENT, "CONTENT_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
            "does not use Kafka"),
    mistake("peer urls", "a peer URL on a wrong port",
            set_env(GATEWAY, "GATEWAY_RAS_URL", "http://result_aggregator_service:1"),
            "not http://result_aggregator_service:4003"),
    mistake("secrets", "a literal secret", set_env(GATEWAY, "GATEWAY_JWT_SECRET", "hunter2"),
            "GATEWAY_JWT_SECRET is not taken from a variable"),
    mistake("secrets", "a secret with a default",
            set_env(BOS, "BOS_INTERNAL_API_KEY", "${HULEEDU_INTERNAL_API_KEY:-dev}"),
            "BOS_INTERNAL_API_KEY is not a required variable"),
    mistake("env example", "an undocumented variable",
            set_env(BOS, "BOS_LOG_LEVEL", "${HULEEDU_BOS_LOG_LEVEL:-INFO}"),
            "HULEEDU_BOS_LOG_LEVEL is missing"),
]  # fmt: skip


@pytest.mark.parametrize(("check_name", "mutate", "expected"), MISTAKES)
def test_each_check_reports_a_mistake(
    check_name: str,
    mutate: Mutation,
    expected: str,
    model: ComposeModel,
    example: dict[str, str],
) -> None:
    broken = model.copy()
    mutate(broken)
    problems = _real_checks(model, example)[check_name](broken)
    assert any(expected in problem for problem in problems), problems


def test_commands_check_reports_a_module_that_does_not_exist(model: ComposeModel) -> None:
    module = "services.no_such_service.app"
    specs = [replace(spec, module=module) if spec.name == BOS else spec for spec in SERVICES]
    broken = model.copy()
    set_key(BOS, "command", ["python", "-m", module])(broken)
    assert f"{BOS}: module {module} does not exist" in checks.check_commands(broken, specs)


def test_architecture_check_reports_a_wrong_port() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8").replace("| 5001 |", "| 5005 |")
    problems = wiring.check_architecture_ports(SERVICES, text)
    assert problems == ["architecture.md: Batch Orchestrator (BOS) lists {5005}, registry {5001}"]


def test_env_example_check_reports_a_missing_variable(
    model: ComposeModel, example: dict[str, str]
) -> None:
    partial = {name: value for name, value in example.items() if name != "HULEEDU_JWT_SECRET"}
    assert wiring.check_env_example(model, partial) == [
        ".env.example: HULEEDU_JWT_SECRET is missing"
    ]


def test_compose_refuses_to_start_without_the_required_secrets(model: ComposeModel) -> None:
    for variable in ("BOS_INTERNAL_API_KEY", "BOS_DATABASE_URL"):
        with pytest.raises(MissingVariableError):
            interpolate(_env(model, BOS)[variable], {})
    with pytest.raises(MissingVariableError):
        interpolate(_env(model, GATEWAY)["GATEWAY_JWT_SECRET"], {"HULEEDU_JWT_SECRET": ""})


def test_every_check_is_shown_to_report_a_mistake() -> None:
    covered = {param.values[0] for param in MISTAKES} | {"architecture ports"}
    assert covered == set(CHECK_NAMES)
