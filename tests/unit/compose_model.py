"""The docker compose files as data: loading with `include`, interpolation, `.env` files.

Only what the deployment tests need, following the Compose specification: `include` merges the
services and volumes of the listed files; `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
`${VAR:?message}`, `${VAR?message}` and `$$` are interpolated.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)


class MissingVariableError(ValueError):
    """A `${VAR:?message}` variable has no value."""


@dataclass
class ComposeModel:
    """The services and named volumes of a compose file and of every file it includes."""

    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    volumes: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)

    def copy(self) -> ComposeModel:
        return copy.deepcopy(self)


def read_yaml(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a YAML mapping")
    return data


def load_compose(path: Path = COMPOSE_FILE) -> ComposeModel:
    """Parse `path` and the files it includes into one model."""
    model = ComposeModel()
    _merge_file(model, path)
    return model


def _merge_file(model: ComposeModel, path: Path) -> None:
    data = read_yaml(path)
    model.files.append(path)
    for entry in data.get("include", []):
        included = entry if isinstance(entry, str) else entry["path"]
        _merge_file(model, path.parent / included)
    for name, service in (data.get("services") or {}).items():
        if name in model.services:
            raise ValueError(f"{path}: service {name!r} is defined twice")
        model.services[name] = service
    model.volumes |= set(data.get("volumes") or {})


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's `environment` (map or list form) with every value as a string."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) if "=" in item else (item, "") for item in raw)
    return {str(key): _as_text(value) for key, value in raw.items()}


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def variables(text: str) -> list[tuple[str, str]]:
    """`(name, operator)` of each `${...}` in `text`; operator is '', '-', ':-', '?' or ':?'."""
    return [
        (match["name"], match["op"] or "")
        for match in _VARIABLE.finditer(text)
        if match["name"] is not None
    ]


def interpolate(text: str, values: Mapping[str, str]) -> str:
    """`text` with every variable replaced as compose does; raises on a missing required one."""

    def replace(match: re.Match[str]) -> str:
        if match["name"] is None:
            return "$"
        name, op, arg = match["name"], match["op"] or "", match["arg"] or ""
        value = values.get(name)
        unset = value is None or (op.startswith(":") and value == "")
        if not unset:
            return str(value)
        if op.endswith("?"):
            raise MissingVariableError(f"{name}: {arg}")
        return arg if op.endswith("-") else ""

    return _VARIABLE.sub(replace, text)


def read_env_file(path: Path = ENV_EXAMPLE) -> dict[str, str]:
    """`KEY=VALUE` lines of a compose `.env` file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise ValueError(f"{path}: not KEY=VALUE: {line!r}")
        values[key.strip()] = value.strip().strip("\"'")
    return values


def all_strings(node: object) -> list[str]:
    """Every string scalar inside a parsed YAML node."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, Mapping):
        return [text for value in node.values() for text in all_strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in all_strings(value)]
    return []
