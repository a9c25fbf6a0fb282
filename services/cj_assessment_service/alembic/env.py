"""Alembic environment of the CJ Assessment Service."""

from huleedu_service_libs.db import run_alembic_migrations
from services.cj_assessment_service.models_db import Base

run_alembic_migrations(
    Base.metadata,
    service_name="cj_assessment_service",
    url_env_vars=("CJ_DATABASE_URL",),
)
