"""The documentation that operators rely on stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from scripts import settings_doc

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_page_matches_the_settings_classes() -> None:
    current = settings_doc.DOC_PATH.read_text(encoding="utf-8")
    assert current == settings_doc.render(), "run: .venv/bin/python -m scripts.settings_doc"


def test_every_service_settings_class_is_documented_with_its_prefix() -> None:
    page = settings_doc.render()
    for cls in settings_doc.settings_classes():
        prefix = str(cls.model_config.get("env_prefix", ""))
        assert prefix.endswith("_"), f"{cls.__name__} needs an env prefix"
        assert f"`{prefix}DATABASE_URL`" in page or cls.model_fields["database_url"] is not None


def test_readme_shows_the_two_commands_first() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands[:2] == ["make demo", "make test"]


def test_ci_runs_make_test() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
