"""`InfraUrls`: where a stack's Kafka, Redis and PostgreSQL are, and database creation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

_DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class InvalidDatabaseNameError(ValueError):
    """Database names are restricted to lowercase identifiers so they never need quoting."""


def with_database(url: str, database: str) -> str:
    """`url` pointing at `database` instead; the query (e.g. a socket `host=`) is kept verbatim."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy `postgresql+asyncpg://` URL as a plain libpq/asyncpg DSN."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def check_database_name(name: str) -> str:
    if not _DATABASE_NAME.match(name):
        raise InvalidDatabaseNameError(
            f"invalid database name {name!r}: use lowercase letters, digits and _ (max 63)"
        )
    return name


@dataclass(frozen=True)
class InfraUrls:
    """Connection URLs of the three servers of one stack."""

    kafka_bootstrap: str
    redis_url: str
    postgres_admin_url: str

    def database_url(self, db_name: str) -> str:
        return with_database(self.postgres_admin_url, check_database_name(db_name))

    async def create_database(self, db_name: str) -> str:
        """Create `db_name` on this server unless it exists; return its URL."""
        await create_database(self.postgres_admin_url, db_name)
        return self.database_url(db_name)


async def create_database(admin_url: str, db_name: str) -> bool:
    """Create `db_name` if missing; True when this call created it."""
    import asyncpg

    check_database_name(db_name)
    connection = await asyncpg.connect(asyncpg_dsn(admin_url))
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db_name)
        if exists:
            return False
        try:
            # The name is validated above: identifiers cannot be bound as parameters.
            await connection.execute(f'CREATE DATABASE "{db_name}"')
        except asyncpg.DuplicateDatabaseError:
            return False
        return True
    finally:
        await connection.close()
