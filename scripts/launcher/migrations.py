"""Run one service's alembic migrations (`alembic upgrade head`) with the service's env."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path

_MIGRATION_TIMEOUT_S = 120.0
_OUTPUT_TAIL_LINES = 30


class MigrationError(RuntimeError):
    """`alembic upgrade head` failed; the message carries alembic's output tail."""


async def run_migrations(name: str, alembic_dir: Path, env: Mapping[str, str]) -> None:
    ini = alembic_dir / "alembic.ini"
    if not ini.is_file():
        raise MigrationError(f"{name}: no alembic.ini in {alembic_dir}")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alembic", "-c", str(ini), "upgrade", "head",
        cwd=alembic_dir,
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        output, _ = await asyncio.wait_for(process.communicate(), _MIGRATION_TIMEOUT_S)
    except TimeoutError as exc:
        process.kill()
        await process.wait()
        raise MigrationError(
            f"{name}: migrations still running after {_MIGRATION_TIMEOUT_S}s"
        ) from exc
    if process.returncode != 0:
        tail = "\n".join(output.decode(errors="replace").splitlines()[-_OUTPUT_TAIL_LINES:])
        raise MigrationError(f"{name}: alembic upgrade head failed ({process.returncode}):\n{tail}")
