"""Alembic environment helper: one alembic environment per service, its own version table.

Set a service up like this (once per service)::

    services/<svc>/alembic.ini        # [alembic] script_location = %(here)s/alembic
    services/<svc>/alembic/env.py
    services/<svc>/alembic/script.py.mako
    services/<svc>/alembic/versions/

with `env.py` reduced to::

    from huleedu_service_libs.db import run_alembic_migrations
    from services.<svc>.models import metadata   # the service's MetaData; it must include
                                                 # infrastructure_tables(metadata)

    run_alembic_migrations(metadata, service_name="<svc>", url_env_vars=("<SVC>_DATABASE_URL",))

Then `DATABASE_URL=... alembic -c services/<svc>/alembic.ini upgrade head` (or the service's
own prefixed variable, or `-x database_url=...`) migrates that service's database, recording the
revision in `alembic_version_<svc>`. `alembic revision --autogenerate` compares against the
service's `MetaData`. Programmatic callers that already hold a connection (tests, the launcher)
can pass it as `config.attributes["connection"]` (a sync `Connection`, e.g. inside
`AsyncConnection.run_sync`); the helper then migrates on that connection.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence

from alembic import context
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

DEFAULT_URL_ENV_VARS: tuple[str, ...] = ("DATABASE_URL",)


class MigrationConfigError(RuntimeError):
    """No database URL could be found for an alembic run."""


def version_table_name(service_name: str) -> str:
    """The alembic version table of a service: `alembic_version_<service>`."""
    return f"alembic_version_{service_name}"


def run_alembic_migrations(
    target_metadata: MetaData,
    *,
    service_name: str,
    url_env_vars: Sequence[str] = (),
) -> None:
    """Run the current alembic command (called from a service's `alembic/env.py`)."""
    version_table = version_table_name(service_name)
    connection = context.config.attributes.get("connection")
    if isinstance(connection, Connection):
        _migrate_on_connection(connection, target_metadata, version_table)
        return
    url = resolve_database_url((*url_env_vars, *DEFAULT_URL_ENV_VARS))
    if context.is_offline_mode():
        _run_offline(url, target_metadata, version_table)
    else:
        asyncio.run(_run_online(url, target_metadata, version_table))


def resolve_database_url(env_vars: Sequence[str]) -> str:
    """URL from `-x database_url=...`, then the given env variables, then `sqlalchemy.url`."""
    x_args = context.get_x_argument(as_dictionary=True)
    candidates = [x_args.get("database_url")]
    candidates += [os.environ.get(name) for name in env_vars]
    candidates.append(context.config.get_main_option("sqlalchemy.url"))
    for candidate in candidates:
        if candidate:
            return candidate
    tried = ", ".join(["-x database_url", *env_vars, "sqlalchemy.url"])
    raise MigrationConfigError(f"no database URL for alembic; set one of: {tried}")


def _run_offline(url: str, target_metadata: MetaData, version_table: str) -> None:
    context.configure(
        url=url,
        target_metadata=target_metadata,
        version_table=version_table,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, target_metadata: MetaData, version_table: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate_on_connection, target_metadata, version_table)
            await connection.commit()
    finally:
        await engine.dispose()


def _migrate_on_connection(
    connection: Connection, target_metadata: MetaData, version_table: str
) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=version_table,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
