"""Alembic environment of the Batch Orchestrator Service."""

from huleedu_service_libs.db import run_alembic_migrations
from services.batch_orchestrator_service.config import SERVICE_NAME
from services.batch_orchestrator_service.models_db import Base

run_alembic_migrations(Base.metadata, service_name=SERVICE_NAME, url_env_vars=("BOS_DATABASE_URL",))
