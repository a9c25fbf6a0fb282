"""Alembic environment of the Essay Lifecycle Service (API and worker share the database)."""

from huleedu_service_libs.db import run_alembic_migrations
from services.essay_lifecycle_service.models_db import Base

run_alembic_migrations(
    Base.metadata,
    service_name="essay_lifecycle_service",
    url_env_vars=("ELS_DATABASE_URL",),
)
