"""Cross-checks of how the compose services reach each other, their secrets and the docs.

Each check returns its problems (empty: fine), like those of `compose_checks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from pydantic import SecretStr

from scripts.launcher.service_registry import ServiceSpec
from tests.unit.compose_checks import (
    BOOTSTRAP,
    KAFKA_BOOTSTRAP_SERVERS,
    MIGRATE,
    REDIS,
    db_service,
    setting_variables,
    settings_classes,
)
from tests.unit.compose_model import ComposeModel, all_strings, environment, variables

# docs/architecture.md's service table names services for readers; these are the registry names.
ARCHITECTURE_ROWS: Mapping[str, tuple[str, ...]] = {
    "API Gateway": ("api_gateway_service",),
    "Batch Conductor (BCS)": ("batch_conductor_service",),
    "Result Aggregator (RAS)": ("result_aggregator_service",),
    "Batch Orchestrator (BOS)": ("batch_orchestrator_service",),
    "Essay Lifecycle (ELS)": ("essay_lifecycle_api", "essay_lifecycle_worker"),
    "File Service": ("file_service",),
    "Content Service": ("content_service",),
    "Spell Checker": ("spellchecker_service",),
    "CJ Assessment": ("cj_assessment_service",),
}
_REFERENCE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rest>[^}]*)\}")


def _symbolic(value: str) -> str:
    """`value` with each `${VAR...}` replaced by VAR, so that URLs holding them parse."""
    return _REFERENCE.sub(lambda match: match["name"], value)


def _bootstrap_partitions(model: ComposeModel) -> str | None:
    command = [str(part) for part in model.services.get(BOOTSTRAP, {}).get("command", [])]
    if "--partitions" not in command[:-1]:
        return None
    return command[command.index("--partitions") + 1]


def _database_problems(
    spec: ServiceSpec, env: Mapping[str, str], model: ComposeModel
) -> Iterator[str]:
    variable = f"{spec.env_prefix}DATABASE_URL"
    url = env.get(variable)
    if not spec.database:
        if url is not None:
            yield f"{spec.name}: has {variable} but no database"
        return
    parts = urlsplit(_symbolic(url or ""))
    if parts.scheme != "postgresql+asyncpg" or parts.path != f"/{spec.database}":
        yield f"{spec.name}: {variable} is not postgresql+asyncpg://.../{spec.database}"
    server = db_service(spec.database)
    if parts.hostname != server:
        yield f"{spec.name}: {variable} does not point at {server}"
    db_env = environment(model.services.get(server, {}))
    if db_env.get("POSTGRES_DB") != spec.database:
        yield f"{server}: POSTGRES_DB is not {spec.database}"
    if _symbolic(db_env.get("POSTGRES_PASSWORD", "")) != parts.password:
        yield f"{spec.name}: {variable} does not use the password of {server}"
    if environment(model.services.get(MIGRATE, {})).get(variable) != url:
        yield f"{MIGRATE}: {variable} differs from {spec.name}'s"


def _redis_and_kafka_problems(
    spec: ServiceSpec, env: Mapping[str, str], partitions: str | None
) -> Iterator[str]:
    redis_url = env.get(f"{spec.env_prefix}REDIS_URL")
    if spec.uses_redis != (redis_url is not None):
        yield f"{spec.name}: {spec.env_prefix}REDIS_URL is set iff the service uses Redis"
    elif redis_url is not None and urlsplit(_symbolic(redis_url)).hostname != REDIS:
        yield f"{spec.name}: {spec.env_prefix}REDIS_URL does not point at {REDIS}"
    kafka = {
        f"{spec.env_prefix}KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
        f"{spec.env_prefix}KAFKA_ENABLE_IDEMPOTENCE": "true",
        f"{spec.env_prefix}KAFKA_TOPIC_PARTITIONS": partitions,
    }
    for variable, expected in kafka.items():
        value = env.get(variable)
        if spec.uses_kafka and value != expected:
            yield f"{spec.name}: {variable} is {value!r}, expected {expected!r}"
        if not spec.uses_kafka and value is not None:
            yield f"{spec.name}: sets {variable} but does not use Kafka"


def check_connections(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    partitions = _bootstrap_partitions(model)
    problems: list[str] = []
    for spec in specs:
        env = environment(model.services.get(spec.name, {}))
        problems += _database_problems(spec, env, model)
        problems += _redis_and_kafka_problems(spec, env, partitions)
    return problems


def check_peer_urls(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    problems = []
    for spec in specs:
        env = environment(model.services.get(spec.name, {}))
        for peer in specs:
            value = env.get(f"{spec.env_prefix}{peer.url_setting}")
            expected = f"http://{peer.name}:{peer.port}"
            if peer.url_setting and value is not None and value != expected:
                problems.append(f"{spec.name}: {peer.url_setting} is {value}, not {expected}")
    return problems


def _secret_variables(spec: ServiceSpec) -> set[str]:
    return {
        variable
        for cls in settings_classes(spec)
        for variable, name in setting_variables(cls).items()
        if cls.model_fields[name].annotation is SecretStr
    }


def check_secrets(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    """Secrets come only from variables; those without a safe empty default are required."""
    problems = []
    required = {f"{spec.env_prefix}{setting}" for spec in specs for setting in spec.secret_settings}
    required |= {f"{spec.env_prefix}DATABASE_URL" for spec in specs if spec.database}
    required |= {f"{spec.env_prefix}REDIS_URL" for spec in specs if spec.uses_redis}
    key_variables = set()
    for spec in specs:
        env = environment(model.services.get(spec.name, {}))
        secrets = _secret_variables(spec)
        for variable, value in env.items():
            references = variables(value)
            if variable in secrets and not _REFERENCE.fullmatch(value):
                problems.append(f"{spec.name}: {variable} is not taken from a variable")
            if variable in required and not any(op == ":?" for _, op in references):
                problems.append(f"{spec.name}: {variable} is not a required variable (:?)")
            if variable == f"{spec.env_prefix}INTERNAL_API_KEY":
                key_variables.add(tuple(references))
    if len(key_variables) > 1:
        problems.append(f"services use different internal API keys: {sorted(key_variables)}")
    return problems


def check_env_example(model: ComposeModel, example: Mapping[str, str]) -> list[str]:
    """Every variable the compose files read is documented; no required secret has a value."""
    problems = []
    referenced = {
        (name, op) for text in all_strings(model.services) for name, op in variables(text)
    }
    for name, op in sorted(referenced):
        if name not in example:
            problems.append(f".env.example: {name} is missing")
        elif op == ":?" and example[name]:
            problems.append(f".env.example: required {name} must be left empty")
    return problems


def _table_rows(markdown: str) -> dict[str, list[str]]:
    rows = {}
    for line in markdown.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] in ARCHITECTURE_ROWS:
            rows[cells[0]] = cells
    return rows


def check_architecture_ports(specs: Sequence[ServiceSpec], markdown: str) -> list[str]:
    """The ports in docs/architecture.md's service table are those of the registry."""
    ports = {spec.name: spec.port for spec in specs}
    rows = _table_rows(markdown)
    problems = [
        f"architecture.md: no row for {row}" for row in ARCHITECTURE_ROWS if row not in rows
    ]
    for row, cells in rows.items():
        documented = {int(port) for port in re.findall(r"\b\d{4}\b", " ".join(cells[1:3]))}
        registered = {ports[name] for name in ARCHITECTURE_ROWS[row] if name in ports}
        if documented != registered:
            problems.append(f"architecture.md: {row} lists {documented}, registry {registered}")
    return problems
