# One image for every HuleEdu process; each compose service picks its command
# (`python -m services.<name>.app`, the ELS worker, the topic bootstrap, alembic).

# --- build: the locked environment, made by the pinned PDM -------------------------------------
FROM python:3.11-slim AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PDM_CHECK_UPDATE=false \
    PDM_CACHE_DIR=/tmp/pdm-cache

COPY .ci/pdm-requirements.txt /tmp/pdm-requirements.txt
RUN python -m venv /opt/pdm \
    && /opt/pdm/bin/pip install --no-cache-dir -r /tmp/pdm-requirements.txt

WORKDIR /app
# Only what the dependency install reads, so this layer is rebuilt only when the lock or the
# local libraries change, not for every service edit.
COPY pyproject.toml pdm.lock README.md ./
COPY common_core common_core
COPY services/libs services/libs
# Production dependencies plus the `local` group (common_core, huleedu_service_libs) built as
# regular wheels; the `dev` group (pytest, ruff, mypy ...) is left out. The project itself is
# not installed: the services run from /app on PYTHONPATH. `lock --check` refuses a stale lock.
RUN /opt/pdm/bin/pdm lock --check \
    && python -m venv /app/.venv \
    && /opt/pdm/bin/pdm use --quiet --first /app/.venv/bin/python \
    && /opt/pdm/bin/pdm sync --group local --no-editable --no-self --fail-fast \
    && rm -rf /tmp/pdm-cache

# --- runtime: the environment and the sources, run by an unprivileged user --------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PATH="/app/.venv/bin:${PATH}" \
    SPELL_DATA_DIR=/var/lib/huleedu/spellchecker_service

RUN useradd --create-home --uid 10001 --user-group huleedu \
    && install -d -o huleedu -g huleedu /var/lib/huleedu/spellchecker_service

WORKDIR /app
COPY --from=build /app/.venv /app/.venv
COPY services services
COPY scripts scripts
# Compiled once here: the services cannot write bytecode into the root-owned tree at runtime.
RUN python -m compileall -q /app

# The sources stay owned by root (read-only for the services); only the data folder is writable.
USER huleedu
