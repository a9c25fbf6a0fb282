"""Alembic environment of the Result Aggregator Service."""

from huleedu_service_libs.db import run_alembic_migrations
from services.result_aggregator_service.config import SERVICE_NAME
from services.result_aggregator_service.models_db import Base

run_alembic_migrations(Base.metadata, service_name=SERVICE_NAME, url_env_vars=("RAS_DATABASE_URL",))
