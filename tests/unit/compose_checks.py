"""Cross-checks of the compose model with the code; each returns its problems (empty: fine).

The registry (`scripts/launcher/service_registry.py`) is the source of truth for which services
exist, their ports, databases and what they use; the settings classes for variable names.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from contextlib import redirect_stderr
from io import StringIO
from typing import Any
from unittest import mock

from pydantic import ValidationError

from huleedu_service_libs.config import ServiceSettingsBase
from scripts import kafka_topic_bootstrap
from scripts.launcher.service_registry import ServiceSpec
from tests.unit.compose_model import ROOT, ComposeModel, environment, interpolate

BOOTSTRAP = "kafka_topic_bootstrap"
MIGRATE = "migrate"
KAFKA, REDIS = "kafka", "redis"
KAFKA_BOOTSTRAP_SERVERS = "kafka:9092"
HEALTHY, COMPLETED = "service_healthy", "service_completed_successfully"
_ALEMBIC_LINE = re.compile(r"alembic -c (?P<ini>\S+) upgrade head")
_HEALTH_URL = re.compile(r"urlopen\('(?P<url>[^']+)'")


def db_service(database: str) -> str:
    return f"{database}_db"


def settings_classes(spec: ServiceSpec) -> list[type[ServiceSettingsBase]]:
    """The settings classes in the service package's `config.py` that use its env prefix."""
    package = (spec.module or "").rsplit(".", 1)[0]
    module = importlib.import_module(f"{package}.config")
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, ServiceSettingsBase)
        and cls.__module__ == module.__name__
        and cls.model_config.get("env_prefix") == spec.env_prefix
    ]


def setting_variables(cls: type[ServiceSettingsBase]) -> dict[str, str]:
    """Environment variable (upper case) -> field name, honouring prefix and aliases."""
    prefix = str(cls.model_config.get("env_prefix", ""))
    names: dict[str, str] = {}
    for name, info in cls.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        names[(alias or f"{prefix}{name}").upper()] = name
    return names


def _depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, "service_started")
    return {name: (entry or {}).get("condition", "service_started") for name, entry in raw.items()}


