"""Every service's migrations against a fresh database: they build exactly the service's models
(`alembic check` finds no difference) and downgrade to nothing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg
import pytest

from scripts.launcher.infra import InfraUrls, asyncpg_dsn
from scripts.launcher.service_registry import SERVICES

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATED = sorted({spec.alembic_dir for spec in SERVICES if spec.alembic_dir is not None})


async def _alembic(alembic_dir: Path, url: str, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "alembic", "-c", str(alembic_dir / "alembic.ini"),
        "-x", f"database_url={url}", *args,
        cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), 120)
    text = output.decode(errors="replace")
    assert process.returncode == 0, f"alembic {' '.join(args)} failed:\n{text}"
    return text


async def _table_names(url: str) -> set[str]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await connection.close()
    return {row["tablename"] for row in rows}


@pytest.mark.parametrize("alembic_dir", MIGRATED, ids=lambda path: path.name)
async def test_migrations_match_models_and_reverse_cleanly(
    infra: InfraUrls, alembic_dir: Path, unique_id: str
) -> None:
    url = await infra.create_database(f"t_mig_{unique_id[:16]}")

    await _alembic(alembic_dir, url, "upgrade", "head")
    assert {"processed_events", "event_outbox"} <= await _table_names(url)
    # Raises (non-zero exit) when the migrated schema differs from the service's models.
    await _alembic(alembic_dir, url, "check")

    await _alembic(alembic_dir, url, "downgrade", "base")
    remaining = await _table_names(url)
    assert all(name.startswith("alembic_version_") for name in remaining), remaining
