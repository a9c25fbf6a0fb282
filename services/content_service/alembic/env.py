"""Alembic environment of the Content Service."""

from huleedu_service_libs.db import run_alembic_migrations
from services.content_service.models_db import Base

run_alembic_migrations(
    Base.metadata,
    service_name="content_service",
    url_env_vars=("CONTENT_DATABASE_URL",),
)
