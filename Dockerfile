# One image for every HuleEdu process; each compose service picks its command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PDM_CHECK_UPDATE=false

WORKDIR /app
COPY .ci/pdm-requirements.txt /tmp/pdm-requirements.txt
RUN pip install --no-cache-dir -r /tmp/pdm-requirements.txt

COPY pyproject.toml pdm.lock README.md ./
COPY common_core/pyproject.toml common_core/pyproject.toml
COPY services/libs/pyproject.toml services/libs/pyproject.toml
COPY . .
RUN pdm sync --prod --no-editable --group :all \
    && useradd --create-home --uid 10001 huleedu \
    && chown -R huleedu:huleedu /app

USER huleedu
ENV PATH="/app/.venv/bin:${PATH}"
CMD ["huleedu", "--help"]
