"""Alembic environment of the File Service."""

from huleedu_service_libs.db import run_alembic_migrations
from services.file_service.models_db import Base

run_alembic_migrations(
    Base.metadata,
    service_name="file_service",
    url_env_vars=("FILE_DATABASE_URL",),
)
