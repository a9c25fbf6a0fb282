"""The Dockerfile builds the locked production environment and runs it unprivileged.

There is no Docker engine here, so these checks keep the file's essentials from drifting: the base
image, the unprivileged user, the PDM flags and what goes into the build context and the image.
"""

from __future__ import annotations

import shlex
import tomllib

from tests.unit.compose_model import ROOT, load_compose

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def _runtime_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (op, _) in enumerate(instructions) if op == "FROM")
    return instructions[last_from:]


def _pdm_sync_args() -> list[str]:
    runs = [args for op, args in _instructions() if op == "RUN" and "pdm sync" in args]
    assert len(runs) == 1, "expected one `pdm sync`"
    step = next(part for part in runs[0].split("&&") if "pdm sync" in part)
    return shlex.split(step)[2:]


def test_every_stage_is_python_311_slim() -> None:
    bases = [args.split()[0] for op, args in _instructions() if op == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases), bases


def test_the_services_run_as_an_unprivileged_user() -> None:
    users = [args.strip() for op, args in _runtime_stage() if op == "USER"]
    assert users, "the runtime stage sets no USER"
    assert users[-1] not in {"root", "0"}


def test_pdm_installs_production_and_local_libraries_non_editable_from_the_lock() -> None:
    args = _pdm_sync_args()
    groups = {args[i + 1] for i, arg in enumerate(args[:-1]) if arg in {"-G", "--group"}}
    assert groups == {"local"}, args
    assert "--no-editable" in args
    assert not {"--dev", "-d", "--prod", "--no-default"} & set(args), args
    assert any(op == "RUN" and "pdm lock --check" in run for op, run in _instructions())


def test_the_local_group_holds_the_monorepo_libraries_and_is_locked() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    local = pyproject["tool"]["pdm"]["dev-dependencies"]["local"]
    assert any("common_core" in entry for entry in local)
    assert any("services/libs" in entry for entry in local)
    lock = tomllib.loads((ROOT / "pdm.lock").read_text(encoding="utf-8"))
    assert "local" in lock["metadata"]["groups"]


def test_the_image_holds_every_module_compose_runs() -> None:
    copied = {args.split()[-1].rstrip("/") for op, args in _runtime_stage() if op == "COPY"}
    for name, service in load_compose().services.items():
        command = [str(part) for part in service.get("command", [])]
        if command[:2] == ["python", "-m"]:
            assert command[2].split(".")[0] in copied, f"{name}: {command[2]} not in the image"


def test_dockerignore_keeps_local_state_out_of_the_build_context() -> None:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    ignored = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    assert {".git", ".venv", ".tools", ".huleedu", ".pdm-python", ".env"} <= ignored
    assert {"**/__pycache__", ".mypy_cache", ".ruff_cache", "**/.pytest_cache"} <= ignored
    sources = [
        source
        for op, args in _instructions()
        if op == "COPY" and "--from" not in args
        for source in args.split()[:-1]
    ]
    assert not [path for path in sources if path.split("/")[0] in ignored], sources
