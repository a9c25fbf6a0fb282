"""Generate docs/configuration.md from the settings classes of every service.

    python -m scripts.settings_doc           # rewrite docs/configuration.md
    python -m scripts.settings_doc --check   # exit 1 when the file is out of date

Every service keeps its settings in `services/<name>/config.py` as a subclass of
`ServiceSettingsBase` with its own env prefix; this page lists each field's environment
variable, type, default and description, so operators never have to read code.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

from pydantic import SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from huleedu_service_libs.config import ServiceSettingsBase

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DOC_PATH = PROJECT_ROOT / "docs" / "configuration.md"

HEADER = """# Configuration

Every HuleEdu process is configured through environment variables only. Each service reads its
settings with its own prefix; the launcher (`huleedu up`, `make demo`, the test fixtures) sets
them for a local stack, and `docker-compose.services.yml` sets them for an operator deployment.

This page is generated from the settings classes by `python -m scripts.settings_doc`; a test
fails when it is out of date.
"""


def settings_classes() -> Iterator[type[ServiceSettingsBase]]:
    """The settings class defined in each `services/<name>/config.py`, sorted by module."""
    for config_path in sorted((PROJECT_ROOT / "services").glob("*/config.py")):
        module = importlib.import_module(f"services.{config_path.parent.name}.config")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, ServiceSettingsBase) and cls.__module__ == module.__name__:
                yield cls


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "*(required)*"
    if field.default_factory is not None:
        return "*(computed)*"
    value = field.default
    if isinstance(value, SecretStr):
        return '`""` *(secret)*' if not value.get_secret_value() else "*(secret)*"
    if isinstance(value, tuple | list):
        value = ",".join(str(item) for item in value)
    if value is None:
        return "*(unset)*"
    if isinstance(value, Path) and value.is_relative_to(PROJECT_ROOT):
        value = f"<project>/{value.relative_to(PROJECT_ROOT)}"
    return f"`{value}`"


def _type_name(field: FieldInfo) -> str:
    annotation = field.annotation
    name = getattr(annotation, "__name__", None) or str(annotation)
    return name.replace("typing.", "").replace("|", "\\|")


def _section(cls: type[BaseSettings]) -> list[str]:
    prefix = str(cls.model_config.get("env_prefix", ""))
    title = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
    lines = [f"## {cls.__name__} (`{prefix}*`)", "", title, ""]
    lines += ["| variable | type | default | description |", "|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        description = (field.description or "").replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| `{prefix}{name.upper()}` | {_type_name(field)} | {_default(field)} "
            f"| {description} |"
        )
    return [*lines, ""]


def render() -> str:
    lines = [HEADER]
    classes = list(settings_classes())
    if not classes:
        lines.append("No service exists yet.\n")
    for cls in classes:
        lines += _section(cls)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the doc is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date: run python -m scripts.settings_doc", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