def check_registry_coverage(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    image = model.services.get(BOOTSTRAP, {}).get("image")
    problems = [f"{spec.name}: not in compose" for spec in specs if spec.name not in model.services]
    known = {spec.name for spec in specs} | {BOOTSTRAP, MIGRATE}
    for name, service in model.services.items():
        if service.get("image") == image and name not in known:
            problems.append(f"{name}: runs the HuleEdu image but is no registry service")
    return problems


def _module_problem(name: str, command: Sequence[str], expected: str | None) -> str | None:
    if list(command[:2]) != ["python", "-m"] or len(command) < 3:
        return f"{name}: command {command} is not `python -m MODULE`"
    if expected is not None and command[2] != expected:
        return f"{name}: runs {command[2]}, the registry says {expected}"
    if not _module_exists(command[2]):
        return f"{name}: module {command[2]} does not exist"
    return None


def _module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def _bootstrap_problems(model: ComposeModel) -> list[str]:
    command = model.services.get(BOOTSTRAP, {}).get("command", [])
    problem = _module_problem(BOOTSTRAP, command, kafka_topic_bootstrap.__name__)
    if problem:
        return [problem]
    try:
        with redirect_stderr(StringIO()):
            args = kafka_topic_bootstrap._parse_args(command[3:])
    except SystemExit:
        return [f"{BOOTSTRAP}: arguments {command[3:]} are rejected by the script"]
    if args.bootstrap_servers != KAFKA_BOOTSTRAP_SERVERS:
        return [f"{BOOTSTRAP}: bootstraps {args.bootstrap_servers}, not {KAFKA}"]
    return []


def _migration_problems(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    command = model.services.get(MIGRATE, {}).get("command", [])
    if list(command[:2]) != ["sh", "-ec"] or len(command) != 3:
        return [f"{MIGRATE}: command is not `sh -ec SCRIPT`"]
    problems, migrated = [], set()
    for line in filter(None, (line.strip() for line in command[2].splitlines())):
        match = _ALEMBIC_LINE.fullmatch(" ".join(shlex.split(line)))
        if match is None:
            problems.append(f"{MIGRATE}: unexpected step {line!r}")
        elif not (ROOT / match["ini"]).is_file():
            problems.append(f"{MIGRATE}: {match['ini']} does not exist")
        else:
            migrated.add((ROOT / match["ini"]).parent.resolve())
    wanted = {spec.alembic_dir.resolve() for spec in specs if spec.alembic_dir}
    problems += [f"{MIGRATE}: does not migrate {path.name}" for path in wanted - migrated]
    return problems


def check_commands(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    problems = _bootstrap_problems(model) + _migration_problems(model, specs)
    for spec in specs:
        command = model.services.get(spec.name, {}).get("command", [])
        problem = _module_problem(spec.name, command, spec.module)
        problems += [problem] if problem else []
    return problems


def _allowed_variables(spec: ServiceSpec) -> set[str]:
    return {var for cls in settings_classes(spec) for var in setting_variables(cls)}


def check_environment_names(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    problems = []
    for spec in specs:
        allowed = _allowed_variables(spec)
        for variable in environment(model.services.get(spec.name, {})):
            if variable.upper() not in allowed:
                problems.append(f"{spec.name}: {variable} is no setting of {spec.env_prefix}*")
    database_urls = {f"{spec.env_prefix}DATABASE_URL" for spec in specs if spec.database}
    for variable in environment(model.services.get(MIGRATE, {})):
        if variable not in database_urls:
            problems.append(f"{MIGRATE}: {variable} is no service's database URL")
    return problems


def _settings_errors(cls: type[ServiceSettingsBase], env: Mapping[str, str]) -> str | None:
    # Settings read os.environ: give them exactly the container's environment.
    with mock.patch.dict(os.environ, env, clear=True):
        try:
            cls()
        except ValidationError as exc:
            return f"{cls.__name__}: {exc.error_count()} invalid values: {exc}"
    return None


def check_settings_load(
    model: ComposeModel, specs: Sequence[ServiceSpec], values: Mapping[str, str]
) -> list[str]:
    problems = []
    for spec in specs:
        raw = environment(model.services.get(spec.name, {}))
        env = {key: interpolate(value, values) for key, value in raw.items()}
        for cls in settings_classes(spec):
            error = _settings_errors(cls, env)
            problems += [f"{spec.name}: {error}"] if error else []
    return problems


def _port_problems(spec: ServiceSpec, service: Mapping[str, Any]) -> Iterator[str]:
    env = environment(service)
    if env.get(f"{spec.env_prefix}HTTP_PORT") != str(spec.port):
        yield f"{spec.name}: {spec.env_prefix}HTTP_PORT is not {spec.port}"
    if [str(port) for port in service.get("expose", [])] != [str(spec.port)]:
        yield f"{spec.name}: expose is not [{spec.port}]"
    for published in service.get("ports", []):
        if str(published).rsplit(":", 1)[-1] != str(spec.port):
            yield f"{spec.name}: publishes {published}, not container port {spec.port}"
    test = " ".join(str(part) for part in (service.get("healthcheck") or {}).get("test", []))
    match = _HEALTH_URL.search(test)
    expected = f"http://127.0.0.1:{spec.port}{spec.health_path}"
    if match is None or match["url"] != expected:
        yield f"{spec.name}: health check does not request {expected}"


def check_ports(model: ComposeModel, specs: Sequence[ServiceSpec]) -> list[str]:
    problems = []
    for spec in specs:
        problems += list(_port_problems(spec, model.services.get(spec.name, {})))
    return problems


def check_dependency_targets(model: ComposeModel) -> list[str]:
    problems = []
    one_shots = {BOOTSTRAP, MIGRATE}
    for name, service in model.services.items():
        for target, condition in _depends_on(service).items():
            if target not in model.services:
                problems.append(f"{name}: depends on {target}, which does not exist")
            elif condition != (COMPLETED if target in one_shots else HEALTHY):
                problems.append(f"{name}: waits for {target} with {condition}")
            elif condition == HEALTHY and "healthcheck" not in model.services[target]:
                problems.append(f"{name}: waits for {target} to be healthy; it has no check")
    return problems


def check_volumes(model: ComposeModel) -> list[str]:
    problems = []
    for name, service in model.services.items():
        for mount in service.get("volumes", []):
            source = mount.get("source") if isinstance(mount, dict) else mount.split(":")[0]
            named = source and not source.startswith((".", "/", "~"))
            if named and source not in model.volumes:
                problems.append(f"{name}: volume {source} is not declared")
    return problems


def _needs(spec: ServiceSpec) -> dict[str, str]:
    """Compose services `spec` must wait for, with the condition."""
    needs: dict[str, str] = {}
    if spec.database:
        needs |= {db_service(spec.database): HEALTHY, MIGRATE: COMPLETED}
    if spec.uses_redis:
        needs[REDIS] = HEALTHY
    if spec.uses_kafka:
        needs |= {KAFKA: HEALTHY, BOOTSTRAP: COMPLETED}
    return needs


def check_infrastructure_dependencies(
    model: ComposeModel, specs: Sequence[ServiceSpec]
) -> list[str]:
    problems = []
    wanted = {MIGRATE: {db_service(s.database): HEALTHY for s in specs if s.database}}
    wanted[BOOTSTRAP] = {KAFKA: HEALTHY}
    wanted |= {spec.name: _needs(spec) for spec in specs}
    for name, needs in wanted.items():
        depends = _depends_on(model.services.get(name, {}))
        for target, condition in needs.items():
            if depends.get(target) != condition:
                problems.append(f"{name}: must wait for {target} ({condition})")
    return problems
