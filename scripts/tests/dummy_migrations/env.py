"""Alembic environment of the test-only dummy service: its URL comes from the service env."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, version_table="dummy_alembic_version")
    with context.begin_transaction():
        context.run_migrations()


async def _run() -> None:
    engine = create_async_engine(os.environ["DUMMY_DATABASE_URL"])
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate)
            await connection.commit()
    finally:
        await engine.dispose()


asyncio.run(_run())
