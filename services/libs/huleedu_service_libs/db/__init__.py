"""Database helpers: engine and sessions, infrastructure tables, alembic environment.

The alembic helpers are imported lazily: a service process that only needs an engine does not
pay for importing alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from huleedu_service_libs.db.engine import (
    OUTBOX_PENDING_INFO_KEY,
    create_async_engine_from_settings,
    create_sessionmaker,
)
from huleedu_service_libs.db.tables import (
    infrastructure_tables,
    outbox_table,
    processed_events_table,
)

if TYPE_CHECKING:
    from huleedu_service_libs.db.migrations import (
        MigrationConfigError,
        run_alembic_migrations,
        version_table_name,
    )

_MIGRATION_NAMES = frozenset(
    {"MigrationConfigError", "run_alembic_migrations", "version_table_name"}
)

__all__ = [
    "OUTBOX_PENDING_INFO_KEY",
    "MigrationConfigError",
    "create_async_engine_from_settings",
    "create_sessionmaker",
    "infrastructure_tables",
    "outbox_table",
    "processed_events_table",
    "run_alembic_migrations",
    "version_table_name",
]


def __getattr__(name: str) -> Any:
    if name in _MIGRATION_NAMES:
        from huleedu_service_libs.db import migrations

        return getattr(migrations, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
